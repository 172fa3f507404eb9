"""Feeds and fetched pages kept in the Chroma server (the server home of rag.index.server_home).

The same interface as `SourceStore` (SQLite, the local home), so that every worker syncing
feeds against one Chroma server sees the same feeds, validators, failures and due times:
a feed one worker synced is not due for another. Feeds and pages are records of the
``<name>-sources`` collection, their fields as JSON.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import asdict, replace
from typing import Any

from rag.errors import FeedError
from rag.index.server_home import ServerHome
from rag.sources.store import Feed, Page, check_feed_state


def _page_id(url: str) -> str:
    return "page:" + hashlib.sha1(url.encode()).hexdigest()


class ServerSourceStore:
    """Feeds and pages of an index whose home is a Chroma server.

    Args:
        home: the index's server home (its lease numbers new feeds).
    """

    def __init__(self, home: ServerHome) -> None:
        self.home = home
        self.records = home.collection("sources")

    def add_feed(self, url: str, name: str, every: float) -> Feed:
        """Record a new feed, due at once; `FeedError` when the URL is already a feed."""
        with self.home.lease(30.0):
            if any(f.url == url for f in self.feeds()):
                raise FeedError(f"{url[:200]} is already a feed (see `rag feeds list`)")
            seq = self.home.meta.get(["feed_seq"]).get("feed_seq", ("", {}))[1].get("n", 0) + 1
            feed = Feed(seq, url, name, every, time.time())
            self.put_feed(feed)
        return feed

    def put_feed(self, feed: Feed) -> None:
        """Store a feed as it is (a new one, or one a migration moves)."""
        seq = self.home.meta.get(["feed_seq"]).get("feed_seq", ("", {}))[1].get("n", 0)
        if feed.id > seq:
            self.home.meta.put({"feed_seq": ("", {"n": feed.id})})
        self.records.put({f"feed:{feed.id}": (json.dumps(asdict(feed)), {"kind": "feed"})})

    def feed(self, feed_id: int) -> Feed:
        """The feed with this id; `FeedError` when there is none."""
        got = self.records.get([f"feed:{feed_id}"]) if 0 < feed_id < 2**63 else {}
        if not got:
            raise FeedError(f"no feed with id {feed_id}")
        return Feed(**json.loads(next(iter(got.values()))[0]))

    def feeds(self) -> list[Feed]:
        found = [Feed(**json.loads(doc)) for _, doc, _ in self.records.scan({"kind": "feed"})]
        return sorted(found, key=lambda f: f.id)

    def remove_feed(self, feed_id: int) -> Feed:
        """Forget a feed (its articles stay indexed: feeds are windows, archives keep)."""
        feed = self.feed(feed_id)
        self.records.delete([f"feed:{feed_id}"])
        kept = [replace(p, feed_id=None) for p in self._pages() if p.feed_id == feed_id]
        self.put_pages(kept)
        return feed

    def update_feed(self, feed_id: int, **fields: Any) -> None:
        """Set sync-state fields of a feed (``last_sync``, ``etag``, ``failures``...)."""
        check_feed_state(fields)
        self.put_feed(replace(self.feed(feed_id), **fields))

    def article_counts(self) -> dict[int, int]:
        """``feed id -> articles indexed from it``."""
        docs: dict[int, set[str]] = {}
        for p in self._pages():
            if p.feed_id is not None and p.doc_id is not None:
                docs.setdefault(p.feed_id, set()).add(p.doc_id)
        return {f: len(d) for f, d in docs.items()}

    def _pages(self) -> list[Page]:
        return [Page(**json.loads(doc)) for _, doc, _ in self.records.scan({"kind": "page"})]

    def pages(self, urls: Iterable[str]) -> dict[str, Page]:
        got = self.records.get(_page_id(u) for u in set(urls))
        return {(p := Page(**json.loads(doc))).url: p for doc, _ in got.values()}

    def put_pages(self, pages: list[Page]) -> None:
        """Record pages whose articles are indexed, or that failed (with why and how often)."""
        self.records.put({
            _page_id(p.url): (json.dumps(asdict(p)), {"kind": "page"}) for p in pages
        })  # fmt: skip
