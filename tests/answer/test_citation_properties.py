"""Property tests (reliability item 3b): chunks reproduce the article; citations map exactly."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.answer.citations import cite, quote_matches
from rag.index.chunking import chunk_text
from rag.reader.features import candidates as reader_candidates
from rag.records import Hit, Quote
from rag.text.markers import MARKER, markers, strip_markers

_words = st.sampled_from(
    "the mayor said U.S. Mr. Dr. talks 5 No. bridge “quoted” (aside) — é 東京 — ok".split()
)
_sentence = st.builds(
    lambda ws, end: " ".join(ws) + end,
    st.lists(_words, min_size=1, max_size=25),
    st.sampled_from([".", "!", "?", "", "…", ".”", "。"]),
)
_article = st.builds(
    lambda paras: "\n\n".join(" ".join(p) for p in paras),
    st.lists(st.lists(_sentence, min_size=1, max_size=8), min_size=1, max_size=6),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_article, st.integers(100, 1500), st.integers(0, 5))
def test_chunks_of_realistic_articles_cover_and_reproduce(
    text: str, max_chars: int, overlap: int
) -> None:
    chunks = chunk_text("d", text, max_chars=max_chars, overlap=overlap)
    assert bool(chunks) == bool(text.strip())
    for c in chunks:
        assert text[c.start : c.end] == c.text and c.text.strip() == c.text
        assert len(c.text) <= max_chars
    starts = [c.start for c in chunks]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    # Covering: the gaps between consecutive chunks are whitespace only.
    covered_to = 0
    for c in chunks:
        assert not text[covered_to : c.start].strip()
        covered_to = max(covered_to, c.end)
    assert not text[covered_to:].strip()
    # Deterministic: same input, same ids (a re-ingest never duplicates a chunk).
    again = chunk_text("d", text, max_chars=max_chars, overlap=overlap)
    assert [c.chunk_id for c in again] == [c.chunk_id for c in chunks]
    assert len({c.chunk_id for c in chunks}) == len(chunks)


@settings(max_examples=100, deadline=None)
@given(_article, st.integers(100, 800), st.data())
def test_citations_map_chunk_sentences_to_exact_article_offsets(
    text: str, max_chars: int, data: st.DataObject
) -> None:
    chunks = chunk_text("doc", text, max_chars=max_chars, overlap=1)
    hits = [
        Hit(c.chunk_id, "doc", "Title", "src", c.text, c.start, c.end, 1.0 / (n + 1))
        for n, c in enumerate(chunks)
    ]
    candidates = [c.quote for c in reader_candidates(hits)]
    for q in candidates:
        assert text[q.start : q.end] == q.text  # chunk-relative -> article offsets
    if not candidates:
        return
    picked = data.draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=8))
    answer, citations, sentences = cite(picked)
    # Markers are 1..n in order of first use; a repeated quote reuses its marker.
    assert [c.marker for c in citations] == list(range(1, len(citations) + 1))
    assert len(citations) == len({(q.start, q.end) for q in picked})
    assert markers(answer) == [s.markers[0] for s in sentences]
    by_marker = {c.marker: c for c in citations}
    for q, s in zip(picked, sentences, strict=True):
        c = by_marker[s.markers[0]]
        assert (c.quote, c.start, c.end) == (q.text, q.start, q.end) and quote_matches(c, text)
    # The answer text is the quotes, in order, plus markers and nothing else.
    if not any(MARKER.search(q.text) for q in picked):
        assert strip_markers(answer) == " ".join(q.text for q in picked)


def test_cite_handles_quotes_that_contain_marker_like_text() -> None:
    q = Quote("d", "t", "s", "Figure [3] shows the rise.", 10, 36, 0.9)
    answer, citations, _ = cite([q])
    assert answer.endswith("[1]") and citations[0].quote == q.text
