"""Eval metrics: retrieval, answer facts, citations (ALCE), abstention, latency, statistics.

Pure functions over plain values, so each can be checked against hand-computed numbers. A
per-question metric returns a `Score` that is either ``ok`` with a value or ``unscorable`` with a
reason; nothing is ever silently counted as 0.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rag.text.markers import strip_markers
from rag.text.terms import words

Entails = Callable[[str, list[str]], bool]
_ARTICLES = frozenset({"a", "an", "the"})


@dataclass(frozen=True)
class Score:
    """One metric of one question: a value, or None with the reason it cannot be scored."""

    value: float | None
    reason: str | None = None

    @property
    def status(self) -> str:
        return "ok" if self.value is not None else "unscorable"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "value": self.value}
        if self.reason:
            out["reason"] = self.reason
        return out


def ok(value: float, reason: str | None = None) -> Score:
    """A scored metric (``reason`` may explain a failing value)."""
    return Score(float(value), reason)


def unscorable(reason: str) -> Score:
    """A metric that does not apply to this question, and why."""
    return Score(None, reason)


# --- retrieval -----------------------------------------------------------------------------


def matched_sources(expected: Sequence[str], doc_id: str, source: str = "") -> set[str]:
    """The expected source substrings that a document's id or source contains."""
    return {e for e in expected if e and (e in doc_id or e in (source or ""))}


def doc_ranking(hits: Sequence[tuple[str, str]], k: int) -> list[tuple[str, str]]:
    """Distinct ``(doc_id, source)`` in hit order, at most ``k``: chunks collapse to articles."""
    seen: dict[str, str] = {}
    for doc_id, source in hits:
        if doc_id not in seen:
            seen[doc_id] = source
        if len(seen) >= k:
            break
    return list(seen.items())


def retrieval_scores(
    ranking: Sequence[tuple[str, str]], expected: Sequence[str], k: int
) -> dict[str, Score]:
    """hit@k, MRR, recall@k and nDCG@k of a document ranking against expected sources.

    Args:
        ranking: ``(doc_id, source)`` best first (use `doc_ranking` on chunk hits first).
        expected: substrings of the expected doc_ids/sources; each counts once.
        k: cut-off.

    Returns:
        ``{"hit", "mrr", "recall", "ndcg"}``; all unscorable when nothing is expected.
    """
    names = ("hit", "mrr", "recall", "ndcg")
    wanted = [e for e in dict.fromkeys(expected) if e]
    if not wanted:
        return {n: unscorable("case lists no expected sources") for n in names}
    found: set[str] = set()
    first_rank: int | None = None
    dcg = 0.0
    for rank, (doc_id, source) in enumerate(ranking[:k], 1):
        new = matched_sources(wanted, doc_id, source) - found
        if new:
            # A document is relevant once: gain 1 when it brings a not-yet-found source.
            dcg += 1.0 / math.log2(rank + 1)
            first_rank = first_rank or rank
            found |= new
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(wanted), k) + 1))
    missing = [e for e in wanted if e not in found]
    why = f"not retrieved: {', '.join(missing)}" if missing else None
    return {
        "hit": ok(1.0 if found else 0.0, None if found else why),
        "mrr": ok(1.0 / first_rank if first_rank else 0.0),
        "recall": ok(len(found) / len(wanted), why),
        "ndcg": ok(dcg / ideal if ideal else 0.0),
    }


# --- answer content ------------------------------------------------------------------------


def fact_scores(text: str, facts: Sequence[str]) -> tuple[Score, Score, list[str]]:
    """Fact recall and all-facts accuracy: facts are case-insensitive regexes.

    Args:
        text: the answer (markers may stay; they never match a fact by accident).
        facts: regexes a correct answer must contain.

    Returns:
        ``(fact_recall, all_facts, missing_facts)``.
    """
    if not facts:
        reason = "case lists no facts"
        return unscorable(reason), unscorable(reason), []
    missing = [f for f in facts if not re.search(f, text, flags=re.IGNORECASE)]
    why = f"missing: {'; '.join(missing)}" if missing else None
    recall = (len(facts) - len(missing)) / len(facts)
    return ok(recall, why), ok(0.0 if missing else 1.0, why), missing


