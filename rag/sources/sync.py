"""One sync: every due feed fetched (conditionally), its new or changed pages read, indexed.

A feed that fails (timeout, HTTP error, not a feed, redirect loop, huge body, a bad URL) is
reported with its reason and retried later with backoff; its articles indexed before stay;
other feeds go on. Each feed's articles are indexed as soon as that feed is read, so a slow
feed never holds back the others. A feed's validators are kept only when every item of it went
in, so a failed page is fetched again on the next sync instead of hiding behind the feed's 304.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from rag.errors import FeedError, FetchError, LoaderError, RagError
from rag.records import Article, IngestReport
from rag.sources.feeds import Entry, parse_feed
from rag.sources.pages import CanonicalClaims, page_article
from rag.sources.polite import Client
from rag.sources.store import PAGE_ATTEMPTS, Feed, FeedStore, Page

logger = logging.getLogger(__name__)

IndexArticles = Callable[[list[Article]], IngestReport]
FeedStatus = Literal["updated", "not_modified", "failed"]

# Backoff after a failure: the first retry comes after min(feed interval, 5 min), each further
# failure doubles the wait, never beyond 6 h (a dead feed is still looked at a few times a day).
RETRY_FIRST = 300.0
# Feeds fetched at once: a few hosts in parallel cover the per-host delays; extraction is
# CPU work, so more threads than cores (2 here) would only queue behind the GIL.
FEED_WORKERS = 4
RETRY_MAX = 6 * 3600.0


def retry_delay(every: float, failures: int) -> float:
    """Seconds before retrying a feed that failed ``failures`` times in a row."""
    return min(min(every, RETRY_FIRST) * 2 ** max(failures - 1, 0), RETRY_MAX)


@dataclass
class FeedResult:
    """What one feed's sync did."""

    feed_id: int
    url: str
    name: str
    status: FeedStatus
    error: str | None = None
    items: int = 0  # items in the feed document
    fetched: int = 0  # pages downloaded (200)
    not_modified: int = 0  # pages answered 304
    failed: list[tuple[str, str]] = field(default_factory=list)  # (page URL, reason)
    next_due: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        return {**out, "failed": [{"url": u, "reason": r} for u, r in self.failed]}


