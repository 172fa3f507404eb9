"""A step of `make reader`: the pick model (`rag.reader.pick`), fitted on unseen questions.

The round-3 questions (``evals/reader/parts/train-r3*.jsonl``) and the review sets
(``evals/reader/review/``) were written after the shipped span model and encoder were
trained, so the reader reads them as it reads any new question,
as the out-of-fold readings stand in for train's. Each is asked of the training index the
way `ask` asks it, whole sentences of the best article included; its first reading is
recorded (`rag.reader.model.recording`) and its candidates labelled by the gold sentences.
The trees' settings were compared on dev (p@1: the lead is a gold sentence), which the
manifest reports; the trees are written beside ``reader.json``. Usage:
``python -m rag.training.pick_train [--index DIR] [--model DIR]``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from rag.reader.model import Recorded
from rag.reader.pick import PICK_FEATURES, PICK_FILE, PickModel, Trees, pick_features
from rag.training.dataset import overlaps
from rag.training.readings import (
    Read,
    files_sha256,
    read_splits,
    record,
    review_files,
    round3_files,
    step_args,
)
from rag.training.train import DATA

logger = logging.getLogger(__name__)
# The trees: scikit-learn's defaults but for a slower rate and fewer leaves, which p@1 on
# dev preferred (docs/reader.md, round 9); early stopping on a tenth of the candidates.
TREES = {"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15, "early_stopping": True,
         "validation_fraction": 0.1, "n_iter_no_change": 10}  # fmt: skip


def labelled(read: Read) -> list[tuple[Recorded, np.ndarray]]:
    """The answerable questions' readings and, per candidate, whether it is a gold sentence
    (readings with none are kept: they weigh nothing)."""
    return [
        (r, np.array([overlaps(c, row.get("gold") or []) for c in r.cands], np.int8))
        for row, r in read
        if r is not None and not row.get("unanswerable")
    ]


def _matrix(data: list[tuple[Recorded, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    x = [pick_features(r.features, r.probs, r.own) for r, _ in data]
    return np.vstack(x), np.concatenate([y for _, y in data])


def export_trees(model: Any) -> Trees:
    """A fitted HistGradientBoostingClassifier's trees as `Trees` arrays."""
    nodes = [p[0].nodes for p in model._predictors]  # noqa: SLF001 - no public tree API
    width = max(len(n) for n in nodes)

    def padded(field: str, fill: float, dtype: Any) -> np.ndarray:
        out = np.full((len(nodes), width), fill, dtype)
        for t, n in enumerate(nodes):
            out[t, : len(n)] = n[field]
        return out

    leaf = padded("is_leaf", 1, bool)
    own = np.broadcast_to(np.arange(width), leaf.shape)
    left = np.where(leaf, own, padded("left", 0, np.int64))
    right = np.where(leaf, own, padded("right", 0, np.int64))
    depth = int(max(n["depth"].max() for n in nodes))
    return Trees(
        float(np.ravel(model._baseline_prediction)[0]),  # noqa: SLF001
        np.where(leaf, 0, padded("feature_idx", 0, np.int64)),
        padded("num_threshold", 0.0, np.float64),
        padded("missing_go_to_left", 0, bool),
        left, right, np.where(leaf, padded("value", 0.0, np.float64), 0.0), depth,
    )  # fmt: skip


def fit_pick(data: list[tuple[Recorded, np.ndarray]], seed: int) -> PickModel:
    """Trees rating each candidate's chance of being a gold sentence."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    x, y = _matrix(data)
    model = HistGradientBoostingClassifier(random_state=seed, **TREES).fit(x, y)
    logger.info("pick model: %d trees over %d candidates", model.n_iter_, len(y))
    pick = PickModel(export_trees(model), PICK_FEATURES)
    gap = np.abs(pick.trees.proba(x[:2000]) - model.predict_proba(x[:2000])[:, 1]).max()
    if gap > 1e-5:  # the exported trees must be the fitted ones
        raise RuntimeError(f"exported trees differ from the fitted model by {gap}")
    return pick


def precision_at_1(data: list[tuple[Recorded, np.ndarray]], pick: PickModel | None) -> float:
    """Share of questions with a gold candidate whose lead is one (``pick`` None: the sentence
    model's best)."""
    with_gold = [(r, y) for r, y in data if y.any()]
    right = 0
    for r, y in with_gold:
        probs = pick.lead(r.features, r.probs, r.own) if pick else r.probs
        right += int(y[int(np.argmax(probs))])
    return round(right / max(len(with_gold), 1), 4)


def fitted_files() -> list[Path]:
    """The questions the pick is fitted on: the round-3 parts and the review sets (round 20:
    dev p@1 0.643 -> 0.662 with the review sets' 487 answerable questions, docs/reader.md)."""
    return [*round3_files(), *review_files()]


def main(argv: list[str] | None = None) -> int:
    """Collect, fit, report on dev, write ``pick.json`` and its manifest entry."""
    a = step_args("python -m rag.training.pick_train", __doc__, argv)
    splits = {"fitted": fitted_files(), "dev": [DATA / "dev.jsonl"]}
    read = read_splits(a.shared, a.index, a.model, splits, answerable_only=True)
    data = {name: labelled(read[name]) for name in ("fitted", "dev")}
    pick = fit_pick(data["fitted"], a.seed)
    report = {name: {"questions": len(d), "p_at_1_sentence_model": precision_at_1(d, None),
                     "p_at_1_pick": precision_at_1(d, pick)}
              for name, d in data.items()}  # fmt: skip
    logger.info("%s", json.dumps(report))
    (a.model / PICK_FILE).write_text(json.dumps(pick.to_dict()), encoding="utf-8")
    record(a.model, "pick", {
        "data_sha256": files_sha256(fitted_files()),
        "seed": a.seed, "trees": TREES, "features": list(PICK_FEATURES), "report": report,
    })  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
