"""Evidence choice for news questions: the newest, the asked speaker's, a timeline's events and
the rival figures of a count.

The reader scores how well each sentence answers; these functions weigh those scores by what
the question asks of time and sources, or add the sentences a full answer needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from rag.news.dates import base_date
from rag.news.events import quote_event
from rag.news.given import weigh_day
from rag.news.intent import Intent
from rag.news.naming import speaks_as
from rag.news.states import asked_state, weigh_state
from rag.records import Quote

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
# A recency question's story is told by the articles whose sentences the reader rates at
# least this share of its best: a sentence rated lower is about something else, and its
# article's date is no "latest" of this story. Chosen on the dev recency cases (docs/news.md).
STORY_SHARE = 0.1


def age_days(
    quotes: Sequence[Quote], about: Callable[[Quote], bool] | None = None,
    probs: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """Days between each quote's article date and the newest one about what is asked
    (``about``, `about_asked`) that the reader rates at least `STORY_SHARE` of its best
    (``probs``); undated count as oldest.

    A newer article about something else is as far from the story's newest as it is
    newer: a flood story's "so far" is its own newest report, not a typhoon's six months on.
    A question that names nothing ("How many villages rely on tanker trucks now?") finds
    its story by what the reader rates, not by names.
    """
    dates = [base_date(q.date) for q in quotes]
    known = [d for d in dates if d]
    if not known:
        return np.zeros(len(quotes))
    rated = probs if probs is not None else np.ones(len(quotes))  # unrated: every one counts
    floor = STORY_SHARE * float(rated.max())
    story = [
        d
        for q, d, p in zip(quotes, dates, rated, strict=True)
        if d and (about is None or about(q)) and p >= floor
    ]
    newest, oldest = max(story or known), min(known)
    return np.array([abs((newest - (d or oldest)).days) for d in dates], float)


def reweigh(
    intent: Intent, quotes: Sequence[Quote], probs: np.ndarray, recency: float,
    speaker: Callable[[Quote], str | None], about: Callable[[Quote], bool] | None = None,
    question: str = "",
) -> np.ndarray:  # fmt: skip
    """The reader's ``probs`` weighed for the question's kind.

    Args:
        intent: what the question asks (`rag.news.intent`).
        quotes: the candidate sentences, in the order of ``probs``.
        probs: the reader's probabilities.
        recency: per-day decay for questions about the present (``RAG_RECENCY``).
        speaker: who a quote is attributed to.
        about: whether a quote's article is about what is asked (`about_asked`): recency
            counts from the newest of those.
        question: the question, whose asked state (`rag.news.states`) a recency question's
            news is of.

    Returns:
        New probabilities: recency questions raise the news of the state they ask after
        ("Is the road still shut?": "reopened") and decay with age, attribution questions favour
        the asked speaker's statements, a question asking about a day what was given that
        day (`rag.news.given`).
    """
    out = probs.astype(float).copy()
    if intent.day:  # "as of Wednesday": what was given that day first
        out = weigh_day(intent.day, quotes, out)
    if intent.kind == "recency" and (state := asked_state(question)):
        out = weigh_state(state, quotes, out)
    if intent.kind == "recency" and recency > 0:
        out *= np.exp(-recency * age_days(quotes, about, out))
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


def _dated(q: Quote) -> bool:
    """Whether the sentence itself says when its event happened."""
    return quote_event(q)[1] == "text"


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
        date = quote_event(q)[0]
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
