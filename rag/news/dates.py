"""Dates named in a quoted sentence, resolved against its article's published date.

"on Sunday" in an article of Tuesday 2014-12-30 is 2014-12-28; "last week" is the week of
2014-12-22; "in October" is 2014-10; "Dec. 28" is 2014-12-28. The quote itself is never
altered: each mention is a span of it with the date it stands for.

Own resolver, not ``dateparser.search.search_dates``: measured on news sentences (article of
Tuesday 2014-12-30), dateparser returned "on Sunday and the" as one date, read "on Tuesday" as
the Tuesday before (news means that day), invented day 30 for "In October", split "Dec. 28"
into two wrong dates and read the verb "may" as May; each case is a test in
tests/news/test_dates.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from rag.records.news import DateMention, Precision

WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
MONTHS = ("january february march april may june july august september october november "
           "december").split()  # fmt: skip
_MONTH_RE = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}  # fmt: skip
_NUMBER_WORDS |= {"a": 1, "an": 1, "a few": 3, "several": 3}
# Words before a mention in the same sentence that put it in the future ("talks will resume on
# Friday"): "on Friday" is then the next Friday, not the last.
_FUTURE = re.compile(
    r"\b(?:will|shall|'ll|(?:is|are|was|were) (?:due|expected|scheduled|set) to|plans? to|"
    r"scheduled|upcoming|until|going to|(?:hopes?|aims?|intends?) to|on (?:track|course) to|"
    # "the agency expects it to peak on Sunday", "rain is forecast to reach … on Friday"
    r"(?:expects?|forecasts?|predicts?|forecast|predicted)\b[^,;]{0,40}?\bto|"
    # "a forecast of temperatures above 35 degrees through Wednesday": the days to come
    r"forecasts?\b[^,;.]{0,60}?\b(?:through|until|till|into))\b",
    re.IGNORECASE,
)

# A day named as what it will be ("declared Tuesday a day of national mourning", "made Friday a
# public holiday"): a day being declared is one to come, whatever the verb's tense (issue 23's
# ferry story, resolved to the Tuesday before until this).
_DECLARED_DAY = re.compile(r"^\s+(?:as\s+)?an?\s+(?:[a-z]+\s+){0,2}(?:day|holiday)\b")

# A wire dateline around a date: "LONDRAVEN, Jan 14 (Bourse Wire) —", "PARIS, March 3 -".
_DATELINE_HEAD = re.compile(r"^\s*[A-Z][A-Za-z.' -]{1,40},\s*$")
_DATELINE_TAIL = re.compile(r"^,?\s*(?:\d{4}\s*)?(?:\([^()]{1,40}\)\s*)?[—–-]")

# Words that make "May" the month ("in May"), not the verb ("may sell").
_MAY_LEADS = [w for lead in "in since until by early late last next this".split()
              for w in (lead, lead.capitalize())]  # fmt: skip
_Resolver = Callable[[re.Match[str], dt.date | None, bool], tuple[dt.date, Precision] | None]
_PATTERNS: list[tuple[re.Pattern[str], _Resolver]] = []


def _pattern(regex: str, flags: int = 0) -> Callable[[_Resolver], _Resolver]:
    def register(fn: _Resolver) -> _Resolver:
        _PATTERNS.append((re.compile(regex, flags), fn))
        return fn

    return register


def _month(name: str) -> int:
    key = name.lower().rstrip(".")[:3]
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(key))


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _nearest(candidates: list[dt.date], base: dt.date, future: bool) -> dt.date:
    """The candidate on or before ``base`` nearest to it, or on or after when ``future``."""
    if future:
        return min((d for d in candidates if d >= base), default=max(candidates))
    return max((d for d in candidates if d <= base), default=min(candidates))


@_pattern(r"\b(?P<year>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
def _iso(m: re.Match[str], base: dt.date | None, future: bool) -> tuple[dt.date, Precision] | None:
    d = _safe_date(int(m["year"]), int(m["m"]), int(m["d"]))
    return (d, "day") if d else None


@_pattern(rf"\b{_MONTH_RE}\s+{_DAY},?\s+{_YEAR}\b")
@_pattern(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH_RE},?\s+{_YEAR}\b")
def _full(m: re.Match[str], base: dt.date | None, future: bool) -> tuple[dt.date, Precision] | None:
    d = _safe_date(int(m["year"]), _month(m["month"]), int(m["day"]))
    return (d, "day") if d else None


@_pattern(rf"\b{_MONTH_RE}\s+{_DAY}\b(?!:)")
@_pattern(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH_RE}(?![a-z])")
def _day_month(
    m: re.Match[str], base: dt.date | None, future: bool
) -> tuple[dt.date, Precision] | None:
    if base is None:
        return None
    month, day = _month(m["month"]), int(m["day"])
    options = [d for y in (base.year - 1, base.year, base.year + 1)
               if (d := _safe_date(y, month, day))]  # fmt: skip
    return (_nearest(options, base, future), "day") if options else None


@_pattern(rf"\b{_MONTH_RE},?\s+{_YEAR}\b")
def _month_year(
    m: re.Match[str], base: dt.date | None, future: bool
) -> tuple[dt.date, Precision] | None:
    return dt.date(int(m["year"]), _month(m["month"]), 1), "month"


# A month alone: "May" only after a word that makes it a month (else it is the verb).
@_pattern(
    r"\b(?:(?P<lead>(?i:in|since|until|by|early|late|mid-?|last|next|this|during|through))\s+)?"
    r"(?P<month>January|February|March|April|June|July|August|September|October|November"
    r"|December|" + "|".join(f"(?<={w} )May" for w in _MAY_LEADS) + r"|(?<=mid-)May)\b"
)
def _month_only(
    m: re.Match[str], base: dt.date | None, future: bool
) -> tuple[dt.date, Precision] | None:
    if base is None:
        return None
    month = _month(m["month"])
    lead = (m["lead"] or "").lower()
    options = [dt.date(y, month, 1) for y in (base.year - 1, base.year, base.year + 1)]
    this = dt.date(base.year, base.month, 1)
    if lead == "last":
        return max(d for d in options if d < this), "month"
    if lead == "next":
        return min(d for d in options if d > this), "month"
    ahead = lead in ("until", "by") or (future and lead != "since")
    return _nearest(options, this, ahead), "month"


# A season of a named year ("in the spring of 1986", "summer 2019"), dated by the month it
# begins in (meteorological seasons) at precision "season". Winter is left out: "the winter of
# 2014" may begin in December 2013 or December 2014.
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9}
SEASON_OF = {3: "spring", 6: "summer", 9: "autumn"}  # a season's name by its first month


# "Fall" only after a word that makes it the season ("in the fall of 2014"), not the verb.
_FALL = "|".join(
    f"(?<={w} )" for w in "in In the The of by since until during early late Early Late".split()
)


@_pattern(rf"\b(?P<season>(?i:spring|summer|autumn)|(?:{_FALL})(?i:fall))\s+(?:of\s+)?{_YEAR}\b")
def _season(
    m: re.Match[str], base: dt.date | None, future: bool
) -> tuple[dt.date, Precision] | None:
    return dt.date(int(m["year"]), SEASONS[m["season"].lower()], 1), "season"


@_pattern(r"\b(?i:in|since|until|by|during)\s+(?P<year>(?:19|20)\d\d)\b(?!-)")
def _year(m: re.Match[str], base: dt.date | None, future: bool) -> tuple[dt.date, Precision] | None:
    return dt.date(int(m["year"]), 1, 1), "year"


@_pattern(r"\b(?P<w>the day before yesterday|yesterday|today|tonight|tomorrow|"
          r"this (?:morning|afternoon|evening)|last night)\b", re.IGNORECASE)  # fmt: skip
def _deictic(
    m: re.Match[str], base: dt.date | None, future: bool
) -> tuple[dt.date, Precision] | None:
    if base is None:
        return None
    # "Last night" in a day's news is the evening before it, as "yesterday" is.
    shift = {"the day before yesterday": -2, "yesterday": -1, "tomorrow": 1, "last night": -1}
    return base + dt.timedelta(days=shift.get(m["w"].lower(), 0)), "day"


@_pattern(
    r"\b(?:(?P<lead>(?i:last|this|next|on|early|late))\s+)?"
    r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:'s)?"
    r"(?:\s+(?:morning|afternoon|evening|night))?\b"
)
def _weekday(
    m: re.Match[str], base: dt.date | None, future: bool
) -> tuple[dt.date, Precision] | None:
    if base is None:
        return None
    wd, lead = WEEKDAYS.index(m["wd"].lower()), (m["lead"] or "").lower()
    back = (base.weekday() - wd) % 7
    ahead = (wd - base.weekday()) % 7
    if lead == "last":
        return base - dt.timedelta(days=back or 7), "day"
    if lead == "next":
        return base + dt.timedelta(days=ahead or 7), "day"
    # News names the publication day itself by its weekday ("on Tuesday" in Tuesday's paper).
    return base + dt.timedelta(days=ahead) if future else base - dt.timedelta(days=back), "day"


@_pattern(r"\b(?P<lead>last|this|next|earlier this|later this)\s+(?P<unit>week|month|year)\b",
          re.IGNORECASE)  # fmt: skip
def _relative_unit(
    m: re.Match[str], base: dt.date | None, future: bool
) -> tuple[dt.date, Precision] | None:
    if base is None:
        return None
    step = {"last": -1, "next": 1}.get(m["lead"].lower(), 0)
    unit = m["unit"].lower()
    if unit == "week":
        monday = base - dt.timedelta(days=base.weekday())
        return monday + dt.timedelta(weeks=step), "week"
    if unit == "month":
        index = base.year * 12 + base.month - 1 + step
        return dt.date(index // 12, index % 12 + 1, 1), "month"
    return dt.date(base.year + step, 1, 1), "year"


@_pattern(r"\b(?P<n>\d{1,3}|an?|a few|several|one|two|three|four|five|six|seven|eight|nine|ten|"
          r"eleven|twelve)\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.IGNORECASE)  # fmt: skip
def _ago(m: re.Match[str], base: dt.date | None, future: bool) -> tuple[dt.date, Precision] | None:
    if base is None:
        return None
    raw = m["n"].lower()
    n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    unit = m["unit"].lower()
    if unit in ("day", "week"):
        if unit == "day":
            return base - dt.timedelta(days=n), "day"
        return base - dt.timedelta(days=base.weekday(), weeks=n), "week"
    index = base.year * 12 + base.month - 1 - (n if unit == "month" else 12 * n)
    return dt.date(index // 12, index % 12 + 1, 1), "month" if unit == "month" else "year"


def iso(date: dt.date, precision: Precision) -> str:
    """``date`` written at ``precision``: a week is the ISO date of its Monday."""
    if precision in ("month", "season"):
        return date.strftime("%Y-%m")
    if precision == "year":
        return date.strftime("%Y")
    return date.isoformat()


def base_date(published: str | None) -> dt.date | None:
    """The article's published date as a day, or None when it has none or only a month/year."""
    try:
        return dt.date.fromisoformat(published[:10]) if published and len(published) >= 10 else None
    except ValueError:
        return None


def resolve_dates(text: str, published: str | None) -> tuple[DateMention, ...]:
    """The dates ``text`` names, resolved against its article's ``published`` date.

    Args:
        text: a quoted sentence, unchanged.
        published: the article's ISO published date, or None (relative mentions then stay
            unresolved: their ``date`` is None).

    Returns:
        Mentions in text order, each a span of ``text`` (``text[start:end] == mention.text``).
    """
    base = base_date(published)
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for regex, resolve in _PATTERNS:  # most specific first: a full date before its parts
        for m in regex.finditer(text):
            start, end = m.span()
            if any(start < e and s < end for s, e in taken):
                continue
            # Only the clause before the mention: a "will" of an earlier sentence says nothing.
            clause = re.split(r"[.;!?]\s", text[:start])[-1]
            future = bool(_FUTURE.search(clause) or _DECLARED_DAY.match(text[end:]))
            got = resolve(m, base, future)
            taken.append((start, end))
            date, precision = (iso(*got), got[1]) if got else (None, None)
            dateline = bool(_DATELINE_HEAD.match(text[:start]) and _DATELINE_TAIL.match(text[end:]))
            found.append(DateMention(m.group(0), start, end, date, precision, dateline))
    return tuple(sorted(found, key=lambda d: d.start))
