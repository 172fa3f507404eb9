"""The rival figures of a count: sentences that give another value of the figure a question
asks for ("How many bodies …?"), from another source, about the same event."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from rag.news.events import quote_event
from rag.news.figures import long_before
from rag.news.given import asked_day, on_day
from rag.news.measures import asked_figures, measured
from rag.news.naming import names_asked, same_speaker
from rag.records import Quote
from rag.text.terms import terms

# A rival figure of a count question must be rated at least this share of the best sentence
# (dev conflict cases, docs/news.md: 0.2 until round 12, when the 118 cases chose 0.05); at
# most RIVALS of them join the answer.
RIVAL_SHARE = 0.05
RIVALS = 2


def about_asked(question: str, article: Callable[[str], str | None]) -> Callable[[Quote], bool]:
    """Whether a quote's article names every name ``question`` names (`names_asked`): an
    article about what is asked ("the Bardo museum attack"), not another event's."""
    names: list[str] | None = None
    named: dict[str, bool] = {}

    def about(q: Quote) -> bool:
        nonlocal names
        if names is None:
            names = names_asked(question)  # read once, when first needed
        if q.doc_id not in named:
            text = article(q.doc_id) or q.text
            named[q.doc_id] = all(n in text for n in names)
        return named[q.doc_id]

    return about


def rival_figures(
    question: str, chosen: Sequence[Quote], quotes: Sequence[Quote], probs: np.ndarray,
    speaker: Callable[[Quote], str | None], about: Callable[[Quote], bool],
    wider: Sequence[Quote] = (),
) -> list[int]:  # fmt: skip
    """Indexes of candidates that state another value of the figure a question asks: a count
    ("How many bodies …?") or a measure ("What was turnout …?", `rag.news.measures`).

    Args:
        question: the user's question.
        chosen: the sentences the answer quotes.
        quotes: the candidate sentences, in the order of ``probs``.
        probs: the reader's probabilities.
        speaker: who a quote is attributed to; a rival measure is another source's (another
            article, or another named speaker of the same one), as `rag.news.figures` compares.
        about: whether a quote's article is about what is asked (`about_asked`): a rival is
            not another event's figure (1,200 killed in another attack for the Bardo's 19).
        wider: the other sentences of the articles read (`rest_of_articles`), tried after the
            rated candidates: one is a rival only as another named source's figure of the
            same subject (it was never rated).

    Returns:
        At most `RIVALS` indexes into ``quotes`` then ``wider``, best first, of sentences rated
        at least `RIVAL_SHARE` of the best, or of ``wider``, whose figure of the asked
        quantity differs from every chosen one.
    """
    read, day = asked_figures(question), asked_day(question)
    if read is None or not len(probs):
        return []
    asked = set(terms(question))
    floor = RIVAL_SHARE * float(probs.max())
    rated = [int(i) for i in np.argsort(-probs, kind="stable") if probs[i] >= floor]
    # The unrated sentences after the rated ones, those holding more of the question first.
    n = len(quotes)
    quotes = [*quotes, *wider]
    rated += sorted(range(n, len(quotes)), key=lambda i: -len(asked & set(terms(quotes[i].text))))
    # A figure of an earlier event ("An earthquake in the same valley in 1978 left 23 dead")
    # is none of this story's: its rivals are not looked for.
    chosen = [q for q in chosen if not earlier_event(q)]
    have = {(f.quantity, f.value) for q in chosen for f in read(q.text)}
    out: list[int] = []
    if not have:
        # The answer quotes no figure of what is asked ("How many people were on board?"
        # answered with a sentence about the dead): the best-rated sentence that gives a
        # count, then its rivals.
        counts = (
            i
            for i in rated
            if i < n
            and any(not measured(f.quantity) for f in read(quotes[i].text))
            and not earlier_event(quotes[i])
        )
        first = next((i for i in counts if about(quotes[i])), None)
        if first is None:
            return []
        out, chosen = [first], [*chosen, quotes[first]]
        have = {(f.quantity, f.value) for f in read(quotes[first].text)}
    stating = [q for q in chosen if read(q.text)]
    taken = {(q.doc_id, q.start) for q in chosen}
    quantities = {k for k, _ in have}
    for i in rated:
        q = quotes[i]
        if len(out) >= RIVALS:
            break
        # Another value of a quantity the answer already gives: a measure of the same thing
        # in the same unit, or a count of the asked quantity.
        values = {(f.quantity, f.value) for f in read(q.text)}
        if (q.doc_id, q.start) in taken or values & have or not {k for k, _ in values} & quantities:
            continue
        if not about(q) or (day and on_day(day, q) is False) or earlier_event(q):
            continue  # another event's figure, or another day's than the asked one
        # A count names what it counts ("40 bodies"), so two counts of one article compare; a
        # measure is known by one word before it ("earned $4.9 billion" in the quarter, "earned
        # $39.7 billion" over two years), so only another source's measure is a rival. A
        # sentence never rated is one only as a named other source's on the same subject.
        if any(measured(k) for k, _ in values) or i >= n:
            named = i < n or speaker(q)
            if not (named and _other_source(q, stating, speaker)
                    and _same_subject(q, stating, asked)):  # fmt: skip
                continue
        out.append(i)
        have |= values
        quantities |= {k for k, _ in values}
    return out


def earlier_event(q: Quote) -> bool:
    """Whether ``q`` tells of an event a year or more before its article was published."""
    return long_before(quote_event(q)[0], q.date)


def _other_source(
    q: Quote, stating: Sequence[Quote], speaker: Callable[[Quote], str | None]
) -> bool:
    """Whether ``q`` comes from another source than one of the ``stating`` sentences."""
    for other in stating:
        if other.doc_id != q.doc_id:
            return True
        who, theirs = speaker(q), speaker(other)
        if who and theirs and not same_speaker(who, theirs):
            return True
    return False


def _same_subject(q: Quote, stating: Sequence[Quote], asked: set[str]) -> bool:
    """Whether ``q`` speaks of what a ``stating`` sentence does, as far as the question names
    it: it holds at least half of the question's terms that sentence holds. Half: dev's rival
    measures hold 1 of 1 (turnout) and 3 of 4 (the river's peak); another thing measured by
    the same word holds 1 of 4 (the bank's earnings over two years for "How much did
    JPMorgan Chase earn in its latest quarter?")."""
    mine = set(terms(q.text)) & asked
    for other in stating:
        held = set(terms(other.text)) & asked
        if 2 * len(mine & held) >= len(held):
            return True
    return False
