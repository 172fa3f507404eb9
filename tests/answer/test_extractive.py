import pytest

from rag.errors import QueryError
from tests.conftest import SEED_ID, seed_text

PHILADELPHI = "What is disputed about the Philadelphi Corridor?"


def _check_citations(answer):
    """Every sentence carries a marker; every marker resolves to an exact quote."""
    text = seed_text()
    markers = {c.marker for c in answer.citations}
    assert answer.sentences and all(s.markers for s in answer.sentences)
    for s in answer.sentences:
        assert set(s.markers) <= markers
        assert f"{s.text} [{s.markers[0]}]" in answer.text
    for c in answer.citations:
        assert c.doc_id == SEED_ID
        assert text[c.start : c.end] == c.quote


@pytest.mark.real_model
def test_philadelphi_answer_cites_each_disputed_point(seeded):
    answer = seeded.ask(PHILADELPHI)
    assert not answer.abstained
    _check_citations(answer)
    quotes = " ".join(c.quote for c in answer.citations)
    assert "presence of Israeli Defense Forces (IDF) along the Philadelphi Corridor" in quotes
    assert "the IDF would maintain a reduced presence" in quotes
    assert "alternative measures along the border could replace an IDF withdrawal" in quotes
    assert answer.text.count("[1]") == 1 and "[2]" in answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many hostages are still being held?", "111 hostages are still being held"),
        ("How long did Netanyahu meet Blinken?", "three-hour meeting"),
        ("How many people have died in Gaza?", "over 40,000 people have died"),
        ("Which trip to the region is this for Blinken?", "ninth trip"),
        ("What did Hamas call the claims of progress?", "“illusion,”"),
    ],
)
@pytest.mark.real_model
def test_factual_questions(seeded, question, expected):
    answer = seeded.ask(question)
    _check_citations(answer)
    # The best sentence comes first: it carries the fact, and the answer quotes it.
    assert expected in answer.citations[0].quote and expected in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "What did the Pope say about climate change?",
        "Who won the football world cup?",
        "What is the price of bitcoin today?",
        "How tall is the Eiffel Tower?",
    ],
)
@pytest.mark.real_model
def test_abstains_when_articles_do_not_answer(seeded, question):
    answer = seeded.ask(question)
    assert answer.abstained and answer.citations == []
    assert answer.text.startswith("The articles don't say")
    assert answer.hits  # what was searched stays inspectable


@pytest.mark.real_model
def test_follow_up_uses_history(seeded):
    first = seeded.ask("What did Blinken say about the ceasefire?")
    history = [
        {"role": "user", "content": "What did Blinken say about the ceasefire?"},
        {"role": "assistant", "content": first.text},
    ]
    follow = seeded.ask("What did he tell the president?", history=history)
    assert "Blinken" in follow.query and follow.query.startswith("What did he tell the president?")
    _check_citations(follow)
    assert any("President Isaac Herzog" in c.quote for c in follow.citations)
    # Markers are numbered afresh in each answer.
    assert follow.citations[0].marker == 1


def test_answer_to_dict_is_json_with_api_field_names(fake_seeded):
    import json

    data = json.loads(json.dumps(fake_seeded.ask(PHILADELPHI).to_dict()))
    cite = data["citations"][0]
    assert set(cite) >= {"marker", "doc_id", "title", "source", "quote", "start", "end", "score"}
    assert data["abstained"] is False and data["text"].endswith("]")


def test_bad_questions(fake_seeded):
    with pytest.raises(QueryError, match="empty"):
        fake_seeded.ask("  ")
    with pytest.raises(QueryError, match="must be a string"):
        fake_seeded.ask(None)  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="role 'bot'; valid roles: user, assistant, system"):
        fake_seeded.ask("and then?", history=[{"role": "bot", "content": "x"}])
    # Control characters and emoji are tolerated, not fatal.
    assert fake_seeded.ask("hostages\x00\x07 still held? 🙏").citations
