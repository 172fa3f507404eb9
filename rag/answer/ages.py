"""Ages: whether a question asks how old someone is, and whether a sentence says how old anyone is.

News gives an age in a few fixed forms ("Lopiano, 52,", "the 54-year-old hunter", "eight years
old", "at the age of 13", "aged 40", "I was 22 when …"). A sentence in none of them does not
answer "How old is …?", however near its words: the reader quoted "about 10 miles south",
"on June 7th, 2021" and "father-of-three Chris" for such questions (evals/reader's train
split and round-3 parts: 11 of the 51 near misses asking an age were answered, 7 of them by
sentences with no age at all).
"""

from __future__ import annotations

import re

_ASKS_AGE = re.compile(
    r"^\s*(?:and\s+)?how old\b(?!-)|\b(?:what|which) age\b|\bwhat(?:'s|’s| is| was) the age of\b",
    re.I,
)
_SPELT = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred)(?:-\w+)?"
)
_YEARS = rf"(?:[\d,]+|{_SPELT})"
# "54-year-old", "eight years old", "50,000 years old"
YEARS_OLD = re.compile(rf"\b{_YEARS}[- ]years?[- ]old\b", re.I)
_AGE = re.compile(
    rf"(?i:{YEARS_OLD.pattern})"
    rf"|(?i:\b(?:aged|at age|at the age of|age of)\s+{_YEARS}\b)"
    r"|\b(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun))"
    r"[A-Z][\w’'-]+,\s+\d{1,3}(?:,|\s+of\b|\.)"  # "Lopiano, 52," "Rene, 37, said"
    rf"|(?i:\b(?:was|is|turned|turns)\s+{_YEARS}(?=\s+when\b|[,.;]))"  # "I was 22 when we met"
    r"|\(\d{1,3}\)"  # "Jane Doe (34)"
)


def asks_age(question: str) -> bool:
    """Whether ``question`` asks how old someone or something is."""
    return bool(_ASKS_AGE.search(question))


def gives_age(sentence: str) -> bool:
    """Whether ``sentence`` says how old someone or something is, in a form news uses."""
    return bool(_AGE.search(sentence))


_HOW_OLD = re.compile(
    r"^\s*(?:and\s+)?(?:how old (?:is|was|are|were)\s+(?P<who>[^?,]+)"
    r"|what(?:'s|’s| is| was) the age of\s+(?P<of>[^?]+))",  # "… of the ringleader, Han Lee?"
    re.I,
)
_RUN = r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*"  # a run of capitalised words: a name
_TIED = re.compile(  # an age right beside a name: "Tom Reyes, 44,", "54-year-old Bharrat Ramdehol"
    rf"(?P<a>{_RUN}),\s+(?P<x>\d{{1,3}})(?=[,;.)]|\s+of\b)"
    rf"|\b(?P<y>\d{{1,3}})-year-old\s+(?P<b>{_RUN})|(?P<c>{_RUN})\s+\((?P<z>\d{{1,3}})\)"
)


def age_beside(question: str, sentence: str) -> tuple[int, int] | None:
    """Where ``sentence`` gives the age of the person a "How old is X?" question names, right
    beside their name ("Tom Reyes, 44,", "54-year-old Bharrat Ramdehol", "Jane Doe (34)"): the
    offsets of the number. The name may be shortened to its last words ("Montoya-Lewis, 51,"
    for "Raquel Montoya-Lewis"), never be another's ("Mekhi Gbedey, 20," is not Camille
    Etienne Gbedey). None when the question names no one or the sentence ties no age to them."""
    return _tied(_asked_name(question), sentence)


def aged_in(question: str, sentences: list[str]) -> int | None:
    """The first of ``sentences`` that gives the age of the person a "How old is X?" question
    names, beside their name (`age_beside`); None when none does."""
    asked = _asked_name(question)  # read once, not once a sentence
    return next((i for i, s in enumerate(sentences) if _tied(asked, s)), None) if asked else None


def _asked_name(question: str) -> list[str]:
    m = _HOW_OLD.match(question)
    return re.findall(r"[A-Z][\w’'-]+", m["who"] or m["of"]) if m else []


def _tied(asked: list[str], sentence: str) -> tuple[int, int] | None:
    for tie in _TIED.finditer(sentence) if asked else ():
        name = (tie["a"] or tie["b"] or tie["c"]).split()
        n = min(len(name), len(asked))  # "In March Tom Reyes, 44," names Tom Reyes
        if name[-n:] == asked[-n:]:
            group = "x" if tie["x"] else "y" if tie["y"] else "z"
            return tie.start(group), tie.end(group)
    return None
