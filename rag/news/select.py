"""Evidence choice for news questions: the newest, the asked speaker's, a timeline's events and
the rival figures of a count.

The reader scores how well each sentence answers; these functions weigh those scores by what
the question asks of time and sources, or add the sentences a full answer needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from rag.news.dates import base_date, resolve_dates
from rag.news.events import event_date
from rag.news.given import asked_day, on_day, weigh_day
from rag.news.intent import Intent
from rag.news.measures import asked_figures, measured
from rag.news.naming import names_asked, same_speaker, speaks_as
from rag.records import Quote
from rag.text.terms import terms

# A sentence attributed to someone else than the asked speaker keeps this share of its score:
# it may still be the answer ("Hamas rejected what Blinken said"), but the asked speaker's own
# statements come first. Chosen on the 99 dev attribution cases (docs/news.md, round 8).
OTHER_SPEAKER = 0.25
# A timeline lists events the reader rates at least this share of its best one, at most
# TIMELINE_EVENTS of them, TIMELINE_PER_ARTICLE per article (so that one long article does
# not make the whole timeline). Chosen on the dev timeline cases (docs/news.md).
TIMELINE_SHARE = 0.3
TIMELINE_EVENTS = 8
TIMELINE_PER_ARTICLE = 3
# A rival figure of a count question must be rated at least this share of the best sentence
# (dev conflict cases, docs/news.md); at most RIVALS of them join the answer.
RIVAL_SHARE = 0.2
RIVALS = 2


def age_days(quotes: Sequence[Quote]) -> np.ndarray:
    """Days between each quote's article date and the newest one; undated count as oldest."""
    dates = [base_date(q.date) for q in quotes]
    known = [d for d in dates if d]
    if not known:
        return np.zeros(len(quotes))
    newest, oldest = max(known), min(known)
    return np.array([(newest - (d or oldest)).days for d in dates], float)


def reweigh(
    intent: Intent, quotes: Sequence[Quote], probs: np.ndarray, recency: float,
    speaker: Callable[[Quote], str | None],
) -> np.ndarray:  # fmt: skip
    """The reader's ``probs`` weighed for the question's kind.

    Args:
        intent: what the question asks (`rag.news.intent`).
        quotes: the candidate sentences, in the order of ``probs``.
        probs: the reader's probabilities.
        recency: per-day decay for questions about the present (``RAG_RECENCY``).
        speaker: who a quote is attributed to.

    Returns:
        New probabilities: recency questions decay with age, attribution questions favour
        the asked speaker's statements, a question asking about a day what was given that
        day (`rag.news.given`).
    """
    out = probs.astype(float).copy()
    if intent.day:  # "as of Wednesday": what was given that day first
        out = weigh_day(intent.day, quotes, out)
    if intent.kind == "recency" and recency > 0:
        out *= np.exp(-recency * age_days(quotes))
    elif intent.kind == "attribution":  # "Who said …?": someone's words, whoever it was
        for i, q in enumerate(quotes):
            who = speaker(q)
            if not (speaks_as(intent.speaker, who) if intent.speaker else who):
                out[i] *= OTHER_SPEAKER
    return out


