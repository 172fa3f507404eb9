"""When figures and statements were given, and the day a question asks (rag.news.given)."""

from __future__ import annotations

import numpy as np
import pytest

from rag.news.dates import resolve_dates
from rag.news.given import OTHER_DAY, asked_day, given_at, on_day, weigh_day
from rag.records import Quote


@pytest.mark.parametrize(
    ("question", "day"),
    [
        ("How many people had died as of Wednesday?", "Wednesday"),
        ("How many households were in the dark on Monday afternoon?", "Monday afternoon"),
        ("How many had the heatwave killed by July 25?", "July 25"),
        ("What did the minister say on 4 March?", "4 March"),
        ("What was the stock's 52-week high as of Dec. 29?", "Dec. 29"),
        ("What share did the Mail on Sunday's poll give?", None),
        ("How many people died?", None),
    ],
)
def test_asked_day(question: str, day: str | None) -> None:
    assert asked_day(question) == day


def _given(sentence: str, published: str, figure: str) -> str | None:
    at = sentence.index(figure)
    mentions = resolve_dates(sentence, published)
    return given_at(mentions, sentence, published, published)(at, at + len(figure))


def test_a_figure_is_given_when_its_source_spoke_not_when_the_event_was() -> None:
    quake = ("A magnitude 6.8 earthquake struck before dawn on Sunday, killing at least 38 "
             "people, the interior ministry said on Monday.")  # fmt: skip
    assert _given(quake, "2026-02-03", "38 people") == "2026-02-02"
    # a date right after the figure is its own
    toll = "The toll from Sunday's quake rose to 63 on Tuesday, the ministry said on Wednesday."
    assert _given(toll, "2026-02-05", "63") == "2026-02-03"


def test_a_figure_of_an_earlier_event_in_an_aside_is_of_that_event_s_date() -> None:
    corra = ("The toll is far below that of Typhoon Corra, which killed 214 people in Ondessa "
             "in 2012, a difference officials put down to evacuations.")  # fmt: skip
    assert _given(corra, "2025-10-20", "214 people") == "2012"


def _quote(text: str, date: str) -> Quote:
    return Quote("doc", "Doc", "test", text, 0, len(text), 0.5, date)


def test_what_was_given_on_the_asked_day_comes_first() -> None:
    quotes = [_quote("Police said on Thursday that 12 people had died.", "2026-03-12"),
              _quote("In a statement on Wednesday, the railway said seven had died.", "2026-03-11"),
              _quote("Nine people were killed, police said.", "2026-03-11")]  # fmt: skip
    probs = np.array([0.9, 0.8, 0.7])
    out = weigh_day("Wednesday", quotes, probs)
    # Thursday's count gives way; an undated sentence is left as it is.
    assert out.tolist() == [0.9 * OTHER_DAY, 0.8, 0.7]
    # no candidate of the asked day: nothing moves
    assert weigh_day("Friday", quotes, probs).tolist() == probs.tolist()


def test_a_sentence_of_another_year_was_not_given_on_the_asked_day() -> None:
    earlier = _quote("An earthquake in the same valley in 1978 left 23 dead.", "2026-02-02")
    assert on_day("Monday", earlier) is False
    monday = _quote("The governor said late on Monday that 51 had died.", "2026-02-03")
    assert on_day("Monday", monday) is True
    # a month of the asked day's year is not known to the day
    assert on_day("Monday", _quote("In February, 12 people died.", "2026-02-03")) is None
