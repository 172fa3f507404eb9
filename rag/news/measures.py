"""Measures in quoted sentences: amounts of money, percentages and lengths, by what they measure.

A count says what it counts ("40 bodies"); a measure does not ("it peaked at 6.1 metres",
"turnout of 61.2 percent", "a deal worth $4.2bn"). What it measures is read from the word
before it ("peaked", "turnout", "worth"), so that two measures are compared only when both
sentences measure the same thing in the same unit, and only for a question that asks about
that thing ("How high did the river peak?", "What was turnout?"). Hand-written, like
`rag.news.counts`: news gives such figures in few forms (tests/news/test_measures.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rag.news.asked import asked_quantity
from rag.news.counts import Figure, figures_of
from rag.news.figures import compared_figure
from rag.text.terms import STOPWORDS, terms

_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9,
          "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}  # fmt: skip
_SCALES = r"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|mn|tn|m|b|k)\b)?"
MONEY = re.compile(rf"(?P<cur>US\$|\$|£|€){_NUM}{_SCALES}", re.IGNORECASE)
_UNITS = {"percent": "percent", "per cent": "percent", "%": "percent", "metres": "metres",
          "meters": "metres", "metre": "metres", "meter": "metres", "feet": "feet",
          "foot": "feet", "km": "km", "kilometres": "km", "kilometers": "km",
          "miles": "miles", "mile": "miles"}  # fmt: skip
_UNIT = re.compile(rf"(?<![\w.,]){_NUM}\s?(?P<unit>per cent|percent|%|metres?|meters?|feet|"
                   r"foot|km|kilometres|kilometers|miles?)(?!\w)", re.IGNORECASE)  # fmt: skip
_CURRENCY = {"$": "dollars", "us$": "dollars", "£": "pounds", "€": "euros"}
# Words between what is measured and the figure ("peaked at about 6.1", "turnout was 58").
_LINKS = STOPWORDS | set(
    "about around nearly almost roughly some just only over under up down by to at of was is "
    "were are stood stands standing reached hit put estimated record new total".split()
)
_WINDOW = 5  # words before a figure searched for what it measures (news puts it right there)
_MEASURE_QUESTION = re.compile(
    r"\bhow (?:high|tall|deep|far|long|much|big|large|wide)\b|\bwhat (?:was|is|were|are) "
    r"(?:the )?(?:turnout|price|cost|value|share|rate|percentage|level|height|depth)\b|"
    r"\bwhat (?:percentage|share|proportion|price|rate)\b",
    re.IGNORECASE,
)


def measures_of(sentence: str) -> list[Figure]:
    """The measures ``sentence`` states; ``quantity`` is "<unit> (<what it measures>)"."""
    found: list[Figure] = []
    for m in MONEY.finditer(sentence):
        unit = _CURRENCY[m["cur"].lower()]
        scale = _SCALE.get((m["scale"] or "").lower(), 1.0)
        found += _measure(sentence, m, float(m["num"].replace(",", "")) * scale, unit)
    for m in _UNIT.finditer(sentence):
        unit = _UNITS[m["unit"].lower()]
        found += _measure(sentence, m, float(m["num"].replace(",", "")), unit)
    return found


def _measure(sentence: str, m: re.Match[str], value: float, unit: str) -> list[Figure]:
    """The measure ``m`` as a `Figure`, when a word before it says what it measures."""
    before = re.split(r"[,;:()\"“”]", sentence[: m.start()])[-1]
    for word in reversed(re.findall(r"[A-Za-z][\w-]*", before)[-_WINDOW:]):
        if word.lower() in _LINKS:
            continue
        stems = terms(word)
        if not stems:
            break
        return [Figure(value, f"{unit} ({stems[0]})", word.lower(), m.group(0))]
    return []


def asked_measures(question: str) -> frozenset[str]:
    """What a question about a measure asks about, as stems ("How high did the river peak?"
    → {"high", "river", "peak"}); empty for other questions."""
    if not _MEASURE_QUESTION.search(question):
        return frozenset()
    return frozenset(terms(question))


def measured(quantity: str) -> str | None:
    """What a measure's quantity key measures ("metres (peak)" → "peak"), or None for a count."""
    m = re.fullmatch(r"\w+ \((?P<what>[^)]+)\)", quantity)
    return m["what"] if m else None


def asked_figures(question: str) -> Callable[[str], list[Figure]] | None:
    """The reader of the figures that answer ``question`` in a sentence: counts of the asked
    quantity ("How many bodies …?") and measures of what it asks about ("What was turnout?");
    None when the question asks for no figure."""
    quantity, wanted = asked_quantity(question), asked_measures(question)
    if quantity is None and not wanted:
        return None

    def of(sentence: str) -> list[Figure]:
        read = figures_of(sentence)
        counts = [f for f in read if quantity and f.quantity == quantity]
        if quantity and not counts and (compared := compared_figure(sentence, quantity, read)):
            counts = [compared]
        return counts + [f for f in measures_of(sentence) if measured(f.quantity) in wanted]

    return of
