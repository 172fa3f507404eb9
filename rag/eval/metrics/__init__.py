"""Eval metrics: retrieval, answer facts, citations (ALCE), abstention, latency, statistics.

Pure functions over plain values, so each can be checked against hand-computed numbers. A
per-question metric returns a `Score` that is either ``ok`` with a value or ``unscorable`` with a
reason; nothing is ever silently counted as 0. This package is their one namespace
(``from rag.eval import metrics as m``); each function lives in the module of its concern.
"""

from rag.eval.metrics.answer import (
    citation_scores,
    cosine,
    exact_match,
    fact_scores,
    faithfulness,
    token_f1,
)
from rag.eval.metrics.core import Entails, Score, ok, unscorable
from rag.eval.metrics.retrieval import doc_ranking, matched_sources, retrieval_scores
from rag.eval.metrics.stats import (
    abstention_scores,
    bootstrap_ci,
    paired_permutation_test,
    percentile,
)

__all__ = [
    "Entails",
    "Score",
    "abstention_scores",
    "bootstrap_ci",
    "citation_scores",
    "cosine",
    "doc_ranking",
    "exact_match",
    "fact_scores",
    "faithfulness",
    "matched_sources",
    "ok",
    "paired_permutation_test",
    "percentile",
    "retrieval_scores",
    "token_f1",
    "unscorable",
]
