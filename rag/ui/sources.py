"""The sources panel: one card per citation, its quote highlighted inside its paragraph.

Every value from an article is escaped (rag.ui.render); the short answer is bold inside the
quote that holds it, and "Also reported by" names the outlets whose copy holds the quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rag.news.compose import event_label
from rag.news.notes import citation_notes, disputes
from rag.records import Answer, Citation, Outlet, ShortAnswer
from rag.ui.render import CONTEXT_CHARS, escape_text, safe_link, safe_url

if TYPE_CHECKING:
    from rag.assistant import Assistant


def render_also(outlets: Sequence[Outlet]) -> str:
    """``Also reported by: <publisher (host)>, …`` for a syndicated story (each outlet linked
    when it has a web URL); empty for none."""
    names = []
    for o in outlets:
        url = safe_url(o.url)
        names.append(safe_link(url, o.label))
    if not names:
        return ""
    return f'<div class="rag-also">Also reported by: {", ".join(names)}</div>'


def quote_context(
    text: str | None, c: Citation, width: int = CONTEXT_CHARS, short: ShortAnswer | None = None
) -> str:
    """The quote's paragraph as HTML with the quote in ``<mark>``; all article text escaped.

    Args:
        text: the article's full text (None when unavailable).
        c: the citation; ``text[c.start:c.end] == c.quote``.
        width: paragraph characters kept on each side of the quote.
        short: the answer's short answer, in bold when it lies inside this quote.

    Returns:
        HTML; just the highlighted quote when the offsets do not match the text.
    """
    inner = escape_text(c.quote)
    if (
        short is not None
        and short.doc_id == c.doc_id
        and c.start <= short.start < short.end <= c.end
    ):
        a, b = short.start - c.start, short.end - c.start
        inner = (f"{escape_text(c.quote[:a])}<strong class=\"rag-short\">"
                 f"{escape_text(c.quote[a:b])}</strong>{escape_text(c.quote[b:])}")  # fmt: skip
    mark = f"<mark>{inner}</mark>"
    if not text or text[c.start : c.end] != c.quote:
        return mark
    start = text.rfind("\n", 0, c.start) + 1
    end = text.find("\n", c.end)
    end = len(text) if end < 0 else end
    before, after = text[start : c.start], text[c.end : end]
    lead = tail = ""
    if len(before) > width:
        before, lead = before[-width:].split(" ", 1)[-1], "… "
    if len(after) > width:
        after, tail = after[:width].rsplit(" ", 1)[0], " …"
    return f"{lead}{escape_text(before)}{mark}{escape_text(after)}{tail}"


def render_sources(answer: Answer, assistant: Assistant | None = None) -> str:
    """The sources panel for an answer: one card per citation, quote highlighted in context.

    Args:
        answer: the answer whose citations to show.
        assistant: used to fetch article text and metadata (quotes only when None).

    Returns:
        HTML in which every value from an article is escaped.
    """
    if not answer.citations:  # a near-miss abstention cites what the articles do mention
        return (
            '<div class="rag-sources"><h3>Sources</h3><p class="rag-none">No sources: the '
            "articles do not answer this question, so nothing is cited.</p></div>"
        )
    cards = []
    for c in answer.citations:
        text = assistant.document_text(c.doc_id) if assistant else None
        doc = _document(assistant, c.doc_id)
        date = c.date or doc.get("date") or "no published date"
        meta = [escape_text(x) for x in (date, doc.get("publisher")) if x]
        url = safe_url(c.url or doc.get("url"))
        if url:
            meta.append(safe_link(url))
        meta.append(f"<code>{escape_text(c.doc_id)}</code>")
        title = escape_text(c.title or doc.get("title") or c.doc_id)
        disputed = " rag-disputed" if disputes(answer, c.marker) else ""
        cards.append(
            f'<div class="rag-source{disputed}" id="rag-src-{c.marker}" data-marker="{c.marker}">'
            f'<div class="rag-source-head">[{c.marker}] {title}</div>'
            f'<div class="rag-meta">{" · ".join(meta)}</div>{render_also(c.also_reported_by)}'
            f'<blockquote class="rag-context">{quote_context(text, c, short=answer.short)}'
            f"</blockquote>{_notes(c, answer)}</div>"
        )
    body = render_timeline(answer) + "".join(cards)
    return f'<div class="rag-sources"><h3>Sources</h3>{body}</div>'


def _notes(c: Citation, answer: Answer) -> str:
    """Resolved dates, speaker, outlet count and disagreements under a quote (escaped)."""
    lines = [x for x in citation_notes(c, answer) if not x.startswith("published:")]
    items = "".join(
        f'<li class="{"rag-dispute" if x.startswith("⚠") else "rag-note"}">{escape_text(x)}</li>'
        for x in lines
    )
    return f'<ul class="rag-notes">{items}</ul>' if items else ""


def render_timeline(answer: Answer) -> str:
    """A timeline answer's events as an ordered list of dates and quotes (escaped)."""
    if not answer.timeline:
        return ""
    by_marker = {c.marker: c for c in answer.citations}
    rows = "".join(
        f'<li><time datetime="{escape_text(t.date or "")}">'
        f"{escape_text(event_label(t, by_marker[t.marker]))}"
        f'</time> {escape_text(by_marker[t.marker].quote)} <a href="#rag-src-{t.marker}">'
        f"[{t.marker}]</a></li>"
        for t in answer.timeline
        if t.marker in by_marker
    )
    return f'<h4>Timeline</h4><ol class="rag-timeline">{rows}</ol>'


def _document(assistant: Assistant | None, doc_id: str) -> dict[str, Any]:
    if assistant is None:
        return {}
    return assistant.document(doc_id) or {}
