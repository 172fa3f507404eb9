"""`Assistant`: the Python API that the CLI, the app, the eval harness and other apps use."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from llama_index.core.vector_stores.types import BasePydanticVectorStore

from rag.answer.followup import check_history, condense
from rag.config import ANSWER_MODES, check_choice
from rag.errors import ConfigError
from rag.index.ingest import LOCK_SECONDS, Progress, ingest_lock
from rag.index.uploads import ON_CONFLICT, UPLOADS_DIRNAME, OnConflict, UploadResult
from rag.llm.generate import unverified
from rag.pipeline import Pipeline
from rag.records import Answer, Hit, IngestReport
from rag.search.copies import answer_with_copies, hits_with_copies
from rag.search.filters import Filters
from rag.sources.service import SourcesMixin
from rag.text.stream import stream_pieces

if TYPE_CHECKING:
    from llama_index.core.base.base_retriever import BaseRetriever

    from rag.adapters.llama_index import LlamaIndexEmbedding

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


class Assistant(SourcesMixin, Pipeline):
    """Ingest news articles and answer questions about them with exact-quote citations.

    Args:
        data_dir: where the index lives (default ``RAG_DATA_DIR`` or ``.rag``).
        settings: a full `Settings`; keyword arguments override its fields.
        embedder: an embedder to use instead of the configured model (same interface as
            `Embedder`: ``identity``, ``encode``, ``encode_query``), e.g. a fake in unit tests.
        llm: a backend spec like ``RAG_LLM`` (a setting), or a llama-index ``LLM`` object to
            answer with as is.
        **overrides: any `Settings` field, e.g. ``top_k=8`` or ``chroma_url="http://..."``.
    """

    def answer_mode(self, mode: str | None = None) -> str:
        """The mode an answer will use: ``mode`` checked, or the default for the settings.

        Args:
            mode: ``"extractive"``, ``"llm"`` or None (``"llm"`` when a backend is set).

        Returns:
            The mode; raises `ConfigError` for an unknown mode or ``"llm"`` without a backend.
        """
        if mode is None:
            return "llm" if self.llm_configured else "extractive"
        check_choice("mode", mode, ANSWER_MODES)
        if mode == "llm" and not self.llm_configured:
            raise ConfigError(
                "mode 'llm' needs an LLM backend: set RAG_LLM to llamacpp:/path/model.gguf, "
                "openai:http://host:port/v1 or ollama:model"
            )
        return mode

    def ingest(
        self,
        paths: Sequence[str | Path] | None = None,
        keep_missing: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Add, update and remove articles so the index matches ``paths``.

        Args:
            paths: files or folders (default: the bundled ``corpus/``).
            keep_missing: keep articles whose files were deleted from an ingested folder.
            progress: callback ``(done, total, path)`` after each file.

        Returns:
            An `IngestReport`; ``report.failed`` lists ``(path, reason)`` for bad files.
        """
        default = Path("corpus") if Path("corpus").resolve() == DEFAULT_CORPUS else DEFAULT_CORPUS
        targets = [Path(p) for p in (paths or [default])]
        # The lock comes before the stores open: two processes creating an embedded Chroma at
        # once raced ("table collections already exists").
        with ingest_lock(self.data_dir / "ingest.lock", LOCK_SECONDS):
            return self._ingest(targets, None, keep_missing=keep_missing, progress=progress)

    def add_uploads(
        self,
        files: Sequence[tuple[str, Path]],
        on_conflict: OnConflict = "replace",
        should_stop: Callable[[], bool] | None = None,
    ) -> tuple[UploadResult, IngestReport]:
        """Check uploaded files, store the good ones under ``uploads/`` and index them.

        Storing and indexing happen under the ingest lock, as one step: when the lock is busy
        nothing is stored, and when the run stops early (``should_stop``, `interrupt`) the
        uploads folder and the index are put back as they were.

        Args:
            files: ``(name as the client sent it, path of its bytes)`` pairs.
            on_conflict: ``"replace"`` (a file of the same name is a new version of it) or
                ``"rename"`` (keep both; the new one becomes ``name-2.ext``).
            should_stop: polled while indexing (e.g. "has the client gone?").

        Returns:
            ``(upload result, ingest report)``; the report covers this batch's files only.

        Raises:
            IngestLockedError: another ingest kept the lock too long; nothing was stored.
            IngestCancelledError: the run stopped; nothing of this batch was kept.
        """
        check_choice("on_conflict", on_conflict, ON_CONFLICT)

        def index(paths: list[Path]) -> IngestReport:
            return self._ingest([self.data_dir / UPLOADS_DIRNAME], None, only=paths,
                                undelete=True, should_stop=should_stop)  # fmt: skip

        return self._library.add_uploads(
            list(files), self.settings.max_file_bytes, on_conflict, index
        )

    def retrieve(
        self,
        query: str,
        top_k: int | None = None,
        sources: list[str] | str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> list[Hit]:
        """The best chunks for a query (hybrid dense + BM25).

        Args:
            query: free text.
            top_k: number of hits (default ``settings.top_k``).
            sources: keep articles whose doc_id, source or URL contains one of these.
            date_from, date_to: keep articles dated within this ISO range (inclusive).

        Returns:
            Hits with exact offsets into their article, best first.
        """
        text = self._check_text(query, "query")
        filters = Filters.make(sources, date_from, date_to)
        hits = self.retriever.search(text, top_k or self.settings.top_k, filters)
        return hits_with_copies(self.catalog, hits)

    def ask(
        self,
        question: str,
        history: Sequence[dict[str, str]] | None = None,
        top_k: int | None = None,
        sources: list[str] | str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        mode: str | None = None,
    ) -> Answer:
        """Answer a question from the articles, citing an exact quote for every sentence.

        Args:
            question: the user's question; follow-ups are resolved with ``history``.
            history: earlier turns ``[{"role": "user"|"assistant", "content": ...}]``.
            top_k: number of chunks to draw evidence from (default ``settings.top_k``).
            sources, date_from, date_to: retrieval filters, as in `retrieve`.
            mode: ``"extractive"`` or ``"llm"`` (default: ``"llm"`` when a backend is set).

        Returns:
            An `Answer`; ``answer.abstained`` is True when the articles don't answer.
        """
        final = None
        for item in self.ask_stream(question, history, top_k, sources, date_from, date_to, mode):
            if isinstance(item, Answer):
                final = item
        assert final is not None  # ask_stream always ends with the answer
        return final

    def ask_stream(
        self,
        question: str,
        history: Sequence[dict[str, str]] | None = None,
        top_k: int | None = None,
        sources: list[str] | str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        mode: str | None = None,
    ) -> Iterator[str | Answer]:
        """Answer like `ask`, yielding the text as it is written, then the final `Answer`.

        In LLM mode the deltas are the model's raw tokens; the final answer is the verified
        one (markers renumbered, unsupported sentences flagged or removed, or the extractive
        answer with a ``notice`` when the model fails). Invalid input raises before any yield.

        Args:
            question, history, top_k, sources, date_from, date_to, mode: as in `ask`.

        Returns:
            An iterator of text deltas (str) whose last item is the `Answer`.
        """
        use_llm = self.answer_mode(mode) == "llm"
        text = self._check_text(question, "question")
        turns = check_history(history)
        filters = Filters.make(sources, date_from, date_to)
        query = self.generator.condense(text, turns) if use_llm else condense(text, turns)
        return self._answer_stream(text, query, turns, filters, top_k, use_llm)

    def _answer_stream(
        self, text: str, query: str, turns: list[dict[str, str]], filters: Filters,
        top_k: int | None, use_llm: bool,
    ) -> Iterator[str | Answer]:  # fmt: skip
        vector = self.embedder.encode_query(query)
        k = max(top_k or self.settings.top_k, 1)
        hits = self.retriever.search(query, k, filters, query_vector=vector)
        extractive = self.answerer.answer(text, query, vector, hits, turns)
        # Too little evidence to answer from: abstain without asking the model to try.
        if not use_llm or extractive.abstained:
            yield from stream_pieces(extractive.text)
            yield answer_with_copies(self.catalog, extractive)
            return
        for item in self.generator.stream(text, query, hits, extractive):
            yield answer_with_copies(self.catalog, item) if isinstance(item, Answer) else item

    def documents(self) -> list[dict[str, Any]]:
        """Metadata of every ingested article (no text)."""
        return self.catalog.documents()

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """Metadata and text of one ingested article, or None."""
        return self.catalog.document(doc_id)

    def document_text(self, doc_id: str) -> str | None:
        """The full text of an ingested article, the string citation offsets point into."""
        return self.catalog.texts([doc_id]).get(doc_id)

    def delete_document(self, doc_id: str) -> bool:
        """Remove an article from every index, for good; False when it was not there.

        Its text is remembered as deleted, so a later sync does not bring it back from a copy
        under another name; an upload that held only this article is removed too. A record of
        a multi-article file (``feed.jsonl#a1``) is removed alone: the file stays.
        """
        return self._library.delete(doc_id)

    def as_retriever(self, top_k: int | None = None) -> BaseRetriever:
        """This assistant's hybrid retrieval as a llama-index retriever."""
        from rag.adapters.llama_index import AssistantRetriever

        return AssistantRetriever(self, top_k)

    def as_langchain_retriever(self, top_k: int | None = None) -> Any:
        """This assistant's retrieval as a LangChain retriever (extra ``[langchain]``)."""
        from rag.adapters.langchain import as_langchain_retriever

        return as_langchain_retriever(self, top_k)

    @property
    def embedding_identity(self) -> str:
        """``model:backend`` of the embeddings (backend resolved, never ``auto``)."""
        return self.embedder.identity

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors of ``texts`` from the assistant's model, one row each.

        Args:
            texts: passages or sentences (queries go through `retrieve`).

        Returns:
            An array of shape ``(len(texts), dim)``.
        """
        return self.embedder.encode(texts)

    def embed_query(self, text: str) -> np.ndarray:
        """The unit-length query vector of ``text``, as `ask` and `retrieve` embed questions."""
        return self.embedder.encode_query(text)

    def llama_vector_store(self) -> BasePydanticVectorStore:
        """The indexed chunks as a llama-index vector store (e.g. for ``VectorStoreIndex``)."""
        return self.store.llama

    def unverified_answer(self, answer: Answer) -> Answer:
        """An LLM answer's draft with every marker trusted, as RAG tools without checks show it.

        Args:
            answer: an answer of `ask` in ``"llm"`` mode.

        Returns:
            Every generated sentence citing the quotes its markers point at, unchecked;
            ``answer`` itself when no LLM ran.
        """
        return unverified(answer, self.verifier)

    def llama_embed_model(self) -> LlamaIndexEmbedding:
        """The embedding model as a llama-index ``embed_model`` (same weights, loaded once)."""
        from rag.adapters.llama_index import LlamaIndexEmbedding

        return LlamaIndexEmbedding(self.embedder)
