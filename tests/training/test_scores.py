"""Reader metrics on toy examples whose right answers are known by hand."""

import numpy as np

from rag.reader.features import SENTENCE_FEATURES
from rag.training.dataset import Example
from rag.training.scores import _cuts, compare, heuristic_scores, near_miss_recall, span_match


def _example(labels, answerable=True, kind="factoid"):
    n = len(labels)
    return Example("q", kind, "q", "q", answerable, [None] * n, [], np.array(labels, np.int8),
                   np.zeros(n), np.zeros((n, len(SENTENCE_FEATURES)), np.float32))  # fmt: skip


def test_ranking_metrics_by_hand():
    exs = [_example([0, 1, 0]), _example([1, 0, 0]), _example([0, 0, 0], answerable=False)]
    scores = {id(exs[0]): np.array([0.9, 0.5, 0.1]), id(exs[1]): np.array([0.8, 0.2, 0.1])}
    out = compare({"m": lambda e: scores[id(e)]}, exs[:2])["m"]
    # Gold first for one of two gradable questions, second for the other.
    assert out == {"p_at_1": 0.5, "recall_at_3": 1.0, "mrr": 0.75, "n": 2,
                   "near_miss_recall_at_5pct": None}  # fmt: skip


def test_cuts_keep_false_abstention_within_five_percent():
    # 40 answerable questions: losing the two at 0.25 and 0.45 is 5 %, the third (0.7) 7.5 %.
    answerable = [0.9] * 37 + [0.25, 0.45, 0.7]
    kinds = np.array(["factoid"] * 40 + ["near-miss"] * 4 + ["off-corpus"] * 2)
    topic = np.array([0.9] * 44 + [0.1, 0.1])
    detail = np.array(answerable + [0.2, 0.2, 0.6, 0.8] + [0.9, 0.9])
    t, d = _cuts(topic, detail, kinds)
    abstain = (topic < t) | (detail < d)
    assert abstain[:40].mean() <= 0.05 and abstain[44:].all()
    # Near misses up to 0.6 are caught; the one at 0.8 would cost a third answerable one.
    assert abstain[40:43].all() and not abstain[43]


def test_near_miss_recall_at_the_false_abstention_budget():
    exs = [_example([1])] * 20 + [_example([0], False, "near-miss")] * 4
    scores = np.array([0.9] * 19 + [0.1] + [0.05, 0.2, 0.5, 0.95])
    # The cut is the 5 % quantile of answerable scores (0.1): near misses under it abstain.
    assert near_miss_recall(scores, exs) == 0.25


def test_span_match_is_squad_exact_match_and_f1():
    assert span_match("The Letitia James", ["Letitia James"]) == (1.0, 1.0)
    assert span_match("162 people", ["162", "162 people aboard"]) == (0.0, 0.8)
    assert span_match("", ["x"]) == (0.0, 0.0)


def test_heuristic_discounts_a_missing_answer_type():
    e = _example([0, 1])
    col = SENTENCE_FEATURES.index
    e.features[:, col("cosine")] = [0.5, 0.5]
    e.features[:, col("asks_type")] = 1
    e.features[:, col("type_found")] = [0, 1]
    assert np.allclose(heuristic_scores(e), [0.7 * 0.5 * 0.6, 0.7 * 0.5])
