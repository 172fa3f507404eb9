"""Parsed fields into bounded `Article` records: clipped text fields, web URLs only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from rag.errors import LoaderError
from rag.index import limits
from rag.index.dates import normalize_date
from rag.records import Article

# Fewer characters than this is a caption or an empty page, not an article.
MIN_TEXT_CHARS = 20


@dataclass
class Loaded:
    """Articles read from one file, plus per-record failures (for multi-article files)."""

    articles: list[Article] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    # Cut at the last space unless that would lose most of the text (one giant "word").
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def bounded_text(value: Any, limit: int) -> str | None:
    """A metadata value as bounded text: scalars as text, lists of scalars joined; else None.

    Lists and mappings are never turned into text whole: a crafted value could be megabytes.

    Args:
        value: the field as parsed (YAML, JSON, HTML metadata).
        limit: most characters kept.

    Returns:
        One line of at most ``limit`` characters, or None when there is no usable text.
    """
    if isinstance(value, (list, tuple)):
        parts: list[str] = []
        for item in value:
            part = bounded_text(item, limit) if not isinstance(item, (list, tuple)) else None
            if part:
                parts.append(part)
            if sum(len(p) + 2 for p in parts) > limit:
                break
        return clip(", ".join(parts), limit) if parts else None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, dt.date)):
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    text = " ".join(text[: limit * 4].split())  # newlines and runs of spaces in a field
    return clip(text, limit) if text else None


def url_problem(value: Any) -> str:
    """Why ``value`` is not a usable web link ("" when it is one)."""
    if not isinstance(value, str) or not value.strip():
        return "not an http(s) URL"
    url = value.strip()
    if not url.lower().startswith(("http://", "https://")):
        return "not an http(s) URL"
    if len(url) > limits.MAX_URL_CHARS:
        return f"URL longer than {limits.MAX_URL_CHARS} characters"
    if any(c.isspace() for c in url):
        return "URL with spaces"
    try:
        parts = urlsplit(url)
        # Reading them validates them: a port out of range or not a number, a malformed
        # IPv6 host raise ValueError here rather than later, in whoever opens the link.
        host, _port = parts.hostname, parts.port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme.lower() not in ("http", "https") or not host:
        return "not an http(s) URL"
    return ""


def web_url(value: Any) -> str | None:
    """An http(s) URL of sane length, else None: other schemes (``javascript:``, ``data:``,
    ``file:``) would reach users as clickable citations, and a bad port or host would fail
    whoever opens it."""
    return value.strip() if not url_problem(value) else None


def first_line(text: str) -> str:
    """The first non-blank line of ``text``, stripped; "" when there is none."""
    return next((ln.strip() for ln in text.split("\n") if ln.strip()), "")


def build_article(doc_id: str, source: str, text: str, meta: dict[str, Any]) -> Article:
    """An `Article` from its text and raw metadata, every field bounded and cleaned.

    Args:
        doc_id: the article's id.
        source: the file it came from.
        text: the article text.
        meta: raw ``title``, ``date``, ``url``, ``author`` and ``source``/``publisher``/
            ``sitename`` values; anything unusable is dropped.

    Returns:
        The article.

    Raises:
        LoaderError: the text is too short to be an article.
    """
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise LoaderError("no article text found")
    publisher = meta.get("source") or meta.get("publisher") or meta.get("sitename")
    return Article(
        doc_id=doc_id,
        text=text,
        source=source,
        title=bounded_text(meta.get("title"), limits.MAX_TITLE_CHARS) or "",
        date=normalize_date(meta.get("date")),
        url=web_url(meta.get("url")),
        author=bounded_text(meta.get("author"), limits.MAX_NAME_CHARS),
        publisher=bounded_text(publisher, limits.MAX_NAME_CHARS),
    )
