"""Signals that a sentence actually answers a question, beyond being on the same topic.

Checks that keep the extractive answerer from quoting something merely related:
- the question's rare terms (high IDF: names, specific nouns) should appear in the evidence;
- a question that asks for a number, a date or an amount needs one in the answer sentence;
- a year or model number the question names must be in the passages, and beside the sentence
  that answers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from rag.records import Hit, Quote
from rag.text.terms import terms

IdfFn = Callable[[str], float]

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|dozens|twenty|"
    r"thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|"
    r"billions|half|several|single|double|triple|first|second|third|fourth|fifth|ninth"
)
_NUMBER = re.compile(rf"\d|\b({_NUMBER_WORDS})\b", re.IGNORECASE)
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_TIME = re.compile(
    rf"\d|\b({_MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
    r"yesterday|tomorrow|week|month|year|years|decade|century|morning|evening|night|"
    r"earlier|later|ago|since|before|after|during|until|spring|summer|autumn|fall|winter)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"[$€£¥]|\d|\b(dollars?|euros?|pounds?|yen|yuan|rupees?|cents?|million|billion|"
    r"percent|price|cost|paid|pay|fee|fine)\b",
    re.IGNORECASE,
)
_KINDS: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"^\s*how (many|much|old|long|far|tall|big|large|often)\b", re.I), _NUMBER),
    (re.compile(r"\bwhat (percentage|percent|number|share)\b", re.I), _NUMBER),
    (re.compile(r"\b(what|which) (year|date|day|month|time)\b|^\s*when\b", re.I), _TIME),
    (re.compile(r"\bhow much (money|did|does|do|was|is|were|are)\b|\bwhat (price|cost)\b", re.I),
     _MONEY),
]  # fmt: skip


def answer_pattern(question: str) -> re.Pattern[str] | None:
    """What an answer to ``question`` must contain (a number, a time, an amount), if anything."""
    found = None
    for asks, needs in _KINDS:
        if asks.search(question):
            found = needs  # later rows are more specific ("how much money" -> an amount)
    return found


def rare_term_coverage(query: str, evidence: Iterable[str], idf: IdfFn) -> float:
    """IDF-weighted share of the query's content terms found in the evidence texts, in [0, 1]."""
    wanted = set(terms(query))
    if not wanted:
        return 1.0
    found: set[str] = set()
    for text in evidence:
        found |= wanted & set(terms(text))
    total = sum(idf(t) for t in wanted)
    return sum(idf(t) for t in found) / total if total else 1.0


# Numbers of three or more digits a question names (years, model numbers, counts): articles
# write them in figures, so one missing from every top passage means they are about something
# else ("the 2020 NBA championship" over 2019 and 2021 coverage). Smaller numbers are often
# spelt out ("three hostages"). Measured on the reader's dev split (docs/reader.md).
_SPECIFIC = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\w.,])\d{3,}(?![\w])")


def _asked_numbers(question: str) -> set[str]:
    """The question's specific numbers (`_SPECIFIC`), written without thousands separators."""
    return {m.group(0).replace(",", "") for m in _SPECIFIC.finditer(question)}


def _states(number: str, text: str) -> bool:
    """Whether ``text`` (without thousands separators) holds ``number`` as a whole number."""
    return bool(re.search(rf"(?<![\d.]){number}(?!\d)", text))


def unmatched_numbers(question: str, hits: Sequence[Hit], more: Iterable[str] = ()) -> list[str]:
    """The question's specific numbers that none of ``hits`` states (a year also counts when
    it is one of their articles' publication years), nor any of the ``more`` texts."""
    wanted = _asked_numbers(question)
    if not wanted:
        return []
    text = " ".join([*(f"{h.title} {h.text}" for h in hits), *more]).replace(",", "")
    years = {h.date[:4] for h in hits if h.date}
    return sorted(n for n in wanted if n not in years and not _states(n, text))


# How far before a sentence its article may state the question's numbers for that sentence
# to be about them ("In 2019 so far, …" then "… they’ve already released 228 megatons"): a
# few sentences. Measured on reader dev's answers (docs/reader.md, round 18): with 250
# characters 4 of 258 right answers lack a question's number, with 500 one, with 1,000 one;
# the near misses answered lacking one are 9 of 75 at 250 and 500, 7 at 1,000.
NUMBERS_BEFORE = 500
_OPENING = 100  # an article's dateline or dated first words


def numbers_stated(question: str, quote: Quote, article: str | None) -> bool:
    """Whether the article states each of ``question``'s specific numbers (`_SPECIFIC`: years,
    model numbers, counts of three or more digits) in ``quote``, the `NUMBERS_BEFORE`
    characters before it, its title or its opening words; a year also counts when the article
    was published then.
    A question naming none, or a quote without its article, passes."""
    wanted = _asked_numbers(question)
    if not wanted or article is None:
        return True
    near = article[max(0, quote.start - NUMBERS_BEFORE) : quote.end]
    # The article's opening counts too: a dated one ("December 28, 2014: Markets opened …")
    # sets its time when no published date does (2 of the second review set's right answers).
    opening = article[:_OPENING]
    text = f"{quote.title} {opening} {near}".replace(",", "")
    year = (quote.date or "")[:4]
    return all(n == year or _states(n, text) for n in wanted)


def led_by_numbers(
    question: str, picked: list[Quote], quotes: Sequence[Quote], probs: np.ndarray,
    article_text: Callable[[str], str | None], select: Callable[[np.ndarray], list[Quote]],
) -> list[Quote]:  # fmt: skip
    """``picked``, or a pick (``select`` of raised ``probs``) led by the best-rated of
    ``quotes`` whose article states the question's numbers beside it (`numbers_stated`: "in
    2018" is not asked of a sentence about 2019); [] when none does. Raising the best one
    that does, not abstaining, was chosen on reader dev (docs/reader.md, round 18)."""
    texts = functools.cache(article_text)

    def states(quote: Quote) -> bool:
        return numbers_stated(question, quote, texts(quote.doc_id))

    if not picked or states(picked[0]):
        return picked
    return lead_with([i for i, q in enumerate(quotes) if states(q)], probs, select)


def lead_with(
    held: list[int], probs: np.ndarray, select: Callable[[np.ndarray], list[Quote]]
) -> list[Quote]:
    """A pick (``select`` of ``probs``) led by the best-rated of the ``held`` candidates; []
    when none is held."""
    if not held:
        return []
    raised = probs.copy()
    raised[max(held, key=lambda i: float(probs[i]))] = probs.max() + 1e-6
    return select(raised)
