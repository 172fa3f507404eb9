"""Fetched article pages into `Article` records that keep their provenance.

The doc_id is the article's canonical URL; publisher, author and published date come from the
page or its feed entry and are never invented; the fetch time is kept beside them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rag.errors import LoaderError
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


def canonical_url(fetched_url: str, declared: str | None) -> str:
    """The article's id: the page's declared canonical URL when it is on the same site.

    A canonical link to another site is a syndication hint (the copy names the original);
    taking it as the id would make the copy replace the original's article, so it is ignored
    and the copy is grouped with the original by its text instead (rag.index.stories).
    """
    here = clean_url(fetched_url)
    url = web_url(declared)
    if url is None:
        return here
    if _site(url) != _site(here):
        return here
    return clean_url(url)


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def page_article(
    fetched: Fetched, entry: Entry | None = None, feed_title: str | None = None
) -> Article:
    """The article of a fetched page.

    Args:
        fetched: the page (status 200).
        entry: its feed item, whose published date and author win over the page's guesses.
        feed_title: the feed's title, the publisher when the page names none.

    Returns:
        The article, its doc_id the canonical URL.

    Raises:
        LoaderError: the page holds no article text (or is not HTML).
    """
    if fetched.content_type not in ("text/html", "application/xhtml+xml"):
        raise LoaderError(f"{fetched.content_type} is not an article page")
    html = decode_text(fetched.content)
    article = parse_html(fetched.url, fetched.url, html)
    doc_id = canonical_url(fetched.url, article.url)
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
        publisher=article.publisher or feed_title or _site(doc_id) or None,
        fetched=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    )
