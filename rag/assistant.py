"""`Assistant`: the Python API that the CLI, the app, the eval harness and other apps use."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from rag.answer import ExtractiveAnswerer
from rag.catalog import Catalog
from rag.config import Settings, load_settings
from rag.embeddings import Embedder, LlamaIndexEmbedding
from rag.errors import QueryError
from rag.followup import check_history, condense
from rag.ingest import Progress, ingest
from rag.lexical import LexicalIndex
from rag.records import Answer, Hit, IngestReport
from rag.retrieve import Filters, Retriever
from rag.store import VectorStore

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


class Assistant:
    """Ingest news articles and answer questions about them with exact-quote citations.

    Args:
        data_dir: where the index lives (default ``RAG_DATA_DIR`` or ``.rag``).
        settings: a full `Settings`; keyword arguments override its fields.
        **overrides: any `Settings` field, e.g. ``top_k=8`` or ``chroma_url="http://..."``.
    """

    def __init__(
        self, data_dir: str | Path | None = None, settings: Settings | None = None, **overrides: Any
    ) -> None:
        base = settings.model_dump() if settings else {}
        self.settings = load_settings(**{**base, "data_dir": data_dir, **overrides})
        self.data_dir = Path(self.settings.data_dir)
        self._lock = threading.Lock()

    # Components open lazily so that constructing an Assistant is cheap and never fails on I/O.
    @cached_property
    def embedder(self) -> Embedder:
        return Embedder(self.settings.embed_model, self.settings.embed_batch_size)

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
            self.embedder, self.document_text, s.abstain_threshold, s.answer_sentences
        )

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
        s = self.settings
        return ingest(
            targets,
            catalog=self.catalog,
            store=self.store,
            lexical=self.lexical,
            embedder=self.embedder,
            lock_path=self.data_dir / "ingest.lock",
            max_bytes=s.max_file_bytes,
            chunk_chars=s.chunk_chars,
            chunk_overlap=s.chunk_overlap,
            keep_missing=keep_missing,
            progress=progress,
        )

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
        return "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text).strip()

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
    ) -> Answer:
        """Answer a question from the articles, citing an exact quote for every sentence.

        Args:
            question: the user's question; follow-ups are resolved with ``history``.
            history: earlier turns ``[{"role": "user"|"assistant", "content": ...}]``.
            top_k: number of chunks to draw evidence from (default ``settings.top_k``).
            sources, date_from, date_to: retrieval filters, as in `retrieve`.

        Returns:
            An `Answer`; ``answer.abstained`` is True when the articles don't answer.
        """
        text = self._check_text(question, "question")
        query = condense(text, check_history(history))
        filters = Filters.make(sources, date_from, date_to)
        vector = self.embedder.encode_query(query)
        k = max(top_k or self.settings.top_k, 1)
        hits = self.retriever.search(query, k, filters, query_vector=vector)
        return self.answerer.answer(text, query, vector, hits)

    def warm_up(self) -> None:
        """Load the model and open every store now, so the first request is not the slow one."""
        self.embedder.encode_query("warm up")
        self.store.count()
        self.lexical.refresh()
        _ = self.retriever, self.answerer

    def documents(self) -> list[dict[str, Any]]:
        """Metadata of every ingested article (no text)."""
        return self.catalog.documents()

    def document_text(self, doc_id: str) -> str | None:
        """The full text of an ingested article, the string citation offsets point into."""
        return self.catalog.texts([doc_id]).get(doc_id)

    def delete_document(self, doc_id: str) -> bool:
        """Remove an article from every index; False when it was not there."""
        if self.catalog.document(doc_id) is None:
            return False
        self.store.delete_doc(doc_id)
        self.catalog.remove(doc_id)
        self.lexical.refresh()
        return True

    def as_retriever(self, top_k: int | None = None) -> BaseRetriever:
        """This assistant's hybrid retrieval as a llama-index retriever."""
        return AssistantRetriever(self, top_k)

    def as_langchain_retriever(self, top_k: int | None = None) -> Any:
        """This assistant's retrieval as a LangChain retriever (extra ``[langchain]``)."""
        from rag.langchain import as_langchain_retriever

        return as_langchain_retriever(self, top_k)

    def llama_embed_model(self) -> LlamaIndexEmbedding:
        """The embedding model as a llama-index ``embed_model`` (same weights, loaded once)."""
        return LlamaIndexEmbedding(self.embedder)

    def close(self) -> None:
        """Release the catalog's file handle."""
        if "catalog" in self.__dict__:
            self.catalog.close()


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
