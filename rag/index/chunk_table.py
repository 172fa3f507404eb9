"""The catalog's chunks as BM25 reads them: their terms, and which articles changed when.

A part of the `Catalog` (its SQLite file, connection and lock). Every chunk row carries the
catalog generation that wrote it, and every removal of an article is logged with its own, so
an index stamped with generation G finds what changed since by two indexed lookups instead
of reading every chunk (at a million chunks that read took seconds on each new article).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rag.index.sqlite import SqliteFile

Row = tuple[str, str, str, int]  # (chunk_id, doc_id, space-joined terms, generation)
_COLUMNS = "SELECT chunk_id, doc_id, terms, gen FROM chunks"


class ChunkTable:
    """BM25 terms of the catalog's chunks, and the change log of its articles.

    Args:
        file: the catalog's SQLite file.
    """

    def __init__(self, file: SqliteFile) -> None:
        self._file = file
        file.rows("CREATE INDEX IF NOT EXISTS chunks_gen ON chunks(gen)")
        if file.rows("SELECT 1 FROM meta WHERE key='removals_from'") == []:
            # Removals before this log existed are unknown: changes since an older
            # generation are read the slow way (`changed_docs` says None).
            gen = file.rows("SELECT value FROM meta WHERE key='generation'")[0][0]
            file.rows("INSERT OR IGNORE INTO meta VALUES ('removals_from', ?)", [str(gen)])

    def terms(self, chunk_ids: list[str] | None = None) -> list[Row]:
        """Rows of some chunks (default: all), ordered by article and position."""
        sql = _COLUMNS.replace(" FROM", ", start FROM")
        if chunk_ids is None:
            rows = self._file.rows(sql)
        else:
            rows = self._file.rows_in(sql + " WHERE chunk_id IN ({marks})", chunk_ids)
        rows.sort(key=lambda r: (r[1], r[4]))
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def of_docs(self, doc_ids: Iterable[str]) -> list[Row]:
        """Rows of every chunk of these articles."""
        rows = self._file.rows_in(_COLUMNS + " WHERE doc_id IN ({marks})", sorted(set(doc_ids)))
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def pages(self, page: int = 20000) -> Iterator[Row]:
        """Every chunk's row, a page at a time in chunk id order: a replica's BM25 is built from
        a million chunks without holding all of their terms at once."""
        sql = f"{_COLUMNS} WHERE chunk_id > ? ORDER BY chunk_id LIMIT ?"
        after = ""
        while rows := self._file.rows(sql, [after, page]):
            yield from ((r[0], r[1], r[2], r[3]) for r in rows)
            after = rows[-1][0]

    def generations(self) -> dict[str, int]:
        """``chunk_id -> generation that wrote it``, of every chunk."""
        return {r[0]: r[1] for r in self._file.rows("SELECT chunk_id, gen FROM chunks")}

    def log_removals(self, doc_ids: list[str], generation: int) -> None:
        """Note removed articles (inside the catalog's transaction that removes them)."""
        self._file.executemany("INSERT INTO removals VALUES (?, ?)",
                               [(d, generation) for d in doc_ids])  # fmt: skip

    def changed_docs(self, since: int) -> set[str] | None:
        """Articles written or removed after generation ``since``; None when the log does not
        reach back that far."""
        start = self._file.rows("SELECT value FROM meta WHERE key='removals_from'")
        if not start or since < int(start[0][0]):
            return None
        # Not DISTINCT: SQLite then scans every chunk by article (0.7 s at 1M) instead of
        # searching the generation index.
        written = self._file.rows("SELECT doc_id FROM chunks WHERE gen > ?", [since])
        removed = self._file.rows("SELECT doc_id FROM removals WHERE gen > ?", [since])
        return {r[0] for r in written} | {r[0] for r in removed}
