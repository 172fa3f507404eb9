"""Sentence vectors computed at ingest, so that a question embeds only itself at ask time.

The reader scores every sentence of the top passages by its cosine with the question; the
sentences are cut exactly as the reader cuts a passage (`chunk_sentences`), embedded with the
chunks, and stored in the catalog as float16 (384 dimensions: 768 bytes a sentence; cosines
agree with float32 to about 1e-3, far below what separates two candidates).
"""

from __future__ import annotations

import numpy as np

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
