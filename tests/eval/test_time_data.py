"""The time-and-sources suite (evals/time): well-formed, split by story, test split frozen."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter

import pytest

from rag.eval.suite import load_suite
from tests.conftest import NEWSPAPER, ROOT

TIME = ROOT / "evals" / "time"
KINDS = ("recency", "timeline", "conflict", "attribution")


def test_test_split_is_frozen_at_the_recorded_sha256() -> None:
    recorded = re.search(r"`time/test.jsonl`[^`]*sha256\s+`([0-9a-f]{64})`",
                         (ROOT / "evals/README.md").read_text())  # fmt: skip
    assert recorded, "evals/README.md must record the sha256 of time/test.jsonl"
    assert hashlib.sha256((TIME / "test.jsonl").read_bytes()).hexdigest() == recorded.group(1)


def test_size_kinds_and_stories() -> None:
    sys.path.insert(0, str(TIME))
    from assemble import story  # type: ignore[import-not-found]

    by_split = {s: [json.loads(x) for x in (TIME / f"{s}.jsonl").read_text().splitlines()]
                for s in ("dev", "test")}  # fmt: skip
    rows = by_split["dev"] + by_split["test"]
    kinds = Counter(r["tags"][0] for r in rows)
    assert len(rows) >= 150 and all(kinds[k] >= 30 for k in KINDS), kinds
    dev, test = ({story(r) for r in by_split[s]} for s in ("dev", "test"))
    assert not dev & test, "a story in both splits"
    for split in ("dev", "test"):
        cases = load_suite(TIME / f"{split}.jsonl")
        for c in cases:
            kind = c.tags[0]
            assert kind != "timeline" or len(c.events) >= 3, c.id
            assert kind != "conflict" or (c.verdict and len(c.figures) >= 2), c.id
            assert kind != "recency" or c.as_of, c.id
            assert kind != "attribution" or (c.speaker and c.gold), c.id


@pytest.mark.skipif(not NEWSPAPER.is_dir(), reason="needs ../shared/corpora (the gold spans)")
def test_every_span_is_the_article_text() -> None:
    sys.path.insert(0, str(ROOT / "evals" / "reader"))
    from gold import check  # type: ignore[import-not-found]

    for split in ("dev", "test"):
        assert check(TIME / f"{split}.jsonl") == []


def test_the_state_check_is_frozen_and_its_facts_are_in_its_sources() -> None:
    states = TIME / "states"
    recorded = re.search(r"`time/states/check.jsonl`\s+sha256\s+`([0-9a-f]{64})`",
                         (ROOT / "evals/README.md").read_text())  # fmt: skip
    assert recorded, "evals/README.md must record the sha256 of time/states/check.jsonl"
    assert hashlib.sha256((states / "check.jsonl").read_bytes()).hexdigest() == recorded.group(1)
    cases = load_suite(states / "check.jsonl")
    assert len(cases) == 20 and all(c.tags == ["recency"] for c in cases)
    for c in cases:
        [source] = c.sources
        text = (states / source).read_text()
        assert f"date: {c.as_of}" in text, c.id  # as of the article that answers
        assert all(re.search(f, text, re.IGNORECASE) for f in c.facts), c.id
