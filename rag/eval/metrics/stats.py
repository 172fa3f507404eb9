"""Suite-level numbers: abstention precision/recall, latency percentiles, bootstrap CIs, tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rag.eval.metrics.core import Score, ok, unscorable


def abstention_scores(pairs: Sequence[tuple[bool, bool]]) -> tuple[Score, Score, Score]:
    """Abstention precision, recall and false-abstention rate over ``(abstained, unanswerable)``.

    Returns:
        ``(precision, recall, false_abstention)``: precision is unscorable without abstentions,
        recall without unanswerable cases, false abstention (share of answerable questions
        abstained on) without answerable ones.
    """
    abstained = [u for a, u in pairs if a]
    unanswerable = [a for a, u in pairs if u]
    precision = ok(sum(abstained) / len(abstained)) if abstained else unscorable("no abstentions")
    recall = (
        ok(sum(unanswerable) / len(unanswerable))
        if unanswerable
        else unscorable("no unanswerable cases")
    )
    answerable = [a for a, u in pairs if not u]
    false = (
        ok(sum(answerable) / len(answerable)) if answerable else unscorable("no answerable cases")
    )
    return precision, recall, false


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
