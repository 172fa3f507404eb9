"""Who a pronoun speaker is ("he said", "it says"): whom the sentences before it name, the
way a reader resolves it (`rag.news.speakers`). Hand-written, like the attribution patterns;
measured by evals/speakers (the "pronoun" cue).
"""

from __future__ import annotations

import re

from rag.news.attribution import attributed, open_quote
from rag.news.phrases import (
    A_BODY,
    CLAUSE_OPENERS,
    NAME,
    PRONOUNS,
    SETTING,
    is_role,
    noun_phrase_forward,
    without_lead,
)
from rag.news.roles import BODIES, SAID_VERBS
from rag.text.sentences import split_sentences
from rag.text.terms import STOPWORDS

# Sentences a pronoun speaker ("she said") is looked for in before it.
_PRONOUN_BACK = 8


def _a_person(phrase: str) -> bool:
    """Whether a speaker phrase can be "he" or "she": a name, or a singular role."""
    last = phrase.split()[-1].lower().strip(",.")
    plural = last.endswith("s") and not last.endswith("ss")
    return bool(NAME.search(phrase)) or not (plural or last in BODIES)


_NAME_THEN_VERB = re.compile(rf"\b([A-Z][\w’'-]+)\s+(?:{SAID_VERBS})\b")


def _person_speaking(sentence: str) -> str | None:
    """The last capitalised name right before a reporting verb of ``sentence`` that can be
    "he" or "she" ("Officials said …, but Achterberg warned …" → "Achterberg")."""
    found = [m[1] for m in _NAME_THEN_VERB.finditer(sentence)]
    people = [n for n in found if n not in PRONOUNS | CLAUSE_OPENERS and _a_person(n)]
    return people[-1] if people else None


def _body_before(sentence: str) -> str | None:
    """The last full name ``sentence`` gives outside its quotations before its "it says", else
    the body its subject names ("The health group disputes that: on Sunday it said …", round
    23: "it" had been the speaker of the sentence before, "The gang")."""
    at = re.search(r"\bit\s+(?:says|said|adds|added|reports|reported)\b", sentence)
    head = _QUOTED.sub(" ", sentence[: at.start()]) if at else ""
    names = [n for name in NAME.findall(head) if (n := without_lead(name))]
    if names:
        return names[-1]
    return body[0] if (body := A_BODY.match(head)) else None


def referent(pronoun: str, before: str, sentence: str = "") -> str | None:
    """Who a pronoun speaker is: going back from the nearest sentence before it, the one a
    sentence attributes its claim to or the name or role its subject is; else the last full
    name outside quotations of the nearest sentence that gives one ("Caudevilla … wrote on
    Silk Road": not "Silk Road" when an earlier sentence's subject is Caudevilla). A sentence
    whose subject is the same pronoun ("As a teen she entered state pageants") or that lies
    inside a quotation only passes the chain on. "He" and "she" are a person, not "Officials"
    or "the ministry"; "it" is first a body its own ``sentence`` names before it.

    Args:
        pronoun: the speaker as the sentence names it ("he", "it").
        before: the article text before the sentence.
        sentence: the attributed sentence itself.

    Returns:
        The speaker as the article names them, or None.
    """
    if pronoun.lower() == "it" and (own := _body_before(sentence)):
        return own  # "Latest figure from Tessa Valley Power: 210,000 households, it says"
    spans = split_sentences(before)[-_PRONOUN_BACK:]
    personal = pronoun.lower() in ("he", "she")
    fallback = None
    for a, b in reversed(spans):
        earlier = before[a:b]
        if asked := _ASKED_ONE.search(earlier):
            return asked[1]  # 'a reporter asked Montoya-Lewis, "…?"' then "she replied"
        named = attributed(earlier)
        if named and personal and not _a_person(named):
            named = _person_speaking(earlier)
        if named and named not in PRONOUNS:
            return named
        if open_quote(before[:a]) is not None:  # words inside a quotation: not narration
            close = max(earlier.find("”"), earlier.find('"'))
            earlier = earlier[close + 1 :] if close >= 0 else ""
        outside = _QUOTED.sub(" ", earlier)
        main = SETTING.sub("", outside.strip())
        if re.match(rf"(?:\w+\s+){{0,3}}?{pronoun}\b", main, re.IGNORECASE):
            continue  # "As a teen she entered …": the same one, named further back
        subject = noun_phrase_forward(main)
        lead = subject.split()[0] if subject else ""
        if subject and lead.lower() not in STOPWORDS - {"the", "a", "an"} and (
                NAME.match(subject) or is_role(subject)) and (
                not personal or _a_person(subject)):  # fmt: skip
            return subject
        names = [
            n
            for name in NAME.findall(outside)
            if (n := without_lead(name)) and not _PLACED.search(outside, 0, outside.find(n))
        ]
        if names and fallback is None:
            fallback = names[-1]
    return fallback


# Whom a question is put to answers it: the one asked is who speaks next.
_ASKED_ONE = re.compile(r"\basked\s+((?:[A-Z][\w’'-]+\s+){0,3}[A-Z][\w’'-]+)\b(?=\s*[,:]\s*[\"“])")
# Words in a quotation are no speaker of the sentences after it ("… than Pinot Noir," he says),
# nor is a place ("a data scientist in Montreal").
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
_PLACED = re.compile(r"\b(?:in|at|from|near|across|around|outside|inside|of|to)\s+(?:the\s+)?$")
