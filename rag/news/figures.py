"""Whether cited figures disagree, agree or changed.

Figures (`rag.news.counts`) of one quantity from different citations that differ are a
*conflict* when given at the same time, a *change* when given on different dates; figures that
add up ("155 passengers and seven crew" = "162 people aboard") are neither. Hand-written, like
the counts (tests/news/test_figures.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from itertools import combinations, groupby
from operator import attrgetter

from rag.news.counts import NOT_COUNTS, PEOPLE_STATES, Figure, figures_of
from rag.news.naming import same_speaker
from rag.news.numbers import NUMBER, number_value
from rag.records.news import Disagreement, FigureValue

_DISPUTE_DAYS = 1  # see `_rival_claims`
_EARLIER_MONTHS = 12  # see `_current`: a news story's figures are months apart, not years
# People counted by nothing but being people ("1,900 people" a mine employs, "the 26 men who
# were in the section"): compared only when the question asks for them.
_VAGUE = frozenset({"people", "men", "women", "children", "kids", "persons"})


# A sentence that sets its figure against another source's: rivals, however far apart dated
# ("a far higher figure than the one given by Corvane", "gave a higher toll of 16", "put the
# number higher: …").
DISPUTED = re.compile(
    r"\b(?:higher|lower|larger|smaller|bigger|narrower|different)\s+(?:than\s+the\s+(?:\w+\s+){0,2})?"
    r"(?:figure|count|number|toll|tally|estimate)s?\b|\bput(?:s|ting)?\s+(?:the|its|their)\s+"
    r"(?:figure|count|number|toll|tally|estimate)\s+(?:far\s+|much\s+)?(?:higher|lower)\b|"
    r"\bcontradict|"
    # "The health group disputes that: … about 41,000 patients" (round 23)
    r"\bdisput(?:es|ed|ing)\s+(?:that|this|the\s+(?:figure|claim|count|number|estimate|tally|"
    r"toll))\b",
    re.IGNORECASE,
)


def compared_figure(sentence: str, quantity: str, read: list[Figure]) -> Figure | None:
    """The figure a `DISPUTED` sentence gives of ``quantity`` (the asked one) when it names
    nothing it counts ("gave a higher figure on Wednesday: up to 45,000"); else None.
    ``read`` is what `figures_of` reads in the sentence."""
    m = DISPUTED.search(sentence)
    if not m or any(f.quantity == quantity for f in read):
        return None
    # Numbers that count something else ("a higher toll of 52" dead for a question about
    # bodies) are not it; nor is "one" ("a larger figure than the one given by …"). People
    # ("seven children") may be people in the asked state, never "cases" or "homes".
    people = quantity in PEOPLE_STATES
    counted = {f.text.split()[0].lower() for f in read
               if not (people and f.quantity in _VAGUE)}  # fmt: skip
    # The first number after the phrase is its figure, or there is none.
    n = re.search(rf"(?<![\w$£€.,:-]){NUMBER}(?![\w:%$£€])", sentence[m.end() :])
    if n is None or re.fullmatch(r"(19|20)\d\d", n["num"]) or n.group(0).lower() in counted:
        return None
    unit = re.match(r"\s+([a-z]+)", sentence[m.end() + n.end() :])
    value = number_value(n["num"], n["scale"])
    if value is None or (unit and unit[1] in NOT_COUNTS) or n.group(0).lower() == "one":
        return None  # "a higher figure, 12 percent": not a count
    return Figure(value, quantity, "figure", n.group(0))


def _adds_up(values: list[FigureValue], parts: dict[int, str]) -> bool:
    """True when the largest value is the sum of the others (parts of people aboard)."""
    distinct = sorted({v.value for v in values})
    kinds = {parts[id(v)] for v in values}
    if len(distinct) < 3 or len(kinds) < 2:
        return False
    return any(abs(sum(c) - distinct[-1]) < 1e-9 for n in range(2, len(distinct))
               for c in combinations(distinct[:-1], n))  # fmt: skip


def disagreements(
    cited: list[tuple[int, str, str | None]], asked: str | None = None,
    sources: dict[int, tuple[str, str | None]] | None = None,
    more: Callable[[str], list[Figure]] | None = None,
    dated: Mapping[int, Callable[[int, int], str | None]] | None = None,
) -> list[Disagreement]:  # fmt: skip
    """Quantities on which the cited sentences give different values.

    Args:
        cited: ``(marker, sentence, date)`` per citation, date the figure's date (the event
            date read from the sentence, else the article's), or None.
        asked: the quantity the question asks about ("bodies"), to keep only that one.
        sources: ``(article, speaker)`` of each marker. Values of one article are rivals only
            when two named speakers give them (the manifest's 212 vs the harbourmaster's
            240); otherwise they count different things ("105 hostages released", "111 still
            held").
        more: figures of a sentence beyond its counts (the asked measures,
            `rag.news.measures`).
        dated: per marker, the date of the figure at ``(start, end)`` of its sentence, where
            it is not the sentence's (one naming several dates: "had burned 4,200 hectares by
            Saturday morning", "the previous record of 4,390 megawatts set in August 2022").

    Returns:
        One `Disagreement` per quantity whose values differ and do not add up: ``change``
        when every value has its own date (values in date order), else ``conflict``.
    """
    by_quantity: dict[str, list[FigureValue]] = {}
    parts: dict[int, str] = {}
    for marker, sentence, date in cited:
        counts = figures_of(sentence)
        compared = compared_figure(sentence, asked, counts) if asked else None
        for f in counts + (more(sentence) if more else []) + ([compared] if compared else []):
            quantity = f.quantity or _unnamed(sentence, asked)
            if not quantity or (not asked and quantity in _VAGUE):
                continue
            at, when = sentence.find(f.text), (dated or {}).get(marker)
            fv = FigureValue(f.value, f.text, marker, when(at, at + len(f.text)) if when else date)
            parts[id(fv)] = f.part
            by_quantity.setdefault(quantity, []).append(fv)
    disputes = {marker for marker, sentence, _ in cited if DISPUTED.search(sentence)}
    stages = {marker: _stage(sentence) for marker, sentence, _ in cited}
    texts = {marker: sentence for marker, sentence, _ in cited}
    if asked:  # one sentence, two sources' values of the asked quantity: a dispute
        mine = sorted(by_quantity.get(asked, []), key=_marker)
        disputes |= {m for m, vs in groupby(mine, key=_marker) if _two_voices(texts[m], list(vs))}
    out: list[Disagreement] = []
    for quantity, values in by_quantity.items():
        values = _current(values)
        if (asked and quantity != asked) or _adds_up(values, parts):
            continue
        groups = [values]
        if quantity == "aboard":  # passengers vs crew vs people: parts of a whole, each its own
            kinds = list(dict.fromkeys(parts[id(v)] for v in values))
            # A figure set against another ("a higher figure: up to 45,000") names no part:
            # it is the other's, when one part is given.
            named = [k for k in kinds if k != "figure"]
            joins = {"figure"} if len(named) == 1 else set()
            groups = [[v for v in values if parts[id(v)] in {kind} | joins]
                      for kind in named or kinds]  # fmt: skip
        for group in groups:
            out += _compared(quantity, group, sources, disputes, stages)
    return out


def _current(values: list[FigureValue]) -> list[FigureValue]:
    """``values`` less those dated a year or more before the newest: they describe an earlier
    event ("The last large blackout, in February 2019, left about 90,000 households without
    power"), not this story's figure."""
    months = {id(v): _months(v.date) for v in values}
    known = [m for m in months.values() if m is not None]
    if not known:
        return values
    newest = max(known)
    return [v for v in values if (m := months[id(v)]) is None or newest - m < _EARLIER_MONTHS]


def long_before(date: str | None, newest: str | None) -> bool:
    """Whether ``date`` is a year or more before ``newest``: an earlier event's, not this
    story's (see `_current`)."""
    then, now = _months(date), _months(newest)
    return then is not None and now is not None and now - then >= _EARLIER_MONTHS


def _months(date: str | None) -> int | None:
    """Months since year 0 of an ISO date, month or year (a year counts as its December)."""
    m = re.match(r"(\d{4})(?:-(\d\d))?", date or "")
    return int(m[1]) * 12 + int(m[2] or 12) if m else None


def _unnamed(sentence: str, asked: str | None) -> str | None:
    """The asked quantity, for a tally that names nothing in a sentence about it ("put the
    number recovered overnight at seven, and said four of the bodies …")."""
    if not asked:
        return None
    stem = asked[:-3] if asked.endswith("ies") else asked.rstrip("s")
    return asked if re.search(rf"\b{re.escape(stem)}", sentence, re.IGNORECASE) else None


def _compared(
    quantity: str, values: list[FigureValue], sources: dict[int, tuple[str, str | None]] | None,
    disputes: set[int], stages: dict[int, int],
) -> list[Disagreement]:  # fmt: skip
    """The disagreements among ``values`` of one quantity, if they differ between sources
    (``disputes``: markers of sentences that set their figure against another's, or give two
    sources' values themselves, `_two_voices`; ``stages``:
    `_stage` of each marker's sentence)."""
    markers = {v.marker for v in values}
    if len({v.value for v in values}) < 2:
        return []
    if len(markers) < 2:  # one sentence's values: two sources' only where it gives two voices
        return [Disagreement(quantity, "conflict", tuple(values))] if markers <= disputes else []
    # One source's figures compare only when it gave them at different times of a live blog
    # (a count it updates through the day); otherwise they count different things.
    timed = all(v.date and len(v.date) > 10 for v in values)
    # A sentence that disputes another's figure is another source by its own words, whoever
    # the speaker reader names ("The gang still says …" has none it reads).
    rivals = _rivals([sources.get(m, (str(m), None)) for m in markers]) if sources else True
    if not (rivals or timed or markers & disputes):
        return []
    # Two values given on one day clash, unless one is that day's update of the other.
    days = {a.date for a, b in combinations(values, 2) if a.value != b.value and a.date
            and a.date == b.date and not _one_after(a, b, stages)}  # fmt: skip
    clash = bool(days)
    disputed = any(v.marker in disputes for v in values)
    dated = all(v.date for v in values)
    if dated and not (clash or disputed or _rival_claims(values, sources)):
        ordered = sorted(values, key=lambda v: (v.date or "", stages.get(v.marker, 0), v.marker))
        return [Disagreement(quantity, "change", tuple(ordered))]
    if dated and clash and not disputed:
        # The values given on one day conflict; the others are figures of their time, a
        # change when they differ (the fire's 4,200 hectares on Saturday beside Monday's
        # 11,800 and 14,500; three, then six, then seven bodies after the navy's 40).
        rest = [v for v in values if v.date not in days]
        later = _compared(quantity, rest, sources, disputes, stages) if len(rest) > 1 else []
        return [Disagreement(quantity, "conflict", tuple(v for v in values if v.date in days)),
                *later]  # fmt: skip
    return [Disagreement(quantity, "conflict", tuple(values))]


# One sentence giving two sources' figures: a speech form, a contrast, then another speech
# form ("The navy initially said 40 bodies had been recovered, although other media later
# quoted the head of the search agency as saying only three bodies had been retrieved").
_VOICE = re.compile(
    r"\b(?:said|says|saying|told|reported|estimated|according\s+to|quoted)\b", re.IGNORECASE
)
_CONTRAST = re.compile(r"(?:,|;|\s)\s*(?:although|though|while|whereas|but)\b", re.IGNORECASE)
_marker = attrgetter("marker")


def _two_voices(sentence: str, values: list[FigureValue]) -> bool:
    """Whether ``sentence`` gives its ``values`` in the words of two sources: a value and a
    speech form before a contrast ("although", "while", "but"), another value and speech form
    after it."""
    at = [(v.value, sentence.find(v.text)) for v in values]
    for c in _CONTRAST.finditer(sentence):
        first = {value for value, i in at if 0 <= i < c.start()}
        then = {value for value, i in at if i >= c.end()}
        if first and then and first != then and _VOICE.search(sentence, 0, c.start()) \
                and _VOICE.search(sentence, c.end()):  # fmt: skip
            return True
    return False


# A figure that updates the day's count ("rose to seven", "bringing the number of dead … to
# three"), and one the day's later count replaced ("Police had said on Sunday morning that
# seven people were dead").
_UPDATE = re.compile(r"\b(?:(?:rose|risen|rises|climbed|jumped|increased)\s+to|(?:bringing|"
                     r"brought|raising|raised|taking|took|pushing|pushed)\s+the\b[^.;,]{0,60}?"
                     r"\bto)\s", re.IGNORECASE)  # fmt: skip
_SUPERSEDED = re.compile(r"\bhad\s+(?:earlier\s+|initially\s+|first\s+|previously\s+)?"
                         r"(?:said|put|given|reported|estimated|counted)\b")  # fmt: skip


def _stage(sentence: str) -> int:
    """-1 for a figure the day's later count replaced, 1 for an update of the day's count,
    else 0."""
    return -1 if _SUPERSEDED.search(sentence) else 1 if _UPDATE.search(sentence) else 0


def _one_after(a: FigureValue, b: FigureValue, stages: dict[int, int]) -> bool:
    """Whether two values of one day are one count's earlier and later value: an update
    ("rose to seven") raises the count it follows; a replaced one may have been higher."""
    first, then = sorted((a, b), key=lambda v: stages.get(v.marker, 0))
    earlier, later = stages.get(first.marker, 0), stages.get(then.marker, 0)
    return earlier < later and (later < 1 or then.value > first.value)


def _rival_claims(
    values: list[FigureValue], sources: dict[int, tuple[str, str | None]] | None
) -> bool:
    """Whether two named, different speakers give different values a day or less apart
    (the company's 2,100 strikers on Monday, the union's 3,400 on Tuesday): a dispute, not
    a count that moved; a day is how far apart two outlets' reports of one claim are dated."""
    if not sources:
        return False
    # A count that moves through a day moves one way (86, then 112 arrested); one that jumps
    # back (210,000 homes without power, 260,000 by the mayor's count, then 190,000) is two
    # sides' figures.
    series = [v.value for v in sorted(values, key=lambda v: v.date or "")]
    steps = [b - a for a, b in zip(series, series[1:], strict=False)]
    moved = all(d >= 0 for d in steps) or all(d <= 0 for d in steps)
    for a, b in combinations(values, 2):
        who_a, who_b = sources.get(a.marker, ("", None))[1], sources.get(b.marker, ("", None))[1]
        if a.value == b.value or not (who_a and who_b) or same_speaker(who_a, who_b):
            continue
        if len(a.date or "") > 10 and len(b.date or "") > 10 and a.date != b.date and moved:
            continue  # a live blog's entries at two times: the count moved between them
        if a.date and b.date and len(a.date) >= 10 and len(b.date) >= 10:  # days, with times
            gap = abs(
                (dt.date.fromisoformat(a.date[:10]) - dt.date.fromisoformat(b.date[:10])).days
            )
            if gap <= _DISPUTE_DAYS:
                return True
    return False


def _rivals(sources: list[tuple[str, str | None]]) -> bool:
    """Whether two of these (article, speaker) pairs are different sources."""
    for (doc_a, who_a), (doc_b, who_b) in combinations(sources, 2):
        if doc_a != doc_b or (who_a and who_b and not same_speaker(who_a, who_b)):
            return True
    return False
