"""The quantity a "how many" question asks about, named as `rag.news.counts` names what a
sentence's figures count ("How many miners were trapped?" → "trapped")."""

from __future__ import annotations

import re

from rag.news.counts import (
    ABOARD,
    KIND,
    PEOPLE_VERB,
    PERSONS,
    STATE,
    STATE_KIND,
    did_to_people,
    state_of,
)
from rag.text.terms import STOPWORDS

_ASKED_CROWD = re.compile(
    r"\bhow (?:big|large) (?:was|were|is|are) (?:the|their) crowds?\b|\bsize of the crowd|"
    r"\bcrowd size|\bhow many (?:people|protesters|protestors|demonstrators|marchers)?\s*"
    r"(?:(?:had|have)\s+)?(?:marched|protested|rallied|demonstrated|gathered|attended|"
    r"turned out|took part|joined)\b|"
    r"\bhow many (?:people )?(?:did|do)\b.{0,60}\b(?:draw|attract)\b",
    re.IGNORECASE,
)
_LINKING = {"were", "was", "are", "is", "have", "has", "had", "died"}
_HEAD = re.compile(r"(?:['’]s?)?\s+([a-z]+)\b")
# Leaving home, said anywhere after the asked noun (`DISPLACED` reads it right after a number).
_LEFT_HOME = re.compile(r"\b(?:evacuat|displac|relocat|rehous|uproot|forced (?:out|from)|"
                        r"moved out|fled\b|le(?:ft|ave) (?:their |his |her )?homes?)",
                        re.IGNORECASE)  # fmt: skip
_NOT_HEAD = STOPWORDS | _LINKING | {"does", "was", "is", "has"}


def asked_quantity(question: str) -> str | None:
    """The quantity a "how many" question asks about ("How many bodies ..." → "bodies")."""
    if _ASKED_CROWD.search(question):
        return "crowd"
    # Names before the noun say whose it is, not what is counted ("How many Drevna miners …").
    m = re.search(r"\b(?i:how many)\s+(?:(?i:more|other|additional|of the)\s+)?"
                  r"(?:[A-Z][\w’'&.-]*\s+)*(?P<noun>[A-Za-z]+)\b", question)  # fmt: skip
    if m:
        noun, end = m["noun"].lower(), m.end()
        # The head of a compound counts: "measles cases", "outpatient appointments",
        # "patients' records".
        if (head := _HEAD.match(question[end:])) and noun not in _LINKING:
            word = head[1].lower()
            if word.endswith("s") and not word.endswith("ss") and word not in _NOT_HEAD:
                noun, end = word, end + head.end()
        if noun in _LINKING:  # "How many were killed?", "How many died?"
            state = STATE.match(question[m.start("noun") :])
            return state_of(state) if state else None
        if noun in PERSONS and (state := STATE.match(question[end:])):
            return state_of(state)  # "How many miners were trapped?"
        if noun in PERSONS and _LEFT_HOME.search(question[end:]):
            return "people evacuated"  # "How many residents had to leave their homes?"
        if noun in ("people", "persons"):  # read as `figures_of` reads "N people ..."
            rest = question[end:]
            state = STATE.match(rest)
            if state:
                return state_of(state)
            # "How many people did the earthquake kill?": what was done to them, read as
            # `figures_of` reads "killing 38 people".
            done = re.search(r"\b(?P<verb>kill|injur|wound|hurt)(?:e|es|ed|s|ing)?\b", rest,
                             re.IGNORECASE)  # fmt: skip
            if done:  # "… did the quake kill?", "… had the heatwave killed?"
                return STATE_KIND[done["verb"].lower()]
            if not ABOARD.search(question):
                verb = PEOPLE_VERB.match(rest)
                return did_to_people(verb["verb"]) if verb else "people"
        return KIND.get(
            noun, noun if noun.endswith(("s", "men")) or noun in PERSONS else noun + "s"
        )
    if re.search(r"\bdeath toll\b|\bhow many (?:died|were killed)\b", question, re.IGNORECASE):
        return "deaths"
    return None
