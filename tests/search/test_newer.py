"""Newer coverage for questions about the present (rag.search.newer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.records import Hit
from rag.search.filters import Filters
from rag.search.newer import NEWER_HITS, with_newer
from tests.conftest import story_assistant

QUESTION = "Is the strike at Brannock's Leddington plant still going on?"
ARTICLES = {"old": "Brannock workers walked out at Leddington.",
            "new": "The Brannock strike at Leddington entered its second week.",
            "other": "Leddington council met on Tuesday."}  # fmt: skip


def _hit(cid: str, doc: str, date: str, score: float, dense: float) -> Hit:
    text = ARTICLES[doc]
    return Hit(cid, doc, doc, "test", text, 0, len(text), score, date, dense_score=dense)


def test_a_newer_article_of_the_story_joins_the_retrieved_passages() -> None:
    hits = [_hit("o1", "old", "2025-05-13", 0.9, 0.7), _hit("o2", "old", "2025-05-13", 0.5, 0.6)]
    asked: list[Filters] = []

    def search(f: Filters) -> list[Hit]:
        asked.append(f)
        return [_hit("n1", "new", "2025-05-20", 1.0, 0.6),
                _hit("x1", "other", "2025-05-21", 0.9, 0.6),  # names no Brannock
                _hit("n2", "new", "2025-05-20", 0.8, 0.3),  # far from the question
                _hit("o1", "old", "2025-05-13", 0.7, 0.7)]  # fmt: skip

    out = with_newer(QUESTION, hits, Filters.make(sources=["x"]), search, ARTICLES.get)
    assert [h.chunk_id for h in out] == ["o1", "o2", "n1"]
    assert out[2].score == 0.5  # after the retrieved ones, never above them
    assert asked == [Filters(("x",), "2025-05-14", None)]  # newer only, the user's sources kept
    assert NEWER_HITS >= 1


def test_no_newer_search_without_names_or_beyond_the_user_s_dates() -> None:
    hits = [_hit("o1", "old", "2025-05-13", 0.9, 0.7)]

    def search(f: Filters) -> list[Hit]:
        raise AssertionError("searched")

    assert with_newer("Is the strike still on?", hits, None, search, ARTICLES.get) == hits
    until = Filters.make(date_to="2025-05-13")
    assert with_newer(QUESTION, hits, until, search, ARTICLES.get) == hits


@pytest.mark.real_model
def test_the_newest_article_answers_as_of_its_date(tmp_path: Path) -> None:
    asst = story_assistant(tmp_path, "strike")
    # Two passages are too few to reach the week-later article by similarity alone.
    answer = asst.ask(QUESTION, top_k=2)
    assert answer.as_of == "2025-05-20"
    assert "second week" in answer.text
    asst.close()
