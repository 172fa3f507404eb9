"""Retrieve stage: dense (Chroma) + BM25, fused, near-duplicates collapsed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from rag.config import FUSION_METHODS, check_choice
from rag.errors import QueryError
from rag.index.catalog import Catalog
from rag.index.embeddings import TextEmbedder
from rag.index.lexical import LexicalIndex
from rag.index.vectorstore import VectorStore
from rag.records import Hit
from rag.search.filters import Filters
from rag.search.fusion import ranking, rrf, weighted
from rag.text.facts import held_in, passage_pieces
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


class _KeptCopies:
    """Per query: which articles of each story have passages shown, and their texts."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.shown: dict[str, list[str]] = {}  # story -> its articles shown so far
        self._texts: dict[str, str] = {}

    def repeats(self, story: str, doc_id: str, text: str, title: str = "") -> bool:
        """True when another copy of the story already shown holds every sentence of
        ``text`` (of ``doc_id``) word for word: a copy's passage with another figure, date or
        name, or a sentence the shown copies lack, is still shown. The article's own headline
        at the passage's start is left out of the comparison: outlets retitle wire stories."""
        shown = self.shown.setdefault(story, [])
        others = [d for d in shown if d != doc_id]
        missing = [d for d in others if d not in self._texts]
        if missing:
            self._texts.update(self.catalog.texts(missing))
        if others:
            pieces = passage_pieces(text, title)
            if any(held_in(self._texts.get(d, ""), pieces) for d in others):
                return True
        if doc_id not in shown:
            shown.append(doc_id)
        return False


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
        ranked = ranking(fused)[: pool * 2]
        return collapse_duplicates(self._hits(ranked, fused, dense, lexical), limit=top_k)

    def _fuse(self, dense: dict[str, float], lexical: dict[str, float]) -> dict[str, float]:
        """One score per chunk by the configured fusion method."""
        if self.fusion == "rrf":
            return rrf([ranking(dense), ranking(lexical)], self.rrf_k)
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
        others are named on its hits): a passage of another copy is left out only when the
        kept copy holds it word for word, so a paragraph only one outlet added, or a figure
        one outlet changed, is still found.
        """
        rows = self.catalog.chunks(ranked)
        kept = _KeptCopies(self.catalog)
        for cid in ranked:
            if cid not in rows:  # a vector whose article was just removed is skipped
                continue
            row = rows[cid]
            headline = (row["title"] or "") if row["start"] == 0 else ""
            if kept.repeats(row["story"], row["doc_id"], row["text"], headline):
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
