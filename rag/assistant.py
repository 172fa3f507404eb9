"""`Assistant`: the Python API that the CLI, the app, the eval harness and other apps use."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from rag.answer.extractive import ExtractiveAnswerer, stream_pieces
from rag.answer.followup import check_history, condense
from rag.answer.support import SupportScorer
from rag.answer.verify import Verifier
from rag.config import ANSWER_MODES, EMBED_BACKENDS, Settings, check_choice, load_settings
from rag.errors import ConfigError, QueryError, RagError
from rag.index.catalog import Catalog
from rag.index.embeddings import Embedder, LlamaIndexEmbedding
from rag.index.ingest import Progress, indexed_identity, ingest, ingest_lock
from rag.index.lexical import LexicalIndex
from rag.index.uploads import (
    ON_CONFLICT,
    UPLOADS_DIRNAME,
    OnConflict,
    UploadResult,
    discard,
    place_uploads,
    stage_uploads,
)
from rag.index.vectorstore import VectorStore
from rag.llm.generate import LLMAnswerer
from rag.records import Answer, Hit, IngestReport
from rag.search.retriever import Filters, Retriever

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
# How long an upload or a delete waits for a running ingest: an upload's own ingest is bounded
# (file size, records per file, parse time), so a longer wait means something is stuck.
UPLOAD_LOCK_SECONDS = 30.0


class Assistant:
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

    def __init__(
        self,
        data_dir: str | Path | None = None,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
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
    def embedder(self) -> Embedder:
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
    def catalog(self) -> Catalog:
        return Catalog(self.data_dir / "catalog.sqlite")

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
            self.embedder, self.document_text, self.lexical.idf, s.abstain_threshold,
            s.answer_sentences,
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
        return self._ingest(targets, self.data_dir / "ingest.lock", keep_missing=keep_missing,
                            progress=progress)  # fmt: skip

    def _ingest(self, targets: list[Path], lock_path: Path | None, **options: Any) -> IngestReport:
        s = self.settings
        stop = options.pop("should_stop", None)
        return ingest(
            targets, catalog=self.catalog, store=self.store, lexical=self.lexical,
            embedder=self.embedder, lock_path=lock_path, max_bytes=s.max_file_bytes,
            chunk_chars=s.chunk_chars, chunk_overlap=s.chunk_overlap,
            should_stop=lambda: self._stopping.is_set() or bool(stop and stop()), **options,
        )  # fmt: skip

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
        if on_conflict not in ON_CONFLICT:
            raise ConfigError(
                f"on_conflict must be one of {', '.join(ON_CONFLICT)}, not {on_conflict!r}"
            )
        staged, rejected = stage_uploads(list(files), self.data_dir, self.settings.max_file_bytes)
        try:
            with ingest_lock(self.data_dir / "ingest.lock", UPLOAD_LOCK_SECONDS):
                result = place_uploads(staged, self.data_dir, on_conflict)
                result.rejected[:0] = rejected
                paths = [p for _, p in result.stored]
                try:
                    report = self._ingest([self.data_dir / UPLOADS_DIRNAME], None, only=paths,
                                          undelete=True, should_stop=should_stop)  # fmt: skip
                except BaseException as exc:
                    partial = getattr(exc, "report", None)
                    self._undo_upload(
                        result, partial if isinstance(partial, IngestReport) else None
                    )
                    raise
                result.commit()
        finally:
            discard(staged)  # whatever was not placed (a 409 leaves nothing behind)
        return result, report

    def _undo_upload(self, result: UploadResult, partial: IngestReport | None) -> None:
        """Put the uploads folder back and drop what a stopped upload ingest committed."""
        result.rollback()
        if partial is not None:
            # By chunk id, in batches: one filtered delete per article took 13 s for 270 of
            # them, longer than a server's shutdown grace period.
            chunk_ids = [c for d in partial.added for c in self.catalog.chunk_ids(d)]
            self.store.delete_ids(chunk_ids)
            self.catalog.remove_many(partial.added)
            for doc_id in partial.updated:
                # The old file is back; its article is read again by the next sync.
                self.catalog.mark_stale(doc_id)
        self.lexical.refresh()

    def interrupt(self) -> None:
        """Stop running and future ingests of this assistant (a server shutting down)."""
        self._stopping.set()

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
        return self.retriever.search(text, top_k or self.settings.top_k, filters)

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
        return self._answer_stream(text, query, filters, top_k, use_llm)

    def _answer_stream(
        self, text: str, query: str, filters: Filters, top_k: int | None, use_llm: bool
    ) -> Iterator[str | Answer]:
        vector = self.embedder.encode_query(query)
        k = max(top_k or self.settings.top_k, 1)
        hits = self.retriever.search(query, k, filters, query_vector=vector)
        extractive = self.answerer.answer(text, query, vector, hits)
        # Too little evidence to answer from: abstain without asking the model to try.
        if not use_llm or extractive.abstained:
            yield from stream_pieces(extractive.text)
            yield extractive
            return
        yield from self.generator.stream(text, query, hits, extractive)

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
        with ingest_lock(self.data_dir / "ingest.lock", UPLOAD_LOCK_SECONDS):
            doc = self.catalog.document(doc_id)
            if doc is None:
                return False
            self.store.delete_doc(doc_id)
            self.catalog.remove(doc_id, forget_text=True)
            self._remove_upload_file(doc)
            self.lexical.refresh()
        return True

    def _remove_upload_file(self, doc: dict[str, Any]) -> None:
        """Delete the upload a whole-file article came from (never a path read from content)."""
        uploads = (self.data_dir / UPLOADS_DIRNAME).resolve()
        folder, _, name = doc["doc_id"].partition("/")
        # The path comes from the doc_id the ingest built (folder name + safe file name), and
        # only for articles indexed from the uploads folder; a record id has a '#'.
        if doc["root"] != str(uploads) or folder != UPLOADS_DIRNAME or "#" in name:
            return
        path = (uploads / name).resolve()
        if path.parent == uploads and path.is_file():
            path.unlink()

    def as_retriever(self, top_k: int | None = None) -> BaseRetriever:
        """This assistant's hybrid retrieval as a llama-index retriever."""
        return AssistantRetriever(self, top_k)

    def as_langchain_retriever(self, top_k: int | None = None) -> Any:
        """This assistant's retrieval as a LangChain retriever (extra ``[langchain]``)."""
        from rag.adapters.langchain import as_langchain_retriever

        return as_langchain_retriever(self, top_k)

    def llama_embed_model(self) -> LlamaIndexEmbedding:
        """The embedding model as a llama-index ``embed_model`` (same weights, loaded once)."""
        return LlamaIndexEmbedding(self.embedder)

    def close(self) -> None:
        """Release the catalog's file handle."""
        if "catalog" in self.__dict__:
            self.catalog.close()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AssistantRetriever(BaseRetriever):
    """llama-index `BaseRetriever` over `Assistant.retrieve`; offsets are in node metadata."""

    def __init__(self, assistant: Assistant, top_k: int | None = None) -> None:
        super().__init__()
        self._assistant, self._top_k = assistant, top_k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self._assistant.retrieve(query_bundle.query_str, top_k=self._top_k)
        return [
            NodeWithScore(
                node=TextNode(
                    id_=h.chunk_id,
                    text=h.text,
                    start_char_idx=h.start,
                    end_char_idx=h.end,
                    metadata={
                        "doc_id": h.doc_id,
                        "title": h.title,
                        "source": h.source,
                        "start": h.start,
                        "end": h.end,
                        "date": h.date,
                        "url": h.url,
                    },
                ),  # fmt: skip
                score=h.score,
            )
            for h in hits
        ]
