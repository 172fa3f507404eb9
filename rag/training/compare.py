"""`make reader`'s comparison: every scorer's ranking, span match and near-miss recall.

The shipped reader against issue 13's heuristic, the retrieval embedder's cosine, the first
stage, the span model alone, and (``--compare``) the cross-encoder of issue 14 and the reader
encoder alone (issue 14's shipped ranking), all retrained on today's data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from rag.reader.features import FINAL_FEATURES, SENTENCE_FEATURES
from rag.reader.model import Logistic
from rag.training.dataset import Example
from rag.training.scores import Scorer, compare, heuristic_scores, span_scores


def first_scores(first: Logistic) -> Scorer:
    """The first stage's probability of each candidate."""
    return lambda e: first.proba(e.features, SENTENCE_FEATURES) if len(e.cands) else np.zeros(0)


def compare_scorers(
    held: dict[str, list[Example]],
    first: Logistic,
    sentence: Logistic,
    extra: dict[str, dict[str, np.ndarray]],
) -> dict[str, Any]:
    """Step 7: every scorer's sentence ranking, span match and near-miss recall per split.

    Args:
        held: examples of dev and the test splits, span readings filled.
        first, sentence: the first stage and the final sentence model.
        extra: other scorers' scores by name, then by question id (cross-encoder...).
    """

    def span_only(e: Example) -> np.ndarray:
        floor = float(e.margins.min()) - 1 if len(e.margins) else 0.0
        out = np.full(len(e.cands), floor, np.float32)
        out[e.read] = e.margins
        return out

    models: dict[str, Scorer] = {
        "heuristic": heuristic_scores,
        "embedder_cosine": lambda e: e.cosines,
        "first_stage": first_scores(first),
        "span_model": span_only,
        "reader": lambda e: sentence.proba(e.final_features(), FINAL_FEATURES),
    }
    for name, by_qid in extra.items():
        models[name] = _lookup(by_qid)
    out: dict[str, Any] = {}
    for split, exs in held.items():
        out[split] = compare(models, exs)
        for name in ("span_model", "reader"):
            out[split][name].update(span_scores(exs, models[name]))
    return out


def _lookup(by_qid: dict[str, np.ndarray]) -> Scorer:
    return lambda e: by_qid.get(e.qid, np.zeros(len(e.cands)))


def cross_encoder_scores(
    train: list[Example], held: list[Example], work: Path, seed: int
) -> dict[str, np.ndarray]:
    """The cross-encoder of issue 14, retrained on this data, scored on the held-out splits."""
    from rag.training import cross_train

    return cross_train.logits(cross_train.train(train, work / "cross", seed), held)


def bi_encoder_scores(st_dir: Path, held: list[Example]) -> dict[str, np.ndarray]:
    """The reader encoder alone over every candidate (issue 14's shipped ranking)."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(st_dir), device="cpu")
    out = {}
    for e in held:
        if e.cands:
            texts = [e.query] + [c.quote.text for c in e.cands]
            v = model.encode(texts, normalize_embeddings=True)
            out[e.qid] = v[1:] @ v[0]
    return out
