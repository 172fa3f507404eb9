"""Citations: number quoted sentences, write [n] markers, and check quotes against articles."""

from __future__ import annotations

from rag.records import AnswerSentence, Citation, Quote


def cite(quotes: list[Quote]) -> tuple[str, list[Citation], list[AnswerSentence]]:
    """Write quotes as answer sentences, each followed by the [n] marker of its citation.

    Args:
        quotes: evidence in reading order; a repeated quote reuses its marker.

    Returns:
        The answer text, its citations (marker order) and its sentences.
    """
    markers: dict[tuple[str, int, int], int] = {}
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    for q in quotes:
        key = (q.doc_id, q.start, q.end)
        if key not in markers:
            markers[key] = len(markers) + 1
            citations.append(
                Citation(
                    marker=markers[key], doc_id=q.doc_id, title=q.title, source=q.source,
                    quote=q.text, start=q.start, end=q.end, score=round(q.score, 4),
                    date=q.date, url=q.url,
                )
            )  # fmt: skip
        sentences.append(AnswerSentence(text=q.text, markers=(markers[key],)))
    text = " ".join(f"{s.text} [{s.markers[0]}]" for s in sentences)
    return text, citations, sentences


def quote_matches(citation: Citation, article_text: str) -> bool:
    """True when the citation's quote is exactly ``article_text[start:end]``."""
    return article_text[citation.start : citation.end] == citation.quote
