"""`make reader`'s first step asks a labelled question again only when its row changed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import rag.assistant
from rag.reader.features import SENTENCE_FEATURES
from rag.training import train
from rag.training.dataset import Example, row_key


class _Indexed:
    chunks = 0


class _Assistant:
    """Stands in for the real index: `collect` is replaced too, so nothing is asked of it."""

    def __init__(self, **_: Any) -> None:
        pass

    def __enter__(self) -> _Assistant:
        return self

    def __exit__(self, *_: Any) -> None:
        pass

    def ingest(self, _paths: Any) -> _Indexed:
        return _Indexed()


def _rows(n: int, split: str) -> list[dict[str, Any]]:
    return [{"id": f"{split}-{i}", "question": f"q{i}?", "tags": ["factoid"]} for i in range(n)]


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    splits = {s: _rows(3, s) for s in train.SPLITS}
    calls: list[str] = []

    def collect(_assistant: Any, rows: list[dict[str, Any]], _top_k: Any) -> list[Example]:
        calls.extend(r["id"] for r in rows)
        return [
            Example(
                r["id"],
                "factoid",
                r["question"],
                r["question"],
                True,
                [],
                [],
                np.zeros(0, np.int8),
                np.zeros(0),
                np.zeros((0, len(SENTENCE_FEATURES))),
                key=row_key(r),
            )  # fmt: skip
            for r in rows
        ]

    monkeypatch.setattr(train, "_rows", lambda s: splits[s])
    monkeypatch.setattr(train, "collect", collect)
    monkeypatch.setattr(rag.assistant, "Assistant", _Assistant)
    return splits, calls


def test_only_new_or_changed_questions_are_asked_again(tmp_path, asked):
    splits, calls = asked
    first = train.collect_examples(tmp_path, tmp_path)
    assert len(calls) == 12 and [e.qid for e in first["dev"]] == ["dev-0", "dev-1", "dev-2"]

    calls.clear()
    assert [e.qid for e in train.collect_examples(tmp_path, tmp_path)["train"]] == [
        "train-0",
        "train-1",
        "train-2",
    ]
    assert calls == []  # all from the cache

    splits["train"][1]["question"] = "a reworded question?"
    splits["train"].insert(0, {"id": "train-new", "question": "new?", "tags": ["number"]})
    again = train.collect_examples(tmp_path, tmp_path)
    assert sorted(calls) == ["train-1", "train-new"]
    assert [e.qid for e in again["train"]] == ["train-new", "train-0", "train-1", "train-2"]
    assert again["train"][2].question == "a reworded question?"