def _answer_tokens(text: str) -> list[str]:
    return [w for w in words(strip_markers(text, " ")) if w not in _ARTICLES]


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 (lowercase, no punctuation, no articles, no [n] markers).

    Args:
        prediction: the answer.
        reference: the reference answer.

    Returns:
        F1 of the token multisets, 0 when either side has no tokens.
    """
    pred, ref = _answer_tokens(prediction), _answer_tokens(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two vectors (0 when either is all zeros)."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    return float(np.dot(a, b) / (na * nb)) if na and nb else 0.0


# --- citations (ALCE) ----------------------------------------------------------------------


def citation_scores(
    sentences: Sequence[tuple[str, Sequence[str]]], entails: Entails
) -> tuple[Score, Score]:
    """ALCE citation precision and recall (Gao et al., 2023) with any entailment judge.

    Recall: share of sentences whose cited passages, together, support them. Precision: share
    of citations that are needed: a citation is imprecise when the sentence is unsupported, or
    when it supports nothing alone and the other citations still support the sentence.

    Args:
        sentences: ``(sentence, [cited passage, ...])`` per answer sentence.
        entails: ``entails(claim, passages) -> bool``.

    Returns:
        ``(citation_precision, citation_recall)``.
    """
    if not sentences:
        reason = "answer has no sentences"
        return unscorable(reason), unscorable(reason)
    supported = precise = n_cites = 0
    for claim, passages in sentences:
        cited = list(passages)
        n_cites += len(cited)
        joint = bool(cited) and entails(claim, cited)
        supported += joint
        if not joint:
            continue
        if len(cited) == 1:
            precise += 1
            continue
        for i, passage in enumerate(cited):
            alone = entails(claim, [passage])
            rest = cited[:i] + cited[i + 1 :]
            precise += alone or not entails(claim, rest)
    recall = ok(supported / len(sentences))
    if not n_cites:
        return unscorable("answer cites nothing"), recall
    return ok(precise / n_cites), recall


def faithfulness(sentences: Sequence[tuple[str, Sequence[str], bool]], entails: Entails) -> Score:
    """Share of answer sentences supported by their citations' verified quotes.

    Args:
        sentences: ``(sentence, [quote, ...], quotes_verified)``; a quote that is not exactly
            the article's text at its offsets backs nothing.
        entails: ``entails(claim, passages) -> bool``.

    Returns:
        The share, unscorable for an answer without sentences.
    """
    if not sentences:
        return unscorable("answer has no sentences")
    good = sum(
        bool(quotes) and verified and entails(claim, list(quotes))
        for claim, quotes, verified in sentences
    )
    bad = len(sentences) - good
    return ok(good / len(sentences), f"{bad} unsupported sentence(s)" if bad else None)


# --- abstention, latency, statistics -------------------------------------------------------


def abstention_scores(pairs: Sequence[tuple[bool, bool]]) -> tuple[Score, Score]:
    """Abstention precision and recall over ``(abstained, unanswerable)`` per question.

    Returns:
        ``(precision, recall)``: precision is unscorable without abstentions, recall without
        unanswerable cases.
    """
    abstained = [u for a, u in pairs if a]
    unanswerable = [a for a, u in pairs if u]
    precision = ok(sum(abstained) / len(abstained)) if abstained else unscorable("no abstentions")
    recall = (
        ok(sum(unanswerable) / len(unanswerable))
        if unanswerable
        else unscorable("no unanswerable cases")
    )
    return precision, recall


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (linear interpolation), None for no values."""
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else None


def bootstrap_ci(
    values: Sequence[Any],
    stat: Callable[[list[Any]], float | None] | None = None,
    n: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float | None, float | None]:
    """Percentile bootstrap confidence interval; a fixed seed makes it deterministic.

    Args:
        values: one item per question (numbers, or anything ``stat`` understands).
        stat: statistic of a resample (default: mean); None results are skipped.
        n: resamples.
        seed: random seed.
        level: confidence level.

    Returns:
        ``(low, high)``, or ``(None, None)`` for no values.
    """
    if not values:
        return None, None
    fn = stat or (lambda xs: float(np.mean(xs)))
    rng = np.random.default_rng(seed)
    items = list(values)
    stats = []
    for idx in rng.integers(0, len(items), size=(n, len(items))):
        s = fn([items[i] for i in idx])
        if s is not None:
            stats.append(s)
    if not stats:
        return None, None
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(stats, [tail, 100 - tail])
    return float(lo), float(hi)


def paired_permutation_test(
    a: Sequence[float], b: Sequence[float], n: int = 10_000, seed: int = 0
) -> float | None:
    """Two-sided sign-flip permutation test of mean(b - a) == 0 over paired values.

    Args:
        a: baseline values; b: current values, same questions in the same order.
        n: random sign flips (exact enumeration when 2**len(a) <= n).
        seed: random seed.

    Returns:
        The p-value (1.0 when all differences are 0), None for no pairs.
    """
    if len(a) != len(b):
        raise ValueError("paired samples must have the same length")
    if not a:
        return None
    diff = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    observed = abs(float(diff.mean()))
    if observed == 0:
        return 1.0
    m = len(diff)
    if 2**m <= n:
        signs = np.array([[1 - 2 * ((i >> j) & 1) for j in range(m)] for i in range(2**m)])
    else:
        signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(n, m))
    means = np.abs((signs * diff).mean(axis=1))
    # Tolerance so that float noise never hides a tie with the observed statistic.
    return float(np.mean(means >= observed - 1e-12))
