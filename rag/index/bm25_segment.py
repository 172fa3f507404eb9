"""A BM25 segment: the term counts of some chunks, immutable but for its dead rows."""

from __future__ import annotations

import uuid
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse


def strings(values: np.ndarray) -> list[str]:
    """Ids of a segment as str (kept as UTF-8 bytes; segments saved before kept str)."""
    return [v.decode() if isinstance(v, bytes) else v for v in values.tolist()]


@dataclass
class Segment:
    """Term counts of some chunks; only ``dead`` changes after creation."""

    name: str
    ids: np.ndarray  # chunk ids, UTF-8 bytes (segments saved before: str); see `strings`
    docs: np.ndarray  # doc ids, as ids
    gens: np.ndarray  # catalog generation that wrote each chunk
    lengths: np.ndarray  # terms per chunk
    vocab: dict[str, int]
    matrix: sparse.csc_matrix  # rows: chunks, columns: terms, values: counts
    dead: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, str, int]]) -> Segment:
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
    def load(cls, folder: Path, name: str, dead: list[int]) -> Segment:
        with np.load(folder / f"{name}.npz", allow_pickle=False) as z:
            matrix = sparse.csc_matrix((z["data"], z["indices"], z["indptr"]), tuple(z["shape"]))
            vocab = {str(t): i for i, t in enumerate(z["terms"])}
            return cls(name, z["ids"], z["docs"], z["gens"], z["lengths"], vocab, matrix, set(dead))

    def alive(self) -> np.ndarray:
        mask = np.ones(len(self.ids), dtype=bool)
        mask[list(self.dead)] = False
        return mask

    def of_docs(self, rows: np.ndarray, doc_ids: Iterable[str]) -> np.ndarray:
        """The rows among ``rows`` that belong to these articles."""
        byte = self.docs.dtype.kind == "S"
        return rows[np.isin(self.docs[rows], [d.encode() if byte else d for d in doc_ids])]

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows that contain ``term`` and its count in each."""
        col = self.vocab.get(term)
        if col is None:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        a, b = self.matrix.indptr[col], self.matrix.indptr[col + 1]
        return self.matrix.indices[a:b], self.matrix.data[a:b]
