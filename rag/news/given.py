"""When a sentence's figures and statements were given, as distinct from the events it dates,
and the day a question asks about ("How many had died as of Wednesday?").

"At least nine people were killed when an express train left the tracks on Tuesday night"
gives Wednesday's count of a Tuesday event; "had burned 4,200 hectares by Saturday morning"
dates its figure by the nearest date. Hand-written like the date resolver it builds on
(tests/news/test_given.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from rag.news.dates import MONTHS, WEEKDAYS, resolve_dates
from rag.news.events import aside_of, event_date, in_aside
from rag.news.figures import long_before
from rag.records import Quote
from rag.records.news import DateMention

# A date that opens a period ("since July 17", "between Thursday and Sunday"), or dates the
# event in a clause of its own ("were killed when a train left the tracks on Tuesday night",
# "after the ferry capsized on Sunday"), is not when a figure of the sentence was given.
# ("before dawn on Sunday" is no clause: "after" and "before" open one with a verb in it.)
_NOT_GIVEN = re.compile(r"\b(?:between|from)\s+(?:the\s+)?$|\b(?:when|since)\b[^,;:.]*$|"
                        r"\b(?:after|before|while)\b(?=[^,;:.]*\b(?:\w+ed|was|were)\b)"
                        r"[^,;:.]*$", re.IGNORECASE)  # fmt: skip
_RIGHT_AFTER = 20  # characters: "4,200 hectares by Saturday", "rose to 12 on Thursday"
_SAID = re.compile(r"\b(?:said|says|told\s+\w+|announced|reported|confirmed)\s+(?:on\s+)?$")
# A day a question asks a figure or a statement for ("as of Wednesday", "on Monday
# afternoon", "by July 25"); not a day that names an event ("the Mail on Sunday's poll").
_DAYS = "|".join(d.title() for d in WEEKDAYS)
# Months as questions write them: whole, or cut short ("as of Dec. 29", round 22)
_MONTHS = "|".join(
    [m.title() for m in MONTHS] + [r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"]
)
_ASKED_DAY = re.compile(
    rf"\b(?:on|as of|by|until)\s+(?P<day>(?:{_DAYS})(?:\s+(?:morning|afternoon|evening|night))?"
    rf"|(?:{_MONTHS})\s+\d{{1,2}}|\d{{1,2}}\s+(?:{_MONTHS}))\b(?!['’]s)"
)
# A candidate given on another day than the asked one keeps this share of its score. Chosen
# on the dev figure cases that ask for a day (docs/news.md, round 9).
OTHER_DAY = 0.5


def asked_day(question: str) -> str | None:
    """The day phrase a question asks about ("as of Wednesday" → "Wednesday"), or None."""
    m = _ASKED_DAY.search(question)
    return m["day"] if m else None


def given_at(
    mentions: Sequence[DateMention], quote: str, said: str | None, published: str | None
) -> Callable[[int, int], str | None]:  # fmt: skip
    """When the figure at ``(start, end)`` of ``quote`` was given.

    Args:
        mentions: the dates the quote names (`rag.news.dates.resolve_dates`).
        quote: the sentence.
        said: the sentence's own date (its event date, with a live blog's entry time).
        published: its article's date.

    Returns:
        A function of the figure's span: the nearest date the sentence names where it names
        several, else ``said``; a total counted "since July 17", or beside a clause's date
        ("including 17 who were found on Monday, and 34 were still missing"), is as of the
        article's date. A negative ``start`` asks for the sentence as a whole.
    """
    named = [(d, d.date) for d in mentions if d.date and not d.dateline]
    spans = [(d.start, d.end, date) for d, date in named
             if not in_aside(d, quote) and not _NOT_GIVEN.search(quote[: d.start])]  # fmt: skip
    opened = len(spans) < len(named)
    day = published[:10] if published else None

    def at(start: int, end: int) -> str | None:
        # A figure of an aside about an earlier event is of the aside's date ("Typhoon
        # Corra, which killed 214 people in Ondessa in 2012, …"), not of the sentence's.
        aside = aside_of(start, end, quote) if start >= 0 else None
        its = [date for d, date in named if aside and aside[0] <= d.start < aside[1]]
        if its and long_before(its[0], published):
            return its[0]
        days = {date for *_, date in spans}
        if not (len(days) > 1 or opened):
            return said
        if not spans:
            near = day
        elif start < 0:
            near = spans[0][2] if len(days) == 1 else None
        else:
            near = _figure_date(spans, quote, start, end)
        return said if said and near and said.startswith(near) else near or said

    return at


def _figure_date(spans: list[tuple[int, int, str]], quote: str, start: int, end: int) -> str:
    """The date of the figure at ``(start, end)``: one right after it ("rose to 12 on
    Thursday", "4,200 hectares by Saturday morning"), else the day its source spoke ("killing
    at least 38 people …, the ministry said on Monday"), else the nearest."""
    for s, _, date in spans:
        if 0 <= s - end <= _RIGHT_AFTER:
            return date
    for s, _, date in spans:
        if _SAID.search(quote[:s]):
            return date
    # A date after the figure is nearer at equal distance.
    return min(spans, key=lambda m: (m[0] - end, 0) if m[0] >= end else (start - m[1], 1))[2]


def weigh_day(day: str, quotes: Sequence[Quote], probs: np.ndarray) -> np.ndarray:
    """``probs`` with candidates given on another day than the asked one down to `OTHER_DAY`.

    Args:
        day: the asked day phrase (`asked_day`), resolved against each candidate's article.
        quotes: the candidate sentences.
        probs: their scores.

    Returns:
        New scores; unchanged when no candidate is given on the asked day, or for
        candidates whose date is not known to the day.
    """
    on = [on_day(day, q) for q in quotes]
    out = probs.astype(float).copy()
    if any(on):
        out[np.array([o is False for o in on])] *= OTHER_DAY
    return out


def on_day(day: str, quote: Quote) -> bool | None:
    """Whether ``quote`` was given on the asked ``day`` (resolved against its article's
    date); None when either is not known to the day."""
    asked = {d.date for d in resolve_dates(day, quote.date) if d.date and d.precision == "day"}
    if not asked:
        return None
    mentions = resolve_dates(quote.text, quote.date)
    said = event_date(mentions, quote.date, quote.text)[0]
    when = given_at(mentions, quote.text, said, quote.date)(-1, -1)
    if when and len(when) < 10:
        # Known to the year or month only: another year or month is another day ("An
        # earthquake in the same valley in 1978 left 23 dead" for "… by Monday?").
        return None if any(a.startswith(when) for a in asked) else False
    return when[:10] in asked if when else None
