"""Who someone is: the short answer to "Who is Isaac Herzog?" is his title, not another name.

For a question that asks who a named person is, the name walk of `rag.answer.short` would
take the first other name of the sentence ("Blinken" of "Blinken also met with Israeli
President Isaac Herzog": the seed article's answer before this rule). News says who someone
is with a title before the name ("Israeli President Isaac Herzog") or an apposition after it
("Fernando Caudevilla, a Spanish physician who …").
"""

from __future__ import annotations

import re

# Titles and roles written before a person's name ("Sen.", "Executive Director", "Sister").
TITLES = frozenset(
    """mr mrs ms miss dr sen rep gov gen prof sgt lt col capt sir dame rev fr sister brother
    father judge justice president vice prime minister secretary chancellor mayor governor
    senator representative congressman congresswoman councilman councilwoman director
    chairman chairwoman chair chief executive commissioner superintendent inspector
    detective sergeant captain professor doctor coach""".split()
)
_WHO_IS = re.compile(
    r"^\s*(?i:and\s+)?(?i:who)\s+(?i:is|was)\s+(?P<name>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s*\??\s*$"
)
# Courtesy titles say nothing of who someone is.
_COURTESY = frozenset("mr mrs ms miss dr sir dame".split())
_WORD = re.compile(r"(?:[A-Z]\.){2,}|[\w’'-]*\w")
_JOINS = frozenset({"of", "the", "for", "and"})
# An apposition: ", a Spanish physician who is better known as …" up to its clause's end.
_APPOSITION = re.compile(
    r",\s+(?P<what>(?:a|an|the)\s+[^,;:()“”\"]{3,80}?)(?=\s+(?:who|which|that)\b|[,;:.)]|$)"
)
_APPOSITION_WORDS = 10  # longer is a clause, not a description


def asks_who_is(question: str) -> str | None:
    """The name a "Who is X?" question asks about, or None for any other question."""
    m = _WHO_IS.match(question)
    return m["name"] if m else None


def identity_in(name: str, sentence: str) -> tuple[int, int] | None:
    """Where ``sentence`` says who ``name`` is: the title before the name ("Israeli
    President" of "… met with Israeli President Isaac Herzog"), else the apposition after it
    (", a Spanish physician"); None when it says neither.

    Args:
        name: the person asked about, as the question writes it.
        sentence: a sentence that may name them (in full or by the last word of the name).

    Returns:
        ``(start, end)`` in ``sentence``, or None.
    """
    parts = name.split()
    found = re.search(rf"\b{re.escape(name)}\b", sentence) or re.search(
        rf"\b{re.escape(parts[-1])}\b", sentence
    )
    if found is None:
        return None
    title = _title_before(sentence, found.start())
    if title is not None:
        return title
    after = _APPOSITION.match(sentence, found.end())
    if after and len(after["what"].split()) <= _APPOSITION_WORDS:
        return after.start("what"), after.end("what")
    return None


def _title_before(sentence: str, at: int) -> tuple[int, int] | None:
    """The run of capitalised words right before ``at`` that holds a title ("U.S. Secretary of
    State", "Israeli President"), joined by "of" or "the"; None when there is none. A name
    asked by its surname leaves its first names in the run: they end it, and are no title
    ("Israeli Prime Minister Benjamin" for "Who is Netanyahu?")."""
    tokens = [m for m in _WORD.finditer(sentence[:at]) if m.end() <= at]
    start = None
    i = len(tokens) - 1
    while i >= 0:
        t = tokens[i]
        gap = sentence[t.end() : (tokens[i + 1].start() if i + 1 < len(tokens) else at)]
        if gap.strip():  # a comma or a quote mark ends the run
            break
        word = t.group()
        if word[:1].isupper() or (word.lower() in _JOINS and start is not None):
            start = i
            i -= 1
            continue
        break
    if start is None:
        return None
    while start < len(tokens) and tokens[start].group().lower() in _JOINS:
        start += 1
    run = tokens[start:]
    while len(run) > 1 and run[-1].group().lower() not in TITLES:
        if run[-2].group().lower() in _JOINS:
            break  # "Secretary of State": the title goes on
        run = run[:-1]
    if not run or not any(t.group().lower().rstrip(".") in TITLES - _COURTESY for t in run):
        return None
    return run[0].start(), run[-1].end()
