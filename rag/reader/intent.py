"""Whether a question asks for a timeline, read from the reader encoder's question vector.

The patterns of `rag.news.intent` know the ways of asking for a story's course that were met
(time dev's 121 timeline questions: all found); readers word it in many more ("give me a
blow-by-blow", "put it in sequence", "what came next, and then what?": 42 of 100 such
questions of `evals/intent/check.jsonl`, written by a helper who never saw the patterns, were
missed). A logistic model over the encoder's vector of the question, fitted by
`rag.training.intent_train` on time dev, `evals/intent/train.jsonl` and the reader's questions
(none a timeline), catches what the patterns miss; its cut keeps the questions it wrongly
takes for a timeline under 0.1 % out of fold (the manifest's ``timeline_intent``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

INTENT_FILE = "intent.json"


@dataclass(frozen=True)
class TimelineModel:
    """``sigmoid(vector @ coef + bias) >= cut``: the question asks how a story unfolded."""

    coef: np.ndarray
    bias: float
    cut: float

    @classmethod
    def load(cls, folder: Path) -> TimelineModel | None:
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
        return cls(np.asarray(d["coef"], np.float32), float(d["bias"]), float(d["cut"]))

    def to_dict(self) -> dict[str, Any]:
        return {"coef": [round(float(c), 6) for c in self.coef], "bias": self.bias,
                "cut": self.cut}  # fmt: skip

    def probability(self, vectors: np.ndarray) -> np.ndarray:
        """The probability that each row's question asks for a timeline."""
        return 1.0 / (1.0 + np.exp(-(np.atleast_2d(vectors) @ self.coef + self.bias)))

    def asks(self, vector: np.ndarray) -> bool:
        """True when the question of ``vector`` asks for a timeline."""
        return bool(self.probability(vector)[0] >= self.cut)
