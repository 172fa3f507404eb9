"""The pick model: which candidate leads the answer, read from the reader's own ratings.

The sentence model rates each candidate on its own and was fitted on the passages' sentences;
at ask time the best article's other sentences are candidates too (`more_of_top`), and its
features interact (a span score counts for more when the tuned cosine agrees). The pick model,
gradient-boosted trees over `PICK_FEATURES`, was fitted on questions the span model and the
encoder never saw (the round-3 parts, `rag.training.pick_train`) to rate which candidate is
the best. Only its best candidate is used, raised to lead: the other sentences of an answer
keep the sentence model's ratings, because the trees' sharper probabilities, used for every
sentence, cited fewer of them (dev facts 269 → 252; leading only: 274, docs/reader.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from rag.reader.features import FINAL_FEATURES

PICK_FILE = "pick.json"
PICK_FEATURES = FINAL_FEATURES + (
    "extra",  # a sentence of the best article outside the passages (`more_of_top`)
    "rating",  # the sentence model's probability, as log-odds
    "rating_rank",  # its rank by that probability (capped at `_RANK_CAP`)
    "rating_gap",  # its log-odds below the best candidate's
)
_RANK_CAP = 20  # ranks past the 20th tell nothing more (the span model reads 10)


def pick_features(features: np.ndarray, probs: np.ndarray, own: int) -> np.ndarray:
    """`PICK_FEATURES` of each candidate.

    Args:
        features: `FINAL_FEATURES` per candidate.
        probs: the sentence model's probability of each.
        own: how many candidates, first, are the passages' own sentences.

    Returns:
        ``(n, len(PICK_FEATURES))``.
    """
    n = len(probs)
    p = np.clip(probs.astype(np.float64), 1e-6, 1 - 1e-6)
    logit = np.log(p / (1 - p))
    rank = np.argsort(np.argsort(-probs, kind="stable"), kind="stable")
    extra = (np.arange(n) >= own).astype(np.float64)
    rated = np.column_stack([extra, logit, np.minimum(rank, _RANK_CAP), logit.max() - logit])
    return np.hstack([features.astype(np.float64), rated]).astype(np.float32)


@dataclass(frozen=True)
class Trees:
    """Gradient-boosted trees, each padded to one node count, evaluated with numpy.

    skl2onnx 1.20 fails to convert scikit-learn 1.9's HistGradientBoostingClassifier (its
    converter passes booleans as ONNX ints), so the trees are kept as arrays: one node per
    column, the leaves pointing to themselves.
    """

    baseline: float
    feature: np.ndarray  # (trees, nodes) int: the feature a node splits on
    threshold: np.ndarray  # go left when the value is <= this
    missing_left: np.ndarray  # bool: where a missing value goes
    left: np.ndarray  # child indices (a leaf's own index)
    right: np.ndarray
    value: np.ndarray  # a leaf's raw score (0 elsewhere)
    depth: int

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Trees:
        arrays = {k: np.asarray(d[k]) for k in ("feature", "threshold", "missing_left", "left",
                                               "right", "value")}  # fmt: skip
        return cls(float(d["baseline"]), depth=int(d["depth"]), **arrays)

    def to_dict(self) -> dict[str, Any]:
        return {"baseline": self.baseline, "depth": self.depth,
                **{k: getattr(self, k).tolist() for k in ("feature", "threshold", "missing_left",
                                                          "left", "right", "value")}}  # fmt: skip

    @cached_property
    def _flat(self) -> tuple[np.ndarray, ...]:
        """Roots, children, features, thresholds and missing sides by flat node index
        (tree * width + node): 1-D takes are faster than 2-D fancy indexing."""
        trees, width = self.feature.shape
        roots = np.arange(trees) * width
        left, right = (self.left + roots[:, None]).ravel(), (self.right + roots[:, None]).ravel()
        return (
            roots,
            left,
            right,
            self.feature.ravel(),
            self.threshold.ravel(),
            self.missing_left.ravel(),
        )

    def proba(self, x: np.ndarray) -> np.ndarray:
        """The probability of the positive class for each row of ``x``."""
        roots, left, right, feature, threshold, missing_left = self._flat
        n, trees, flat = len(x), len(roots), x.astype(np.float64).ravel()
        row = np.repeat(np.arange(n) * x.shape[1], trees)  # each value by row * width + column
        node = np.tile(roots, n)
        for _ in range(self.depth):
            values = flat[row + feature[node]]
            go_left = (values <= threshold[node]) | (np.isnan(values) & missing_left[node])
            node = np.where(go_left, left[node], right[node])
        raw = self.baseline + self.value.ravel()[node].reshape(n, trees).sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))


@dataclass(frozen=True)
class PickModel:
    """The trees and the features they read, as ``pick.json`` stores them."""

    trees: Trees
    features: tuple[str, ...]

    @classmethod
    def load(cls, folder: Path) -> PickModel | None:
        """The model folder's pick model, or None where it has none (the reader leads with
        the sentence model's best, as before round 9)."""
        path = folder / PICK_FILE
        if not path.exists():
            return None
        d = json.loads(path.read_text(encoding="utf-8"))
        if tuple(d["features"]) != PICK_FEATURES:
            raise ValueError(f"{path} reads {d['features']}, not {list(PICK_FEATURES)}")
        return cls(Trees.from_dict(d["trees"]), tuple(d["features"]))

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(self.features), "trees": self.trees.to_dict()}

    def lead(self, features: np.ndarray, probs: np.ndarray, own: int) -> np.ndarray:
        """``probs`` with the pick model's best candidate raised to lead (just above the
        sentence model's best); the others unchanged."""
        if len(probs) < 2:
            return probs
        best = int(np.argmax(self.trees.proba(pick_features(features, probs, own))))
        out = probs.copy()
        out[best] = max(float(out[best]), float(np.nextafter(out.max(), np.inf)))
        return out
