"""The read side of the `Assistant`: retrieval, the reader and the LLM answerer over an Index.

`Answering` wires the search, answer and llm stages to one `Index`; the `Assistant` composes
it and keeps the public API.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.verify import Verifier, verifier_for
from rag.errors import QueryError, RagError
from rag.index.index import Index
from rag.llm.generate import LLMAnswerer
from rag.news.compose import news_answer
from rag.reader.model import Reader
from rag.records import Answer, Hit
from rag.search.copies import answer_with_copies, hits_with_copies
from rag.search.filters import Filters
from rag.search.newer import with_newer
from rag.search.retriever import Retriever
from rag.text.stream import stream_pieces

if TYPE_CHECKING:
    from llama_index.core.llms import LLM


class Answering:
    """Retrieve and answer over ``index``; components open on first use.

    Args:
        index: the index to read.
        llm: a llama-index ``LLM`` object to answer with (else ``settings.llm``).
    """

    def __init__(self, index: Index, llm: LLM | None = None) -> None:
        self.index, self._llm = index, llm

    @property
    def settings(self) -> Any:
        return self.index.settings

    @cached_property
    def retriever(self) -> Retriever:
        s, ix = self.settings, self.index
        return Retriever(ix.catalog, ix.store, ix.lexical, ix.embedder, s.fusion, s.rrf_k,
                         s.dense_weight)  # fmt: skip

    @cached_property
    def reader(self) -> ExtractiveAnswerer:
        s, ix = self.settings, self.index
        return ExtractiveAnswerer(
            ix.embedder, ix.text, ix.lexical.idf, Reader(s.reader_model), s.abstain_threshold,
            s.answer_sentences, ix.catalog.sentences.vectors, s.recency, ix.catalog.sentences.spans,
        )  # fmt: skip

    @cached_property
    def verifier(self) -> Verifier:
        return verifier_for(self.index.embedder, self.settings.embed_model)

    @cached_property
    def generator(self) -> LLMAnswerer:
        return LLMAnswerer(self.settings, self.verifier, self._llm)

    @property
    def llm_configured(self) -> bool:
        """True when an LLM was given or ``settings.llm`` names one."""
        return self._llm is not None or self.settings.llm != "none"

    def search(self, query: str, top_k: int, filters: Filters | None) -> list[Hit]:
        """Hits for a checked query, with the outlets that carried them."""
        self.index.refresh()
        hits = self.retriever.search(query, top_k, filters)
        return hits_with_copies(self.index.catalog, hits)

    def stream(
        self, text: str, query: str, turns: list[dict[str, str]], filters: Filters,
        top_k: int, use_llm: bool,
    ) -> Iterator[str | Answer]:  # fmt: skip
        """Text deltas, then the `Answer` (see `Assistant.ask_stream`)."""
        self.index.refresh()
        vector = self.index.embedder.encode_query(query)
        hits = self.retriever.search(query, top_k, filters, query_vector=vector)
        catalog, intent = self.index.catalog, self.reader.intent(text)
        if intent.kind == "recency":  # the story's newest article, if none was retrieved
            hits = with_newer(text, hits, filters, lambda f: self.retriever.search(
                query, top_k, f, query_vector=vector), self.index.text)  # fmt: skip
        extractive = self.reader.answer(text, query, vector, hits, turns)
        # Too little evidence to answer from: abstain without asking the model to try.
        if not use_llm or extractive.abstained:
            final = news_answer(answer_with_copies(catalog, extractive), intent, self.index.text)
            yield from stream_pieces(final.text)
            yield final
            return
        for item in self.generator.stream(text, query, hits, extractive):
            if isinstance(item, Answer):
                # The LLM's text has been streamed: its answer gains the fields, not new text.
                item = news_answer(answer_with_copies(catalog, item), intent, self.index.text,
                                   write=False)  # fmt: skip
            yield item

    def warm_up(self) -> None:
        """Load the models and open every store now, so the first request is not the slow one."""
        ix = self.index
        ix.embedder.encode_query("warm up")
        ix.store.count()
        ix.lexical.refresh()
        _ = self.retriever, self.reader.reader.span_model
        if self.llm_configured:
            # Answers will carry the reason as a notice; warming up must not fail.
            with contextlib.suppress(RagError):
                self.generator.llm()

    def check_text(self, text: Any, what: str) -> str:
        """``text`` cleaned for retrieval; `QueryError` when it is no usable question."""
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
