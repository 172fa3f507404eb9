"""Feeds: RSS 0.9x/1.0 (RDF)/2.0 and Atom, read with feedparser from bytes we fetched."""

from __future__ import annotations

import calendar
import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from rag.errors import FeedError
from rag.index.metadata import bounded_text, url_problem, web_url

# A feed is a window on recent stories; one longer than this is read up to the cap (a sync of
# a runaway feed must stay bounded; large real feeds carry 20-300 items).
MAX_ENTRIES = 1000


@dataclass(frozen=True)
class Entry:
    """One feed item: the article's URL and what the feed says about it."""

    url: str
    title: str | None = None
    published: str | None = None  # ISO 8601 date-time, only when the feed gives one
    updated: str | None = None
    author: str | None = None
    key: str = ""  # changes when the feed says the item changed (id + updated)


@dataclass(frozen=True)
class ParsedFeed:
    """A feed's title, site link, format (e.g. ``rss20``, ``atom10``, ``rss10``) and items."""

    title: str | None
    link: str | None
    version: str
    entries: list[Entry]
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (item link, why not read)


def parse_feed(content: bytes, url: str) -> ParsedFeed:
    """The items of a feed document.

    Args:
        content: the body as fetched (feedparser never fetches anything itself here).
        url: where it came from, to resolve relative links.

    Returns:
        The parsed feed; items without a link are left out, items whose link is not a
        usable http(s) URL are listed in ``rejected`` with the reason.

    Raises:
        FeedError: the body is not a feed (HTML, malformed XML with no items, empty).
    """
    import feedparser

    parsed = feedparser.parse(content, response_headers={"content-location": url})
    entries, seen, rejected = [], set(), []
    for item in parsed.entries[:MAX_ENTRIES]:
        entry = _entry(item)
        if isinstance(entry, tuple):
            rejected.append(entry)
        elif entry is not None and entry.url not in seen:
            seen.add(entry.url)
            entries.append(entry)
    # feedparser reads what it can of broken XML; with items recovered the feed is used,
    # without any a malformed document is an error rather than an empty feed.
    if not entries and (parsed.bozo or not parsed.version):
        why = parsed.get("bozo_exception")
        raise FeedError(f"{url[:200]}: not an RSS, Atom or RDF feed" + (f" ({why})" if why else ""))
    meta = parsed.feed
    return ParsedFeed(
        bounded_text(meta.get("title"), 300),
        web_url(meta.get("link")),
        parsed.version or "unknown",
        entries,
        rejected,
    )


def _entry(item: Any) -> Entry | tuple[str, str] | None:
    """The item's `Entry`; ``(link, reason)`` when its link is not a usable URL; None
    without a link."""
    link = item.get("link")
    if not link:
        return None
    url = web_url(link)
    if url is None:
        return str(link)[:200], url_problem(str(link))
    # Read from the dict itself: feedparser's .get("updated_parsed") falls back to the
    # published date (with a deprecation warning), which would hide "no update date".
    published = _iso(dict.get(item, "published_parsed"))
    updated = _iso(dict.get(item, "updated_parsed"))
    return Entry(
        url=url.split("#", 1)[0],
        title=bounded_text(item.get("title"), 300),
        published=published,
        updated=updated,
        author=bounded_text(item.get("author"), 200),
        key=f"{item.get('id') or url}|{updated or published or ''}",
    )


def _iso(parsed: time.struct_time | None) -> str | None:
    """feedparser's UTC struct_time as ISO 8601; None when the feed gave no date."""
    if not parsed:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC).isoformat()
    except (OverflowError, ValueError):
        return None
