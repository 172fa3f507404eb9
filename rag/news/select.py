"""Evidence choice for news questions: the newest, the asked speaker's, a timeline's events and
the rival figures of a count.

The reader scores how well each sentence answers; these functions weigh those scores by what
the question asks of time and sources, or add the sentences a full answer needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from rag.news.dates import base_date, event_date, resolve_dates
from rag.news.figures import asked_quantity, figures_of
from rag.news.intent import Intent
from rag.news.speakers import same_speaker
from rag.records import Quote

# A sentence attributed to someone else than the asked speaker keeps this share of its score:
# it may still be the answer ("Hamas rejected what Blinken said"), but the asked speaker's own
# statements come first. Chosen on the dev attribution cases (docs/news.md).
OTHER_SPEAKER = 0.5
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
        the asked speaker's statements.
    """
    out = probs.astype(float).copy()
    if intent.kind == "recency" and recency > 0:
        out *= np.exp(-recency * age_days(quotes))
    elif intent.kind == "attribution" and intent.speaker:
        for i, q in enumerate(quotes):
            if not same_speaker(speaker(q), intent.speaker):
                out[i] *= OTHER_SPEAKER
    return out


def timeline_picks(quotes: Sequence[Quote], probs: np.ndarray) -> list[int]:
    """Indexes of the candidate sentences a timeline lists (best first)."""
    order = np.argsort(-probs, kind="stable")
    floor = TIMELINE_SHARE * float(probs[order[0]]) if len(order) else 0.0
    picks: list[int] = []
    per_doc: dict[str, int] = {}
    for i in order:
        q = quotes[int(i)]
        if probs[i] < floor or len(picks) >= TIMELINE_EVENTS:
            break
        if per_doc.get(q.doc_id, 0) >= TIMELINE_PER_ARTICLE:
            continue
        per_doc[q.doc_id] = per_doc.get(q.doc_id, 0) + 1
        picks.append(int(i))
    return picks


def rival_figures(
    question: str, chosen: Sequence[Quote], quotes: Sequence[Quote], probs: np.ndarray
) -> list[int]:
    """Indexes of candidates that state another value of the figure a count question asks.

    Returns:
        At most `RIVALS` indexes, best first, of sentences rated at least `RIVAL_SHARE` of the
        best whose figure of the asked quantity differs from every chosen one.
    """
    asked = asked_quantity(question)
    if asked is None or not len(probs):
        return []
    have = {f.value for q in chosen for f in figures_of(q.text) if f.quantity == asked}
    if not have:
        return []
    floor = RIVAL_SHARE * float(probs.max())
    taken = {(q.doc_id, q.start) for q in chosen}
    out: list[int] = []
    for i in np.argsort(-probs, kind="stable"):
        q = quotes[int(i)]
        if probs[i] < floor or len(out) >= RIVALS:
            break
        values = {f.value for f in figures_of(q.text) if f.quantity == asked}
        if (q.doc_id, q.start) not in taken and values and not values & have:
            out.append(int(i))
            have |= values
    return out


def chronological(quotes: Sequence[Quote]) -> list[Quote]:
    """``quotes`` in the order their events happened; undated ones last, in given order."""

    def key(q: Quote) -> tuple[bool, str]:
        date = event_date(resolve_dates(q.text, q.date), q.date)[0]
        return date is None, date or ""

    return sorted(quotes, key=key)
