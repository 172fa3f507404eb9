"""Reader features and labels on hand-made hits (no model)."""

import numpy as np
import pytest

from rag.index.sentences import chunk_sentences
from rag.reader.features import (
    FINAL_FEATURES,
    QUESTION_FEATURES,
    SENTENCE_FEATURES,
    asks_itself,
    candidates,
    more_of_top,
    question_features,
    read_features,
    rest_of_articles,
    sentence_features,
)
from rag.records import Hit, Quote
from rag.training.dataset import Example, load, overlaps, save

ARTICLE = (
    "Blinken met Netanyahu on Monday. The meeting lasted three hours. "
    "Israel says 111 hostages are still held in Gaza. By CNN staff"
)


def _hits():
    first = ARTICLE.index("Israel")
    return [
        Hit("c1", "doc", "Talks", "src", ARTICLE[:first].strip(), 0, first - 1, 0.9),
        Hit("c2", "doc", "Talks", "src", ARTICLE[first:], first, len(ARTICLE), 0.5),
    ]


def test_candidates_are_exact_sentences_with_their_hit_rank():
    cands = candidates(_hits())
    texts = [c.quote.text for c in cands]
    # "By CNN staff" is a byline (under four words), not an answer.
    assert texts == [
        "Blinken met Netanyahu on Monday.",
        "The meeting lasted three hours.",
        "Israel says 111 hostages are still held in Gaza.",
    ]
    assert [c.rank for c in cands] == [0, 0, 1]
    for c in cands:
        assert ARTICLE[c.quote.start : c.quote.end] == c.quote.text


def test_sentence_features_see_the_answer_type_and_the_names():
    cands = candidates(_hits())
    cos = np.array([0.5, 0.4, 0.3])
    q = "How many hostages does Israel say are held?"
    x = sentence_features(q, q, cands, cos, lambda _t: 1.0, lambda _d: len(ARTICLE))
    col = SENTENCE_FEATURES.index
    assert x.shape == (3, len(SENTENCE_FEATURES))
    assert (x[:, col("asks_type")] == 1).all()
    assert x[:, col("type_found")].tolist() == [0, 1, 1]  # "three" and "111" are numbers
    assert x[:, col("names_found")].tolist() == [0, 0, 1]
    assert x[:, col("cosine_gap")].tolist() == [0, np.float32(0.1), np.float32(0.2)]
    assert x[2, col("coverage")] > x[0, col("coverage")]
    # The second stage read candidates 2 and 0 (the first stage's best two), not 1.
    tuned, spans = np.array([0.8, 0.5], np.float32), np.array([3.5, -1.0], np.float32)
    sx = read_features(tuned, spans, np.array([2, 0]), 3)
    assert sx.tolist() == [
        [0.5, np.float32(0.3), -1.0, 4.5, 1.0],
        [0.5, np.float32(0.3), -1.0, 4.5, 2.0],  # not read: the lowest scores, the last rank
        [np.float32(0.8), 0.0, 3.5, 0.0, 0.0],
    ]
    fx = np.hstack([x, sx])
    assert fx.shape == (3, len(FINAL_FEATURES))
    q = question_features("How many hostages?", cands, fx, np.array([0.1, 0.2, 0.9]), _hits())
    assert q.shape == (1, len(QUESTION_FEATURES))
    assert q[0, QUESTION_FEATURES.index("best")] == np.float32(0.9)
    assert q[0, QUESTION_FEATURES.index("best_type_found")] == 1
    assert q[0, QUESTION_FEATURES.index("best_span")] == np.float32(3.5)
    assert q[0, QUESTION_FEATURES.index("best_tuned")] == np.float32(0.8)
    assert q[0, QUESTION_FEATURES.index("second_span")] == np.float32(-1.0)


def test_no_candidates_gives_empty_features():
    x = sentence_features("q", "q", [], np.zeros(0), lambda _t: 1.0, lambda _d: 1)
    assert x.shape == (0, len(SENTENCE_FEATURES))
    assert question_features("q", [], x, np.zeros(0), []).tolist() == [
        [0.0] * len(QUESTION_FEATURES)
    ]


