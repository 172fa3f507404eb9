from hypothesis import given, settings
from hypothesis import strategies as st

from rag.index.chunking import chunk_id, chunk_text
from rag.text.sentences import split_sentences
from tests.conftest import seed_text


def test_abbreviations_do_not_end_sentences():
    text = "The U.S. expressed optimism. Mr. Smith met U.S. Secretary Blinken. It ended."
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == [
        "The U.S. expressed optimism.",
        "Mr. Smith met U.S. Secretary Blinken.",
        "It ended.",
    ]


def test_quotes_and_newlines_end_sentences():
    text = "Title line\n\nHe said “no.” Then he left!\nNext para? Yes."
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == ["Title line", "He said “no.”", "Then he left!", "Next para?", "Yes."]


def test_cjk_sentences_split_without_spaces():
    text = "今天天气很好。我们去公园！"
    assert [text[a:b] for a, b in split_sentences(text)] == ["今天天气很好。", "我们去公园！"]


def test_seed_chunks_reproduce_article_offsets():
    text = seed_text()
    chunks = chunk_text("seed", text, max_chars=700, overlap=1)
    assert len(chunks) >= 5
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert len(c.text) <= 700
        assert c.chunk_id == chunk_id("seed", c.start, c.end)
    # Overlap: each chunk starts inside the previous one (one shared sentence).
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        assert prev.start < nxt.start < prev.end


def test_long_unpunctuated_text_is_cut():
    text = "word " * 1000
    chunks = chunk_text("d", text, max_chars=300, overlap=0)
    assert all(len(c.text) <= 300 for c in chunks)
    assert "".join(c.text + " " for c in chunks).split() == text.split()


def test_chunk_ids_are_deterministic_and_distinct():
    assert chunk_id("a", 0, 10) == chunk_id("a", 0, 10)
    assert len({chunk_id("a", 0, 10), chunk_id("a", 0, 11), chunk_id("b", 0, 10)}) == 3


_pieces = st.sampled_from(list("abc XYZ.!?\n“”") + ["Mr. ", "U.S. ", "。", "  ", "No. 5 "])


@settings(max_examples=200, deadline=None)
@given(st.lists(_pieces, max_size=300).map("".join), st.integers(60, 400), st.integers(0, 3))
def test_chunks_reproduce_text_and_cover_every_word(text, max_chars, overlap):
    chunks = chunk_text("doc", text, max_chars=max_chars, overlap=overlap)
    covered = [False] * len(text)
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert c.text == c.text.strip() and c.text
        for i in range(c.start, c.end):
            covered[i] = True
    # Every non-space character of the article lies in some chunk.
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace())
