"""What the sources know between syncs (SQLite): feeds, their state, and fetched pages.

Validators (ETag / Last-Modified) are stored only after the articles they vouch for are
indexed, so a crash or a failure makes the next sync fetch again rather than skip a page.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rag.errors import FeedError
from rag.index.sqlite import SqliteFile

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT UNIQUE NOT NULL, name TEXT,
    every REAL NOT NULL, added REAL NOT NULL, title TEXT, etag TEXT, last_modified TEXT,
    last_sync REAL, last_ok REAL, last_error TEXT, failures INTEGER NOT NULL DEFAULT 0,
    next_due REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY, doc_id TEXT, feed_id INTEGER, etag TEXT, last_modified TEXT,
    entry_key TEXT, fetched REAL, error TEXT, attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS pages_feed ON pages(feed_id);
"""


@dataclass(frozen=True)
class Feed:
    """A feed the user added and its sync state."""

    id: int
    url: str
    name: str
    every: float  # seconds between syncs
    added: float
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_sync: float | None = None  # last attempt (epoch seconds)
    last_ok: float | None = None
    last_error: str | None = None
    failures: int = 0  # consecutive failed attempts
    next_due: float = 0.0

    def to_dict(self, articles: int | None = None) -> dict[str, Any]:
        """The feed for users (validators left out), with its indexed article count."""
        hidden = ("etag", "last_modified")
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in hidden}
        return {**out, "articles": articles}


# Failed attempts at a page before a sync stops asking for it (until its feed item changes).
PAGE_ATTEMPTS = 3


def check_feed_state(fields: dict[str, Any]) -> None:
    """Raise ValueError unless ``fields`` are sync-state fields of a `Feed` (both stores)."""
    bad = set(fields) - (set(Feed.__dataclass_fields__) - {"id", "url", "added"})
    if bad:
        raise ValueError(f"not feed state: {', '.join(sorted(bad))}")


@dataclass(frozen=True)
class Page:
    """A page fetched before: its validators and the article it became (or why it failed)."""

    url: str
    doc_id: str | None
    feed_id: int | None
    etag: str | None
    last_modified: str | None
    entry_key: str | None
    error: str | None = None
    attempts: int = 0  # failed attempts in a row

    @property
    def given_up(self) -> bool:
        return self.doc_id is None and self.attempts >= PAGE_ATTEMPTS


class FeedStore(Protocol):
    """What a sync needs of where feeds and pages are kept (SQLite, or a Chroma server)."""

    def add_feed(self, url: str, name: str, every: float) -> Feed: ...
    def feed(self, feed_id: int) -> Feed: ...
    def feeds(self) -> list[Feed]: ...
    def remove_feed(self, feed_id: int) -> Feed: ...
    def update_feed(self, feed_id: int, **fields: Any) -> None: ...
    def article_counts(self) -> dict[int, int]: ...
    def pages(self, urls: Iterable[str]) -> dict[str, Page]: ...
    def put_pages(self, pages: list[Page]) -> None: ...


class SourceStore(SqliteFile):
    """The feeds and pages of one data directory; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    def add_feed(self, url: str, name: str, every: float) -> Feed:
        """Record a new feed, due at once; `FeedError` when the URL is already a feed."""
        try:
            self._rows("INSERT INTO feeds (url, name, every, added) VALUES (?,?,?,?)",
                      [url, name, every, time.time()])  # fmt: skip
        except sqlite3.IntegrityError:
            raise FeedError(f"{url[:200]} is already a feed (see `rag feeds list`)") from None
        return self.feed_by_url(url)

    def feed_by_url(self, url: str) -> Feed:
        rows = self._rows("SELECT * FROM feeds WHERE url=?", [url])
        if not rows:
            raise FeedError(f"no feed with URL {url[:200]}")
        return Feed(**dict(rows[0]))

    def feed(self, feed_id: int) -> Feed:
        """The feed with this id; `FeedError` when there is none."""
        if not 0 < feed_id < 2**63:  # beyond SQLite's integers: no such feed
            raise FeedError(f"no feed with id {feed_id}")
        rows = self._rows("SELECT * FROM feeds WHERE id=?", [feed_id])
        if not rows:
            raise FeedError(f"no feed with id {feed_id}")
        return Feed(**dict(rows[0]))

    def feeds(self) -> list[Feed]:
        return [Feed(**dict(r)) for r in self._rows("SELECT * FROM feeds ORDER BY id")]

    def remove_feed(self, feed_id: int) -> Feed:
        """Forget a feed (its articles stay indexed: feeds are windows, archives keep)."""
        feed = self.feed(feed_id)
        with self._lock:
            self._db.execute("DELETE FROM feeds WHERE id=?", (feed_id,))
            self._db.execute("UPDATE pages SET feed_id=NULL WHERE feed_id=?", (feed_id,))
        return feed

    def update_feed(self, feed_id: int, **fields: Any) -> None:
        """Set sync-state columns of a feed (``last_sync``, ``etag``, ``failures``...)."""
        check_feed_state(fields)
        sets = ", ".join(f"{k}=?" for k in fields)
        self._rows(f"UPDATE feeds SET {sets} WHERE id=?", [*fields.values(), feed_id])

    def article_counts(self) -> dict[int, int]:
        """``feed id -> articles indexed from it``."""
        sql = "SELECT feed_id, COUNT(DISTINCT doc_id) FROM pages WHERE doc_id IS NOT NULL "
        return {r[0]: r[1] for r in self._rows(sql + "GROUP BY feed_id") if r[0] is not None}

    def pages(self, urls: Iterable[str]) -> dict[str, Page]:
        ids = list(set(urls))
        out: dict[str, Page] = {}
        for i in range(0, len(ids), 500):  # SQLite caps bound parameters
            batch = ids[i : i + 500]
            sql = f"SELECT * FROM pages WHERE url IN ({','.join('?' * len(batch))})"
            for r in self._rows(sql, batch):
                out[r["url"]] = Page(r["url"], r["doc_id"], r["feed_id"], r["etag"],
                                     r["last_modified"], r["entry_key"], r["error"],
                                     r["attempts"])  # fmt: skip
        return out

    def page_urls(self) -> list[str]:
        """Every page recorded (a migration moves them)."""
        return [r[0] for r in self._rows("SELECT url FROM pages")]

    def put_pages(self, pages: list[Page]) -> None:
        """Record pages whose articles are indexed, or that failed (with why and how often)."""
        now = time.time()
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO pages VALUES (?,?,?,?,?,?,?,?,?)",
                [(p.url, p.doc_id, p.feed_id, p.etag, p.last_modified, p.entry_key, now,
                  p.error, p.attempts) for p in pages],
            )  # fmt: skip