def test_labels_need_half_a_sentence_of_overlap_with_gold(tmp_path):
    cands = candidates(_hits())
    start = ARTICLE.index("Israel")
    gold = [{"doc_id": "doc", "start": start, "end": start + 20}]  # part of the sentence
    assert [overlaps(c, gold) for c in cands] == [False, False, True]
    assert not any(overlaps(c, [{**gold[0], "doc_id": "other"}]) for c in cands)
    # Examples survive the cache round trip.
    x = np.zeros((3, len(SENTENCE_FEATURES)), np.float32)
    e = Example("q1", "number", "How many?", "How many?", True, cands, _hits(),
                np.array([0, 0, 1], np.int8), np.array([0.1, 0.2, 0.3]), x,
                shorts=np.array([[-1, -1], [-1, -1], [12, 15]], np.int32),
                decoys=np.array([0, 1, 0], np.int8), answer_type="number",
                short_texts=["111"], tags=["number"])  # fmt: skip
    save([e], tmp_path / "x.jsonl")
    (back,) = load(tmp_path / "x.jsonl")
    assert back.cands == cands and back.labels.tolist() == [0, 0, 1] and back.hits == _hits()
    assert back.shorts.tolist() == e.shorts.tolist() and back.decoys.tolist() == [0, 1, 0]
    assert (back.answer_type, back.short_texts, back.tags) == ("number", ["111"], ["number"])


def test_short_spans_are_found_inside_their_candidate():
    from rag.training.dataset import _short_in

    cands = candidates(_hits())
    start = ARTICLE.index("111")
    short = [{"doc_id": "doc", "start": start, "end": start + 3, "text": "111"}]
    got = [_short_in(c, short) for c in cands]
    assert got[:2] == [(-1, -1), (-1, -1)]
    a, b = got[2]
    assert cands[2].quote.text[a:b] == "111"


@pytest.mark.parametrize(
    ("sentence", "asks"),
    [
        ("How much have farmers lost?", True),
        ("12:30 — How many people were on the slope?", True),
        ('"Are you aware that the loan was paid off last week?"', False),
        (
            "Would you expect to hear twice that 16 million of the country's 24 million people "
            "are malnourished?",
            False,
        ),
        ("Farmers have lost crops worth 240 million euros.", False),
    ],
)
def test_a_short_question_of_the_article_s_own_is_no_answer(sentence: str, asks: bool) -> None:
    assert asks_itself(sentence) is asks


def test_the_rest_of_an_article_is_its_other_sentences_in_paragraphs_holding_a_figure() -> None:
    text = ("The crush killed nine people.\n"
            "Police closed the gate. Officers were sent in.\n"
            "A doctor said twelve people had died. The doctor was tired.")  # fmt: skip
    quote = Quote("a", "t", "s", "The crush killed nine people.", 0, 29, 0.0, None, None)
    rest = rest_of_articles([quote], {"a": text}.get, lambda para: "twelve" in para)
    assert [q.text for q in rest] == ["A doctor said twelve people had died.",
                                      "The doctor was tired."]  # fmt: skip
    assert all(text[q.start : q.end] == q.text for q in rest)


def test_more_of_the_top_article_is_its_other_stored_sentences_after_the_hits() -> None:
    text = ARTICLE + "\nThe talks resume in Cairo next week.\nHow long? A ceasefire is near."
    hits = _hits()[:1]  # only the first passage was retrieved
    cands = candidates(hits)
    stored = chunk_sentences(text)
    more = more_of_top(hits, cands, {"doc": text}.get, {"doc": stored}.get)
    texts = [c.quote.text for c in more]
    # The retrieved passage's sentences are not repeated, a byline and a question the article
    # asks itself are no answers.
    assert texts == [
        "Israel says 111 hostages are still held in Gaza.",
        "The talks resume in Cairo next week.",
        "A ceasefire is near.",
    ]
    assert all(text[c.quote.start : c.quote.end] == c.quote.text for c in more)
    # One hit past the last read, at its score; the passage is the sentence's paragraph.
    assert {(c.rank, c.hit_score) for c in more} == {(1, 0.9)}
    assert more[1].passage == "The talks resume in Cairo next week."
    assert more_of_top([], [], {"doc": text}.get, {"doc": stored}.get) == []
