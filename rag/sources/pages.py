"""Fetched article pages into `Article` records that keep their provenance.

The doc_id is the article's canonical URL; publisher, author and published date come from the
page or its feed entry and are never invented; the fetch time is kept beside them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rag.errors import LoaderError
from rag.index.catalog import text_hash
from rag.index.formats.html import parse_html
from rag.index.loaders import decode_text
from rag.index.metadata import web_url
from rag.records import Article
from rag.sources.feeds import Entry
from rag.sources.fetch import Fetched

# Query parameters that only track a click; the same article arrives with many of them.
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid")


def clean_url(url: str) -> str:
    """``url`` without its fragment and click-tracking parameters, host lowercased."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING)]  # fmt: skip
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def canonical_candidate(fetched_url: str, declared: str | None) -> str | None:
    """The page's declared canonical URL when it may name the article, else None.

    A canonical link to another site (host or port) is a syndication hint: taking it as the
    id would let a copy replace the original's article, so it is ignored and the copy is
    grouped with the original by its text instead (rag.index.stories). A canonical pointing
    at the site's front page from an article page is a common CMS mistake that would make
    every story one article. Whether a candidate is trusted also depends on what the index
    already holds under it (`CanonicalClaims`).
    """
    url = web_url(declared)
    if url is None:
        return None
    here, there = clean_url(fetched_url), clean_url(url)
    if _site(there) != _site(here):
        return None
    if urlsplit(there).path in ("", "/") and urlsplit(here).path not in ("", "/"):
        return None
    return there


def _site(url: str) -> tuple[str, int | None]:
    """Host (``www.`` aside) and port (None for the scheme's default): one site."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port
    return host, None if port in (None, 80, 443) else port


class CanonicalClaims:
    """Which page may put its article under a canonical URL, within one sync and against
    the index: a canonical is trusted only when it doesn't replace a different article's
    text.

    Args:
        indexed_text: ``doc_id -> text_hash`` of the article indexed under it, or None.
        produced: ``page URL -> doc_id`` its article was indexed under before, or None.
    """

    def __init__(
        self,
        indexed_text: Callable[[str], str | None],
        produced: Callable[[str], str | None],
    ) -> None:
        self.indexed_text, self.produced = indexed_text, produced
        self._claims: dict[str, tuple[str, str]] = {}  # canonical -> (page URL, text hash)
        self._lock = threading.Lock()

    def trust(self, canonical: str, page_url: str, text: str) -> bool:
        """True when the page at ``page_url`` with ``text`` may be indexed as ``canonical``."""
        digest = text_hash(text)
        with self._lock:
            claim = self._claims.get(canonical)
            if claim is not None:
                return claim[1] == digest or claim[0] == page_url
            held = self.indexed_text(canonical)
            trusted = held is None or held == digest or self.produced(page_url) == canonical
            if trusted:
                self._claims[canonical] = (page_url, digest)
            return trusted


def page_article(
    fetched: Fetched,
    entry: Entry | None = None,
    feed_title: str | None = None,
    claims: CanonicalClaims | None = None,
) -> Article:
    """The article of a fetched page.

    Args:
        fetched: the page (status 200).
        entry: its feed item, whose published date and author win over the page's guesses.
        feed_title: the feed's title, the publisher when the page names none.
        claims: who may use which canonical URL (None: the page's own URL is the id).

    Returns:
        The article, its doc_id the page's own URL cleaned, or the canonical URL it declares
        when ``claims`` trusts it (see `canonical_candidate`).

    Raises:
        LoaderError: the page holds no article text (or is not HTML).
    """
    if fetched.content_type not in ("text/html", "application/xhtml+xml"):
        raise LoaderError(f"{fetched.content_type} is not an article page")
    html = decode_text(fetched.content, declared=fetched.charset, html=True)
    article = parse_html(fetched.url, fetched.url, html)
    page_url = entry.url if entry else fetched.url
    doc_id = clean_url(fetched.url)
    candidate = canonical_candidate(fetched.url, article.url)
    if candidate and claims is not None and claims.trust(candidate, page_url, article.text):
        doc_id = candidate
    published = entry.published if entry and entry.published else None
    return replace(
        article,
        doc_id=doc_id,
        source=doc_id,
        url=doc_id,
        title=article.title or (entry.title if entry and entry.title else ""),
        # The feed's date is the publisher's statement; the page's is extracted from markup.
        date=(published or "")[:10] or article.date,
        author=article.author or (entry.author if entry else None),
        publisher=article.publisher or feed_title or _site(doc_id)[0] or None,
        fetched=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    )
