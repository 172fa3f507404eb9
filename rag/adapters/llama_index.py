"""llama-index adapters: the assistant's retrieval as a retriever, its embedder as embed_model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from pydantic import PrivateAttr

from rag.index.embeddings import TextEmbedder

if TYPE_CHECKING:
    from rag.assistant import Assistant


class AssistantRetriever(BaseRetriever):
    """llama-index `BaseRetriever` over `Assistant.retrieve`; offsets are in node metadata.

    Args:
        assistant: the assistant to search.
        top_k: nodes per query (default: the assistant's ``top_k``).
    """

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


class LlamaIndexEmbedding(BaseEmbedding):
    """`Embedder` as a llama-index embedding model, to pass as ``embed_model=``.

    Args:
        embedder: the loaded embedder (its weights are shared, not copied).
        **kwargs: `BaseEmbedding` options, such as ``embed_batch_size``.
    """

    _embedder: TextEmbedder = PrivateAttr()

    def __init__(self, embedder: TextEmbedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.name, **kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "NewsRagSentenceTransformer"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.encode_query(query).tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.encode([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.encode(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)
