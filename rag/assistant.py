"""`Assistant`: the Python API that the CLI, the app, the eval harness and other apps use.

It composes an `Index` (the stores and the one write path), `Answering` (retrieval, the
reader, the LLM answerer) and `Sources` (feeds and URLs), and delegates to them; tooling that
needs the stores themselves uses ``assistant.index``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from rag.answer.followup import check_history, condense
from rag.answering import Answering
from rag.config import ANSWER_MODES, Settings, check_choice, load_settings
from rag.errors import ConfigError
from rag.index.index import Index
from rag.index.options import Progress
from rag.index.uploads import ON_CONFLICT, OnConflict, UploadResult
from rag.records import Answer, Hit, IngestReport
from rag.search.filters import Filters
from rag.sources.service import Sources
from rag.sources.sync import SyncReport

if TYPE_CHECKING:
    from llama_index.core.base.base_retriever import BaseRetriever
    from llama_index.core.llms import LLM

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


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
        embedder: Any = None,
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
        self.index = Index(self.settings, embedder)
        self._answering = Answering(self.index, None if isinstance(llm, str) else llm)

    @cached_property
    def _sources(self) -> Sources:
        return Sources(self.index)

    @property
    def llm_configured(self) -> bool:
        """True when an LLM was given or ``settings.llm`` names one (answers default to "llm")."""
        return self._answering.llm_configured

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
        options = self.index.options(keep_missing=keep_missing, progress=progress)
        return self.index.write(targets, options=options)

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
        return self.index.add_uploads(list(files), on_conflict, should_stop)

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
        text = self._answering.check_text(query, "query")
        filters = Filters.make(sources, date_from, date_to)
        return self._answering.search(text, top_k or self.settings.top_k, filters)

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
        answering = self._answering
        text = answering.check_text(question, "question")
        turns = check_history(history)
        filters = Filters.make(sources, date_from, date_to)
        query = answering.generator.condense(text, turns) if use_llm else condense(text, turns)
        k = max(top_k or self.settings.top_k, 1)
        return answering.stream(text, query, turns, filters, k, use_llm)

    def documents(self) -> list[dict[str, Any]]:
        """Metadata of every ingested article (no text)."""
        return self.index.documents()

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """Metadata and text of one ingested article, or None."""
        return self.index.document(doc_id)

    def document_text(self, doc_id: str) -> str | None:
        """The full text of an ingested article, the string citation offsets point into."""
        return self.index.text(doc_id)

    def delete_document(self, doc_id: str) -> bool:
        """Remove an article from every index, for good; False when it was not there.

        Its text is remembered as deleted, so a later sync does not bring it back from a copy
        under another name; an upload that held only this article is removed too. A record of
        a multi-article file (``feed.jsonl#a1``) is removed alone: the file stays.
        """
        return self.index.delete(doc_id)

    def as_retriever(self, top_k: int | None = None) -> BaseRetriever:
        """This assistant's hybrid retrieval as a llama-index retriever."""
        from rag.adapters.llama_index import AssistantRetriever

        return AssistantRetriever(self, top_k)

    def as_langchain_retriever(self, top_k: int | None = None) -> Any:
        """This assistant's retrieval as a LangChain retriever (extra ``[langchain]``)."""
        from rag.adapters.langchain import as_langchain_retriever

        return as_langchain_retriever(self, top_k)

    # Live sources (rag.sources): feeds and article URLs, written through the index.
    def add_feed(self, url: str, name: str | None = None, every: str | float | None = None) -> dict:
        """Follow an RSS, Atom or RDF feed (see `Sources.add_feed`)."""
        return self._sources.add_feed(url, name, every)

    def feeds(self) -> list[dict[str, Any]]:
        """Every feed with its sync state (last sync, last error, next due) and article count."""
        return self._sources.feeds()

    def remove_feed(self, feed_id: int) -> dict[str, Any]:
        """Stop following a feed; its articles stay indexed. `FeedError` if there is none."""
        return self._sources.remove_feed(feed_id)

    def sync(self, feed_ids: list[int] | None = None, force: bool = False) -> SyncReport:
        """Fetch due feeds (or the given ones) once and index their new and changed articles
        (see `Sources.sync`)."""
        return self._sources.sync(feed_ids, force)

    def ingest_urls(self, urls: list[str]) -> IngestReport:
        """Fetch article pages and index them under their canonical URLs (see
        `Sources.ingest_urls`)."""
        return self._sources.ingest_urls(urls)

    def warm_up(self) -> None:
        """Load the model and open every store now, so the first request is not the slow one."""
        self._answering.warm_up()

    def interrupt(self) -> None:
        """Stop running and future ingests of this assistant (a server shutting down)."""
        self.index.interrupt()

    def close(self) -> None:
        """Release the index's file handles."""
        self.index.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
