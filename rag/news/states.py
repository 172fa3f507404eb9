"""The state a question about the present asks after, and the sentences that tell its news.

"Is the airport on Kaelis still closed?" is answered by "Portmahr airport reopened at 7am on
Thursday", "Is the driver still in hospital?" by "The driver was discharged from hospital
yesterday": the end of the state, or that it goes on ("remains closed"), in the words news
uses for it. The reader, fitted on questions whose answers share their words, rates those
sentences below ones that repeat the question's ("… flights had been cancelled because of the
closure"): on time dev, 9 of the 53 recency questions whose facts were missed asked after such
a state and quoted another sentence (docs/news.md, round 24). No model of states and their
ends ships here, so the few states news asks after are listed by hand, with tests
(tests/news/test_states.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.records import Quote
from rag.text.terms import proper_nouns, terms

_I = re.IGNORECASE
# Each state: how a question asks whether it still holds, and how a sentence tells its news.
# The news side names the state's end and its going on, never the state alone: "the airport
# was closed" is what the question already knows, "reopened" or "remains closed" is news.
_STATES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "closed": (
        re.compile(
            r"\b(?:closed|shut|cut off|blocked|grounded|open again|reopen\w*|"
            r"(?:flying|running|operating) (?:\w+ ){0,6}again)\b",
            _I,
        ),
        re.compile(
            r"\b(?:re-?open(?:ed|s|ing)?|resum(?:ed|es|ing)|lifted|back (?:open|in "
            r"service)|(?:remains?|remained|stays?|stayed|still|will stay|to stay) "
            r"(?:closed|shut)|closed until|shut until)\b",
            _I,
        ),
    ),
    "in hospital": (
        re.compile(r"\b(?:in hospital|hospitali[sz]ed|in (?:the )?hospital)\b", _I),
        re.compile(
            r"\b(?:discharged|released from (?:the )?hospital|left (?:the )?hospital|"
            r"(?:remains?|remained|still) in (?:the )?hospital|in (?:a )?(?:critical|"
            r"serious|stable|fair|good) condition)\b",
            _I,
        ),
    ),
    "missing": (
        re.compile(
            r"\b(?:missing|unaccounted for|trapped|stuck|buried|lost at sea|"
            r"found (?:\w+ ){0,7}yet|been found)\b",
            _I,
        ),
        re.compile(
            r"\b(?:found (?:alive|dead)|(?:were|was|been|have been|had been) "
            r"(?:found|rescued|recovered|freed|traced|brought (?:home|out))|"
            r"(?:are|is|were|was|remain|remains|remained) still (?:missing|trapped)|"
            r"still (?:missing|trapped|unaccounted)|remains? (?:missing|trapped)|"
            r"accounted for)\b",
            _I,
        ),
    ),
    "away": (
        re.compile(
            # not "go back up" (emissions), "return to profit"
            r"\b(?:away from (?:their )?homes?|evacuated|moved out|locked out|displaced|"
            r"(?:go|get|move|return) (?:back )?(?:home|to (?:their|his|her) (?:homes?|houses?))"
            r"|back (?:home|in their (?:homes|houses)))\b",
            _I,
        ),
        re.compile(
            r"\b(?:allowed (?:to return|back|home)|returned (?:home|to their)|"
            r"(?:can|could|may) (?:now )?(?:go|return) (?:back|home)|evacuation "
            r"orders? (?:\w+ ){0,3}lifted|stay(?:ed)? (?:closed|evacuated) until)\b",
            _I,
        ),
    ),
    "rising": (
        re.compile(r"\b(?:still rising|rising|flooding)\b", _I),
        re.compile(
            r"\b(?:peaked|falling|fell|receding|receded|subsid\w+|(?:still|continues"
            r" to|continued to) rise)\b",
            _I,
        ),
    ),
    "search": (
        re.compile(r"\b(?:search(?:es|ing)?|looking for|trying to find)\b", _I),
        re.compile(
            r"\b(?:called off|ended the search|search (?:was |has been |had been )?"
            r"(?:ended|halted|suspended|resumed|scaled back)|recovery (?:effort|"
            r"operation)|(?:still|were|was) searching)\b",
            _I,
        ),
    ),
    "in office": (
        re.compile(
            # "still running X", not a running total, deficits running at, a project running
            r"\b(?:still (?:running|in charge)|in (?:his|her|their) (?:post|job|office)|"
            r"in office)\b",
            _I,
        ),
        re.compile(
            r"\b(?:resigned|suspended (?:\w+ ){0,2}from|removed from|stepped down|"
            r"sacked|ousted|replaced|quit)\b",
            _I,
        ),
    ),
    "held": (
        re.compile(r"\b(?:behind bars|in (?:custody|jail|prison)|detained|locked up)\b", _I),
        re.compile(
            r"\b(?:released|freed|on bail|granted bail|remanded|in custody|jailed|"
            r"sentenced|not (?:been )?(?:arrested|detained))\b",
            _I,
        ),
    ),
    "contesting": (
        re.compile(
            r"\b(?:contesting|challenging|disputing|fighting) (?:the )?(?:\w+ ){0,3}(?:result|"
            r"outcome|verdict|ruling|decision|election)",
            _I,
        ),
        re.compile(
            r"\b(?:conceded|concede|(?:will|would|to) (?:challenge|appeal|contest)|"
            r"appealed|dropped (?:his|her|their|the) (?:challenge|appeal)|withdr[ae]w)\b",
            _I,
        ),
    ),
}
# A search is what it is about: "Is the search still going on?" is answered by "the search has
# been called off", whatever else the question names.
_OWN_SUBJECT = {"search": frozenset(terms("search"))}
# The others' share of their rating once the news of the state is found: it leads at equal
# ratings, and a day's recency decay (`RAG_RECENCY` 0.1) still outweighs the hair.
_BELOW = 0.99
# The words of a question that say when, not what: not its subject.
_NOT_SUBJECT = frozenset(
    terms("still yet again now currently moment latest anyone anybody many much going right")
)
_CLAUSE = re.compile(r"\b(?:after|because|since|following|due to|when)\b|[,;?]", _I)


@dataclass(frozen=True)
class AskedState:
    """A state a question about the present asks after, and the words of what is in it."""

    name: str
    subject: frozenset[str]  # stemmed content words of the question, bar the state's


def asked_state(question: str) -> AskedState | None:
    """The state ``question`` asks whether it still holds ("Is the airport still closed?"),
    or None."""
    for name, (asks, _) in _STATES.items():
        if m := asks.search(question):
            # What is in the state is named around it, up to a clause of its own: "Is the
            # rail line through Pitlow still closed after the crash?" asks about the line, not
            # the crash every sentence of the story names; "Are planes flying in and out of
            # Port Vireo again?" about Port Vireo too.
            said = question[: m.start()] + " " + _CLAUSE.split(question[m.end() :])[0]
            subject = set(terms(said)) | set(terms(" ".join(proper_nouns(m[0]))))
            subject -= _NOT_SUBJECT
            own = _OWN_SUBJECT.get(name, frozenset())
            return AskedState(name, frozenset(subject) | own) if subject else None
    return None


def tells_state(state: AskedState, sentence: str) -> bool:
    """Whether ``sentence`` tells the news of ``state``: its end or that it goes on, of
    something the question names."""
    return bool(_STATES[state.name][1].search(sentence)) and bool(
        state.subject & set(terms(sentence))
    )


def weigh_state(state: AskedState, quotes: Sequence[Quote], probs: np.ndarray) -> np.ndarray:
    """``probs`` with the sentences that tell the news of ``state`` raised to the best's, and
    the others a hair below it, so that the news leads.

    Among those, the recency weight then prefers the newest: "Is the road still shut?" is
    answered by the latest news of the road, not by the first report of its closure.
    """
    out = probs.astype(float).copy()
    news = np.array([tells_state(state, q.text) for q in quotes], bool)
    if news.any():
        out[news] = np.maximum(out[news], float(out.max()))
        out[~news] *= _BELOW
    return out
