"""Syndicated copies grouped into stories (rag.index.stories), and its measured constants."""

from __future__ import annotations

import hashlib
import random
import re
import sys

import pytest

from rag.index.stories import (
    NUM_PERM,
    SHINGLE_WORDS,
    THRESHOLD,
    Stories,
    from_bytes,
    signature,
    to_bytes,
)
from tests.conftest import NEWSPAPER, ROOT

SYNDICATION = ROOT / "evals" / "syndication"
README = SYNDICATION / "README.md"


def _article(seed: int, n: int = 300) -> str:
    """A synthetic article: sentences of made-up words, different for every seed."""
    rng = random.Random(seed)
    vocab = [f"{rng.choice('bcdfgklmnprst')}{rng.choice('aeiou')}{k}" for k in range(800)]
    sentences = [" ".join(rng.choices(vocab, k=12)).capitalize() + "." for _ in range(n // 12)]
    return " ".join(sentences)


def _republished(text: str) -> str:
    """Another outlet's copy: its own header, footer and related links around the same text."""
    header = "Riverside Gazette. Home | Local | Sports | Opinion. Breaking news from the valley."
    footer = (
        "Related coverage: council approves budget; library book sale Saturday. "
        "Copyright 2015 Riverside Gazette. All rights reserved. Sign up for our newsletter."
    )
    return f"{header}\n{text}\n{footer}"


def test_a_copy_with_another_header_and_footer_joins_the_first_articles_story() -> None:
    stories = Stories()
    original = _article(1)
    assert stories.place("outlet-a/story", signature(original)) == "outlet-a/story"
    assert stories.place("outlet-b/copy", signature(_republished(original))) == "outlet-a/story"
    assert stories.story == {"outlet-a/story": "outlet-a/story", "outlet-b/copy": "outlet-a/story"}


def test_a_different_text_gets_its_own_story() -> None:
    stories = Stories()
    stories.place("a", signature(_article(1)))
    assert stories.place("b", signature(_article(2))) == "b"
    assert stories.matches(signature(_article(3))) == []


def test_remove_then_place_again() -> None:
    stories = Stories()
    original, copy = signature(_article(1)), signature(_republished(_article(1)))
    stories.place("a", original)
    stories.place("b", copy)
    stories.remove("b")
    assert "b" not in stories.story
    assert [doc for doc, _ in stories.matches(original)] == ["a"]
    stories.remove("b")  # removing twice is harmless
    assert stories.place("b", copy) == "a"
    # placing an article again (an update) replaces it rather than matching itself
    assert stories.place("b", copy) == "a"
    assert sorted(stories.story) == ["a", "b"]


def test_signature_bytes_round_trip() -> None:
    mh = signature(_article(1))
    data = to_bytes(mh)
    assert len(data) == NUM_PERM * 4
    back = from_bytes(data)
    assert list(back.hashvalues) == list(mh.hashvalues)
    assert back.jaccard(mh) == 1.0
    # stored signatures compare with fresh ones of other texts exactly as fresh ones do
    other = signature(_republished(_article(1)))
    assert back.jaccard(other) == mh.jaccard(other)


def test_matches_excludes_the_article_itself_when_asked() -> None:
    stories = Stories()
    mh = signature(_article(1))
    stories.place("a", mh)
    stories.place("b", signature(_republished(_article(1))))
    assert [doc for doc, _ in stories.matches(mh)] == ["a", "b"]
    assert [doc for doc, _ in stories.matches(mh, exclude="a")] == ["b"]


def test_the_syndication_test_split_is_frozen_at_the_recorded_sha256() -> None:
    recorded = re.search(r"test\.jsonl` sha256 `([0-9a-f]{64})`", README.read_text())
    assert recorded, "evals/syndication/README.md must record test.jsonl's sha256"
    actual = hashlib.sha256((SYNDICATION / "test.jsonl").read_bytes()).hexdigest()
    assert actual == recorded.group(1)


@pytest.mark.slow
def test_shipped_constants_keep_their_dev_figures() -> None:
    if not (NEWSPAPER / "html").is_dir():
        pytest.skip(f"shared corpus not found at {NEWSPAPER} (set RAG_SHARED_DIR)")
    recorded = re.search(r"dev recall `([0-9.]+)`", README.read_text())
    assert recorded, "evals/syndication/README.md must record the dev recall"
    sys.path.insert(0, str(SYNDICATION))
    from measure import MIN_PRECISION, evaluate

    dev = evaluate("dev", SHINGLE_WORDS, THRESHOLD)["estimate"]
    assert dev["precision"] >= MIN_PRECISION
    assert dev["recall"] >= float(recorded.group(1)) - 0.02
