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
SPLITS = ("train", "dev", "test", "test2")


def _rows(split: str) -> list[dict]:
    lines = (READER / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("name", ["test.jsonl", "test2.jsonl", "test.short.jsonl"])
def test_test_splits_are_frozen_at_the_recorded_sha256(name: str) -> None:
    pattern = rf"`{re.escape(name)}`[^`]*sha256\s+`([0-9a-f]{{64}})`"
    recorded = re.search(pattern, (ROOT / "evals/README.md").read_text())
    assert recorded, f"evals/README.md must record the sha256 of {name}"
    assert hashlib.sha256((READER / name).read_bytes()).hexdigest() == recorded.group(1)


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
    assert len(rows) >= 3000 and len(articles) >= 200 and unanswerable >= 0.25
    near = [r for r in rows if r["tags"][0] == "near-miss"]
    assert len(near) >= 0.2 * len(rows)
    assert sum("hard" in r["tags"] for r in near) >= len(near) / 2


def test_short_answer_spans_lie_in_their_gold_sentences() -> None:
    rows = [r for split in ("train", "dev", "test2") for r in _rows(split)]
    rows += _rows("test.short")
    frozen_gold = {r["id"]: r["gold"] for r in _rows("test")}
    spans = 0
    for row in rows:
        gold = row.get("gold") or frozen_gold.get(row["id"], [])
        for s in row.get("short", []):
            spans += 1
            assert any(g["start"] <= s["start"] < s["end"] <= g["end"] for g in gold), row["id"]
    assert spans >= 2000


def test_gold_spans_are_exact_sentences_of_the_indexed_text() -> None:
    if not (NEWSPAPER / "text").is_dir():
        pytest.skip(f"shared corpus not found at {NEWSPAPER}")
    sys.path.insert(0, str(READER))
    from gold import article_text

    for split in SPLITS:
        for row in _rows(split):
            for g in row.get("gold", []):
                assert article_text(g["doc_id"])[g["start"] : g["end"]] == g["text"], row["id"]
