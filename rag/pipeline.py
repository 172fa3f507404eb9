"""The pipeline behind `Assistant`: settings, components opened lazily, the ingest runner.

`Assistant` (rag/assistant.py) adds the public API on top; this class only wires the stages
(index, search, answer, llm) together, so the facade module stays about what users call.
"""

from __future__ import annotations

import contextlib
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.support import SupportScorer
from rag.answer.verify import Verifier
from rag.config import EMBED_BACKENDS, Settings, load_settings
from rag.errors import QueryError, RagError
from rag.index.catalog import Catalog
from rag.index.embeddings import Embedder, TextEmbedder
from rag.index.ingest import LOCK_SECONDS, indexed_identity, ingest, ingest_articles
from rag.index.lexical import LexicalIndex
from rag.index.library import Library
from rag.index.stories import StoryPlacer
from rag.index.vectorstore import VectorStore
from rag.llm.generate import LLMAnswerer
from rag.reader.model import Reader
from rag.records import Article, IngestReport
from rag.search.retriever import Retriever

if TYPE_CHECKING:
    from llama_index.core.llms import LLM


class Pipeline:
    """Settings plus the components every stage needs, opened on first use.

    Args: as `Assistant`.
    """

    def __init__(
        self,
        data_dir: str | Path | None = None,
        settings: Settings | None = None,
        *,
        embedder: TextEmbedder | None = None,
        llm: str | LLM | None = None,
        **overrides: Any,
    ) -> None:
        given = {"data_dir": data_dir, "llm": llm if isinstance(llm, str) else None, **overrides}
        base = settings.model_dump() if settings else {}
        # None means "not given": it must not hide a value of ``settings``.
        self.settings = load_settings(
            **{**base, **{k: v for k, v in given.items() if v is not None}}
        )
        self.data_dir = Path(self.settings.data_dir)
        self._llm = None if isinstance(llm, str) else llm
        if embedder is not None:
            self.__dict__["embedder"] = embedder  # fills the cached property
        # Set by `interrupt` (a server shutting down): running ingests stop between articles.
        self._stopping = threading.Event()

    # Components open lazily so that constructing an Assistant is cheap and never fails on I/O.
    @cached_property
    def embedder(self) -> TextEmbedder:
        s = self.settings
        backend: str = s.embed_backend
        if backend == "auto":
            # Keep the backend the index was built with: queries must not be embedded by
            # another backend, and a default change must not force re-embedding everything.
            backend = self._index_backend() or backend
        return Embedder(
            s.embed_model, s.embed_batch_size, backend, s.model_cache or self.data_dir / "models"
        )

    def _index_backend(self) -> str | None:
        """The embedding backend of the articles already indexed for this model, if any."""
        if not (self.data_dir / "catalog.sqlite").exists():
            return None  # nothing indexed; don't create a catalog just to look
        model, _, backend = (indexed_identity(self.catalog) or "").rpartition(":")
        if model != self.settings.embed_model or backend not in EMBED_BACKENDS:
            return None  # another model (or none): everything is embedded anew anyway
        return backend

    @cached_property
    def _library(self) -> Library:
        return Library(self.data_dir, self.catalog, self.store, self.lexical)

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(self.data_dir / "catalog.sqlite")

    @cached_property
    def _stories(self) -> StoryPlacer:
        return StoryPlacer(self.catalog)

    @cached_property
    def store(self) -> VectorStore:
        s = self.settings
        return VectorStore(self.data_dir, s.chroma_url, s.collection)

    @cached_property
    def lexical(self) -> LexicalIndex:
        return LexicalIndex(self.catalog, self.data_dir / "bm25")

    @cached_property
    def retriever(self) -> Retriever:
        s = self.settings
        return Retriever(
            self.catalog, self.store, self.lexical, self.embedder, s.fusion, s.rrf_k,
            s.dense_weight,
        )  # fmt: skip

    @cached_property
    def answerer(self) -> ExtractiveAnswerer:
        s = self.settings
        return ExtractiveAnswerer(
            self.embedder, self._text, self.lexical.idf, Reader(s.reader_model),
            s.abstain_threshold, s.answer_sentences,
        )  # fmt: skip

    @cached_property
    def verifier(self) -> Verifier:
        # The support threshold is calibrated on the bundled model (torch; onnx-int8 scores the
        # labelled pairs as well: tests/answer/test_support.py), so share the loaded embedder.
        bundled = self.settings.embed_model == "bundled"
        return Verifier(SupportScorer(self.embedder) if bundled else SupportScorer())

    @cached_property
    def generator(self) -> LLMAnswerer:
        return LLMAnswerer(self.settings, self.verifier, self._llm)

    @property
    def llm_configured(self) -> bool:
        """True when an LLM was given or ``settings.llm`` names one (answers default to "llm")."""
        return self._llm is not None or self.settings.llm != "none"

    def _ingest(self, targets: list[Path], lock_path: Path | None, **options: Any) -> IngestReport:
        s = self.settings
        stop = options.pop("should_stop", None)
        return ingest(
            targets, catalog=self.catalog, store=self.store, lexical=self.lexical,
            embedder=self.embedder, lock_path=lock_path, max_bytes=s.max_file_bytes,
            chunk_chars=s.chunk_chars, chunk_overlap=s.chunk_overlap,
            should_stop=lambda: self._stopping.is_set() or bool(stop and stop()),
            stories=self._stories, **options,
        )  # fmt: skip

    def _index_articles(self, articles: list[Article]) -> IngestReport:
        """Index fetched web articles under the ingest lock (see `ingest_articles`)."""
        s = self.settings
        return ingest_articles(
            articles, catalog=self.catalog, store=self.store, lexical=self.lexical,
            embedder=self.embedder, lock_path=self.data_dir / "ingest.lock",
            chunk_chars=s.chunk_chars, chunk_overlap=s.chunk_overlap, lock_timeout=LOCK_SECONDS,
            should_stop=self._stopping.is_set, stories=self._stories,
        )  # fmt: skip

    def interrupt(self) -> None:
        """Stop running and future ingests of this assistant (a server shutting down)."""
        self._stopping.set()

    def warm_up(self) -> None:
        """Load the model and open every store now, so the first request is not the slow one."""
        self.embedder.encode_query("warm up")
        self.store.count()
        self.lexical.refresh()
        _ = self.retriever, self.answerer
        if self.llm_configured:
            # Answers will carry the reason as a notice; warming up must not fail.
            with contextlib.suppress(RagError):
                self.generator.llm()

    def close(self) -> None:
        """Release the catalog's file handle."""
        if "catalog" in self.__dict__:
            self.catalog.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _text(self, doc_id: str) -> str | None:
        return self.catalog.texts([doc_id]).get(doc_id)

    def _check_text(self, text: Any, what: str) -> str:
        if not isinstance(text, str):
            raise QueryError(f"the {what} must be a string, not {type(text).__name__}")
        if not text.strip():
            raise QueryError(f"the {what} is empty")
        if len(text) > self.settings.max_question_chars:
            raise QueryError(
                f"the {what} is {len(text)} characters long; the limit is "
                f"{self.settings.max_question_chars} (RAG_MAX_QUESTION_CHARS)"
            )
        # Control characters carry no meaning for retrieval and confuse tokenizers.
        clean = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text).strip()
        if not any(ch.isalnum() for ch in clean):
            # Only punctuation, symbols or control characters: nothing to look for, and the
            # nearest vectors of such a query are noise that would be cited as an answer.
            raise QueryError(f"the {what} has no words to search for")
        return clean
