"""Chroma vector store (embedded or server) behind llama-index's ChromaVectorStore."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from llama_index.core.schema import MetadataMode, NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores.types import (
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
    VectorStoreQuery,
)
from llama_index.core.vector_stores.utils import node_to_metadata_dict
from llama_index.vector_stores.chroma import ChromaVectorStore

from rag.errors import StoreError
from rag.records import Article, Chunk


@contextmanager
def _store_errors(what: str) -> Iterator[None]:
    """Turn Chroma/network failures into `StoreError` with a message a user can act on."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:  # chromadb and httpx raise many unrelated types
        raise StoreError(f"vector store error while {what}: {exc}") from None


def open_client(data_dir: Path, chroma_url: str | None) -> Any:
    """An embedded PersistentClient under ``data_dir/chroma``, or an HttpClient for a URL."""
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        with _store_errors(f"connecting to {chroma_url}"):
            return chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=settings,
            )
    path = data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    with _store_errors(f"opening {path}"):
        return chromadb.PersistentClient(path=str(path), settings=settings)


def chunk_node(article: Article, chunk: Chunk, embedding: list[float]) -> TextNode:
    """A llama-index node carrying the chunk's offsets and article metadata."""
    meta: dict[str, Any] = {
        "doc_id": article.doc_id,
        "source": article.url or article.source,
        "title": article.title,
        "start": chunk.start,
        "end": chunk.end,
    }
    if article.date:
        meta["date"] = article.date
        # Chroma compares only numbers, so date ranges filter on YYYYMMDD.
        meta["date_num"] = int(article.date.replace("-", ""))
    if article.url:
        meta["url"] = article.url
    node = TextNode(
        id_=chunk.chunk_id,
        text=chunk.text,
        metadata=meta,
        embedding=embedding,
        start_char_idx=chunk.start,
        end_char_idx=chunk.end,
    )
    node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=article.doc_id)
    return node


class VectorStore:
    """The `articles` collection (cosine space) wrapped for the ingest and retrieve stages."""

    def __init__(self, data_dir: Path, chroma_url: str | None, collection: str) -> None:
        self.client = open_client(data_dir, chroma_url)
        self.where = chroma_url or str(data_dir / "chroma")
        with _store_errors(f"opening collection {collection!r} at {self.where}"):
            self.collection = self.client.get_or_create_collection(
                collection, metadata={"hnsw:space": "cosine"}
            )
        self.llama = ChromaVectorStore(chroma_collection=self.collection)

    def count(self) -> int:
        with _store_errors(f"counting vectors at {self.where}"):
            return int(self.collection.count())

    def all_ids(self) -> set[str]:
        with _store_errors(f"listing vectors at {self.where}"):
            return set(self.collection.get(include=[])["ids"])

    def ids_of(self, doc_id: str) -> list[str]:
        with _store_errors(f"listing vectors at {self.where}"):
            return list(self.collection.get(where={"doc_id": doc_id}, include=[])["ids"])

    def upsert(self, nodes: list[TextNode]) -> None:
        """Write nodes with llama-index's metadata layout, so VectorStoreIndex can read them."""
        with _store_errors(f"writing to {self.where}"):
            # upsert, not add: a re-run after a crash may rewrite ids that already exist.
            for i in range(0, len(nodes), 1000):
                batch = nodes[i : i + 1000]
                self.collection.upsert(
                    ids=[n.node_id for n in batch],
                    embeddings=[n.get_embedding() for n in batch],
                    metadatas=[
                        node_to_metadata_dict(n, remove_text=True, flat_metadata=True)
                        for n in batch
                    ],
                    documents=[n.get_content(metadata_mode=MetadataMode.NONE) for n in batch],
                )

    def delete_ids(self, ids: list[str]) -> None:
        if ids:
            with _store_errors(f"deleting from {self.where}"):
                for i in range(0, len(ids), 1000):
                    self.collection.delete(ids=ids[i : i + 1000])

    def delete_doc(self, doc_id: str) -> None:
        with _store_errors(f"deleting from {self.where}"):
            self.collection.delete(where={"doc_id": doc_id})

    def query(
        self, embedding: list[float], k: int, doc_ids: list[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``k`` ``(chunk_id, cosine similarity)`` pairs, optionally within ``doc_ids``."""
        filters = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            filters = MetadataFilters(
                filters=[MetadataFilter(key="doc_id", value=doc_ids, operator=FilterOperator.IN)]
            )
        query = VectorStoreQuery(query_embedding=embedding, similarity_top_k=k, filters=filters)
        with _store_errors(f"querying {self.where}"):
            result = self.llama.query(query)
        # ChromaVectorStore reports exp(-distance); cosine distance is 1 - cosine similarity.
        sims = [1.0 + math.log(max(s, 1e-12)) for s in (result.similarities or [])]
        return list(zip(result.ids or [], sims, strict=False))
