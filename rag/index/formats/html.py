"""News pages: main text and metadata extracted with trafilatura."""

from __future__ import annotations

import logging
import warnings
from typing import Any

from dateutil.parser import UnknownTimezoneWarning

from rag.errors import LoaderError
from rag.index.metadata import build_article
from rag.records import Article

logger = logging.getLogger(__name__)


def parse_html(doc_id: str, source: str, html: str) -> Article:
    """Main text and metadata of a news page, extracted with trafilatura.

    Args:
        doc_id: the article's id.
        source: the file it came from.
        html: the decoded page.

    Returns:
        The article.

    Raises:
        LoaderError: the markup cannot be parsed or holds no article text.
    """
    import trafilatura
    from trafilatura.settings import set_date_params

    try:
        # htmldate (inside trafilatura) warns on zone names like "EST"; the date is still right.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnknownTimezoneWarning)
            # htmldate's extensive search runs dateparser over every text node in ~200
            # locales: 30 % of extraction CPU. Markup and URL dates come first; only pages
            # without one pay.
            doc = trafilatura.bare_extraction(
                html,
                with_metadata=True,
                include_comments=False,
                date_extraction_params=set_date_params(extensive=False),
            )
            data = None if doc is None else doc if isinstance(doc, dict) else doc.as_dict()
            if data is not None and not data.get("date"):
                data["date"] = _extensive_date(html)
    except Exception as exc:  # trafilatura raises many types on malformed markup
        logger.debug("trafilatura failed on %s", source, exc_info=True)
        raise LoaderError(f"cannot parse HTML: {exc.__class__.__name__}") from None
    if data is None:
        raise LoaderError("no article text found in the HTML page")
    return _article(doc_id, source, data)


def _article(doc_id: str, source: str, data: dict[str, Any]) -> Article:
    """The article from trafilatura's fields."""
    meta = {
        "title": data.get("title"),
        "date": data.get("date"),
        "url": data.get("url"),
        "author": data.get("author"),
        "publisher": data.get("sitename") or data.get("hostname"),
    }
    return build_article(doc_id, source, (data.get("text") or "").strip(), meta)


def _extensive_date(html: str) -> str | None:
    """The publication date found by htmldate's slow full-text search, as trafilatura would."""
    from htmldate import find_date
    from trafilatura.settings import set_date_params

    found = find_date(html, **set_date_params(extensive=True))
    return str(found) if found else None
