"""One SQLite file shared by threads: the catalog's and the sources' connection setup."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class SqliteFile:
    """A WAL-mode SQLite file with ``schema`` applied, its connection guarded by one lock.

    Args:
        path: the file (its folder is created).
        schema: SQL run at open (``CREATE ... IF NOT EXISTS``).
    """

    def __init__(self, path: Path, schema: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.executescript(schema)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _rows(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    def rows(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Run one statement and return its rows (for the tables that share this file)."""
        return self._rows(sql, args)

    def rows_in(self, sql: str, ids: list[Any]) -> list[sqlite3.Row]:
        """Rows of ``sql`` whose ``{marks}`` is an ``IN`` list of ``ids``, 500 ids a query:
        SQLite caps bound parameters (32,766), and a cold worker's first run asked for the
        texts of 280,000 articles at once."""
        rows: list[sqlite3.Row] = []
        for i in range(0, len(ids), 500):
            batch = ids[i : i + 500]
            rows += self._rows(sql.format(marks=",".join("?" * len(batch))), batch)
        return rows

    def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        """Run one statement per row; inside a transaction of this file it joins it."""
        with self._lock:
            self._db.executemany(sql, [tuple(r) for r in rows])
