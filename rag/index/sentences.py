"""Sentence vectors computed at ingest, so that a question embeds only itself at ask time.

The reader scores every sentence of the top passages by its cosine with the question; the
sentences are cut exactly as the reader cuts a passage (`chunk_sentences`), embedded with the
chunks, and stored in the catalog as float16 (384 dimensions: 768 bytes a sentence; cosines
agree with float32 to about 1e-3, far below what separates two candidates).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from rag.index.sqlite import SqliteFile
from rag.records import Chunk
from rag.text.sentences import split_sentences

SentenceKey = tuple[str, int, int]  # (doc_id, start, end) in the article text


def chunk_sentences(text: str, start: int = 0) -> list[tuple[int, int]]:
    """The sentences of a passage as the reader cuts them, as article offsets."""
    return [(start + a, start + b) for a, b in split_sentences(text)]


def article_sentences(chunks: list[Chunk]) -> list[tuple[int, int, str]]:
    """Every distinct sentence of an article's chunks: ``(start, end, text)``."""
    seen: dict[tuple[int, int], str] = {}
    for c in chunks:
        for a, b in chunk_sentences(c.text, c.start):
            seen.setdefault((a, b), c.text[a - c.start : b - c.start])
    return [(a, b, t) for (a, b), t in sorted(seen.items())]


def pack(vector: np.ndarray) -> bytes:
    """A vector as float16 bytes."""
    return np.asarray(vector, np.float16).tobytes()


def unpack(data: bytes) -> np.ndarray:
    """A vector `pack` wrote, as float32."""
    return np.frombuffer(data, np.float16).astype(np.float32)


class SentenceTable:
    """The catalog's sentence vectors: ``(doc_id, start, end) -> float16 vector`` bytes.

    Args:
        file: the catalog's SQLite file (table ``sentences``).
    """

    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def set(self, rows: dict[str, list[tuple[int, int, bytes]]]) -> None:
        """Replace the sentence vectors of these articles (inside the catalog's transaction
        when it writes them with their articles)."""
        for doc_id, sentences in rows.items():
            self._file.rows("DELETE FROM sentences WHERE doc_id=?", [doc_id])
            self._file.executemany(
                "INSERT OR REPLACE INTO sentences VALUES (?,?,?,?)",
                [(doc_id, a, b, vec) for a, b, vec in sentences],
            )

    def vectors(self, keys: Iterable[SentenceKey]) -> dict[SentenceKey, bytes]:
        """Stored vectors (`pack` bytes) of these ``(doc_id, start, end)``."""
        wanted = set(keys)
        out: dict[SentenceKey, bytes] = {}
        for doc_id in {d for d, _, _ in wanted}:
            sql = 'SELECT start, "end", vec FROM sentences WHERE doc_id=?'
            for r in self._file.rows(sql, [doc_id]):
                key = (doc_id, r[0], r[1])
                if key in wanted:
                    out[key] = bytes(r[2])
        return out

    def of(self, doc_id: str) -> list[tuple[int, int, bytes]]:
        """``(start, end, vector bytes)`` of one article's sentences."""
        sql = 'SELECT start, "end", vec FROM sentences WHERE doc_id=? ORDER BY start'
        return [(r[0], r[1], bytes(r[2])) for r in self._file.rows(sql, [doc_id])]

    def spans(self, doc_id: str) -> list[tuple[int, int]]:
        """``(start, end)`` of one article's stored sentences, in article order."""
        sql = 'SELECT start, "end" FROM sentences WHERE doc_id=? ORDER BY start'
        return [(r[0], r[1]) for r in self._file.rows(sql, [doc_id])]

    def missing(self, limit: int = 1000) -> list[str]:
        """Articles without stored sentence vectors (indexed before they were kept)."""
        sql = ("SELECT doc_id FROM documents WHERE doc_id NOT IN (SELECT DISTINCT doc_id "
               "FROM sentences) LIMIT ?")  # fmt: skip
        return [r[0] for r in self._file.rows(sql, [limit])]
