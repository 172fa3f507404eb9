"""Whether a phrase answers "when", and in the form the question asks."""

import pytest

from rag.answer.when import names_a_date, past_for_future


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
    day = "On which day is Obama due to sign the order easing the Sudan embargo?"
    assert names_a_date("Friday", day) and names_a_date("on Dec. 30", day)
    assert names_a_date("Today", day) and names_a_date("Saturday April 30", day)
    assert not names_a_date("six-month", day)  # "a six-month review period"
    assert names_a_date("six-month", "When is the review?")


@pytest.mark.parametrize(
    ("question", "phrase", "published", "past"),
    [
        ("When will Rodrigo Chaves be sworn in?", "in 2018", "2022-04-04", True),
        ("When will Rodrigo Chaves be sworn in?", "on May 8, 2022", "2022-04-04", False),
        ("When will Rodrigo Chaves be sworn in?", "in 2018", None, False),  # undated article
        ("When is the commission due to publish its report?", "Last week", None, True),
        ("When are the talks expected to resume?", "two years ago", "2020-01-01", True),
        ("When is the film due in cinemas?", "December", "2015-06-01", False),  # the coming one
        ("When will the line open?", "next week", "2020-01-01", False),
        # a question about the past is answered by a past date
        ("When did Rodrigo Chaves resign?", "in 2018", "2022-04-04", False),
        ("When was the report published?", "Last week", None, False),
    ],
)  # fmt: skip
def test_a_future_question_is_not_answered_by_a_past_date(
    question: str, phrase: str, published: str | None, past: bool
) -> None:
    assert past_for_future(question, phrase, published) is past
