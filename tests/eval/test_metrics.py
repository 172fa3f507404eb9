"""Every eval metric on tiny cases whose values were computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rag.eval import metrics as m


def test_score_status_and_dict() -> None:
    assert m.ok(0.5).status == "ok"
    s = m.unscorable("no facts")
    assert s.status == "unscorable" and s.value is None
    assert s.to_dict() == {"status": "unscorable", "value": None, "reason": "no facts"}


def test_doc_ranking_collapses_chunks_and_cuts_at_k() -> None:
    hits = [("a", ""), ("a", ""), ("b", ""), ("c", ""), ("d", "")]
    assert m.doc_ranking(hits, 3) == [("a", ""), ("b", ""), ("c", "")]


def test_retrieval_scores_hand_computed() -> None:
    # Relevant docs at ranks 2 and 4 of 4; expected sources x and y.
    ranking = [("html/a.html", ""), ("html/x1.html", ""), ("html/b.html", ""), ("html/y.html", "")]
    r = m.retrieval_scores(ranking, ["x1", "y"], k=4)
    assert r["hit"].value == 1.0
    assert r["mrr"].value == 0.5
    assert r["recall"].value == 1.0
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3)
    assert r["ndcg"].value == pytest.approx(dcg / idcg)  # 0.6934


def test_retrieval_scores_miss_and_partial() -> None:
    ranking = [("a", ""), ("x", "")]
    r = m.retrieval_scores(ranking, ["x", "zz"], k=1)
    assert r["hit"].value == 0.0 and r["mrr"].value == 0.0 and r["ndcg"].value == 0.0
    assert "not retrieved" in (r["hit"].reason or "")
    r2 = m.retrieval_scores(ranking, ["x", "zz"], k=2)
    assert r2["recall"].value == 0.5
    assert r2["ndcg"].value == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))


def test_retrieval_matches_source_field_and_counts_each_source_once() -> None:
    ranking = [("d1", "https://cnn.com/x"), ("d2", "https://cnn.com/y")]
    r = m.retrieval_scores(ranking, ["cnn.com"], k=2)
    assert r["ndcg"].value == 1.0 and r["recall"].value == 1.0


def test_retrieval_unscorable_without_sources() -> None:
    r = m.retrieval_scores([("a", "")], [], k=5)
    assert all(s.status == "unscorable" for s in r.values())


def test_fact_scores() -> None:
    recall, all_facts, missing = m.fact_scores(
        "About 1,200 people were KILLED.", [r"1,200", r"killed", r"251"]
    )
    assert recall.value == pytest.approx(2 / 3)
    assert all_facts.value == 0.0
    assert missing == ["251"]
    recall, all_facts, _ = m.fact_scores("x", [])
    assert recall.status == "unscorable" and all_facts.status == "unscorable"


def test_token_f1_hand_computed() -> None:
    # pred tokens: cat sat mat (articles dropped); ref: cat sat on mat -> common 3
    assert m.token_f1("The cat sat the mat [1]", "a cat sat on the mat") == pytest.approx(
        2 * (3 / 3) * (3 / 4) / (3 / 3 + 3 / 4)
    )
    assert m.token_f1("", "x") == 0.0
    assert m.token_f1("dog", "cat") == 0.0


def test_cosine() -> None:
    assert m.cosine(np.array([1.0, 0.0]), np.array([1.0, 1.0])) == pytest.approx(1 / math.sqrt(2))
    assert m.cosine(np.zeros(2), np.ones(2)) == 0.0


def _judge(table: dict[tuple[str, tuple[str, ...]], bool]) -> m.Entails:
    return lambda claim, passages: table.get((claim, tuple(passages)), False)


def test_citation_scores_alce() -> None:
    # s1 cites [p1]: supported. s2 cites [p2, p3]: jointly supported, p2 alone supports,
    # p3 alone does not and p2 without p3 still supports -> p3 is an over-citation.
    # s3 cites [p4]: unsupported.
    judge = _judge(
        {
            ("s1", ("p1",)): True,
            ("s2", ("p2", "p3")): True,
            ("s2", ("p2",)): True,
            ("s2", ("p3",)): False,
        }
    )
    precision, recall = m.citation_scores(
        [("s1", ["p1"]), ("s2", ["p2", "p3"]), ("s3", ["p4"])], judge
    )
    assert recall.value == pytest.approx(2 / 3)
    assert precision.value == pytest.approx(2 / 4)  # p1, p2 precise; p3, p4 not


def test_citation_scores_needed_pair() -> None:
    # Neither passage alone supports, both together do: both citations are precise.
    judge = _judge({("s", ("a", "b")): True})
    precision, recall = m.citation_scores([("s", ["a", "b"])], judge)
    assert precision.value == 1.0 and recall.value == 1.0


def test_citation_scores_edge_cases() -> None:
    p, r = m.citation_scores([], _judge({}))
    assert p.status == r.status == "unscorable"
    p, r = m.citation_scores([("s", [])], _judge({}))
    assert p.status == "unscorable" and r.value == 0.0


def test_faithfulness() -> None:
    judge = _judge({("s1", ("q1",)): True, ("s2", ("q2",)): True})
    f = m.faithfulness([("s1", ["q1"], True), ("s2", ["q2"], False), ("s3", ["q3"], True)], judge)
    assert f.value == pytest.approx(1 / 3)
    assert f.reason == "2 unsupported sentence(s)"
    assert m.faithfulness([], judge).status == "unscorable"


def test_abstention_scores() -> None:
    # (abstained, unanswerable): TP, FP, FN, TN
    p, r, f = m.abstention_scores(
        [(True, True), (True, False), (False, True), (False, False), (False, False)]
    )
    assert p.value == 0.5 and r.value == 0.5
    assert f.value == 1 / 3  # one of three answerable questions abstained on
    p, r, f = m.abstention_scores([(False, False)])
    assert p.status == "unscorable" and r.status == "unscorable" and f.value == 0.0
    assert m.abstention_scores([(True, True)])[2].status == "unscorable"


def test_percentile() -> None:
    assert m.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert m.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 95) == pytest.approx(4.8)
    assert m.percentile([], 50) is None


def test_bootstrap_ci_deterministic_and_bracketing() -> None:
    values = [0.0, 1.0] * 20
    a = m.bootstrap_ci(values, seed=0)
    assert a == m.bootstrap_ci(values, seed=0)
    assert a[0] is not None and a[1] is not None
    assert a[0] < 0.5 < a[1]
    assert m.bootstrap_ci([1.0, 1.0, 1.0]) == (1.0, 1.0)
    assert m.bootstrap_ci([]) == (None, None)


def test_paired_permutation_test_exact() -> None:
    # Differences (1, 1, 1): of the 8 sign patterns only +++ and --- reach |mean| 1 -> p = 2/8.
    assert m.paired_permutation_test([0, 0, 0], [1, 1, 1]) == pytest.approx(0.25)
    assert m.paired_permutation_test([1, 0], [1, 0]) == 1.0
    assert m.paired_permutation_test([], []) is None
    with pytest.raises(ValueError, match="paired samples must have the same length"):
        m.paired_permutation_test([1], [1, 2])


def test_paired_permutation_test_random_is_seeded() -> None:
    a = [0.0] * 30
    b = [1.0] * 20 + [0.0] * 10
    p = m.paired_permutation_test(a, b, n=2000, seed=1)
    assert p == m.paired_permutation_test(a, b, n=2000, seed=1)
    assert p is not None and p < 0.01
