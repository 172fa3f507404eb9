"""Fusion of the dense and BM25 rankings into one score per chunk."""

from __future__ import annotations


def ranking(scores: dict[str, float]) -> list[str]:
    """Ids best first; equal scores by id, not by the order a store returned them in.

    Syndicated copies have equal vectors, so a dense store returns them tied, in an order
    that depends on the index's history (its HNSW graph); ranking ties by id gives rank
    fusion the same input for the same articles however they were ingested.

    Args:
        scores: ``id -> score``, higher is better.

    Returns:
        The ids, by descending score, then by id.
    """
    return sorted(scores, key=lambda c: (-scores[c], c))


def rrf(rankings: list[list[str]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the rankings an id appears in.

    Args:
        rankings: ids, best first, one list per retriever.
        k: damping constant; larger values flatten the gap between top ranks.

    Returns:
        ``id -> fused score``.
    """
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, 1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return scores


def weighted(dense: dict[str, float], bm25: dict[str, float], w: float) -> dict[str, float]:
    """``w`` x min-max-normalised dense score + ``1 - w`` x normalised BM25 score.

    Args:
        dense: ``id -> cosine similarity``.
        bm25: ``id -> BM25 score``.
        w: weight of the dense score, in ``[0, 1]``.

    Returns:
        ``id -> fused score`` for every id in either input.
    """

    def norm(scores: dict[str, float]) -> dict[str, float]:
        if not scores:
            return {}
        lo, hi = min(scores.values()), max(scores.values())
        span = hi - lo or 1.0
        return {k: (v - lo) / span if hi > lo else 1.0 for k, v in scores.items()}

    nd, nb = norm(dense), norm(bm25)
    return {k: w * nd.get(k, 0.0) + (1 - w) * nb.get(k, 0.0) for k in set(nd) | set(nb)}
