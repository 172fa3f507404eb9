"""Retrieve stage: dense (Chroma) + BM25, fused, near-duplicates collapsed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from rag.config import FUSION_METHODS, check_choice
from rag.errors import QueryError
from rag.index.catalog import Catalog
from rag.index.embeddings import TextEmbedder
from rag.index.lexical import LexicalIndex
from rag.index.stories import shingles
from rag.index.vectorstore import VectorStore
from rag.records import Hit
from rag.search.filters import Filters
from rag.search.fusion import rrf, weighted
from rag.text.similarity import distinct

_DUPLICATE_JACCARD = 0.85


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
    return distinct(hits, lambda h: h.text, threshold, limit)


# A passage counts as already shown when this share of its word pairs occur in the copy kept:
# copies cut their chunks at other places, so a repeated passage is spread over the kept
# article (containment ~0.9-1.0 after edits), while a paragraph one outlet added shares only
# stock pairs ("of the", "said on"), well under half.
_REPEATED_PAIRS = 0.5


class _KeptCopies:
    """Per query: which article stands for each story, and its word pairs (read once)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.doc_of_story: dict[str, str] = {}
        self._pairs: dict[str, set[bytes]] = {}

    def repeats(self, story: str, doc_id: str, text: str) -> bool:
        """True when ``text`` (of ``doc_id``) repeats the story's kept copy."""
        first = self.doc_of_story.setdefault(story, doc_id)
        if first == doc_id:
            return False
        if first not in self._pairs:
            self._pairs[first] = shingles(self.catalog.texts([first]).get(first, ""), 2)
        mine = shingles(text, 2)
        shared = len(mine & self._pairs[first]) / max(len(mine), 1)
        return shared >= _REPEATED_PAIRS


class Retriever:
    """Hybrid retrieval over one catalog + vector store + BM25 index.

    Args:
        catalog, store, lexical, embedder: the index's components.
        fusion: one of `FUSION_METHODS` (``weighted``, ``rrf``, ``dense``, ``bm25``).
        rrf_k: the damping constant of ``rrf`` fusion.
        dense_weight: the dense score's weight in ``weighted`` fusion.
    """

    def __init__(
        self,
        catalog: Catalog,
        store: VectorStore,
        lexical: LexicalIndex,
        embedder: TextEmbedder,
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

        Raises:
            QueryError: an empty query or a ``top_k`` below 1.
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
        fused = self._fuse(dense, lexical)
        ranked = sorted(fused, key=lambda c: (-fused[c], c))[: pool * 2]
        return collapse_duplicates(self._hits(ranked, fused, dense, lexical), limit=top_k)

    def _fuse(self, dense: dict[str, float], lexical: dict[str, float]) -> dict[str, float]:
        """One score per chunk by the configured fusion method."""
        if self.fusion == "rrf":
            by_dense = sorted(dense, key=lambda c: -dense[c])
            by_bm25 = sorted(lexical, key=lambda c: -lexical[c])
            return rrf([by_dense, by_bm25], self.rrf_k)
        if self.fusion == "weighted":
            return weighted(dense, lexical, self.dense_weight)
        return dense or lexical

    def _hits(
        self,
        ranked: list[str],
        fused: dict[str, float],
        dense: dict[str, float],
        lexical: dict[str, float],
    ) -> Iterator[Hit]:
        """`Hit` records for ranked chunk ids, in order, built lazily from the catalog rows.

        Passages of a syndicated story are kept from one copy (its best-ranked article; the
        others are named on its hits): a passage of another copy is left out when the kept
        copy holds it too, so a paragraph only one outlet added is still found.
        """
        rows = self.catalog.chunks(ranked)
        kept = _KeptCopies(self.catalog)
        for cid in ranked:
            if cid not in rows:  # a vector whose article was just removed is skipped
                continue
            row = rows[cid]
            if kept.repeats(row["story"], row["doc_id"], row["text"]):
                continue
            yield Hit(
                chunk_id=cid,
                doc_id=row["doc_id"],
                title=row["title"] or "",
                source=row["url"] or row["source"],
                text=row["text"],
                start=row["start"],
                end=row["end"],
                score=round(fused[cid], 6),
                date=row["date"],
                url=row["url"],
                dense_score=round(dense[cid], 6) if cid in dense else None,
                bm25_score=round(lexical[cid], 6) if cid in lexical else None,
            )
