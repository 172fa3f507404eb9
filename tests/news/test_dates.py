"""Dates named in quotes, resolved against the article's published date (rag.news.dates)."""

from __future__ import annotations

import pytest

from rag.news.dates import resolve_dates
from rag.news.events import event_date

TUESDAY = "2014-12-30"  # the Reuters AirAsia reports' date: a Tuesday


def _dates(text: str, published: str | None = TUESDAY) -> list[tuple[str, str | None, str | None]]:
    found = resolve_dates(text, published)
    for d in found:
        assert text[d.start : d.end] == d.text  # a span of the quote, never a rewrite
    return [(d.text, d.date, d.precision) for d in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # dateparser's search_dates read this as one date "on Sunday and the"
        ("Searchers found debris on Sunday and the tail last week.",
         [("on Sunday", "2014-12-28", "day"), ("last week", "2014-12-22", "week")]),
        # news names the publication day by its weekday: dateparser gave the Tuesday before
        ("The navy said on Tuesday that 40 bodies had been found.",
         [("on Tuesday", "2014-12-30", "day")]),
        # a month alone stays a month: dateparser invented day 30
        ("In October, the airline said it would expand.", [("In October", "2014-10", "month")]),
        # dateparser split "Dec. 28" into two wrong dates
        ("The talks resumed on Dec. 28 after a pause.", [("Dec. 28", "2014-12-28", "day")]),
        # "may" the verb is no date (dateparser: May 2014)
        ("The company may sell 5 percent of its shares.", []),
        ("It fell in May and rose since May.", [("in May", "2014-05", "month"),
                                                ("since May", "2014-05", "month")]),
        ("He said the search would continue tomorrow, officials said yesterday.",
         [("tomorrow", "2014-12-31", "day"), ("yesterday", "2014-12-29", "day")]),
        ("Talks will resume on Friday.", [("on Friday", "2015-01-02", "day")]),
        # an expectation or a forecast is about days to come
        ("The agency expects it to peak at 6 metres on Sunday.",
         [("on Sunday", "2015-01-04", "day")]),
        ("Heavy rain is forecast to reach the coast on Friday.",
         [("on Friday", "2015-01-02", "day")]),
        ("The utility says it is on track to restore supply on Friday.",
         [("on Friday", "2015-01-02", "day")]),
        # a day declared as what it will be is one to come
        ("The premier declared Thursday a day of national mourning.",
         [("Thursday", "2015-01-01", "day")]),
        ("The city made Friday a public holiday; police said Monday a man was held.",
         [("Friday", "2015-01-02", "day"), ("Monday", "2014-12-29", "day")]),
        ("The crash on Sunday was expected to be hard to explain.",
         [("on Sunday", "2014-12-28", "day")]),
        ("On 28 December 2014 the flight vanished, three days ago.",
         [("28 December 2014", "2014-12-28", "day"), ("three days ago", "2014-12-27", "day")]),
        ("Last Sunday's vote came earlier this month, after a deal in 2012.",
         [("Last Sunday's", "2014-12-28", "day"), ("earlier this month", "2014-12", "month"),
          ("in 2012", "2012", "year")]),
        ("The deal of March 3, 2015 and the meeting next week.",
         [("March 3, 2015", "2015-03-03", "day"), ("next week", "2015-01-05", "week")]),
        ("It was signed on 2013-04-05.", [("2013-04-05", "2013-04-05", "day")]),
        ("A report in December 2013 said so.", [("December 2013", "2013-12", "month")]),
        # "last night" in a day's news is the evening before it, as "yesterday" is
        ("Last night the union called a strike.", [("Last night", "2014-12-29", "day")]),
        # a season of a named year, dated by the month it begins in
        ("She raised her concerns in the spring of 1986.",
         [("spring of 1986", "1986-03", "season")]),
        ("The plant closed in the fall of 2014 and reopened in summer 2016.",
         [("fall of 2014", "2014-09", "season"), ("summer 2016", "2016-06", "season")]),
        # "fall" the verb, and a winter that may begin in either year, are no dates
        ("Sales could fall 2014 units short; the winter of 2014 was mild.", []),
    ],
)  # fmt: skip
def test_mentions_resolve_against_the_published_date(text: str, expected: list) -> None:
    assert _dates(text) == expected


def test_a_month_later_in_the_year_than_the_article_is_last_years() -> None:
    assert _dates("The search began in November.", "2015-01-03") == [
        ("in November", "2014-11", "month")
    ]


def test_an_undated_article_leaves_relative_mentions_unresolved() -> None:
    assert _dates("Debris was found on Sunday, after the crash of 28 December 2014.", None) == [
        ("on Sunday", None, None),
        ("28 December 2014", "2014-12-28", "day"),
    ]


