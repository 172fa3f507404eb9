"""Retrieval metrics: hit@k, MRR, recall@k and nDCG@k of a document ranking."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rag.eval.metrics.core import Score, ok, unscorable


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
