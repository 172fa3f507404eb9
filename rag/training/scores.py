"""Reader-level metrics for `make reader`: answer sentences, answer spans and answerability."""

from __future__ import annotations

import re
import string
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import numpy as np

from rag.reader.features import (
    FINAL_FEATURES,
    QUESTION_FEATURES,
    SENTENCE_FEATURES,
    question_features,
)
from rag.reader.model import Logistic, Thresholds
from rag.training.dataset import Example

Scorer = Callable[[Example], np.ndarray]
_COL = SENTENCE_FEATURES.index
# The false-abstention budget the near-miss recall of every scorer is compared at (issue 21).
FALSE_ABSTENTION_BUDGET = 0.05


def heuristic_scores(e: Example) -> np.ndarray:
    """Issue 13's hand-set score (0.7·cosine + 0.3·coverage, × 0.6 without the asked type)."""
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


def near_miss_recall(scores: np.ndarray, exs: list[Example]) -> float | None:
    """Share of near misses abstained on when abstaining below the cut that keeps false
    abstention on answerable questions within `FALSE_ABSTENTION_BUDGET` (``scores``: one per
    question, higher = more answerable)."""
    kinds = np.array([e.kind for e in exs])
    answerable = np.array([e.answerable for e in exs])
    if not answerable.any() or not (kinds == "near-miss").any():
        return None
    cut = float(np.quantile(scores[answerable], FALSE_ABSTENTION_BUDGET, method="lower"))
    return round(float((scores[kinds == "near-miss"] < cut).mean()), 3)


def compare(models: dict[str, Scorer], exs: list[Example]) -> dict[str, dict[str, float]]:
    """Per model: p@1, recall@3 and MRR of the answer sentence, and near-miss recall at 5 %
    false abstention when abstaining on the model's best candidate score."""
    out = {}
    for name, scorer in models.items():
        row: dict[str, Any] = _ranking(scorer, exs)
        best = np.array([float(scorer(e).max()) if len(e.cands) else -1e9 for e in exs])
        row["near_miss_recall_at_5pct"] = near_miss_recall(best, exs)
        out[name] = row
    return out


def _normalize(text: str) -> list[str]:
    """SQuAD's answer normalisation: lowercase, no punctuation, no articles, words."""
    text = "".join(ch for ch in text.lower() if ch not in string.punctuation + "‘’“”")
    return re.sub(r"\b(a|an|the)\b", " ", text).split()


def span_match(predicted: str, gold: list[str]) -> tuple[float, float]:
    """SQuAD exact match and token F1 of a predicted answer against the best gold one."""
    p = _normalize(predicted)
    best_em = best_f1 = 0.0
    for g in gold:
        t = _normalize(g)
        best_em = max(best_em, float(p == t))
        common = sum((Counter(p) & Counter(t)).values())
        if common:
            precision, recall = common / len(p), common / len(t)
            best_f1 = max(best_f1, 2 * precision * recall / (precision + recall))
    return best_em, best_f1


def predicted_span(e: Example, scores: np.ndarray) -> str:
    """The span model's phrase in the best-scored candidate ("" when it did not read it)."""
    best = int(np.argmax(scores))
    where = np.flatnonzero(e.read == best)
    if not len(where):
        return ""
    a, b = e.span_chars[int(where[0])]
    return e.cands[best].quote.text[a:b]


def span_scores(exs: list[Example], scorer: Scorer) -> dict[str, Any]:
    """Exact match and F1 of the short answer over answerable questions with a gold span."""
    rows = [e for e in exs if e.answerable and e.short_texts and len(e.cands)]
    ems, f1s = [], []
    for e in rows:
        em, f1 = span_match(predicted_span(e, scorer(e)), e.short_texts)
        ems.append(em)
        f1s.append(f1)
    n = max(len(rows), 1)
    return {"exact_match": round(sum(ems) / n, 3), "f1": round(sum(f1s) / n, 3), "n": len(rows)}


