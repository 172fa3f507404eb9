"""The labeled reader data (evals/reader): well-formed, split by article, test split frozen."""

from __future__ import annotations

import hashlib
import json
import re
import sys

import pytest

from rag.eval.suite import load_suite
from tests.conftest import NEWSPAPER, ROOT

READER = ROOT / "evals" / "reader"
SPLITS = ("train", "dev", "test")


def _rows(split: str) -> list[dict]:
    lines = (READER / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_test_split_is_frozen_at_the_recorded_sha256() -> None:
    recorded = re.search(
        r"test\.jsonl.*sha256 `([0-9a-f]{64})`", (ROOT / "evals/README.md").read_text()
    )
    assert recorded, "evals/README.md must record the test split's sha256"
    assert hashlib.sha256((READER / "test.jsonl").read_bytes()).hexdigest() == recorded.group(1)


def test_splits_load_as_suites_and_are_disjoint_by_article() -> None:
    splits = json.loads((READER / "splits.json").read_text())
    seen: dict[str, str] = {}
    for split in SPLITS:
        cases = load_suite(READER / f"{split}.jsonl")
        assert cases and len({c.id for c in cases}) == len(cases)
        for case in cases:
            assert set(case.sources) <= set(splits[split]), case.id
            for doc in case.sources:
                assert seen.setdefault(doc, split) == split, f"{doc} in two splits"
            assert case.unanswerable or (case.gold and case.facts), case.id


def test_size_and_share_of_unanswerable_questions() -> None:
    rows = [r for split in SPLITS for r in _rows(split)]
    articles = {s for r in rows for s in r.get("sources", [])}
    unanswerable = sum(bool(r.get("unanswerable")) for r in rows) / len(rows)
    assert len(rows) >= 500 and len(articles) >= 95 and unanswerable >= 0.25


def test_gold_spans_are_exact_sentences_of_the_indexed_text() -> None:
    if not (NEWSPAPER / "text").is_dir():
        pytest.skip(f"shared corpus not found at {NEWSPAPER}")
    sys.path.insert(0, str(READER))
    from gold import article_text

    for split in SPLITS:
        for row in _rows(split):
            for g in row.get("gold", []):
                assert article_text(g["doc_id"])[g["start"] : g["end"]] == g["text"], row["id"]
