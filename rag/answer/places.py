"""Places in the possessive: "Where is the Philadelphi Corridor?" → "Gaza’s southern border with
Egypt", not "Gaza’s" alone nor the next name ("Egypt")."""

from __future__ import annotations

import re

_POSSESSIVE = re.compile(r"[’']s$")
# What a place in the possessive owns, up to the end of its noun phrase: "southern border",
# "northern coast of the island", "eastern suburbs near Ostbury".
_OWNED = re.compile(
    r"(?:\s+[a-z][\w-]*){1,4}?(?:\s+(?:border|coast|edge|side|outskirts|suburbs?|region|part|"
    r"end|shore|bank|capital|centre|center|north|south|east|west)\b)?"
    r"(?:\s+(?:with|of|near|on)\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)?"
    r"(?=\s*(?:[,;:.()]|$|\s+(?:where|which|that|who)\b))"
)


def place_phrase(sentence: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` of a place name in ``sentence`` grown to what it owns when it is in the
    possessive ("Gaza’s southern border with Egypt"); unchanged when it is not; None when a
    possessive owns no short noun phrase (it is then no place answer)."""
    if not _POSSESSIVE.search(sentence[start:end]):
        return start, end
    owned = _OWNED.match(sentence, end)
    return (start, owned.end()) if owned and owned.end() > end else None
