"""The reader's own sentence encoder: MiniLM fine-tuned to put questions next to their answers.

The retrieval embedder places a question near passages on its topic; this copy of the same
bundled MiniLM, fine-tuned by `make reader` on (question, answer sentence, hard negative)
triplets, places it nearest the sentence that answers. It ships as ONNX int8 and runs with
the embedder's ONNX code, offline, without torch.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.errors import ModelError
from rag.index.embeddings import VectorCache
from rag.index.onnx import OnnxEncoder

ONNX_FILE = "encoder-int8.onnx"
# The files of the sentence-transformers folder the ONNX encoder needs besides the graph.
TOKENIZER_FILES = ("tokenizer.json", "sentence_bert_config.json")


class ReaderEncoder:
    """Cosine between a question and candidate sentences, by the fine-tuned encoder."""

    def __init__(self, folder: Path, threads: int | None = None) -> None:
        try:
            self._onnx = OnnxEncoder(folder, folder / ONNX_FILE, threads)
        except Exception as exc:  # onnxruntime and tokenizers raise their own types
            raise ModelError(f"cannot load the reader encoder from {folder}: {exc}") from exc
        self.name = str(folder)
        self.identity = f"reader:{folder.name}:onnx-int8"
        # Follow-ups, parts of a question and popular articles bring the same sentences back.
        self._sentences = VectorCache(self)
        # A question is read twice when more of its best article is rated (`Reader.read`),
        # and once more for its kind (`Reader.question_kinds`).
        self.encode_query = lru_cache(maxsize=64)(self._encode_query)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors of ``texts``, one row each, each encoded on its own."""
        # The int8 graph quantizes its activations per run (dynamic quantization), so a batch
        # gives a sentence another vector than it has alone (cosine 0.99 apart): cached
        # across questions, that made an answer depend on the questions asked before it (4 of
        # the 99 dev attribution answers differed between a run of all 291 time cases and a
        # run of those 99 alone). Alone, a sentence always has one vector, and with no padding
        # it is no slower: ask p50 129 ms against 156 ms batched, 60 dev questions with the
        # cache cleared, on the 2-core dev machine (docs/reader.md, round 6).
        if not texts:
            return np.zeros((0, 0), np.float32)
        return np.stack([self._onnx.encode([t])[0] for t in texts])

    def _encode_query(self, text: str) -> np.ndarray:
        """The unit-length vector of one question (shared through the cache: read-only)."""
        vector = self._onnx.encode([text])[0]
        vector.setflags(write=False)
        return vector

    def similarities(self, query: str, sentences: list[str]) -> np.ndarray:
        """Cosine of each sentence with ``query`` (higher: more likely the answer)."""
        if not sentences:
            return np.zeros(0, dtype=np.float32)
        return np.asarray(self._sentences.get(sentences) @ self.encode_query(query), np.float32)


@lru_cache(maxsize=4)
def load_encoder(folder: Path) -> ReaderEncoder:
    """The encoder of ``folder``, loaded once per process (ONNX sessions are thread-safe)."""
    return ReaderEncoder(folder)
