"""Questions asked the way `ask` asks them, each with its first reading recorded.

The pick model (`rag.training.pick_train`) and the near-miss gate (`rag.training.gate_train`)
learn from these readings of questions the span model and encoder never trained on: the
round-3 parts and the review sets were written after them, so the reader reads them as it
reads any new question.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from rag.reader.model import Recorded, recording, shipped_folder
from rag.training.train import DATA, ROOT, sources

Read = list[tuple[dict[str, Any], Recorded | None]]


def round3_files() -> list[Path]:
    """The round-3 parts (``evals/reader/parts/train-r3*.jsonl``)."""
    return sorted((DATA / "parts").glob("train-r3*.jsonl"))


def files_sha256(files: list[Path]) -> dict[str, str]:
    """Each data file's sha256 by ``<folder>/<name>``, as a step's manifest entry records it."""
    return {f"{f.parent.name}/{f.name}": hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def review_files() -> list[Path]:
    """The review sets of the reading rounds (``evals/reader/review/r*.jsonl``): train
    articles' questions written after the span model and encoder were trained, too."""
    return sorted((DATA / "review").glob("r*.jsonl"))


def collect_readings(assistant: Any, rows: list[dict[str, Any]]) -> Read:
    """Ask each row's question as `ask` does; the row and its first reading (None when
    nothing was read)."""
    out: Read = []
    for row in rows:
        with recording() as readings:
            assistant.ask(row["question"], history=row.get("history") or None)
        out.append((row, readings[0] if readings else None))
    return out


def read_splits(
    shared: Path,
    index: Path,
    model: Path,
    splits: dict[str, list[Path]],
    answerable_only: bool = False,
) -> dict[str, Read]:
    """Every question of each split read by ``model`` over the training index.

    Args:
        shared: the shared folder whose corpora the index holds (`rag.training.train.sources`).
        index: the index folder (built on first use).
        model: the reader model folder that reads.
        splits: per name, the suite files of its questions.
        answerable_only: skip the unanswerable questions (the pick learns from the others
            alone: asking them would cost a third more time for nothing).

    Returns:
        Per name, each question's row and first reading.
    """
    from rag.assistant import Assistant
    from rag.eval.suite import load_suite

    rows = {name: [c.to_dict() for f in files for c in load_suite(f)
                   if not (answerable_only and c.unanswerable)]
            for name, files in splits.items()}  # fmt: skip
    with Assistant(data_dir=index, reader_model=model) as assistant:
        assistant.ingest(sources(shared))
        return {name: collect_readings(assistant, r) for name, r in rows.items()}


def step_args(prog: str, description: str | None, argv: list[str] | None) -> argparse.Namespace:
    """The options of a step that reads questions: ``--shared``, ``--index``, ``--model`` and
    ``--seed`` (logging set up for its report)."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    p.add_argument("--index", type=Path, default=ROOT / "artifacts" / "reader" / "index")
    p.add_argument("--model", type=Path, default=shipped_folder())
    p.add_argument("--seed", type=int, default=13)
    a = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    return a


def record(folder: Path, key: str, entry: dict[str, Any]) -> None:
    """Write ``entry`` as ``key`` of the model folder's manifest."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest[key] = entry
    path.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
