"""`make reader`'s last step: the near-miss gate, fitted on unseen questions (`make gate`).

Step 6 of `rag.training.train` fits the gate (`Reader.detail_model`: does a sentence give the
asked detail, not just its subject?) on train's out-of-fold readings. Those questions follow
WRITING.md: an answerable one shares at most 0.40 of its words with its answer sentence, while
a near miss takes its subject, in the article's words, from the sentence it is built on; so
that gate learnt to abstain when a question reuses the article's words, and abstained on
"How many people did the earthquake in the Zeravan mountains kill?" (docs/reader.md, round 12).
This step refits it on the first readings (`rag.training.readings`) of questions the reader
never trained on: the round-3 parts (answerable against near misses) and the answerable questions
asked in the articles' own words (``evals/reader/worded/w2*``), the two wordings of answerable
questions weighing the same. Its cut is chosen on dev with the topic gate as shipped; the
check set (``worded/w1*``) is never fitted and reports false abstention on such questions.
Usage: ``python -m rag.training.gate_train [--index DIR] [--model DIR]``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.reader.features import QUESTION_FEATURES
from rag.reader.model import Logistic, Reader
from rag.training.readings import (
    Read,
    files_sha256,
    read_splits,
    record,
    round3_files,
    step_args,
)
from rag.training.scores import FALSE_ABSTENTION_BUDGET
from rag.training.train import DATA, fit_logistic

logger = logging.getLogger(__name__)
WORDED = DATA / "worded"
# Cuts tried on dev: the has-the-detail probability in hundredths.
CUT_GRID = np.round(np.arange(0.0, 1.0, 0.01), 2)


def worded_files() -> list[Path]:
    """The answerable questions in the articles' own words the gate learns from."""
    return sorted(WORDED.glob("w2*.jsonl"))


def check_files() -> list[Path]:
    """The check set of such questions: never fitted, reported."""
    return sorted(WORDED.glob("w1*.jsonl"))


@dataclass(frozen=True)
class GateRows:
    """Per question the gates read: its `QUESTION_FEATURES`, and what kind it is."""

    x: np.ndarray
    answerable: np.ndarray  # bool
    kind: np.ndarray  # the first tag: near-miss, off-corpus, factoid ...
    hard: np.ndarray  # bool: a near miss tagged hard (its answer names the subject)

    @classmethod
    def of(cls, read: Read) -> GateRows:
        """The rows of the questions that got a reading (``read``: row and first reading)."""
        got = [(row, r) for row, r in read if r is not None]
        width = len(QUESTION_FEATURES)
        return cls(
            np.array([r.question for _, r in got], np.float64).reshape(-1, width),
            np.array([not row.get("unanswerable") for row, _ in got], bool),
            np.array([(row.get("tags") or ["?"])[0] for row, _ in got], str),
            np.array(["hard" in (row.get("tags") or []) for row, _ in got], bool),
        )


def fit_detail(base: GateRows, worded: GateRows, seed: int) -> tuple[Logistic, float]:
    """The gate: answerable questions of both wordings against near misses (off-corpus
    questions are the topic gate's). Returns the model and the worded questions' weight."""
    keep = base.kind != "off-corpus"
    # Each worded question weighs as many paraphrased answerable ones as make the two
    # wordings weigh the same in total: a user may ask either way (round 12 measured 3 to 4,
    # 921 round-3 answerable parts against 259 worded ones, as the best trade).
    weight = float(base.answerable[keep].sum()) / max(len(worded.x), 1)
    x = np.vstack([base.x[keep], worded.x])
    y = np.concatenate([base.answerable[keep], np.ones(len(worded.x), bool)]).astype(np.int8)
    w = np.concatenate([np.ones(int(keep.sum())), np.full(len(worded.x), weight)])
    return fit_logistic(x, y, QUESTION_FEATURES, QUESTION_FEATURES, seed, w), weight


def choose_cut(on_topic: np.ndarray, detail: np.ndarray, answerable: np.ndarray) -> float:
    """The highest cut (the most near misses abstained on) whose false abstention on the
    answerable questions, with the topic gate's, stays within `FALSE_ABSTENTION_BUDGET`."""
    ok = [c for c in CUT_GRID
          if (~on_topic | (detail < c))[answerable].mean() <= FALSE_ABSTENTION_BUDGET]  # fmt: skip
    return float(max(ok, default=0.0))


def gate_report(rows: GateRows, answers: np.ndarray) -> dict[str, Any]:
    """Gate level (not end to end): false abstention, and the near misses and off-corpus
    questions abstained on (``answers``: per row, whether both gates let it through)."""
    out: dict[str, Any] = {"questions": len(answers)}
    groups = {"false_abstention": rows.answerable, "near_miss_caught": rows.kind == "near-miss",
              "hard_caught": rows.hard, "off_corpus_caught": rows.kind == "off-corpus"}  # fmt: skip
    for name, where in groups.items():
        if where.any():
            out[name] = [int((~answers[where]).sum()), int(where.sum())]
    return out


def refit(folder: Path, read: dict[str, Read], seed: int) -> dict[str, Any]:
    """Fit the gate, choose its cut on dev, write it into ``folder``'s ``reader.json`` and
    manifest.

    Args:
        folder: the reader model folder (its topic gate is kept).
        read: per split (r3, dev, worded, check), each question's row and first reading.
        seed: the fit's seed.

    Returns:
        The manifest's ``detail_gate`` entry.
    """
    rows = {name: GateRows.of(r) for name, r in read.items()}
    reader = Reader(folder)
    detail, weight = fit_detail(rows["r3"], rows["worded"], seed)

    def on_topic(g: GateRows) -> np.ndarray:
        return reader.topic_model.proba(g.x, QUESTION_FEATURES) >= reader.thresholds.topic

    dev = rows["dev"]
    cut = choose_cut(on_topic(dev), detail.proba(dev.x, QUESTION_FEATURES), dev.answerable)
    report = {name: gate_report(g, on_topic(g) & (detail.proba(g.x, QUESTION_FEATURES) >= cut))
              for name, g in rows.items()}  # fmt: skip
    logger.info("near-miss gate: cut %.2f, worded weight %.2f: %s", cut, weight, report)
    spec_path = folder / "reader.json"
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    spec["detail"] = detail.to_dict()
    spec["thresholds"]["detail"] = cut
    spec_path.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    fitted = [*round3_files(), *worded_files()]
    entry = {
        "data_sha256": files_sha256(fitted),
        "seed": seed, "worded_weight": round(weight, 4), "cut": cut, "chosen_on": "dev",
        "budget": FALSE_ABSTENTION_BUDGET, "report": report,
    }  # fmt: skip
    record(folder, "detail_gate", entry)
    return entry


def main(argv: list[str] | None = None) -> int:
    """Read the four splits, fit the gate, write it into the model folder."""
    a = step_args("python -m rag.training.gate_train", __doc__, argv)
    splits = {"r3": round3_files(), "dev": [DATA / "dev.jsonl"],
              "worded": worded_files(), "check": check_files()}  # fmt: skip
    refit(a.model, read_splits(a.shared, a.index, a.model, splits), a.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
