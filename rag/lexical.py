"""BM25 over chunk terms (bm25s), derived from the catalog and rebuilt when it changes."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import bm25s
import numpy as np

from rag.catalog import Catalog
from rag.terms import terms


class LexicalIndex:
    """BM25 index persisted under ``<data_dir>/bm25``, stamped with the catalog generation."""

    def __init__(self, catalog: Catalog, directory: Path) -> None:
        self._catalog = catalog
        self._dir = directory
        self._lock = threading.Lock()
        self._bm25: bm25s.BM25 | None = None
        self._ids: list[str] = []
        self._docs: list[str] = []
        self._generation = -1

    def _stamp_path(self) -> Path:
        return self._dir / "stamp.json"

    def _load_saved(self, generation: int) -> bool:
        try:
            stamp = json.loads(self._stamp_path().read_text())
            if stamp["generation"] != generation:
                return False
            self._bm25 = bm25s.BM25.load(str(self._dir)) if stamp["ids"] else None
            self._ids, self._docs = stamp["ids"], stamp["docs"]
            return True
        except (OSError, ValueError, KeyError):
            return False

    def _rebuild(self, generation: int) -> None:
        rows = self._catalog.chunk_terms()
        self._ids = [cid for cid, _, _ in rows]
        self._docs = [doc for _, doc, _ in rows]
        self._bm25 = None
        if rows:
            # An empty term list would break bm25s; a placeholder keeps row order intact.
            corpus = [t.split() or ["\x00"] for _, _, t in rows]
            self._bm25 = bm25s.BM25()
            self._bm25.index(corpus, show_progress=False)
            self._dir.mkdir(parents=True, exist_ok=True)
            self._bm25.save(str(self._dir), show_progress=False)
        tmp = self._stamp_path().with_suffix(".tmp")
        self._dir.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"generation": generation, "ids": self._ids, "docs": self._docs}))
        tmp.replace(self._stamp_path())  # atomic: a crash leaves the old stamp, i.e. "stale"

    def refresh(self) -> None:
        """Make the index match the catalog (load the saved one, or rebuild if stale)."""
        generation = self._catalog.generation
        with self._lock:
            if generation == self._generation:
                return
            if not self._load_saved(generation):
                self._rebuild(generation)
            self._generation = generation

    def idf(self, term: str) -> float:
        """Inverse document frequency of an analysed term over chunks; unseen terms score highest.

        Args:
            term: a term as produced by `rag.terms.terms`.

        Returns:
            ``log(1 + N / (df + 0.5))``; a term in no chunk gets the largest value.
        """
        self.refresh()
        with self._lock:
            bm25, n = self._bm25, max(len(self._ids), 1)
        df = 0
        if bm25 is not None:
            tid = bm25.vocab_dict.get(term)
            if tid is not None:
                indptr = bm25.scores["indptr"]
                df = int(indptr[tid + 1] - indptr[tid])
        return float(np.log1p(n / (df + 0.5)))

    def search(
        self, query: str, k: int, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``k`` ``(chunk_id, bm25 score)`` pairs with a positive score.

        Args:
            query: free text; it is analysed like the chunks.
            k: how many results at most.
            allowed: if given, only chunks of these doc ids are returned.

        Returns:
            Pairs sorted by descending score.
        """
        self.refresh()
        with self._lock:
            bm25, ids, docs = self._bm25, self._ids, self._docs
        if bm25 is None:
            return []
        tokens = [t for t in terms(query) if t in bm25.vocab_dict]
        if not tokens:
            return []
        scores = np.asarray(bm25.get_scores(tokens), dtype=np.float32)
        if allowed is not None:
            mask = np.fromiter((d in allowed for d in docs), dtype=bool, count=len(docs))
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(ids[i], float(scores[i])) for i in top if scores[i] > 0]