def question_rows(exs: list[Example], sentence: Logistic) -> np.ndarray:
    """`QUESTION_FEATURES` of every example, its candidates scored by ``sentence``."""
    rows = []
    for e in exs:
        fx = e.final_features()
        probs = sentence.proba(fx, FINAL_FEATURES) if len(e.cands) else np.zeros(0)
        rows.append(question_features(e.query, e.cands, fx, probs, e.hits)[0])
    return np.asarray(rows, np.float32)


def _question_probs(
    exs: list[Example], sentence: Logistic, topic: Logistic, detail: Logistic
) -> tuple[np.ndarray, np.ndarray]:
    """Per question: the on-topic and has-the-detail probabilities."""
    q = question_rows(exs, sentence)
    return topic.proba(q, QUESTION_FEATURES), detail.proba(q, QUESTION_FEATURES)


def _cuts(pt: np.ndarray, pd: np.ndarray, kinds: np.ndarray) -> tuple[float, float]:
    """The two abstention cuts: the most mean abstention recall over off-topic and near-miss
    questions (each kind weighs the same) with false abstention within the budget; ties go
    to the cuts that abstain less."""
    answerable = (kinds != "off-corpus") & (kinds != "near-miss")
    grid = np.round(np.arange(0.0, 1.0, 0.02), 2)
    best: tuple[tuple[float, float], tuple[float, float]] = ((-1.0, 0.0), (0.0, 0.0))
    for t in grid:
        for d in grid:
            abstain = (pt < t) | (pd < d)
            if abstain[answerable].mean() > FALSE_ABSTENTION_BUDGET:
                continue
            recall = np.mean([abstain[kinds == k].mean() for k in ("off-corpus", "near-miss")
                              if (kinds == k).any()])  # fmt: skip
            key = (round(float(recall), 6), -float(t) - float(d))
            if key > best[0]:
                best = (key, (float(t), float(d)))
    return best[1]


def choose_thresholds(
    dev: list[Example], sentence: Logistic, topic: Logistic, detail: Logistic
) -> dict[str, float]:
    """Decision points on dev: the abstention cuts, extra sentences by F1, the short answer.

    The cuts keep false abstention within `FALSE_ABSTENTION_BUDGET` and abstain on as many
    off-topic and near-miss questions as that allows; extra sentences maximise F1 against
    the gold sentences; the short answer's span score maximises exact match over the
    questions that ask for a name, number, date or place (a short answer shown when wrong
    counts as a miss, one withheld too).
    """
    kinds = np.array([e.kind for e in dev])
    pt, pd = _question_probs(dev, sentence, topic, detail)
    topic_cut, detail_cut = _cuts(pt, pd, kinds)
    gradable = [
        (sentence.proba(e.final_features(), FINAL_FEATURES), e.labels)
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
    short = _short_cut(dev, sentence)
    return asdict(Thresholds(topic=topic_cut, detail=detail_cut, sentence=t, relative=r,
                             short=short))  # fmt: skip


def _short_cut(dev: list[Example], sentence: Logistic) -> float:
    """The span score at which showing the short answer gives the most exact matches."""
    rows = []
    for e in dev:
        if not (e.answerable and e.short_texts and e.answer_type in SHORT_TYPES and len(e.cands)):
            continue
        p = sentence.proba(e.final_features(), FINAL_FEATURES)
        best = int(np.argmax(p))
        where = np.flatnonzero(e.read == best)
        margin = float(e.margins[int(where[0])]) if len(where) else -1e9
        rows.append((margin, span_match(predicted_span(e, p), e.short_texts)[0]))
    if not rows:
        return 0.0
    cuts = sorted({round(m, 1) for m, _ in rows})
    return max(cuts, key=lambda c: (sum(em for m, em in rows if m >= c), -c))


SHORT_TYPES = ("name", "number", "date", "place")


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
        if "hard" in e.tags:
            kinds["near-miss (hard)"].append((e, p))
    out: dict[str, Any] = {}
    for kind, rows in sorted(kinds.items()):
        ans = [(e, p) for e, p in rows if e.answerable]
        una = [(e, p) for e, p in rows if not e.answerable]
        right = 0
        for e, p in ans:
            if p and e.labels.any():
                probs = sentence.proba(e.final_features(), FINAL_FEATURES)
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
