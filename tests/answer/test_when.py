"""Whether a phrase answers "when", and in the form the question asks."""

import pytest

from rag.answer.when import names_a_date


@pytest.mark.parametrize(
    ("phrase", "date"),
    [
        ("in 2014", True), ("mid-September", True), ("3:15 PM", True),
        ("the early 1990s", True), ("next week", True), ("on Dec. 18", True),
        ("iOS 13", False), ("21", False), ("28 questions about the service", False),
        # a clock time, not a price, a share or a sum
        ("at 6.24pm", True), ("10.30", True), ("$104.64", False), ("0.87%", False),
        ("1.25 million", False),
    ],
)  # fmt: skip
def test_names_a_date(phrase: str, date: bool) -> None:
    assert names_a_date(phrase) is date


def test_a_year_answers_what_year() -> None:
    question = "What year was the trader imprisoned?"
    assert names_a_date("in 2012", question)
    assert not names_a_date("seven-year", question)
    assert not names_a_date("last week", question)
    assert names_a_date("last week", "When was the trader imprisoned?")
    month = "In which month did agents make the most arrests?"
    assert names_a_date("This March", month) and names_a_date("Sept. 3", month)
    assert not names_a_date("more than two decades", month)
    hours = "What hours is the Zoom class scheduled for?"
    assert names_a_date("1:00 p.m. – 3:00 p.m. EST", hours)
    assert not names_a_date("Saturday April 30", hours)
    assert names_a_date("Aug. 2013-Aug. 2014", "What time span did the comparison cover?")
    date = "On what date did Stansted apologise?"
    assert names_a_date("December 22, 2014", date) and names_a_date("on the 22nd", date)
    assert not names_a_date("this afternoon", date)