def test_a_will_of_an_earlier_sentence_does_not_make_a_date_future() -> None:
    assert _dates("Talks will go on. Since May prices rose.") == [("Since May", "2014-05", "month")]


def test_event_date_prefers_the_sentence_then_the_article() -> None:
    mentions = resolve_dates("Debris was found on Sunday.", TUESDAY)
    assert event_date(mentions, TUESDAY) == ("2014-12-28", "text")
    assert event_date((), TUESDAY) == ("2014-12-30", "published")
    assert event_date((), None) == (None, "none")


def test_a_wire_dateline_is_when_the_story_was_filed_not_the_event() -> None:
    text = "KELSO, Jan 14 (Coast Wire) — The two councils agreed the merger, they said on Monday."
    mentions = resolve_dates(text, "2025-01-14")
    assert [(d.text, d.dateline) for d in mentions] == [("Jan 14", True), ("on Monday", False)]
    assert event_date(mentions, "2025-01-14") == ("2025-01-13", "text")
    # a dateline alone still dates the sentence; a date in running text is no dateline
    alone = resolve_dates("KELSO, Jan 14 (Coast Wire) — Talks go on.", "2025-01-14")
    assert event_date(alone, "2025-01-14") == ("2025-01-14", "text")
    assert not any(d.dateline for d in resolve_dates("Talks began on Jan 14 - late.", None))


def test_a_forecast_through_a_weekday_is_the_days_to_come() -> None:
    monday = "2025-08-11"
    text = "A forecast of rain through Wednesday means the river could rise again."
    assert [(d.text, d.date) for d in resolve_dates(text, monday)] == [("Wednesday", "2025-08-13")]
    # without a forecast, "through Wednesday" in a report is the one before
    past = "Protests went on through Wednesday, police said."
    assert [d.date for d in resolve_dates(past, "2025-08-15")] == ["2025-08-13"]
    assert [d.date for d in resolve_dates("Crowds came through Saturday.", monday)] == [
        "2025-08-09"
    ]


def test_a_date_in_a_relative_clause_is_not_the_sentence_s_event() -> None:
    text = ("Molloy, who on Saturday said the defences were holding, said on Monday that he "
            "wanted an independent review.")  # fmt: skip
    mentions = resolve_dates(text, "2025-04-07")
    assert event_date(mentions, "2025-04-07", text) == ("2025-04-07", "text")
    # the clause's date still dates a sentence whose main clause names none
    aside = "Molloy, who on Saturday said the defences were holding, wants a review."
    assert event_date(resolve_dates(aside, "2025-04-07"), "2025-04-07", aside)[0] == "2025-04-05"
    # an appositive holding a relative clause
    gang = ("Nightjar, the gang that claimed the attack last Tuesday, put files on its leak site "
            "on Saturday.")  # fmt: skip
    assert event_date(resolve_dates(gang, "2026-10-19"), "2026-10-19", gang)[0] == "2026-10-17"


def test_a_day_naming_another_event_gives_way_to_the_sentence_s_own() -> None:
    text = "The search for survivors of Sunday's earthquake ended on Wednesday."
    assert event_date(resolve_dates(text, "2026-02-05"), "2026-02-05", text)[0] == "2026-02-04"
    toll = "The toll from Tuesday night's derailment rose to 12 on Thursday."
    assert event_date(resolve_dates(toll, "2026-03-12"), "2026-03-12", toll)[0] == "2026-03-12"


def test_the_day_a_period_started_dates_nothing_the_sentence_tells() -> None:
    text = '"Sixty-one people have come through our doors since last Thursday," Pryle said.'
    mentions = resolve_dates(text, "2025-07-25")
    assert [d.date for d in mentions] == ["2025-07-24"]
    assert event_date(mentions, "2025-07-25", text) == ("2025-07-25", "published")
    both = "The toll has risen to 58 since July 17, the ministry said on Wednesday."
    assert event_date(resolve_dates(both, "2025-07-30"), "2025-07-30", both)[0] == "2025-07-30"
    # the start of a siege, not the raid that ended it
    raid = "Police stormed D wing at about 5am, ending a siege that began on Sunday afternoon."
    assert event_date(resolve_dates(raid, "2025-09-17"), "2025-09-17", raid) == (
        "2025-09-17",
        "published",
    )
    # "since …, when …" tells what happened then
    then = "It is the deadliest since February 1999, when a slide killed twelve people."
    assert event_date(resolve_dates(then, "2026-02-12"), "2026-02-12", then)[0] == "1999-02"
