"""The near-miss gate against the figure reader, end to end with the bundled models."""

import re
import shutil
from pathlib import Path

import pytest

from rag.answer.kinds import gate
from rag.assistant import Assistant

ARTICLES = Path(__file__).resolve().parents[2] / "evals" / "time" / "articles"


@pytest.fixture(scope="module")
def quake(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The three reports of the Zeravan earthquake (the time suite's own articles)."""
    folder = tmp_path_factory.mktemp("quake-articles")
    for path in sorted(ARTICLES.glob("quake-*.md")):
        shutil.copy(path, folder / path.name)
    assistant = Assistant(data_dir=tmp_path_factory.mktemp("quake-index"))
    report = assistant.ingest([folder])
    assert len(report.added) == 3 and not report.failed
    return assistant


@pytest.mark.real_model
def test_a_death_toll_asked_in_the_articles_words_is_answered(quake):
    # The near-miss gate abstained here ("… mention Zeravan but not how many people"): the
    # question is worded as the articles are, which it learnt to read as a near miss.
    answer = quake.ask("How many people did the earthquake in the Zeravan mountains kill?")
    assert not answer.abstained, answer.text
    assert any(n in answer.text for n in ("38", "89")), answer.text
    # The short answer is a count of this quake's dead: not the 22,000 people of the town, nor
    # the 23 dead of the 1978 quake in the same valley (both are picked, and rated higher).
    assert answer.short is not None
    assert re.fullmatch(r"(?:at least )?(?:38|51|89) (?:people|dead)", answer.short.text)


@pytest.mark.real_model
def test_a_count_of_other_people_does_not_overrule_the_gate(quake):
    # The reports count the dead, never rescuers among them ("… villages that rescuers had not
    # yet reached" is in a sentence counting the injured), so the figure reader does not turn
    # a "detail missing" into an answer. (Since round 13 the learned gate itself lets this
    # hard near miss through, with the injured count: docs/reader.md.)
    question = "How many rescuers were killed in the Zeravan earthquake?"
    passages = [hit.text for hit in quake.retrieve(question)]
    assert any("rescuers" in p and "injured" in p for p in passages)
    assert gate("detail_missing", question, passages) == "detail_missing"
    toll = "How many people did the earthquake kill?"
    assert gate("detail_missing", toll, passages) is None
    assert gate("no_evidence", toll, passages) == "no_evidence"
