"""A name that says what it is: "Which party governs Rojava?" is answered by the capitalised
name that ends in the asked noun ("Democratic Union Party"), not by the span model's first name
of the sentence ("Ankara", of "… founded in Ankara in 1978"). Names of organisations, events,
awards and laws carry their kind in their last word ("Newport Jazz Festival", "National Book
Award", "Affordable Care Act"), so the asked noun written capitalised at the end of a run of
capitalised words is that kind's name. On evals/reader's dev split two "which <noun>"
answers named another thing (docs/reader.md, round 17).
"""

from __future__ import annotations

import re

from rag.answer.forms import POSSESSIVE
from rag.text.terms import words

# The asked noun: one of the two words after "which"/"what" ("Which party governs …",
# "Which political party …"); the second is tried first, as English puts adjectives before.
_ASKS = re.compile(
    r"^\s*(?:and\s+)?(?:(?:on|in|at|from|by|for|with|to|of)\s+)?(?:which|what)\s+"
    r"(?P<a>[a-z]+)(?:\s+(?P<b>[a-z]+))?",
    re.I,
)
_NOT_NOUNS = frozenset(
    """is was are were be been do does did has have had will would can could should may might
    must the a an this that these those kind sort type of""".split()
)
_CAPITAL = r"[A-Z][\w’'&.-]*"
# Words that join the capitalised words of one name ("Bank of America", "Marks & Spencer").
_JOIN = r"(?:of|the|and|&|for|de|du|la|del)"
# A name does not start with a sentence's capitalised function word ("The Democratic …").
_LEADING = re.compile(r"^(?:(?:The|A|An|In|On|At|For|By|From|As|And|But)\s+)+")


def asked_noun(question: str) -> list[str]:
    """The nouns a "which/what <noun>" question may ask a name of, likeliest first."""
    m = _ASKS.match(question)
    if not m:
        return []
    found = [m.group("b"), m.group("a")]  # a common noun: "Which senior Tory" asks a person
    return [w for w in found if w and w.islower() and w not in _NOT_NOUNS]


def named_as(question: str, sentence: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first name in ``sentence`` whose last word is the noun that
    ``question`` asks a name of, and which is not made of the question's own words; None when
    there is none."""
    asked = set(words(question))
    for noun in asked_noun(question):
        run = re.compile(rf"{_CAPITAL}(?:\s+(?:{_JOIN}\s+)?{_CAPITAL})*?\s+{noun.capitalize()}\b")
        for m in run.finditer(sentence):
            lead = _LEADING.match(m.group())
            start = m.start() + (lead.end() if lead else 0)
            # the owner is no part of the name ("Columbia University’s X Institute")
            owners = [w for w in re.finditer(r"\S+\s+", sentence[: m.end()])
                      if w.start() >= start and POSSESSIVE.search(w.group().rstrip())]  # fmt: skip
            start = owners[-1].end() if owners else start
            name = sentence[start : m.end()]
            own = [w for w in words(name) if w not in asked]
            if len(words(name)) >= 2 and own:
                return start, m.end()
    return None


_NAME = rf"{_CAPITAL}(?:\s+(?:{_JOIN}\s+)?{_CAPITAL})*"
# A list of names: "New Jersey, Ohio, New Mexico, and Illinois".
_LIST = re.compile(
    rf"{_NAME}(?:,\s+{_NAME})*,?\s+(?:and|or)\s+{_NAME}|{_NAME}(?:,\s+{_NAME}){{2,}}"
)


def asks_plural(question: str) -> bool:
    """Whether ``question`` asks for several names ("Which states …?", "What countries …?")."""
    nouns = asked_noun(question)  # the first word after "which": "Which states are …"
    return bool(nouns) and nouns[-1].endswith("s") and not nouns[-1].endswith("ss")


def whole_list(question: str, sentence: str, found: tuple[int, int]) -> tuple[int, int]:
    """``found`` grown to the list of names it is one of when ``question`` asks for several
    ("New Jersey, Ohio, New Mexico, and Illinois" for "Which states …?", not "Ohio")."""
    if not asks_plural(question):
        return found
    for m in _LIST.finditer(sentence):
        if m.start() <= found[0] and found[1] <= m.end():
            lead = _LEADING.match(m.group())
            end = m.start() + len(m.group().rstrip("."))  # "… and YouTube." ends the sentence
            return m.start() + (lead.end() if lead else 0), end
    return found