def timeline_picks(quotes: Sequence[Quote], probs: np.ndarray) -> list[int]:
    """Indexes of the candidate sentences a timeline lists (best first).

    Of the sentences rated at least `TIMELINE_SHARE` of the best, those that name when their
    event happened come first: a timeline is made of dated events, and a sentence dated only
    by its article ties with every other one of that day (dev timeline events 0.37 -> 0.44).
    """
    order = np.argsort(-probs, kind="stable")
    floor = TIMELINE_SHARE * float(probs[order[0]]) if len(order) else 0.0
    kept = [int(i) for i in order if probs[i] >= floor and not _NO_EVENT.match(quotes[i].text)]
    kept.sort(key=lambda i: not _dated(quotes[i]))  # stable: best first within each group
    # The cap per article keeps one long article from making the whole timeline; when fewer
    # articles tell the story, each may give more events.
    articles = len({quotes[i].doc_id for i in kept})
    cap = max(TIMELINE_PER_ARTICLE, -(-TIMELINE_EVENTS // max(articles, 1)))
    picks: list[int] = []
    per_doc: dict[str, int] = {}
    for i in kept:
        doc = quotes[i].doc_id
        if len(picks) >= TIMELINE_EVENTS:
            break
        if per_doc.get(doc, 0) < cap:
            per_doc[doc] = per_doc.get(doc, 0) + 1
            picks.append(i)
    return picks


# Lines of a page that are no event: the credit line under an embedded post ("— Stansted
# Airport (@STN_Airport) December 22, 2014": dated, it made half of a dev timeline), a
# related-story link ("• AirAsia plane found in Java Sea, in pictures", "(AirAsia Flight
# 8501: What we know so far …)").
_NO_EVENT = re.compile(r"\s*[—–-]+\s*[^.!?]{0,80}?\(@\w+\)|\s*•[^.!?]*$|\s*\([^()]*\)\s*$")


def _event(q: Quote) -> tuple[str | None, str]:
    """When the quote's event happened, and where that date comes from (`event_date`)."""
    return event_date(resolve_dates(q.text, q.date), q.date, q.text)


def _dated(q: Quote) -> bool:
    """Whether the sentence itself says when its event happened."""
    return _event(q)[1] == "text"


def rival_figures(
    question: str, chosen: Sequence[Quote], quotes: Sequence[Quote], probs: np.ndarray,
    speaker: Callable[[Quote], str | None], article: Callable[[str], str | None],
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
        article: an article's text by id: a rival comes from an article that names what the
            question names ("the Bardo museum attack"), not another event's figure.

    Returns:
        At most `RIVALS` indexes, best first, of sentences rated at least `RIVAL_SHARE` of the
        best whose figure of the asked quantity differs from every chosen one.
    """
    read, day = asked_figures(question), asked_day(question)
    if read is None or not len(probs):
        return []
    names = names_asked(question)
    named: dict[str, bool] = {}  # per article: does it name what the question names?

    def about(q: Quote) -> bool:  # 1,200 killed in another attack: no rival of the Bardo's 19
        if q.doc_id not in named:
            text = article(q.doc_id) or q.text
            named[q.doc_id] = all(n in text for n in names)
        return named[q.doc_id]

    floor = RIVAL_SHARE * float(probs.max())
    rated = [int(i) for i in np.argsort(-probs, kind="stable") if probs[i] >= floor]
    have = {(f.quantity, f.value) for q in chosen for f in read(q.text)}
    out: list[int] = []
    if not have:
        # The answer quotes no figure of what is asked ("How many people were on board?"
        # answered with a sentence about the dead): the best-rated sentence that gives a
        # count, then its rivals.
        counts = (i for i in rated if any(not measured(f.quantity) for f in read(quotes[i].text)))
        first = next((i for i in counts if about(quotes[i])), None)
        if first is None:
            return []
        out, chosen = [first], [*chosen, quotes[first]]
        have = {(f.quantity, f.value) for f in read(quotes[first].text)}
    stating = [q for q in chosen if read(q.text)]
    asked = set(terms(question))
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
        if not about(q) or (day and on_day(day, q) is False):
            continue  # another event's figure, or another day's than the asked one
        # A count names what it counts ("40 bodies"), so two counts of one article compare; a
        # measure is known by one word before it ("earned $4.9 billion" in the quarter, "earned
        # $39.7 billion" over two years), so only another source's measure is a rival.
        if any(measured(k) for k, _ in values) and not (
            _other_source(q, stating, speaker) and _same_subject(q, stating, asked)
        ):
            continue
        out.append(i)
        have |= values
        quantities |= {k for k, _ in values}
    return out


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


def chronological(
    quotes: Sequence[Quote], article: Callable[[str], str | None] | None = None
) -> list[Quote]:
    """``quotes`` in the order their events happened; undated ones last; events of one time
    in their article's order.

    Args:
        quotes: the sentences to order.
        article: an article's text by id, to time a live blog's sentences by their entry
            (`entry_minutes`); without it, only a sentence's own time counts.
    """

    texts = {q.doc_id: article(q.doc_id) for q in quotes} if article else {}
    docs = {doc: i for i, doc in enumerate(dict.fromkeys(q.doc_id for q in quotes))}

    def key(q: Quote) -> tuple[bool, str, int, int, int]:
        date = _event(q)[0]
        minutes = entry_minutes(q.text, q.start, texts.get(q.doc_id))
        # Events of one time (or undated) keep the order their article tells them in.
        return date is None, date or "", minutes, docs[q.doc_id], q.start

    return sorted(quotes, key=key)


def entry_minutes(sentence: str, start: int, article: str | None) -> int:
    """Minutes after midnight of the sentence's own time (`clock_minutes`), else of the
    live-blog entry it belongs to (it starts at ``start`` of ``article``): the last line before
    it that starts with a time stamp ("06.25 Jonathan Pearlman … has spoken to …" times the
    quote that follows it in that entry)."""
    own = clock_minutes(sentence)
    if own != NO_TIME or not article or not live_blog(article):
        return own
    stamps = list(_ENTRY.finditer(article, 0, start))
    return int(stamps[-1][1]) * 60 + int(stamps[-1][2]) if stamps else own


def live_blog(article: str) -> bool:
    """Whether ``article`` is a live blog: entries on lines of their own, each with its time
    (a clock time at the head of a line or two is not)."""
    return len(_ENTRY.findall(article)) >= _LIVE_BLOG


# A live blog's time stamp ("06.48 Search agency says …") or a clock time ("at 9:24 p.m.").
_STAMP_AT = r"([01]?\d|2[0-3])[.:]([0-5]\d)\b(?!\s*(?:%|percent|per|[ap]\.?m))"
_STAMP = re.compile(rf"^\s*{_STAMP_AT}")
_CLOCK = re.compile(r"\b(1[0-2]|0?[1-9])(?:[:.]([0-5]\d))?\s*([ap])\.?m\b\.?", re.I)
NO_TIME = 24 * 60
# A live blog's entries begin on a line of their own with their time stamp; a page with at
# least this many such lines is read as one (the dev live blogs have 20 to 40 of them).
_ENTRY = re.compile(rf"^[ \t]*{_STAMP_AT}", re.MULTILINE)
_LIVE_BLOG = 3


def clock_minutes(text: str) -> int:
    """Minutes after midnight of the time ``text`` names (its live-blog stamp first), or
    `NO_TIME`: a day's sentences without a time follow those with one."""
    if m := _STAMP.match(text):
        return int(m[1]) * 60 + int(m[2])
    if m := _CLOCK.search(text):
        hour = int(m[1]) % 12 + (12 if m[3].lower() == "p" else 0)
        return hour * 60 + int(m[2] or 0)
    return NO_TIME
