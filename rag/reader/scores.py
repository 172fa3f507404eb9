"""Reader-level metrics for `make reader`: ranking of answer sentences and answerability."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import numpy as np

from rag.reader.dataset import Example
from rag.reader.features import QUESTION_FEATURES, SENTENCE_FEATURES, question_features
from rag.reader.model import Logistic, Thresholds

Scorer = Callable[[Example], np.ndarray]
_COL = SENTENCE_FEATURES.index


def heuristic_scores(e: Example) -> np.ndarray:
    """Today's hand-set score (0.7·cosine + 0.3·coverage, × 0.6 without the asked type)."""
    x = e.features
    base = 0.7 * np.maximum(x[:, _COL("cosine")], 0) + 0.3 * x[:, _COL("coverage")]
    missing = (x[:, _COL("asks_type")] > 0) & (x[:, _COL("type_found")] == 0)
    return np.asarray(base * np.where(missing, 0.6, 1.0))


def _ranking(scorer: Scorer, exs: list[Example]) -> dict[str, float]:
    gradable = [e for e in exs if e.answerable and e.labels.any()]
    top1 = top3 = rr = 0.0
    for e in gradable:
        order = np.argsort(-scorer(e), kind="stable")
        first = int(np.flatnonzero(e.labels[order])[0])
        top1 += first == 0
        top3 += first < 3
        rr += 1.0 / (first + 1)
    n = max(len(gradable), 1)
    return {"p_at_1": round(top1 / n, 3), "recall_at_3": round(top3 / n, 3),
            "mrr": round(rr / n, 3), "n": len(gradable)}  # fmt: skip


def compare(models: dict[str, Scorer], exs: list[Example]) -> dict[str, dict[str, float]]:
    """Sentence ranking per model: is a gold sentence first (p@1), in the top 3, and MRR."""
    return {name: _ranking(scorer, exs) for name, scorer in models.items()}


def question_rows(exs: list[Example], sentence: Logistic) -> np.ndarray:
    """`QUESTION_FEATURES` of every example, its candidates scored by ``sentence``."""
    rows = []
    for e in exs:
        probs = sentence.proba(e.features, SENTENCE_FEATURES) if len(e.cands) else np.zeros(0)
        rows.append(question_features(e.query, e.cands, e.features, probs, e.hits)[0])
    return np.asarray(rows, np.float32)


def _question_probs(
    exs: list[Example], sentence: Logistic, topic: Logistic, detail: Logistic
) -> tuple[np.ndarray, np.ndarray]:
    """Per question: the on-topic and has-the-detail probabilities."""
    q = question_rows(exs, sentence)
    return topic.proba(q, QUESTION_FEATURES), detail.proba(q, QUESTION_FEATURES)


def _balanced(
    topic: np.ndarray, detail: np.ndarray, kinds: np.ndarray, t: float, d: float
) -> float:
    """Twice the answered share of answerable questions + the two kinds' mean abstention recall.

    A false abstention costs twice a missed one: it loses an answer the articles give, while an
    answer to a near miss still quotes the article sentence, for the reader to judge.
    """
    abstain = (topic < t) | (detail < d)
    answerable = (kinds != "off-corpus") & (kinds != "near-miss")
    unanswerable = [k for k in ("off-corpus", "near-miss") if (kinds == k).any()]
    recalls = [abstain[kinds == k].mean() for k in unanswerable]
    return float(2 * (~abstain[answerable]).mean() + (np.mean(recalls) if recalls else 0.0))


def choose_thresholds(
    dev: list[Example], sentence: Logistic, topic: Logistic, detail: Logistic
) -> dict[str, float]:
    """Decision points on dev: the two abstention cuts jointly, extra sentences by F1.

    The cuts maximise `_balanced`: answered answerable questions (weight 2) plus the mean
    abstention recall of off-topic and near-miss questions (each kind weighs the same, whatever
    its count); ties go to the lower cuts, which abstain less.
    """
    kinds = np.array([e.kind for e in dev])
    pt, pd = _question_probs(dev, sentence, topic, detail)
    grid = np.round(np.arange(0.0, 1.0, 0.02), 2)
    cuts = max(
        ((float(t), float(d)) for t in grid for d in grid),
        key=lambda c: (round(_balanced(pt, pd, kinds, *c), 6), -c[0] - c[1]),
    )
    gradable = [
        (sentence.proba(e.features, SENTENCE_FEATURES), e.labels)
        for e in dev
        if e.answerable and e.labels.any()
    ]
    f1s: dict[tuple[float, float], float] = {}
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        for r in (0.3, 0.5, 0.7, 0.9):
            tp = fp = fn = 0
            for p, labels in gradable:
                top = int(p.argmax())
                chosen = (p >= max(t, r * p[top])) | (np.arange(len(p)) == top)
                tp += int((chosen & (labels > 0)).sum())
                fp += int((chosen & (labels == 0)).sum())
                fn += int((~chosen & (labels > 0)).sum())
            f1s[(t, r)] = 2 * tp / max(2 * tp + fp + fn, 1)
    (t, r), _ = max(f1s.items(), key=lambda kv: (kv[1], kv[0]))
    return asdict(Thresholds(topic=cuts[0], detail=cuts[1], sentence=t, relative=r))


def report(
    exs: list[Example],
    sentence: Logistic,
    topic: Logistic,
    detail: Logistic,
    thresholds: dict[str, float],
) -> dict[str, Any]:
    """Per question kind: p@1 of the answer sentence, abstention and false abstention."""
    pt, pd = _question_probs(exs, sentence, topic, detail)
    # 1 = answers, 0 = abstains: the report's own view of the decision.
    pa = ((pt >= thresholds["topic"]) & (pd >= thresholds["detail"])).astype(float)
    kinds: dict[str, list[tuple[Example, float]]] = defaultdict(list)
    for e, p in zip(exs, pa, strict=True):
        kinds[e.kind].append((e, p))
        kinds["all"].append((e, p))
    out: dict[str, Any] = {}
    for kind, rows in sorted(kinds.items()):
        ans = [(e, p) for e, p in rows if e.answerable]
        una = [(e, p) for e, p in rows if not e.answerable]
        right = 0
        for e, p in ans:
            if p and e.labels.any():
                probs = sentence.proba(e.features, SENTENCE_FEATURES)
                right += int(e.labels[int(probs.argmax())] > 0)
        out[kind] = {
            "n": len(rows),
            "answered_with_gold_first": round(right / len(ans), 3) if ans else None,
            "false_abstention": (
                round(sum(not p for _, p in ans) / len(ans), 3)
                if ans else None
            ),
            "abstention_recall": (
                round(sum(not p for _, p in una) / len(una), 3)
                if una else None
            ),
        }  # fmt: skip
    return out
