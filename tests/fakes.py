"""Test doubles for the fast unit tier: a deterministic embedder that loads no model."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rag import Assistant
from rag.text.terms import terms, words

DIM = 384  # the bundled model's width, so hand-written 384-wide vectors fit either store
# Real sentence vectors share a large common direction (any two score a cosine well above 0);
# the last dimension plays that part, so that a sentence sharing the question's key words
# scores about as a real paraphrase does, and one sharing none stays well below.
_COMMON = math.sqrt(3.0)


@lru_cache(maxsize=100_000)
def _bucket(term: str) -> int:
    # blake2b, not hash(): Python salts str hashes per process, and vectors must not change
    # between runs or between the test process and a subprocess.
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "big") % (DIM - 1)


class FakeEmbedder:
    """Hashed bag of stemmed words: texts that share content words are close, others are not.

    The same interface as `rag.index.embeddings.Embedder` as the pipeline uses it
    (``identity``, ``backend``, ``name``, ``encode``, ``encode_query``), with no model to load:
    good enough to retrieve passages by their words, not to judge meaning.
    """

    name = "fake"
    backend = "fake-hash"
    dim = DIM

    @property
    def identity(self) -> str:
        """Stable across instances: a reopened data dir is not re-embedded."""
        return f"{self.name}:{self.backend}-{DIM}"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(DIM, dtype=np.float32)
        vec[DIM - 1] = _COMMON
        # Content terms carry the topic; texts of stopwords only still get a vector of their own.
        counts = Counter(terms(text) or words(text) or [text.strip().lower()])
        for term, n in counts.items():
            vec[_bucket(term)] += 1.0 + math.log(n)
        return vec / np.linalg.norm(vec)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 rows, one per text (shape (0, 0) for no texts, like `Embedder`)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def encode_query(self, text: str) -> np.ndarray:
        """One read-only query vector."""
        vector = self.encode([text])[0]
        vector.setflags(write=False)
        return vector


def quick_assistant(data_dir: str | Path, **overrides: Any) -> Assistant:
    """An `Assistant` on the fake embedder; ``overrides`` are `Settings` fields as usual."""
    return Assistant(data_dir=data_dir, embedder=FakeEmbedder(), **overrides)
