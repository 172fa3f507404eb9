"""Retrieve stage: dense (Chroma) + BM25, fused, near-duplicates collapsed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from rag.config import FUSION_METHODS, check_choice
from rag.errors import QueryError
from rag.index.catalog import Catalog
from rag.index.embeddings import Embedder
from rag.index.lexical import LexicalIndex
from rag.index.loaders import normalize_date
from rag.index.vectorstore import VectorStore
from rag.records import Hit
from rag.text.similarity import similar_to_any
from rag.text.terms import words

_DUPLICATE_JACCARD = 0.85
# A source filter is a substring of a doc id, publisher or URL: URLs stay under 200 characters
# in practice (the longest in the shared newspaper corpus is 150), and each item becomes three
# SQL LIKE patterns, so both bounds keep one query cheap (a 100 kB item was a 500 before).
MAX_SOURCE_CHARS = 200
MAX_SOURCES = 50


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to articles whose doc_id/source/url contains one of ``sources``
    and whose date lies in ``[date_from, date_to]`` (ISO dates, inclusive)."""

    sources: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    @classmethod
    def make(
        cls,
        sources: list[str] | tuple[str, ...] | str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> Filters:
        """Validate and normalise filter values; bad dates raise `QueryError`.

        Dates keep the precision given: ``date_from="2023-06"`` means from the start of June
        2023, ``date_to="2023"`` up to the end of 2023 (the catalog compares ranges).
        """
        dates = []
        for name, value in (("date_from", date_from), ("date_to", date_to)):
            iso = normalize_date(value) if value else None
            if value and iso is None:
                shown = repr(value[:40] + "…" if isinstance(value, str) and len(value) > 40
                             else value)  # fmt: skip
                raise QueryError(
                    f"{name} must be a date such as 2024-08-19, 2024-08 or 2024, not {shown}"
                )
            dates.append(iso)
        if isinstance(sources, str):
            sources = [sources]
        sources = list(sources or ())
        if len(sources) > MAX_SOURCES:
            raise QueryError(f"at most {MAX_SOURCES} sources may be given, not {len(sources)}")
        for s in sources:
            if not isinstance(s, str):
                raise QueryError(f"each source must be a string, not {type(s).__name__}")
            if len(s) > MAX_SOURCE_CHARS:
                raise QueryError(
                    f"a source filter is {len(s)} characters long; the limit is {MAX_SOURCE_CHARS}"
                )
        return cls(tuple(s for s in sources if s.strip()), dates[0], dates[1])

    @property
    def active(self) -> bool:
        return bool(self.sources or self.date_from or self.date_to)


def rrf(rankings: list[list[str]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the rankings an id appears in."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, 1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return scores


def weighted(dense: dict[str, float], bm25: dict[str, float], w: float) -> dict[str, float]:
    """``w`` x min-max-normalised dense score + ``1 - w`` x normalised BM25 score."""

    def norm(scores: dict[str, float]) -> dict[str, float]:
        if not scores:
            return {}
        lo, hi = min(scores.values()), max(scores.values())
        span = hi - lo or 1.0
        return {k: (v - lo) / span if hi > lo else 1.0 for k, v in scores.items()}

    nd, nb = norm(dense), norm(bm25)
    return {k: w * nd.get(k, 0.0) + (1 - w) * nb.get(k, 0.0) for k in set(nd) | set(nb)}


def collapse_duplicates(
    hits: Iterable[Hit], threshold: float = _DUPLICATE_JACCARD, limit: int | None = None
) -> list[Hit]:
    """Drop hits whose words nearly equal a better-ranked hit's (same story syndicated twice).

    Args:
        hits: best first.
        threshold: word-set Jaccard similarity at which a hit counts as a duplicate.
        limit: stop once this many hits are kept (later hits are never tokenised).

    Returns:
        The kept hits, best first.
    """
    kept: list[Hit] = []
    kept_words: list[set[str]] = []
    for hit in hits:
        if limit is not None and len(kept) >= limit:
            break
        w = set(words(hit.text))
        if similar_to_any(w, kept_words, threshold):
            continue
        kept.append(hit)
        kept_words.append(w)
    return kept


class Retriever:
    """Hybrid retrieval over one catalog + vector store + BM25 index."""

    def __init__(
        self,
        catalog: Catalog,
        store: VectorStore,
        lexical: LexicalIndex,
        embedder: Embedder,
        fusion: str = "weighted",
        rrf_k: int = 60,
        dense_weight: float = 0.5,
    ) -> None:
        check_choice("fusion", fusion, FUSION_METHODS)
        self.catalog, self.store, self.lexical, self.embedder = catalog, store, lexical, embedder
        self.fusion, self.rrf_k, self.dense_weight = fusion, rrf_k, dense_weight

    def search(
        self,
        query: str,
        top_k: int = 5,
        filters: Filters | None = None,
        query_vector: np.ndarray | None = None,
    ) -> list[Hit]:
        """The ``top_k`` best chunks for ``query``.

        Args:
            query: free text.
            top_k: number of hits after fusion and duplicate collapsing.
            filters: optional source/date restrictions.
            query_vector: the query's embedding, if the caller already has it.

        Returns:
            Hits, best first.
        """
        if not query.strip():
            raise QueryError("the query is empty")
        if top_k < 1:
            raise QueryError(f"top_k must be at least 1, not {top_k}")
        allowed = None
        if filters is not None and filters.active:
            allowed = self.catalog.filter_doc_ids(
                list(filters.sources), filters.date_from, filters.date_to
            )
            if not allowed:
                return []
        pool = max(4 * top_k, 20)
        dense: dict[str, float] = {}
        if self.fusion != "bm25":
            vec = query_vector if query_vector is not None else self.embedder.encode_query(query)
            dense = dict(self.store.query(vec.tolist(), pool, allowed))
        lexical: dict[str, float] = {}
        if self.fusion != "dense":
            lexical = dict(self.lexical.search(query, pool, set(allowed) if allowed else None))
        if self.fusion == "rrf":
            by_dense = sorted(dense, key=lambda c: -dense[c])
            by_bm25 = sorted(lexical, key=lambda c: -lexical[c])
            fused = rrf([by_dense, by_bm25], self.rrf_k)
        elif self.fusion == "weighted":
            fused = weighted(dense, lexical, self.dense_weight)
        else:
            fused = dense or lexical
        ranked = sorted(fused, key=lambda c: (-fused[c], c))
        rows = self.catalog.chunks(ranked[: pool * 2])
        hits = (
            Hit(
                chunk_id=cid,
                doc_id=rows[cid]["doc_id"],
                title=rows[cid]["title"] or "",
                source=rows[cid]["url"] or rows[cid]["source"],
                text=rows[cid]["text"],
                start=rows[cid]["start"],
                end=rows[cid]["end"],
                score=round(fused[cid], 6),
                date=rows[cid]["date"],
                url=rows[cid]["url"],
                dense_score=round(dense[cid], 6) if cid in dense else None,
                bm25_score=round(lexical[cid], 6) if cid in lexical else None,
            )
            for cid in ranked[: pool * 2]
            if cid in rows  # a vector whose article was just removed is skipped
        )
        return collapse_duplicates(hits, limit=top_k)
