"""BM25 over chunk terms, kept in step with the catalog one change at a time.

The index is a list of immutable segments (a chunk x term matrix of term counts each) plus the
rows that were deleted since. A change to one article adds one small segment and marks the old
rows dead, so it costs one article's work; statistics (N, average length, document frequency)
are computed over live rows at query time, which keeps scores equal to a full rebuild's.
Segments are merged once there are many of them or many dead rows.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from rag.index.catalog import Catalog
from rag.text.terms import terms

logger = logging.getLogger(__name__)

# Lucene's BM25 (as in bm25s' default method), so scores did not change with the rewrite.
K1, B = 1.5, 0.75
_MAX_SEGMENTS = 8
_MAX_DEAD_SHARE = 0.25


def _strings(values: np.ndarray) -> list[str]:
    """Ids of a segment as str (kept as UTF-8 bytes; segments saved before kept str)."""
    return [v.decode() if isinstance(v, bytes) else v for v in values.tolist()]


@dataclass
class _Segment:
    """Term counts of some chunks; only ``dead`` changes after creation."""

    name: str
    ids: np.ndarray  # chunk ids, UTF-8 bytes (segments saved before: str); see `_strings`
    docs: np.ndarray  # doc ids, as ids
    gens: np.ndarray  # catalog generation that wrote each chunk
    lengths: np.ndarray  # terms per chunk
    vocab: dict[str, int]
    matrix: sparse.csc_matrix  # rows: chunks, columns: terms, values: counts
    dead: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, str, int]]) -> _Segment:
        """A segment from catalog rows ``(chunk_id, doc_id, space-joined terms, generation)``.

        Rows are read once, into typed arrays: at a million chunks the build from Python
        lists of every chunk's terms peaked at 3.2 GB of RSS (`bench_bm25_memory.py`). Ids are
        kept as UTF-8 bytes (1 byte a character, numpy's str takes 4) and term counts as
        16-bit integers (a chunk of a few thousand characters repeats no term 65,535 times).
        """
        vocab: dict[str, int] = {}
        ids, docs = list[bytes](), list[bytes]()
        gens, lengths = array("q"), array("f")
        indptr, columns, counts = array("q", [0]), array("i"), array("H")
        for chunk_id, doc_id, text, gen in rows:
            tokens = text.split()
            ids.append(chunk_id.encode())
            docs.append(doc_id.encode())
            gens.append(gen)
            lengths.append(len(tokens))
            for term, n in Counter(tokens).items():
                columns.append(vocab.setdefault(term, len(vocab)))
                counts.append(min(n, 65535))
            indptr.append(len(columns))
        by_row = sparse.csr_matrix(
            (np.frombuffer(counts, np.uint16), np.frombuffer(columns, np.int32),
             np.frombuffer(indptr, np.int64)), shape=(len(ids), len(vocab)),
        )  # fmt: skip
        matrix = by_row.tocsc()
        del by_row, columns, counts
        return cls(
            uuid.uuid4().hex[:12], np.array(ids, dtype=bytes), np.array(docs, dtype=bytes),
            np.frombuffer(gens, np.int64), np.frombuffer(lengths, np.float32), vocab, matrix,
        )  # fmt: skip

    def save(self, folder: Path) -> None:
        m = self.matrix
        np.savez(
            folder / f"{self.name}.npz", ids=self.ids, docs=self.docs, gens=self.gens,
            lengths=self.lengths, terms=np.array(list(self.vocab)), data=m.data,
            indices=m.indices, indptr=m.indptr, shape=np.array(m.shape),
        )  # fmt: skip

    @classmethod
    def load(cls, folder: Path, name: str, dead: list[int]) -> _Segment:
        with np.load(folder / f"{name}.npz", allow_pickle=False) as z:
            matrix = sparse.csc_matrix((z["data"], z["indices"], z["indptr"]), tuple(z["shape"]))
            vocab = {str(t): i for i, t in enumerate(z["terms"])}
            return cls(name, z["ids"], z["docs"], z["gens"], z["lengths"], vocab, matrix, set(dead))

    def alive(self) -> np.ndarray:
        mask = np.ones(len(self.ids), dtype=bool)
        mask[list(self.dead)] = False
        return mask

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows that contain ``term`` and its count in each."""
        col = self.vocab.get(term)
        if col is None:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        a, b = self.matrix.indptr[col], self.matrix.indptr[col + 1]
        return self.matrix.indices[a:b], self.matrix.data[a:b]


@dataclass
class _State:
    """One consistent view for readers: replaced as a whole, never changed in place."""

    generation: int = -1
    segments: list[_Segment] = field(default_factory=list)
    alive: list[np.ndarray] = field(default_factory=list)
    n: int = 0
    avg_len: float = 1.0


class LexicalIndex:
    """BM25 index persisted under ``<data_dir>/bm25`` and stamped with the catalog generation."""

    def __init__(self, catalog: Catalog, directory: Path) -> None:
        self._catalog, self._dir = catalog, directory
        self._lock = threading.Lock()
        self._state = _State()
        self._loaded = False
        self.last_refresh = {"added": 0, "removed": 0, "merged": 0}

    def ids(self) -> list[str]:
        """Chunk ids of every live row."""
        st = self._state
        return [i for s, a in zip(st.segments, st.alive, strict=True) for i in _strings(s.ids[a])]

    def refresh(self) -> None:
        """Apply the catalog's changes since the last refresh (or load the saved index)."""
        generation = self._catalog.generation
        with self._lock:
            if generation == self._state.generation:
                return
            segments = self._state.segments
            if not self._loaded:
                self._loaded = True
                segments, saved_generation = self._load_saved()
                if saved_generation == generation:
                    self._publish(generation, segments)
                    return
            self._apply_changes(generation, segments)

    def _apply_changes(self, generation: int, segments: list[_Segment]) -> None:
        if not segments:
            # A cold build streams every chunk: at a million, naming each chunk first (the
            # path below) held about 200 MB more.
            built = _Segment.build(self._catalog.iter_chunk_terms())
            segments = [built] if len(built.ids) else []
            self._save(generation, segments, segments)
            self.last_refresh = {"added": len(built.ids), "removed": 0, "merged": 0}
            self._publish(generation, segments)
            return
        current = self._catalog.chunk_generations()
        # Copy-on-write: readers keep using the previous dead sets until _publish.
        segments = [_Segment(**{**s.__dict__, "dead": set(s.dead)}) for s in segments]
        removed, indexed = 0, {}
        for seg in segments:
            rows = np.flatnonzero(seg.alive())
            for cid, row, gen in zip(
                _strings(seg.ids[rows]), rows.tolist(), seg.gens[rows].tolist(), strict=True
            ):
                if current.get(cid) == gen:
                    indexed[cid] = gen
                else:  # deleted, or rewritten by a later generation
                    seg.dead.add(row)
                    removed += 1
        fresh = [cid for cid, gen in current.items() if indexed.get(cid) != gen]
        new = [_Segment.build(self._catalog.chunk_terms(fresh))] if fresh else []
        segments = [s for s in segments if len(s.dead) < len(s.ids)] + new
        total = sum(len(s.ids) for s in segments)
        merged = 0
        if sum(len(s.dead) for s in segments) > _MAX_DEAD_SHARE * total:
            # Many dead rows: rebuild everything from the catalog, the source of truth.
            segments = new = [_Segment.build(self._catalog.iter_chunk_terms())] if current else []
            merged = len(current)
        elif len(segments) > _MAX_SEGMENTS:
            # Merge all but the largest segment, so one small change never rewrites it.
            big = max(segments, key=lambda s: len(s.ids))
            small = [s for s in segments if s is not big]
            keep = [i for s in small for i in _strings(s.ids[s.alive()])]
            new = [_Segment.build(self._catalog.chunk_terms(keep))]
            segments, merged = [big, *new], len(keep)
        self._save(generation, segments, new)
        self.last_refresh = {"added": len(fresh), "removed": removed, "merged": merged}
        self._publish(generation, segments)

    def _publish(self, generation: int, segments: list[_Segment]) -> None:
        alive = [s.alive() for s in segments]
        n = int(sum(a.sum() for a in alive))
        total_len = float(sum(s.lengths[a].sum() for s, a in zip(segments, alive, strict=True)))
        self._state = _State(generation, segments, alive, n, total_len / n if n else 1.0)

    def _manifest(self) -> Path:
        return self._dir / "manifest.json"

    def _load_saved(self) -> tuple[list[_Segment], int]:
        if not self._manifest().exists():
            return [], -1  # never saved (a new data dir): built from the catalog
        try:
            manifest = json.loads(self._manifest().read_text())
            segments = [
                _Segment.load(self._dir, s["name"], s["dead"]) for s in manifest["segments"]
            ]
            return segments, int(manifest["generation"])
        except (OSError, ValueError, KeyError) as exc:
            # Damaged: rebuilt from the catalog, the source of truth.
            logger.warning("BM25 index in %s is unreadable (%r); rebuilding it", self._dir, exc)
            return [], -1

    def _save(self, generation: int, segments: list[_Segment], new: list[_Segment]) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        for seg in new:
            seg.save(self._dir)
        manifest = {
            "generation": generation,
            "segments": [{"name": s.name, "dead": sorted(s.dead)} for s in segments],
        }
        tmp = self._manifest().with_suffix(f".{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text(json.dumps(manifest))
        tmp.replace(self._manifest())  # atomic: a crash leaves the previous, consistent manifest
        keep = {f"{s.name}.npz" for s in segments}
        for old in self._dir.iterdir():
            # Merged-away segments, and the files of the bm25s index that this one replaced.
            if old.suffix in (".npz", ".npy") and old.name not in keep or old.name == "stamp.json":
                old.unlink(missing_ok=True)

    def _df(self, st: _State, term: str) -> int:
        return sum(
            int(a[s.postings(term)[0]].sum()) for s, a in zip(st.segments, st.alive, strict=True)
        )

    def idf(self, term: str) -> float:
        """Inverse document frequency of an analysed term over chunks; unseen terms score highest.

        Args:
            term: a term as produced by `rag.text.terms.terms`.

        Returns:
            ``log(1 + N / (df + 0.5))``; a term in no chunk gets the largest value.
        """
        self.refresh()
        st = self._state
        return float(np.log1p(max(st.n, 1) / (self._df(st, term) + 0.5)))

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
        st = self._state
        if not st.n:
            return []
        idf = {t: np.log1p((st.n - df + 0.5) / (df + 0.5))
               for t in set(terms(query)) if (df := self._df(st, t))}  # fmt: skip
        tokens = [t for t in terms(query) if t in idf]
        found: list[tuple[float, str]] = []
        for seg, alive in zip(st.segments, st.alive, strict=True):
            scores = np.zeros(len(seg.ids), dtype=np.float32)
            for t in tokens:
                rows, tf = seg.postings(t)
                norm = K1 * (1 - B + B * seg.lengths[rows] / st.avg_len)
                scores[rows] += idf[t] * tf / (tf + norm)
            # Only rows that matched a term are ranked: partitioning all rows cost 6 ms at 100k.
            rows = np.flatnonzero(scores)
            rows = rows[alive[rows]]
            if allowed is not None:
                byte = seg.docs.dtype.kind == "S"
                rows = rows[np.isin(seg.docs[rows], [d.encode() if byte else d for d in allowed])]
            hit = scores[rows]
            # Every row tied with the k-th score, so ties break by chunk id below, not by
            # segment layout: an incremental index ranks exactly like a rebuilt one.
            kth = np.partition(hit, len(hit) - k)[len(hit) - k] if len(hit) > k else 0.0
            top = rows[hit >= kth]
            found += zip(scores[top].tolist(), _strings(seg.ids[top]), strict=True)
        found.sort(key=lambda p: (-p[0], p[1]))
        return [(cid, score) for score, cid in found[:k]]
