"""Ordinals: the answer to "Which trip is this for Blinken?" is "ninth trip", not a name.

A question that asks which one of a series something is ("Which trip …", "Which term …",
"What number visit …") is answered by the ordinal before that noun in the sentence ("his
ninth trip to the region"); the name walk of `rag.answer.short` would take a capitalised
word of the sentence instead ("October" of "since the war began in October": the seed
suite's answer before this rule).
"""

from __future__ import annotations

import re

_ORDINAL = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
    r"(?:twenty|thirty|forty|fifty)(?:-(?:first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth))?|twentieth|thirtieth|fortieth|fiftieth|hundredth|\d+(?:st|nd|rd|th))"
)
_WHICH = re.compile(r"^\s*(?:and\s+)?(?:which|what\s+number)\s+(?P<noun>[a-z]+)\b", re.I)
# Nouns whose "which" asks for a name or a place, never a position in a series.
_NOT_SERIES = frozenset(
    "company companies country countries city cities team teams person people party parties "
    "state states firm firms group groups agency agencies newspaper paper president".split()
)


def ordinal_in(question: str, sentence: str) -> tuple[int, int] | None:
    """Where ``sentence`` says which one of a series ``question`` asks about ("ninth trip"
    for "Which trip to the region is this?"): the offsets of the ordinal and its noun, or
    None when the question asks no such thing or the sentence gives no ordinal of its noun."""
    m = _WHICH.match(question)
    if not m or (noun := m["noun"].lower()) in _NOT_SERIES:
        return None
    stem = noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
    found = re.search(
        rf"\b{_ORDINAL}(?:[- ](?:straight|consecutive|successive))?\s+{re.escape(stem)}s?\b",
        sentence,
        re.I,
    )
    return found.span() if found else None
