"""Reader metrics on toy examples whose right answers are known by hand."""

import numpy as np

from rag.reader.dataset import Example
from rag.reader.scores import _balanced, compare, heuristic_scores


def _example(labels, answerable=True):
    n = len(labels)
    return Example("q", "factoid", "q", "q", answerable, [None] * n, [], np.array(labels, np.int8),
                   np.zeros(n), np.zeros((n, 15), np.float32))  # fmt: skip


def test_ranking_metrics_by_hand():
    exs = [_example([0, 1, 0]), _example([1, 0, 0]), _example([0, 0, 0], answerable=False)]
    scores = {id(exs[0]): np.array([0.9, 0.5, 0.1]), id(exs[1]): np.array([0.8, 0.2, 0.1])}
    out = compare({"m": lambda e: scores[id(e)]}, exs)["m"]
    # Gold first for one of two gradable questions, second for the other.
    assert out == {"p_at_1": 0.5, "recall_at_3": 1.0, "mrr": 0.75, "n": 2}


def test_balanced_accuracy_weighs_each_unanswerable_kind_the_same_and_answers_double():
    kinds = np.array(["factoid", "number", "near-miss", "near-miss", "off-corpus"])
    topic = np.array([0.9, 0.9, 0.9, 0.9, 0.1])
    detail = np.array([0.9, 0.4, 0.2, 0.8, 0.9])
    # Cuts 0.5/0.5: one answerable question lost (1/2 answered), near-miss 1/2, off-corpus 1/1.
    assert _balanced(topic, detail, kinds, 0.5, 0.5) == 2 * 0.5 + (0.5 + 1.0) / 2
    # A lower detail cut answers both answerable ones and still catches the off-topic one.
    assert _balanced(topic, detail, kinds, 0.5, 0.3) == 2 * 1.0 + (0.5 + 1.0) / 2


def test_heuristic_discounts_a_missing_answer_type():
    e = _example([0, 1])
    e.features[:, 2] = [0.5, 0.5]  # cosine
    e.features[:, 8] = 1  # asks_type
    e.features[:, 9] = [0, 1]  # type_found
    assert np.allclose(heuristic_scores(e), [0.7 * 0.5 * 0.6, 0.7 * 0.5])
