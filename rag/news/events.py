"""When a quoted sentence's event happened, read from the dates it names (resolved by
`rag.news.dates`): not a dateline's, an aside's or a period's start, unless nothing else is
named (tests/news/test_dates.py)."""

from __future__ import annotations

import re

from rag.news.dates import resolve_dates
from rag.records import Quote
from rag.records.news import DateMention


def _possessive(d: DateMention, text: str) -> bool:
    """Whether the mention names another event by its day ("Sunday's earthquake", "Tuesday
    night's derailment"): the sentence's own event is dated elsewhere ("… ended the search
    for survivors of Sunday's earthquake on Wednesday")."""
    return d.text.endswith(("'s", "’s")) or text[d.end : d.end + 2] in ("'s", "’s")


# A relative clause set off by commas, also after what it counts among ("…, including 17 who
# were found alive on Monday on the rocks, and 34 were still missing"): what it dates is an
# aside to the sentence's event.
# An appositive holding one ("Nightjar, the gang that claimed the attack last Tuesday, put …")
# is an aside too.
_RELATIVE = re.compile(
    r",\s+(?:(?:including|among them)\s+[^,]{0,30}?\s+|(?:the|a|an)\s+[\w-]+\s+(?=that\b))?"
    r"(?:who|which|that)\b[^,]*,"
)


# The date a period starts ("have come through our doors since last Thursday", "ending a
# siege that began on Sunday"): what the sentence tells is as of its article's date, or of
# another date it names.
_SINCE = re.compile(
    r"\b(?:since|(?:that|which)\s+(?:began|started|broke\s+out))\s+(?:(?:late|early)\s+)?"
    r"(?:on\s+|in\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)


_WHEN = re.compile(r",?\s+when\b")


def _starts_period(mention: DateMention, text: str) -> bool:
    """Whether ``mention`` is the day a period started (`_SINCE`), not an event's: "since
    February 1999, when a slide … killed twelve people" tells what happened then."""
    return bool(_SINCE.search(text[: mention.start])) and not _WHEN.match(text, mention.end)


def in_aside(mention: DateMention, text: str) -> bool:
    """Whether ``mention`` dates a relative clause of ``text``, not its main event."""
    return aside_of(mention.start, mention.end, text) is not None


def aside_of(start: int, end: int, text: str) -> tuple[int, int] | None:
    """The relative clause of ``text`` that holds ``text[start:end]``, or None."""
    return next((m.span() for m in _RELATIVE.finditer(text)
                 if m.start() <= start and end <= m.end()), None)  # fmt: skip


def event_date(
    mentions: tuple[DateMention, ...], published: str | None, text: str = ""
) -> tuple[str | None, str]:
    """When a sentence's event happened: its first resolved day, else month, else published.

    A dateline's date counts only when the sentence names no other: it says when the story
    was filed ("LONDON, Jan 14 (Reuters) — … said on Monday" happened on the Monday). Likewise
    a date inside a relative clause of ``text`` (the sentence the mentions are of): "Molloy,
    who on Saturday said the defences were holding, said on Monday that …" happened on Monday,
    and a day that names another event (`_possessive`) gives way to one that does not; the
    day a period started ("since last Thursday") dates nothing the sentence tells.

    Returns:
        ``(date, basis)``: basis ``"text"`` when read from the sentence, ``"published"`` when
        it is the article's date, ``"none"`` when neither is known.
    """
    article = (published[:10], "published") if published else (None, "none")
    events = [d for d in mentions if d.date and not d.dateline]
    if events and all(_starts_period(d, text) for d in events):
        return article
    main = [d for d in events if not in_aside(d, text) and not _possessive(d, text)
            and not _starts_period(d, text)]  # fmt: skip
    events = main or events
    for precision in ("day", "week", "month", "season", "year"):
        for d in events or mentions:
            if d.date and d.precision == precision:
                return d.date, "text"
    return article


def quote_event(q: Quote) -> tuple[str | None, str]:
    """When the event ``q`` tells of happened, and where that date comes from (`event_date`
    of the dates its sentence names, resolved against its article's date)."""
    return event_date(resolve_dates(q.text, q.date), q.date, q.text)
