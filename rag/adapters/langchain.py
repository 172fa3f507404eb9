"""LangChain adapter: the assistant's hybrid retrieval as a ``langchain_core`` retriever.

Optional: ``pip install 'newsrag[langchain]'``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.errors import ConfigError

if TYPE_CHECKING:
    from rag.assistant import Assistant


def as_langchain_retriever(assistant: Assistant, top_k: int | None = None) -> Any:
    """A ``langchain_core.retrievers.BaseRetriever`` over `Assistant.retrieve`.

    Args:
        assistant: the assistant to search.
        top_k: documents per query (default: the assistant's ``top_k``).

    Returns:
        A retriever whose documents carry doc_id, title, source, start, end, score in metadata.
    """
    try:
        from langchain_core.callbacks import CallbackManagerForRetrieverRun
        from langchain_core.documents import Document
        from langchain_core.retrievers import BaseRetriever
    except ImportError:
        raise ConfigError(
            "the LangChain adapter needs langchain-core: pip install 'newsrag[langchain]'"
        ) from None

    class NewsRagRetriever(BaseRetriever):
        """Hybrid dense + BM25 retrieval with exact article offsets in metadata."""

        k: int | None = None

        def _get_relevant_documents(
            self, query: str, *, run_manager: CallbackManagerForRetrieverRun
        ) -> list[Document]:
            return [
                Document(
                    page_content=h.text,
                    id=h.chunk_id,
                    metadata={k: v for k, v in h.to_dict().items() if k != "text"},
                )
                for h in assistant.retrieve(query, top_k=self.k)
            ]

    return NewsRagRetriever(k=top_k)
