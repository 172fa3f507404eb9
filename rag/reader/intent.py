"""Which kinds of news question a question is, read from the reader encoder's question vector.

The patterns of `rag.news.intent` know the ways of asking for a story's course or for the
present state of things that were met (time dev's 121 timeline and 105 recency questions: all
found); readers word both in many more ("give me a blow-by-blow", "what came next, and then
what?", "where are they at with finding the plane"): of questions written by helpers who
never saw the patterns, they missed 42 of 100 timelines and 23 of 100 questions about the
present (`evals/intent/`). One logistic head per kind over the encoder's vector of the
question, fitted by `rag.training.intent_train` on time dev, the intent train sets and the
reader's questions, catches what the patterns miss; each head's cut keeps the questions it
wrongly takes for its kind under 0.1 % out of fold (the manifest's ``intent``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

INTENT_FILE = "intent.json"
KINDS = ("timeline", "recency")  # the kinds a head reads; the others are read by patterns


@dataclass(frozen=True)
class Head:
    """``sigmoid(vector @ coef + bias) >= cut``: the question is of the head's kind."""

    coef: np.ndarray
    bias: float
    cut: float

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Head:
        return cls(np.asarray(d["coef"], np.float32), float(d["bias"]), float(d["cut"]))

    def to_dict(self) -> dict[str, Any]:
        return {"coef": [round(float(c), 6) for c in self.coef], "bias": self.bias,
                "cut": self.cut}  # fmt: skip

    def probability(self, vectors: np.ndarray) -> np.ndarray:
        """The probability that each row's question is of the head's kind."""
        return 1.0 / (1.0 + np.exp(-(np.atleast_2d(vectors) @ self.coef + self.bias)))


@dataclass(frozen=True)
class IntentModel:
    """The heads by kind (`KINDS`)."""

    heads: dict[str, Head]

    @classmethod
    def load(cls, folder: Path) -> IntentModel | None:
        """The model in ``folder``, or None where none was trained (a reader of before round 21).

        Args:
            folder: a reader model folder.

        Returns:
            The model, or None.
        """
        path = folder / INTENT_FILE
        if not path.exists():
            return None
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls({kind: Head.from_dict(d[kind]) for kind in KINDS if kind in d})

    def to_dict(self) -> dict[str, Any]:
        return {kind: head.to_dict() for kind, head in self.heads.items()}

    def kinds(self, vector: np.ndarray) -> frozenset[str]:
        """The kinds whose head reads the question of ``vector`` as theirs."""
        return frozenset(k for k, h in self.heads.items() if h.probability(vector)[0] >= h.cut)
