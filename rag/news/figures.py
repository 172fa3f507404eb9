"""Figures in quoted sentences, and whether cited figures disagree, agree or changed.

A figure is a number with what it counts ("40 bodies", "162 people", "a death toll of 45").
Figures of one quantity from different citations that differ are a *conflict* when given at
the same time, a *change* when given on different dates; figures that add up ("155 passengers
and seven crew" = "162 people aboard") are neither. Hand-written: no quantity extraction
model ships here, and news figures follow few forms (tests/news/test_figures.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

from rag.news.numbers import NUMBER as _NUMBER
from rag.news.numbers import Tally, tallies
from rag.news.numbers import number_value as _value
from rag.news.speakers import same_speaker
from rag.records.news import Disagreement, FigureValue
from rag.text.terms import STOPWORDS

# What is counted, by the noun after the number; people aboard split into their parts so that
# parts that add up to the whole are recognised.
_KIND = {"body": "bodies", "bodies": "bodies", "corpse": "bodies", "corpses": "bodies",
         "dead": "deaths", "deaths": "deaths", "death": "deaths", "fatalities": "deaths",
         "victims": "deaths", "people": "aboard", "persons": "aboard", "passengers": "aboard",
         "passenger": "aboard", "crew": "aboard", "crewmembers": "aboard",
         "injured": "injured", "wounded": "injured", "injuries": "injured",
         "missing": "missing", "lives": "deaths"}  # fmt: skip
_STATE = re.compile(r"^\s*(?:people\s+|persons\s+)?(?:were\s+|ha(?:ve|s|d)\s+been\s+|are\s+|"
                    r"ha(?:ve|s|d)\s+)?"
                    r"(?:now\s+|so\s+far\s+|already\s+)?(?:known\s+to\s+have\s+|confirmed\s+|"
                    r"reported\s+|feared\s+|presumed\s+|found\s+)?"
                    r"(?P<state>killed|dead|died|injured|wounded|hurt|missing|"
                    r"lost(?=\s+their\s+lives))\b")  # fmt: skip
# An act done to people, before their number ("killing at least 19 people", "injured 40
# people"): what happened to them, as "19 people were killed" says it after.
_ACTED = re.compile(r"\b(?P<verb>kill(?:s|ed|ing)?|injur(?:es|ed|ing)|wound(?:s|ed|ing)|"
                    r"hurt(?:ing)?)\s+(?:at\s+least\s+|about\s+|nearly\s+|some\s+|"
                    r"more\s+than\s+|up\s+to\s+|as\s+many\s+as\s+)?$", re.IGNORECASE)  # fmt: skip
_FIGURE = re.compile(
    rf"(?<![\w$£€.,-]){_NUMBER}(?P<more>\s+(?:more|additional|other|further))?"
    r"(?=(?P<words>(?:\s+[a-z][\w-]*){1,3}))",  # a lookahead: "155 passengers and seven crew"
    re.IGNORECASE,
)
_TOLL = re.compile(rf"\bdeath toll\b[^.;]{{0,40}}?\b(?:to|of|at|is|was|stands at|reached)\s+"
                   rf"(?:at least\s+|about\s+|nearly\s+)?{_NUMBER}\b", re.IGNORECASE)  # fmt: skip
_STATE_KIND = {"killed": "deaths", "dead": "deaths", "died": "deaths", "injured": "injured",
               "wounded": "injured", "hurt": "injured", "missing": "missing", "lost": "deaths",
               "kill": "deaths", "injur": "injured", "wound": "injured"}  # fmt: skip
# Nouns that are never what a figure counts in the sense meant here (time spans, ages, units).
_NOT_COUNTS = set(
    "years year months month days day weeks week hours hour minutes percent "
    "per cent times km miles metres meters feet kilometres kilometers".split()
)


_PRESUMED = re.compile(
    r"\s+(?:people\s+|persons\s+)?(?:(?:are|were)\s+)?(?:presumed|feared)\s+"
    r"(?:to\s+be\s+)?dead\b",
    re.IGNORECASE,
)
_DISPUTE_DAYS = 1  # see `_rival_claims`
# A sentence that sets its figure against another source's: rivals, however far apart dated
# ("a far higher figure than the one given by Corvane", "lower than the official figure").
_DISPUTED = re.compile(
    r"\b(?:higher|lower|larger|smaller|bigger|different)\s+(?:than\s+the\s+(?:\w+\s+){0,2})?"
    r"(?:figure|count|number|toll|tally|estimate)s?\b|\bcontradict",
    re.IGNORECASE,
)
# The upper end of a range ("seven to eight people", "between 20 and 30 bodies"): an estimate
# that no single count contradicts, so no figure is read from it; "from 2,100 to 2,900
# workers" is a change, its second number the figure.
_RANGE_END = re.compile(rf"(?<!\bfrom\s)(?<![\w,.]){_NUMBER}\s+(?:to|or|and)\s+$", re.IGNORECASE)
_OF_THE = re.compile(r"\bof the\s+$", re.IGNORECASE)
_CLOCK = re.compile(r"\d{1,2}[.:]\d\d")  # 05.20, 9.45: times in live blogs, never counts
_ORDINAL = re.compile(r"\s+(?:\w+th|first|second|third|\w+-first|\w+-second|\w+-third)\b", re.I)
# People counted without being aboard ("1,200 people were evacuated"): a quantity of their own,
# named by the verb, so that evacuees are not set against the dead or the passengers.
_PEOPLE_VERB = re.compile(
    r"^\s*(?:were\s+|have\s+been\s+|had\s+been\s+|are\s+)?(?:now\s+)?"
    r"(?P<verb>[a-z]+ed)\b"
)
_ABOARD = re.compile(
    r"\b(?:aboard|on board|onboard|board(?:ed|ing)|passengers?|crew|manifest|flight|ferry|"
    r"ship|vessel|boat|plane|bus|train)\b",
    re.IGNORECASE,
)

_IRREGULAR = {"children", "men", "women", "mice", "geese", "feet", "teeth", "staff", "police"}


@dataclass(frozen=True)
class Figure:
    """A figure of a sentence: ``value`` of ``quantity`` ("bodies"), ``part`` the noun read."""

    value: float
    quantity: str
    part: str
    text: str


def _counted(m: re.Match[str]) -> tuple[str | None, int]:
    """The noun a number counts among the (up to three) words after it, and where it ends:
    a known kind first ("40 bodies"), else the first plural ("30 rescue ships")."""
    start = m.start("words")
    spans = [(w.group(0).lower(), start + w.end()) for w in re.finditer(r"[a-z][\w-]*",
             m["words"], re.IGNORECASE)]  # fmt: skip
    for word, end in spans:
        if word in _KIND:
            return word, end
        if word in STOPWORDS:  # "40 of", "12 in the": the count ends before a function word
            break
        if (word.endswith("s") and not word.endswith("ss")) or word in _IRREGULAR:
            return word, end
    return None, m.end()


def figures_of(sentence: str) -> list[Figure]:
    """The counted figures ``sentence`` states; increments ("three more bodies") and the parts
    of a whole the sentence gives ("rose to 12 after three people died", "Of the 89 dead, 61
    died in Kovrin") are left out."""
    found: list[Figure] = []
    for m in _TOLL.finditer(sentence):
        value = _value(m["num"], m["scale"])
        if value is not None:
            found.append(Figure(value, "deaths", "death toll", m.group(0)))
    taken = [m.span() for m in _TOLL.finditer(sentence)]
    for t in tallies(sentence):
        if not any(s < t.span[1] and t.span[0] < e for s, e in taken):
            found.append(Figure(t.value, _tally_quantity(t, sentence), t.head, t.text))
            taken.append(t.span)
    whole = len(found)  # the tallies come first: a sentence's whole, where it names one
    for m in _FIGURE.finditer(sentence):
        value = _value(m["num"], m["scale"])
        noun, end = _counted(m)
        if value is None or m["more"] or noun in _NOT_COUNTS:
            continue
        if _CLOCK.fullmatch(m["num"]) or _ORDINAL.match(m["words"]):
            continue  # "05.20 Seventh body": a live blog's time stamp, then an ordinal
        if _RANGE_END.search(sentence[max(0, m.start() - 40) : m.start()]):
            continue
        if any(s < end and m.start() < e for s, e in taken):
            continue
        if noun is None:  # "23 were killed": a number whose state names what it counts
            bare = _STATE.match(sentence[m.end() :])
            if bare and not re.fullmatch(r"(19|20)\d\d", m["num"]):
                text = sentence[m.start() : m.end() + bare.end()]
                found.append(Figure(value, _STATE_KIND[bare["state"]], bare["state"], text))
            continue
        text = sentence[m.start() : end]
        acted = _ACTED.search(sentence[max(0, m.start() - 40) : m.start()])
        if acted and noun in ("people", "persons"):
            act = re.sub(r"(?:s|ed|es|ing)$", "", acted["verb"].lower())
            found.append(Figure(value, _STATE_KIND[act], act, text))
            continue
        if _PRESUMED.match(m["words"]):
            # "39 presumed dead", "20 people feared dead": an estimate of its own, not a toll
            found.append(Figure(value, "presumed dead", "presumed dead", text))
            continue
        state = _STATE.match(sentence[end:]) if noun in ("people", "persons") else None
        verb = _PEOPLE_VERB.match(sentence[end:]) if noun in ("people", "persons") else None
        if state:  # "12 people were killed": deaths, not people aboard
            found.append(Figure(value, _STATE_KIND[state["state"]], state["state"], text))
        elif noun in ("people", "persons") and not _ABOARD.search(sentence):
            quantity = f"people {verb['verb']}" if verb else "people"
            found.append(Figure(value, quantity, noun, text))
        elif noun in _KIND:
            found.append(Figure(value, _KIND[noun], noun, text))
        elif not re.fullmatch(r"(19|20)\d\d", m["num"]):  # a year is not a count
            found.append(Figure(value, noun, noun, text))
    wholes = {f.quantity for f in found[:whole]} | {f.quantity for f in found[whole:]
                                                     if _whole(f, sentence)}  # fmt: skip
    return [f for i, f in enumerate(found)
            if i < whole or f.quantity not in wholes or _whole(f, sentence)]  # fmt: skip


def _whole(f: Figure, sentence: str) -> bool:
    """Whether the figure is the whole the sentence divides ("Of the 89 dead, 61 died …")."""
    at = sentence.find(f.text)
    return at >= 0 and bool(_OF_THE.search(sentence[max(0, at - 12) : at]))


def _tally_quantity(t: Tally, sentence: str) -> str:
    """What a tally counts, read as `figures_of` reads a noun after a number; "" when its
    words name nothing ("the number recovered overnight": see `disagreements`)."""
    words = [w.lower() for w in re.findall(r"[a-z][\w-]*", t.what, re.IGNORECASE)]
    if t.head == "toll" or {"dead", "died", "killed", "deaths", "fatalities"} & set(words):
        return "deaths"
    for w in words:
        if w in _STATE_KIND:
            return _STATE_KIND[w]
        if w in ("people", "persons"):
            return "aboard" if _ABOARD.search(sentence) else "people"
        if w in _KIND:
            return _KIND[w]
        if w not in STOPWORDS and w.endswith("s") and not w.endswith("ss"):
            return w
    return ""


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

    Returns:
        One `Disagreement` per quantity whose values differ and do not add up: ``change``
        when every value has its own date (values in date order), else ``conflict``.
    """
    by_quantity: dict[str, list[FigureValue]] = {}
    parts: dict[int, str] = {}
    for marker, sentence, date in cited:
        for f in figures_of(sentence) + (more(sentence) if more else []):
            quantity = f.quantity or _unnamed(sentence, asked)
            if not quantity:
                continue
            fv = FigureValue(f.value, f.text, marker, date)
            parts[id(fv)] = f.part
            by_quantity.setdefault(quantity, []).append(fv)
    disputes = {marker for marker, sentence, _ in cited if _DISPUTED.search(sentence)}
    out: list[Disagreement] = []
    for quantity, values in by_quantity.items():
        if (asked and quantity != asked) or _adds_up(values, parts):
            continue
        groups = [values]
        if quantity == "aboard":  # passengers vs crew vs people: parts of a whole, each its own
            kinds = dict.fromkeys(parts[id(v)] for v in values)
            groups = [[v for v in values if parts[id(v)] == kind] for kind in kinds]
        for group in groups:
            if (found := _compared(quantity, group, sources, disputes)) is not None:
                out.append(found)
    return out


def _unnamed(sentence: str, asked: str | None) -> str | None:
    """The asked quantity, for a tally that names nothing in a sentence about it ("put the
    number recovered overnight at seven, and said four of the bodies …")."""
    if not asked:
        return None
    stem = asked[:-3] if asked.endswith("ies") else asked.rstrip("s")
    return asked if re.search(rf"\b{re.escape(stem)}", sentence, re.IGNORECASE) else None


def _compared(
    quantity: str, values: list[FigureValue], sources: dict[int, tuple[str, str | None]] | None,
    disputes: set[int],
) -> Disagreement | None:  # fmt: skip
    """The disagreement among ``values`` of one quantity, if they differ between sources
    (``disputes``: markers of sentences that set their figure against another's)."""
    markers = {v.marker for v in values}
    if len({v.value for v in values}) < 2 or len(markers) < 2:
        return None
    # One source's figures compare only when it gave them at different times of a live blog
    # (a count it updates through the day); otherwise they count different things.
    timed = all(v.date and len(v.date) > 10 for v in values)
    if sources and not _rivals([sources.get(m, (str(m), None)) for m in markers]) and not timed:
        return None
    by_value: dict[float, set[str | None]] = {}
    for v in values:
        by_value.setdefault(v.value, set()).add(v.date)
    clash = any(a & b for a, b in combinations(by_value.values(), 2))
    disputed = any(v.marker in disputes for v in values)
    if all(v.date for v in values) and not (clash or disputed or _rival_claims(values, sources)):
        ordered = tuple(sorted(values, key=lambda v: (v.date or "", v.marker)))
        return Disagreement(quantity, "change", ordered)
    return Disagreement(quantity, "conflict", tuple(values))


_LINKING = {"were", "was", "are", "is", "have", "has", "had", "died"}


def asked_quantity(question: str) -> str | None:
    """The quantity a "how many" question asks about ("How many bodies ..." → "bodies")."""
    m = re.search(r"\bhow many\s+(?:(?:more|other|additional|of the)\s+)?(?P<noun>[a-z]+)\b",
                  question, re.IGNORECASE)  # fmt: skip
    if m:
        noun = m["noun"].lower()
        if noun in _LINKING:  # "How many were killed?", "How many died?"
            state = _STATE.match(question[m.start("noun") :])
            return _STATE_KIND[state["state"]] if state else None
        if noun in ("people", "persons"):  # read as `figures_of` reads "N people ..."
            rest = question[m.end() :]
            state = _STATE.match(rest)
            if state:
                return _STATE_KIND[state["state"]]
            # "How many people did the earthquake kill?": what was done to them, read as
            # `figures_of` reads "killing 38 people".
            done = re.search(r"\b(?P<verb>kill|injure|wound|hurt)\b", rest, re.IGNORECASE)
            if done:
                return _STATE_KIND[done["verb"].lower().removesuffix("e")]
            if not _ABOARD.search(question):
                verb = _PEOPLE_VERB.match(rest)
                return f"people {verb['verb']}" if verb else "people"
        return _KIND.get(noun, noun if noun.endswith("s") else noun + "s")
    if re.search(r"\bdeath toll\b|\bhow many (?:died|were killed)\b", question, re.IGNORECASE):
        return "deaths"
    return None


def _rival_claims(
    values: list[FigureValue], sources: dict[int, tuple[str, str | None]] | None
) -> bool:
    """Whether two named, different speakers give different values a day or less apart
    (the company's 2,100 strikers on Monday, the union's 3,400 on Tuesday): a dispute, not
    a count that moved; a day is how far apart two outlets' reports of one claim are dated."""
    if not sources:
        return False
    for a, b in combinations(values, 2):
        who_a, who_b = sources.get(a.marker, ("", None))[1], sources.get(b.marker, ("", None))[1]
        if a.value == b.value or not (who_a and who_b) or same_speaker(who_a, who_b):
            continue
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
