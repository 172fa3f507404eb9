"""The local catalog (SQLite): articles, their chunks and a generation counter.

The catalog is the ingest's commit point: an article is recorded here only after its vectors
are in Chroma, so a crash between the two makes the next run redo that article.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rag.index.chunk_table import ChunkTable
from rag.index.memory import Memory
from rag.index.schema import SCHEMA
from rag.index.sentences import SentenceTable
from rag.index.sqlite import SqliteFile
from rag.index.story_table import StoryTable
from rag.records import Article, Chunk


def text_hash(text: str) -> str:
    """Identity of an article's text alone (metadata aside), for remembering deletions."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


DOC_FIELDS = (
    "doc_id", "root", "source", "title", "date", "url", "author", "publisher", "hash", "fetched",
)  # fmt: skip
_DOC_COLUMNS = (*DOC_FIELDS, "text", "n_chunks", "text_hash")


class Catalog(SqliteFile):
    """SQLite file with one row per article and per chunk; safe to share between threads.

    Its story table (``catalog.stories``), sentence vectors (``catalog.sentences``), chunk terms
    and change log (``catalog.chunk_table``) and what it remembers of files and deletions
    (``catalog.memory``) live in the same file; stories and sentences are written in the same
    transaction as their articles.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path, SCHEMA)
        self.stories = StoryTable(self)
        self.sentences = SentenceTable(self)
        self.memory = Memory(self)
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(chunks)")}
        if "gen" not in columns:  # catalogs written before BM25 became incremental
            self._db.execute("ALTER TABLE chunks ADD COLUMN gen INTEGER NOT NULL DEFAULT 0")
        self.chunk_table = ChunkTable(self)
        doc_columns = {r[1] for r in self._db.execute("PRAGMA table_info(documents)")}
        if "fetched" not in doc_columns:  # catalogs written before web sources
            self._db.execute("ALTER TABLE documents ADD COLUMN fetched TEXT")
        if "text_hash" not in doc_columns:  # catalogs that found duplicates by content hash
            self._db.execute("ALTER TABLE documents ADD COLUMN text_hash TEXT")
            rows = self._db.execute("SELECT doc_id, text FROM documents").fetchall()
            self._db.executemany(
                "UPDATE documents SET text_hash=? WHERE doc_id=?",
                [(text_hash(r[1]), r[0]) for r in rows],
            )

    @property
    def generation(self) -> int:
        """Grows on every change, so derived indexes (BM25) can tell they are stale."""
        return int(self._rows("SELECT value FROM meta WHERE key='generation'")[0][0])

    def hashes(self) -> dict[str, str]:
        return {r["doc_id"]: r["hash"] for r in self._rows("SELECT doc_id, hash FROM documents")}

    def text_hash(self, doc_id: str) -> str | None:
        """The `text_hash` of the article indexed as ``doc_id``; None when there is none."""
        rows = self._rows("SELECT text_hash FROM documents WHERE doc_id=?", [doc_id])
        return rows[0][0] if rows else None

    def text_hashes(self) -> dict[str, str]:
        """``doc_id -> text_hash`` (the text alone): the same text under two ids is one."""
        sql = "SELECT doc_id, text_hash FROM documents"
        return {r[0]: r[1] for r in self._rows(sql)}

    def doc_ids_under(self, root: str) -> list[str]:
        return [r[0] for r in self._rows("SELECT doc_id FROM documents WHERE root=?", [root])]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM documents WHERE doc_id=?", [doc_id])
        return dict(rows[0]) if rows else None

    def documents(self) -> list[dict[str, Any]]:
        cols = ", ".join(f'"{c}"' for c in (*DOC_FIELDS, "n_chunks"))
        return [dict(r) for r in self._rows(f"SELECT {cols} FROM documents ORDER BY doc_id")]

    def texts(self, doc_ids: Iterable[str]) -> dict[str, str]:
        sql = "SELECT doc_id, text FROM documents WHERE doc_id IN ({marks})"
        return {r[0]: r[1] for r in self.rows_in(sql, sorted(set(doc_ids)))}

    def is_empty(self) -> bool:
        """True when no article is indexed (one row read, not the whole table)."""
        return not self._rows("SELECT 1 FROM documents LIMIT 1")

    def chunk_count(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM chunks")[0][0])

    def chunk_ids(self, doc_id: str | None = None) -> list[str]:
        if doc_id is None:
            return [r[0] for r in self._rows("SELECT chunk_id FROM chunks")]
        return [r[0] for r in self._rows("SELECT chunk_id FROM chunks WHERE doc_id=?", [doc_id])]

    def chunk_texts(self, doc_id: str) -> list[tuple[str, str, int, int]]:
        """``(chunk_id, text, start, end)`` of an article's chunks, in article order."""
        sql = 'SELECT chunk_id, text, start, "end" FROM chunks WHERE doc_id=? ORDER BY start'
        return [(r[0], r[1], r[2], r[3]) for r in self._rows(sql, [doc_id])]

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Chunk rows joined with their article's metadata, keyed by chunk id."""
        ids = list(chunk_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        sql = (
            'SELECT c.chunk_id, c.doc_id, c.start, c."end", c.text, d.title, d.source, d.date, '
            "d.url, COALESCE(s.story, c.doc_id) AS story FROM chunks c JOIN documents d "
            f"USING (doc_id) LEFT JOIN stories s USING (doc_id) WHERE c.chunk_id IN ({marks})"
        )
        return {r["chunk_id"]: dict(r) for r in self._rows(sql, ids)}

    def filter_doc_ids(
        self, sources: list[str] | None, date_from: str | None, date_to: str | None
    ) -> list[str]:
        """Doc ids whose doc_id/source/url contains one of ``sources``, dated within range.

        Dates are ISO prefixes of any precision (``2023``, ``2023-06``, ``2023-06-01``), each
        standing for a range of days; an article matches when its range overlaps the filter's.
        Undated articles never match a date filter.
        """
        sql, args = "SELECT doc_id FROM documents WHERE 1=1", []
        if sources:
            likes = " OR ".join("(doc_id LIKE ? OR source LIKE ? OR url LIKE ?)" for _ in sources)
            sql += f" AND ({likes})"
            for s in sources:
                args += [f"%{s}%"] * 3
        # "~" sorts after every digit and "-", so "<prefix>~" compares as the last day the
        # prefix covers and the bare prefix as its first: the article's range must end on or
        # after date_from's start and start on or before date_to's end.
        if date_from:
            sql += " AND (date || '~') >= ?"
            args.append(date_from)
        if date_to:
            sql += " AND date <= (? || '~')"
            args.append(date_to)
        return [r[0] for r in self._rows(sql, args)]

    def put(
        self,
        items: list[tuple[Article, str, list[Chunk], list[str]]],
        stories: dict[str, tuple[str, bytes]] | None = None,
        sentences: dict[str, list[tuple[int, int, bytes]]] | None = None,
    ) -> None:
        """Replace articles and their chunks in one transaction.

        Args:
            items: ``(article, root folder, chunks, space-joined BM25 terms per chunk)``.
            stories: ``doc_id -> (story id, MinHash signature bytes)`` of these articles.
            sentences: ``doc_id -> (start, end, vector bytes)`` of their sentences.
        """
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._bump()
                gen = int(self._db.execute("SELECT value FROM meta WHERE key='generation'")
                          .fetchone()[0])  # fmt: skip
                # An article written without chunks leaves no chunk of this generation behind.
                self.chunk_table.log_removals([a.doc_id for a, _, cs, _ in items if not cs], gen)
                for article, root, chunks, chunk_terms in items:
                    self._db.execute("DELETE FROM chunks WHERE doc_id=?", (article.doc_id,))
                    self._db.execute(
                        f"INSERT OR REPLACE INTO documents ({', '.join(_DOC_COLUMNS)}) "
                        f"VALUES ({','.join('?' * len(_DOC_COLUMNS))})",
                        (
                            article.doc_id, root, article.source, article.title, article.date,
                            article.url, article.author, article.publisher,
                            article.content_hash, article.fetched, article.text, len(chunks),
                            text_hash(article.text),
                        ),
                    )  # fmt: skip
                    self._db.executemany(
                        "INSERT INTO chunks VALUES (?,?,?,?,?,?,?)",
                        [
                            (c.chunk_id, c.doc_id, c.start, c.end, c.text, t, gen)
                            for c, t in zip(chunks, chunk_terms, strict=True)
                        ],
                    )
                self.stories.set(stories or {})
                self.sentences.set(sentences or {})
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def remove(self, doc_id: str, forget_text: bool = False) -> None:
        """Delete an article and its chunks in one transaction.

        Args:
            doc_id: the article.
            forget_text: also record its text as deleted by the user, so that a later ingest
                does not bring the same text back under this or another name.
        """
        self.remove_many([doc_id], forget_text)

    def remove_many(self, doc_ids: list[str], forget_text: bool = False) -> None:
        """`remove` for several articles, in one transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._bump()
                gen = int(self._db.execute("SELECT value FROM meta WHERE key='generation'")
                          .fetchone()[0])  # fmt: skip
                self.chunk_table.log_removals(doc_ids, gen)
                for doc_id in doc_ids:
                    if forget_text:
                        row = self._db.execute(
                            "SELECT text FROM documents WHERE doc_id=?", (doc_id,)
                        ).fetchone()
                        if row is not None:
                            self._db.execute(
                                "INSERT OR REPLACE INTO deleted VALUES (?, ?, ?)",
                                (text_hash(row[0]), doc_id, time.time()),
                            )
                    self._db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
                    self._db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
                    self._db.execute("DELETE FROM files WHERE doc_id=?", (doc_id,))
                    self._db.execute("DELETE FROM stories WHERE doc_id=?", (doc_id,))
                    self._db.execute("DELETE FROM sentences WHERE doc_id=?", (doc_id,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _bump(self) -> None:
        self._db.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'"
        )

    def get_meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key=?", [key])
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def mark_all_stale(self) -> None:
        """Make the next ingest re-chunk and re-embed every article it sees."""
        with self._lock:
            self._db.execute("UPDATE documents SET hash=''")
            self._db.execute("DELETE FROM files")

    def mark_stale(self, doc_id: str) -> None:
        """Forget an article's hashes so the next ingest re-reads and re-embeds it."""
        with self._lock:
            self._db.execute("UPDATE documents SET hash='' WHERE doc_id=?", (doc_id,))
            self._db.execute("DELETE FROM files WHERE doc_id=?", (doc_id,))
