"""Whether a phrase answers "when": it holds a date, and the form a "what year", "what
month", "what date" or "what time" question asks for.

"iOS 13" is no answer to "When …?", a date is no measure ("September 3" for "How high did the
ash column rise?"), a price no clock time ("$104.64"), "this afternoon" no date, "pm" no time
(of "10:11 pm" it is the end), and a past date ("last week") no answer to "When will …?".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rag.news.dates import MONTHS, WEEKDAYS, resolve_dates
from rag.text.terms import words

DATE_WORDS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday yesterday today tomorrow tonight week weeks month months year years decade
    decades century centuries spring summer autumn fall winter morning afternoon evening night
    weekend""".split()
)
# A clock time, which is no price or share ("$104.64" held "04.64", "0.87%" "0.87").
_TIME = r"(?<![\d$£€¥.,])\d{1,2}[:.][0-5]\d(?![\d%]|\s*(?:percent|per cent|[mb]illion|bn)\b)"
# A year or decade, a clock time, a day of the month: forms `resolve_dates` leaves to context.
_DATE_FORM = re.compile(rf"\b(?:1[5-9]|20)\d\ds?\b|\b[ap]\.?m\b|\d(?:st|nd|rd|th)\b|{_TIME}")


def without_dates(phrase: str) -> str:
    """``phrase`` less its calendar dates ("3.9 percent in June 2007" → "3.9 percent in ";
    "September 3" → ""): what is left to be a figure."""
    for m in reversed(resolve_dates(phrase, None)):  # the date reader's own mentions
        phrase = phrase[: m.start] + phrase[m.end :]
    return phrase


YEAR = re.compile(r"(?:1[5-9]|20)\d\d")  # a year, which is no count
_TIME_ASKED = re.compile(  # a time of day ("What time span …?" asks a period)
    r"\b(?:what|which) (?:time|hours)\b"
    r"(?! of (?:the )?(?:year|day|week)\b| (?:span|period|frame|zone|line|limit)s?\b)",
    re.I,
)
_CLOCK = re.compile(
    rf"{_TIME}|\d\s*[ap]\.?m\b|\b(?:noon|midday|midnight|morning|afternoon|evening|"
    r"night|dawn|dusk|o'clock)\b",
    re.I,
)
_MERIDIEM = re.compile(r"[ap]\.?m\.?", re.I)
_CLOCK_BEFORE = re.compile(r"\d{1,2}(?:[:.][0-5]\d)?\s*$")


def clock_start(sentence: str, start: int) -> int:
    """Where the time starts when ``sentence[start:]`` opens with its "pm" ("10:11 pm CST")."""
    before = _CLOCK_BEFORE.search(sentence[:start])
    return before.start() if before and _MERIDIEM.match(sentence, start) else start


_MONTHS = frozenset([*MONTHS, *(m[:3] for m in MONTHS), "sept"])  # "March", "Mar", "Sept"
_WEEKDAYS = frozenset([*WEEKDAYS, *(d[:3] for d in WEEKDAYS), "tues", "thurs"])  # "Tue", "Tues"
_DAYS = frozenset({"today", "yesterday", "tomorrow", "tonight"})
_A_YEAR = re.compile(rf"(?<!\d){YEAR.pattern}(?!\d)")
# What a "what year/month/date/time" question needs the phrase to hold: "seven-year" of "a
# seven-year sentence" is no year, "more than two decades" no month, "this afternoon" no date
# (each of the 13 labelled "what date" answers of train and dev holds a day's number or a
# month), "Saturday April 30" no time of day, "six-month" no day (each of the 23 labelled
# "what/which day" answers of train, dev and the review sets holds a weekday, a month, a
# day's number or "today").
_ASKED_FORMS: list[tuple[re.Pattern[str], Callable[[str], object]]] = [
    (re.compile(r"\b(?:what|which) year\b", re.I), _A_YEAR.search),
    (re.compile(r"\b(?:what|which) month\b", re.I), lambda p: set(words(p)) & _MONTHS),
    (
        re.compile(r"\b(?:what|which) date\b", re.I),
        lambda p: re.search(r"\d", p) or set(words(p)) & _MONTHS,
    ),
    (_TIME_ASKED, _CLOCK.search),
    (
        re.compile(r"\b(?:what|which) day\b", re.I),
        lambda p: re.search(r"\d", p) or set(words(p)) & (_MONTHS | _WEEKDAYS | _DAYS),
    ),
]


def names_a_date(phrase: str, question: str = "") -> bool:
    """Whether ``phrase`` holds a date, a time or a word of one ("in 2014", "mid-September",
    "3:15 PM", "the early 1990s", "next week"); "iOS 13" or "21" alone does not (dev's short
    answers to "When …?" that were no date: 3 of 3 wrong); a ``question`` asking "what year",
    "what month", "what date" or "what time" is answered by a phrase of that form."""
    if any(asked.search(question) and not holds(phrase) for asked, holds in _ASKED_FORMS):
        return False
    if _MERIDIEM.fullmatch(phrase.strip()):
        return False  # "pm" alone: a time is more than its half of the day
    if _DATE_FORM.search(phrase) or resolve_dates(phrase, None):
        return True
    return any(w in DATE_WORDS for w in words(phrase))


# A question about what is still to come ("When will … be sworn in?", "When is the line due to
# open?"): a date its answer places before the article was published is another event's ("in
# 2018", his resignation; "last week", a meeting). Of reader train and dev's 30 such
# questions, 20 are near misses.
_FUTURE = re.compile(
    r"^\s*(?:and\s+)?(?:when|by when|how soon|(?:on |in |by )?what (?:date|day|year|month))\b"
    r"[^?]*\b(?:will|(?:is|are) (?:\w+ ){0,6}(?:due|expected|set|scheduled|slated|going|planned|"
    r"supposed))\b",
    re.I,
)
_PAST = re.compile(r"\b(?:last|ago|yesterday|earlier|previously|formerly)\b", re.I)


def past_for_future(question: str, phrase: str, published: str | None) -> bool:
    """Whether ``question`` asks when something will happen and its answer ``phrase`` is of
    the past: "last week", "two years ago", or only years before the article's ``published``
    one. A month or a weekday alone may be the coming one ("due in cinemas in December")."""
    if not _FUTURE.search(question):
        return False
    if _PAST.search(phrase):
        return True
    years = [int(y) for y in _A_YEAR.findall(phrase)]
    return published is not None and bool(years) and max(years) < int(published[:4])
