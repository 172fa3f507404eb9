"""Newer coverage for a question about the present: the story's latest article, when the
retrieved passages all come from older ones.

A question such as "Is the strike still going on?" is answered "As of" the newest cited
article; when that article is not among the passages retrieved for the question, the answer
is dated too early (dev recency misses, docs/news.md round 9). A second search restricted to
articles dated after the newest retrieved one finds it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from rag.news.dates import base_date
from rag.news.naming import names_asked
from rag.records import Hit
from rag.search.filters import Filters

# At most this many newer passages join the retrieved ones: the newest article's best
# passage and one more (the decay of `RAG_RECENCY` then weighs them against the rest).
NEWER_HITS = 2
# A newer passage's cosine similarity to the question must be at least this share of the best
# retrieved passage's: on the dev recency cases the newest article's passages were 0.77-0.90
# of it, an unrelated later article that also names "New York" 0.39-0.50.
NEWER_SIMILARITY = 0.75

Search = Callable[[Filters], list[Hit]]


def with_newer(
    question: str, hits: list[Hit], filters: Filters | None, search: Search,
    article: Callable[[str], str | None],
) -> list[Hit]:  # fmt: skip
    """``hits`` and up to `NEWER_HITS` passages of articles dated after the newest of them.

    Args:
        question: the user's question; a newer article must name every name it names ("the
            strike at Brannock's Leddington plant": Brannock, Leddington), so that it is the
            same story, and a question naming nothing gets none.
        hits: the retrieved passages, best first.
        filters: the user's restrictions, kept.
        search: the retriever's search under given filters (same query and vector).
        article: an article's text by doc id.

    Returns:
        The hits, then the newer ones as close to the question as `NEWER_SIMILARITY` says,
        scored no higher than the last retrieved hit (they come after it: the reader reads a
        passage's rank and score).
    """
    names = names_asked(question)
    days = [d for h in hits if (d := base_date(h.date))]
    if not names or not days:
        return hits
    after = (max(days) + dt.timedelta(days=1)).isoformat()
    f = filters or Filters()
    if f.date_to and f.date_to < after:
        return hits
    newer = search(Filters(f.sources, after, f.date_to))
    floor = min(h.score for h in hits)
    close = NEWER_SIMILARITY * max(h.dense_score or 0.0 for h in hits)
    taken = {h.chunk_id for h in hits}
    kept = [replace(h, score=min(h.score, floor)) for h in newer
            if h.chunk_id not in taken and (h.dense_score or 0.0) >= close
            and all(n in (article(h.doc_id) or h.text) for n in names)]  # fmt: skip
    return hits + kept[:NEWER_HITS]
