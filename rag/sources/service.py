"""Live sources of an index: feeds, syncs, article URLs, and the background sync.

`Sources` is composed by the `Assistant` (which delegates ``add_feed()``, ``sync()``...); it
writes through the index's one write path.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any, Protocol
from urllib.parse import urlsplit

from filelock import FileLock, Timeout

from rag.config import parse_every
from rag.errors import ConfigError, IngestLockedError, RagError
from rag.index.index import Index
from rag.index.metadata import url_problem
from rag.records import Article, IngestReport
from rag.sources.fetch import FetchPolicy
from rag.sources.polite import Client
from rag.sources.server_store import ServerSourceStore
from rag.sources.store import FeedStore, SourceStore
from rag.sources.sync import Syncer, SyncReport

logger = logging.getLogger(__name__)

MAX_URLS = 500  # article URLs per `ingest_urls` call (one request's worth)


class Sources:
    """Feeds and article URLs of an index.

    Args:
        index: where fetched articles are written (its settings rule the fetcher).
    """

    def __init__(self, index: Index) -> None:
        self.index = index

    @property
    def settings(self) -> Any:
        return self.index.settings  # read at call time: tests and the app change them

    @cached_property
    def sources(self) -> FeedStore:
        """The feeds and fetched pages of this index (in its Chroma server, if it has one)."""
        home = self.index.home
        return ServerSourceStore(home) if home else SourceStore(self.index.layout.sources)

    def _index_articles(self, articles: list[Article]) -> IngestReport:
        return self.index.write(articles=articles, options=self.index.options(keep_missing=True))

    def add_feed(self, url: str, name: str | None = None, every: str | float | None = None) -> dict:
        """Follow an RSS, Atom or RDF feed; it is due at once (run `sync` to fetch it).

        Args:
            url: the feed's http(s) URL.
            name: a label (default: the feed's host).
            every: how often it is due, like ``30m`` or seconds (default ``RAG_FEED_EVERY``).

        Returns:
            The feed as `feeds` lists it.

        Raises:
            ConfigError: the URL or interval is not valid. FeedError: already a feed.
        """
        clean = _check_url(url)
        seconds = parse_every(every if every is not None else self.settings.feed_every)
        limit = self.settings.max_feeds
        if len(self.sources.feeds()) >= limit:
            raise ConfigError(f"already {limit} feeds, the limit (RAG_MAX_FEEDS)")
        label = (name or "").strip()[:100] or (urlsplit(clean).hostname or clean)
        return self.sources.add_feed(clean, label, seconds).to_dict(articles=0)

    def feeds(self) -> list[dict[str, Any]]:
        """Every feed with its sync state (last sync, last error, next due) and article count."""
        counts = self.sources.article_counts()
        return [f.to_dict(articles=counts.get(f.id, 0)) for f in self.sources.feeds()]

    def remove_feed(self, feed_id: int) -> dict[str, Any]:
        """Stop following a feed; its articles stay indexed. `FeedError` if there is none."""
        return self.sources.remove_feed(int(feed_id)).to_dict()

    def sync(self, feed_ids: list[int] | None = None, force: bool = False) -> SyncReport:
        """Fetch due feeds (or the given ones) once and index their new and changed articles.

        Args:
            feed_ids: sync these feeds whether due or not (default: every due feed).
            force: sync every feed, due or not.

        Returns:
            A `SyncReport`: per feed what happened, the index report, requests made.

        Raises:
            IngestLockedError: another sync of this data directory is running.
            FeedError: an unknown feed id.
        """
        store = self.sources
        if feed_ids is not None:
            chosen = [store.feed(int(i)) for i in feed_ids]
        with self._sync_lock(), self._client() as client:
            if feed_ids is None:  # what is due, read under the lock: a feed is synced once
                now = time.time()
                chosen = [f for f in store.feeds() if force or f.next_due <= now]
            return Syncer(store, client, self._index_articles, self._indexed_text).sync(chosen)

    def ingest_urls(self, urls: list[str]) -> IngestReport:
        """Fetch article pages and index them under their canonical URLs.

        Args:
            urls: http(s) URLs of article pages (fetched conditionally when seen before).

        Returns:
            An `IngestReport`; ``failed`` holds ``(url, reason)`` for pages that did not go in.
        """
        if len(urls) > MAX_URLS:
            raise ConfigError(f"{len(urls)} URLs; at most {MAX_URLS} per call")
        good, bad = [], []
        for url in urls:
            try:
                good.append(_check_url(url))
            except ConfigError as exc:
                bad.append((url[:200], str(exc)))
        with self._client() as client:
            syncer = Syncer(self.sources, client, self._index_articles, self._indexed_text)
            report, failed = syncer.pages(good)
        report.failed[:0] = bad + failed
        return report

    def _indexed_text(self, doc_id: str) -> str | None:
        # Opened only when a page declares a canonical URL.
        return self.index.catalog.text_hash(doc_id)

    def _client(self) -> Client:
        s = self.settings
        policy = FetchPolicy(timeout=s.fetch_timeout, deadline=s.fetch_deadline,
                             max_bytes=s.max_file_bytes,
                             allow_private=s.fetch_allow_private)  # fmt: skip
        return Client(policy, delay=s.fetch_delay)

    @contextmanager
    def _sync_lock(self) -> Iterator[None]:
        """One sync per index at a time (a background sync and `rag sync`; with a Chroma
        server, across every worker: its ``sync`` lease)."""
        home = self.index.home
        if home is not None:
            with home.lease(0.0, "sync"):
                yield
            return
        self.index.layout.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.index.layout.sync_lock))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise IngestLockedError("a sync of this data directory is already running") from None
        try:
            yield
        finally:
            lock.release()


def _check_url(url: Any) -> str:
    problem = url_problem(url)
    if problem:
        raise ConfigError(f"{problem}: {str(url)[:200]!r}")
    return str(url).strip()


class _Syncs(Protocol):
    def sync(self) -> SyncReport: ...


class BackgroundSync:
    """Sync due feeds every ``every`` seconds in a daemon thread until `stop`.

    Args:
        assistant: what to sync (anything with ``sync()``).
        every: seconds between two syncs.
    """

    def __init__(self, assistant: _Syncs, every: float) -> None:
        self.assistant, self.every = assistant, every
        self.last: SyncReport | None = None
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rag-sync", daemon=True)

    def start(self) -> BackgroundSync:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.last = self.assistant.sync()
                self.last_error = None
            except RagError as exc:
                # A busy lock or a stopped run: the next round tries again.
                self.last_error = str(exc)
                logger.warning("background sync: %s", exc)
            except Exception:  # a bug must not kill the thread silently, nor the server
                logger.exception("background sync failed")
            self._stop.wait(self.every)
