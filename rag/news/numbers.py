"""Numbers written in news sentences ("1,200", "seven", "a dozen", "4.2 million"), and
tallies named before their number ("the number recovered overnight at seven")."""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
          "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
          "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
          "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
          "dozen": 12, "hundred": 100}  # fmt: skip
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
NUMBER = (
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|(?:a\s+)?(?:"
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r")(?:-(?:one|two|three|four|five|six|seven|eight|nine))?)"
    r"(?:\s+(?P<scale>thousand|million|billion))?"
)
# "the number of people confirmed dead rose to 31", "put the number recovered overnight at
# seven", "the tally stands at 40", "a higher count of customers cut off, which it put at
# 140,000": what is counted comes first, its number after a verb.
_TALLY = re.compile(
    r"(?<!a\s)\b(?P<head>number|tally|toll|count)\b(?P<what>[^.;:,()\d]{0,80}?)"
    # "which it put at 40", "The toll, put by police at three,"
    r"(?:,\s+which\s+(?:it|they|he|she)\s+(?:put|puts|estimated|estimates)|"
    r",\s+(?:put|given|estimated)\s+by\s+[^,.;:()\d]{1,40}?)?\s+"
    r"(?:at|to|is|was|of|stands\s+at|stood\s+at|reached|hit)\s+"
    rf"(?:about\s+|nearly\s+|around\s+|at\s+least\s+|more\s+than\s+)?{NUMBER}\b",
    re.IGNORECASE,
)


# The number before the tally it sets ("bringing to ten the number of people killed").
_TALLY_FIRST = re.compile(
    rf"\b(?:bringing|brought|taking|took|raising|raised|pushing|pushed)\s+to\s+{NUMBER}\s+"
    r"the\s+(?P<head>number|tally|toll|count)\b(?P<what>[^.;:,()\d]{0,60}?)(?=[.;:,(]|\s+in\b)",
    re.IGNORECASE,
)


def is_number_word(word: str) -> bool:
    """Whether ``word`` is a number written out ("two", "forty-one", "dozen")."""
    return word.lower().partition("-")[0] in _UNITS


def number_value(num: str, scale: str | None) -> float | None:
    """The value of a number as `NUMBER` matched it (``num`` and ``scale`` groups)."""
    raw = num.lower().replace(",", "").removeprefix("a ").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        value = float(raw)
    else:
        tens, _, unit = raw.partition("-")
        if tens not in _UNITS:
            return None
        value = float(_UNITS[tens] + (_UNITS.get(unit, 0) if unit else 0))
    return value * _SCALE.get((scale or "").lower(), 1.0)


@dataclass(frozen=True)
class Tally:
    """A count named before its number: ``what`` it counts in the sentence's words (may be
    empty: "the number recovered overnight"), its ``value``, the number as written
    (``text``), and the ``span`` of the whole tally."""

    value: float
    head: str
    what: str
    text: str
    span: tuple[int, int]


def tallies(sentence: str) -> list[Tally]:
    """The tallies of ``sentence`` ("the number of X … rose to N"), in text order."""
    out = []
    matches = sorted([*_TALLY.finditer(sentence), *_TALLY_FIRST.finditer(sentence)],
                     key=lambda m: m.start())  # fmt: skip
    for m in matches:
        value = number_value(m["num"], m["scale"])
        if value is None or re.fullmatch(r"(19|20)\d\d", m["num"]):
            continue
        what = re.sub(r"^\s*of\s+", "", m["what"]).strip()
        number = sentence[m.start("num") : m.end("scale") if m["scale"] else m.end("num")]
        out.append(Tally(value, m["head"].lower(), what, number, m.span()))
    return out
