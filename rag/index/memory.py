"""What the catalog remembers besides articles: the files it read, and what users deleted.

File digests let an ingest skip unchanged files without reading them; deletions keep a text
(and a web article's URL) a user deleted from coming back with a sync or a copy.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from rag.index.sqlite import SqliteFile


class Memory:
    """The catalog's ``files`` and ``deleted`` tables.

    Args:
        file: the catalog's SQLite file.
    """

    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def file_digests(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """``path -> (bytes digest, doc ids)`` of files whose articles are all indexed."""
        rows = self._file.rows("SELECT path, digest, doc_id FROM files ORDER BY path, doc_id")
        out: dict[str, tuple[str, tuple[str, ...]]] = {}
        for r in rows:
            digest, ids = out.get(r[0], (r[1], ()))
            # A file rewritten between runs can leave rows with two digests: never skip it.
            out[r[0]] = (digest if digest == r[1] else "", (*ids, r[2]))
        return out

    def set_file_digests(self, rows: dict[str, tuple[str, str]]) -> None:
        """Record ``doc_id -> (path, digest)`` for files read cleanly in this run."""
        self._file.executemany(
            "INSERT OR REPLACE INTO files VALUES (?,?,?)",
            [(d, path, digest) for d, (path, digest) in rows.items()],
        )

    def deleted_texts(self) -> set[str]:
        """Hashes (`text_hash`) of article texts that users deleted."""
        return {r[0] for r in self._file.rows("SELECT text_hash FROM deleted")}

    def deleted_ids(self) -> set[str]:
        """Doc ids of articles that users deleted (a web article is its URL: a later edit of
        the page must not bring it back)."""
        return {
            r[0] for r in self._file.rows("SELECT doc_id FROM deleted WHERE doc_id IS NOT NULL")
        }

    def deleted_pairs(self) -> list[tuple[str, str]]:
        """``(text_hash, doc_id)`` of every deletion (a migration moves them)."""
        return [(r[0], r[1]) for r in self._file.rows("SELECT text_hash, doc_id FROM deleted")]

    def remember(self, text_hash: str, doc_id: str) -> None:
        """Record a deletion made elsewhere (another replica of a server home)."""
        self._file.executemany("INSERT OR IGNORE INTO deleted VALUES (?, ?, ?)",
                               [(text_hash, doc_id, time.time())])  # fmt: skip

    def undelete_texts(self, hashes: Iterable[str]) -> None:
        """Forget deletions of these texts (the user explicitly added them again)."""
        self._file.executemany("DELETE FROM deleted WHERE text_hash=?", [(h,) for h in hashes])
