"""A short answer of another form than the question asks is another detail's."""

import pytest

from rag.answer.misfit import another_detail, misfit


@pytest.mark.parametrize(
    ("question", "phrase", "other"),
    [
        # round 19's near misses: each the article's value for a neighbouring attribute
        ("When is Robert Mugabe's current presidential term due to end?", "93 year-old", True),
        ("How long has David Taylor lived in Montreal?", "44-year-old", True),
        ("How many games did Ego Ferguson miss after the stomp?", "just one week", True),
        ("How many touchdown passes did Aaron Rodgers throw?", "30-20", True),
        # the asked form
        ("How old is the hunter?", "54-year-old", False),
        ("What age was she when she won?", "aged 22", False),
        ("How long does the deal run?", "until Dec. 18", False),
        ("How long did the strike last?", "three weeks", False),
        ("How long is the bridge?", "2.5 miles", False),
        # a day for "how long" may be where the duration starts (train)
        ("How long has the ransomware been around?", "at least July 12", False),
        # a two-part question's other part
        ("How many stores does it run, and how long will stock last?", "about six months", False),
        ("How many days did the search last?", "two weeks", False),
        ("How many points did the Warriors score?", "106-103", False),
        ("How many people were aboard?", "162", False),
        ("When did the hunter leave home?", "on Thursday", False),
    ],
)  # fmt: skip
def test_misfit(question: str, phrase: str, other: bool) -> None:
    assert misfit(question, phrase) is other


def test_another_detail_holds_the_past_date_of_a_future_question() -> None:
    assert another_detail("When will Chaves be sworn in?", "in 2018", "2022-04-04")
    assert not another_detail("When did Chaves resign?", "in 2018", "2022-04-04")
    assert another_detail("How long has she lived there?", "44-year-old", None)