@dataclass
class SyncReport:
    """A sync's feeds, what the index did with their articles, and the requests it cost."""

    feeds: list[FeedResult] = field(default_factory=list)
    ingest: IngestReport = field(default_factory=IngestReport)
    requests: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> list[tuple[str, str]]:
        """``(feed or page URL, reason)`` of everything that did not go in."""
        out = [(f.url, f.error or "") for f in self.feeds if f.status == "failed"]
        return out + [p for f in self.feeds for p in f.failed] + list(self.ingest.failed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "feeds": [f.to_dict() for f in self.feeds],
            "ingest": self.ingest.to_dict(),
            "failed": [{"url": u, "reason": r} for u, r in self.failed],
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class _Collected:
    """One feed's pages read in this sync, waiting for the index, and its new validators
    (None while a page it lists is worth fetching again)."""

    result: FeedResult
    articles: list[tuple[Article, Page]] = field(default_factory=list)
    validators: tuple[str | None, str | None] | None = None
    ingest: IngestReport = field(default_factory=IngestReport)


class Syncer:
    """Fetch feeds and pages with one polite client and index what they hold.

    Args:
        store: feeds and pages known so far.
        client: the fetching session.
        index: indexes fetched articles (the pipeline's, under the ingest lock).
        indexed_text: ``doc_id -> text_hash`` of the article indexed under it (None: none),
            so that a page's canonical URL never replaces a different article.
    """

    def __init__(
        self,
        store: FeedStore,
        client: Client,
        index: IndexArticles,
        indexed_text: Callable[[str], str | None],
    ) -> None:
        self.store, self.client, self.index = store, client, index
        self.claims = CanonicalClaims(indexed_text, self._produced)
        self._commit_lock = threading.Lock()  # feeds of this sync index one after another

    def _produced(self, page_url: str) -> str | None:
        page = self.store.pages([page_url]).get(page_url)
        return page.doc_id if page else None

    def sync(self, feeds: list[Feed]) -> SyncReport:
        """Sync these feeds once; each feed's new and changed articles are indexed when that
        feed is read."""
        began, requests = time.perf_counter(), self.client.requests
        report = SyncReport()
        # Feeds are read in parallel (the client keeps each host to one request at a time
        # with its delay), so a sync of feeds from many sites is not their delays summed.
        with ThreadPoolExecutor(max_workers=FEED_WORKERS) as pool:
            done = list(pool.map(self._feed_and_commit, feeds))
        for d in done:  # in feed order
            report.feeds.append(d.result)
            report.ingest.extend(d.ingest)
        report.requests = self.client.requests - requests
        report.seconds = time.perf_counter() - began
        return report

    def _feed_and_commit(self, feed: Feed) -> _Collected:
        """One feed read and its articles indexed; whatever goes wrong stays this feed's."""
        try:
            got = self._feed(feed)
            got.ingest = self._commit(got.articles)
        except Exception as exc:  # a bug must cost one feed, never the sync
            if not isinstance(exc, RagError):
                logger.exception("syncing feed %s failed", feed.url)
            why = str(exc) if isinstance(exc, RagError) else f"{type(exc).__name__}: {exc}"
            got = _Collected(FeedResult(feed.id, feed.url, feed.name, "failed"))
            self._failed(feed, got.result, f"not indexed: {why}", time.time())
            return got
        indexed = _indexed(got.ingest)
        if got.validators is not None and all(a.doc_id in indexed for a, _ in got.articles):
            etag, modified = got.validators
            self.store.update_feed(feed.id, etag=etag, last_modified=modified)
        return got

    def pages(self, urls: list[str]) -> tuple[IngestReport, list[tuple[str, str]]]:
        """Fetch article pages by URL (conditionally when fetched before) and index them.

        Returns:
            The index report, and ``(url, reason)`` of pages that could not be read.
        """
        known = self.store.pages(urls)
        failed: list[tuple[str, str]] = []
        got: list[tuple[Article, Page]] = []
        unchanged: list[str] = []
        for url in dict.fromkeys(urls):
            before = known.get(url)
            outcome = self._page(Entry(url), before, None, None)
            if isinstance(outcome, Page):
                failed.append((url, outcome.error or ""))
            elif outcome is not None:
                got.append(outcome)
            elif before is not None and before.doc_id:
                unchanged.append(before.doc_id)  # 304: indexed as it was
        report = self._commit(got)
        report.unchanged.extend(unchanged)
        return report, failed

    def _commit(self, got: list[tuple[Article, Page]]) -> IngestReport:
        if not got:
            return IngestReport()
        with self._commit_lock:
            report = self.index([a for a, _ in got])
        indexed = _indexed(report)
        # A duplicate's page points at the article that holds its text.
        twins = dict(report.duplicates)
        self.store.put_pages([replace(p, doc_id=twins.get(a.doc_id, a.doc_id))
                              for a, p in got if a.doc_id in indexed])  # fmt: skip
        return report

    def _feed(self, feed: Feed) -> _Collected:
        result = FeedResult(feed.id, feed.url, feed.name, "updated")
        got = _Collected(result)
        now = time.time()
        try:
            fetched = self.client.get(feed.url, feed.etag, feed.last_modified)
            parsed = None if fetched.not_modified else parse_feed(fetched.content, fetched.url)
        except (FetchError, FeedError) as exc:
            self._failed(feed, result, _reason(exc, feed.url), now)
            return got
        result.next_due = now + feed.every
        state: dict[str, Any] = {"last_sync": now, "last_ok": now, "failures": 0,
                                 "next_due": result.next_due}  # fmt: skip
        if parsed is None:
            result.status = "not_modified"
            self.store.update_feed(feed.id, last_error=None, **state)
            return got
        result.items = len(parsed.entries) + len(parsed.rejected)
        result.failed.extend(parsed.rejected)  # links no fetch can follow: nothing to retry
        known = self.store.pages(e.url for e in parsed.entries)
        retry = False  # a page failed in a way worth trying again: keep the feed's validators
        for entry in parsed.entries:
            before = known.get(entry.url)
            if before is not None and before.entry_key == entry.key and _settled(before):
                continue
            outcome = self._page(entry, before, feed, parsed.title)
            if isinstance(outcome, Page):  # failed: recorded with its reason
                result.failed.append((entry.url, outcome.error or ""))
                retry = retry or not outcome.given_up
            elif outcome is None:
                result.not_modified += 1
            else:
                result.fetched += 1
                got.articles.append(outcome)
        if not retry:
            got.validators = (fetched.etag, fetched.last_modified)
        error = None
        if result.failed:
            why = result.failed[0][1]
            error = f"{len(result.failed)} of {result.items} items failed; first: {why}"
        self.store.update_feed(feed.id, title=parsed.title, last_error=error, **state)
        return got

    def _page(
        self, entry: Entry, before: Page | None, feed: Feed | None, feed_title: str | None
    ) -> tuple[Article, Page] | Page | None:
        """The page's article and its record; None when unchanged (304); a failed page's
        record (stored at once) when it could not be read."""
        etag, modified = (before.etag, before.last_modified) if before else (None, None)
        feed_id = feed.id if feed else (before.feed_id if before else None)  # a URL ingest keeps it
        fetched = None
        try:
            fetched = self.client.get(entry.url, etag, modified)
            if fetched.not_modified:
                return None
            article = page_article(fetched, entry, feed_title, self.claims)
        except Exception as exc:
            if not isinstance(exc, FetchError | LoaderError):  # a bug: this page fails alone
                logger.exception("reading page %s failed", entry.url)
                exc = LoaderError(f"{type(exc).__name__}: {exc}")
            # Not an article (or refused for good): stop asking until the item changes.
            # Otherwise try again on the next syncs, a few times.
            attempts = (before.attempts if before and before.doc_id is None else 0) + 1
            if not isinstance(exc, FetchError) or exc.permanent:
                attempts = max(attempts, PAGE_ATTEMPTS)
            keep = fetched if fetched is not None and not isinstance(exc, FetchError) else None
            failed = Page(entry.url, None, feed_id, keep.etag if keep else None,
                          keep.last_modified if keep else None, entry.key,
                          _reason(exc, entry.url), attempts)  # fmt: skip
            self.store.put_pages([failed])
            return failed
        page = Page(entry.url, article.doc_id, feed_id, fetched.etag,
                    fetched.last_modified, entry.key)  # fmt: skip
        return article, page

    def _failed(self, feed: Feed, result: FeedResult, error: str, now: float) -> FeedResult:
        failures = feed.failures + 1
        result.status, result.error = "failed", error
        result.next_due = now + retry_delay(feed.every, failures)
        self.store.update_feed(feed.id, last_sync=now, last_error=error, failures=failures,
                               next_due=result.next_due)  # fmt: skip
        return result


def _reason(exc: Exception, url: str) -> str:
    """The error's message without the URL it is reported under."""
    return str(exc).removeprefix(f"{url[:200]}: ")


def _settled(page: Page) -> bool:
    """A page the feed lists unchanged that needs no request: one given up on, or one
    indexed whose server gave no validator to ask with (the item's key would change)."""
    if page.doc_id is None:
        return page.given_up and not (page.etag or page.last_modified)
    return not (page.etag or page.last_modified)


def _indexed(report: IngestReport) -> set[str]:
    """Doc ids the index now holds as read (or deliberately keeps out) after a run."""
    done = {*report.added, *report.updated, *report.unchanged}
    return done | {d for d, _ in report.duplicates} | {d for d, _ in report.skipped}
