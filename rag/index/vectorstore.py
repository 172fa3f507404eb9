"""Chroma vector store (embedded or server) behind llama-index's ChromaVectorStore."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

from llama_index.core.schema import MetadataMode, NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores.utils import node_to_metadata_dict
from llama_index.vector_stores.chroma import ChromaVectorStore

from rag.errors import StoreError
from rag.index.chroma_client import (
    open_client,
    redact_url,
    reload_embedded,
    reloads,
    store_errors,
    using_embedded,
)
from rag.records import Article, Chunk

_T = TypeVar("_T")
log = logging.getLogger(__name__)


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
        # Chroma compares only numbers, so date ranges filter on YYYYMMDD. A partial date
        # ("2023-06", "2023") pads the unknown month/day with 00: it sorts before every real
        # day it covers and after the period before it, and is never mistaken for a real day.
        year, month, day = (article.date.split("-") + ["00", "00"])[:3]
        meta["date_num"] = int(year + month + day)
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


# HNSW parameters of the collection (Chroma's defaults: max_neighbors (M) 16, ef_construction
# 100, ef_search 100). With the defaults, one document of 471 identical chunks (a block pasted
# again and again, so identical vectors) cut the graph off from the other articles' chunks.
# Measured with `.venv/bin/python benchmarks/bench_hnsw.py --trials 3 [--order repetitive-last]`
# (20 articles of ../shared/corpora/newspaper/text, 271 chunks, plus that document; recall@1 of
# each article chunk's own vector, min of 3 builds; chromadb 1.5.9, 2 CPU cores):
#   defaults                  recall@1 123/271 and 0/271, insert of 742 vectors 0.5 s, query 0.7 ms
#   M 16, ef_search 1000      192/271 and 233/271 (what an old collection gets from ef_search)
#   M 64, ef_c 400, ef_s 500  271/271 in both orders, insert 2.1-2.3 s, query 0.8 ms
# Insert cost stays far below embedding cost (~25 ms a chunk here). Near-identical chunks (cosine
# 0.93-0.995, `--repeat-kind numbered`) missed nothing even with the defaults; identical ones do,
# and no setting is a guarantee: a group of identical vectors much larger than 2·M can still
# isolate part of the graph, so identical chunks are best collapsed before they are stored.
HNSW_MAX_NEIGHBORS = 64
HNSW_EF_CONSTRUCTION = 400
HNSW_EF_SEARCH = 500
HNSW_CONFIGURATION: dict[str, Any] = {
    "space": "cosine",
    "max_neighbors": HNSW_MAX_NEIGHBORS,
    "ef_construction": HNSW_EF_CONSTRUCTION,
    "ef_search": HNSW_EF_SEARCH,
}


def _raise_search_ef(collection: Any, where: str) -> None:
    """Bring a collection created with older parameters up to `HNSW_EF_SEARCH`.

    ``ef_search`` can change on an existing collection (persisted by Chroma, so once); M and
    ``ef_construction`` are fixed when the graph is built, so an older collection keeps them
    until it is rebuilt (re-ingest into a fresh data dir or collection), which is logged.
    """
    hnsw = (getattr(collection, "configuration", None) or {}).get("hnsw") or {}
    if not hnsw:
        return  # not an HNSW index (e.g. SPANN on Chroma Cloud): nothing to tune here
    if int(hnsw.get("ef_search") or 0) < HNSW_EF_SEARCH:
        try:
            collection.modify(configuration={"hnsw": {"ef_search": HNSW_EF_SEARCH}})
        except Exception as exc:  # an older server, a read-only store: search still works
            log.warning(
                "could not raise ef_search of collection %r at %s to %d: %s",
                collection.name, where, HNSW_EF_SEARCH, exc,
            )  # fmt: skip
        else:
            log.info(
                "raised ef_search of collection %r at %s from %s to %d",
                collection.name, where, hnsw.get("ef_search"), HNSW_EF_SEARCH,
            )  # fmt: skip
    built = (hnsw.get("max_neighbors"), hnsw.get("ef_construction"))
    if built != (HNSW_MAX_NEIGHBORS, HNSW_EF_CONSTRUCTION):
        log.info(
            "collection %r at %s keeps the HNSW build parameters it was created with "
            "(max_neighbors %s, ef_construction %s, not %d and %d): they cannot change after "
            "creation; re-ingest into a new data dir or collection to rebuild with them",
            collection.name, where, *built, HNSW_MAX_NEIGHBORS, HNSW_EF_CONSTRUCTION,
        )  # fmt: skip


class VectorStore:
    """The `articles` collection (cosine space) wrapped for the ingest and retrieve stages.

    In server mode a failed call reconnects and tries again once, so a Chroma server that was
    restarted is used again without recreating the store (or restarting the app).
    """

    def __init__(self, data_dir: Path, chroma_url: str | None, collection: str) -> None:
        self._data_dir, self._url, self._name = data_dir, chroma_url, collection
        self._secret = urlparse(chroma_url).password if chroma_url else None
        self.where = redact_url(chroma_url) if chroma_url else str(data_dir / "chroma")
        self._reconnect_lock = threading.Lock()
        self._stale = False
        self._connect()

    def _reloads(self) -> int:
        return 0 if self._url else reloads(self._data_dir / "chroma")

    def _using(self) -> contextlib.AbstractContextManager[None]:
        # A reload of an embedded store waits for operations in flight (and they for it).
        return contextlib.nullcontext() if self._url else using_embedded(self._data_dir / "chroma")

    def reload(self) -> None:
        """Read an embedded store again from disk (another process wrote to it)."""
        if self._url:
            return  # a server is shared: it sees every writer already
        # The next operation reconnects (the reload count moved). Not under `_reconnect_lock`:
        # an operation in flight may be waiting for it while holding off the reload.
        reload_embedded(self._data_dir / "chroma")

    def _connect(self) -> None:
        reloads_now = self._reloads()
        client = open_client(self._data_dir, self._url)
        with store_errors(f"opening collection {self._name!r} at {self.where}", self._secret):
            # `configuration` is chromadb 1.x's form; the `hnsw:*` metadata keys are its legacy
            # spelling. An existing collection is returned as it is: the argument only applies
            # to a new one.
            collection = client.get_or_create_collection(
                self._name, configuration={"hnsw": dict(HNSW_CONFIGURATION)}
            )
        _raise_search_ef(collection, self.where)
        self.client, self.collection = client, collection
        self.llama = ChromaVectorStore(chroma_collection=collection)
        # Last: an operation that finds the count current uses `collection` without waiting
        # for `_reconnect_lock`, so the new collection must already be in place.
        self._connected_at = reloads_now

    def call(self, what: str, operation: Callable[[], _T]) -> _T:
        """Run one store operation, turning failures into `StoreError`.

        In server mode a failure drops the connection and the operation is tried once more on
        a fresh one: a restarted server (even one whose collection was recreated) is used again
        at once. Every operation here is idempotent (upsert, delete by id, reads), so the retry
        cannot duplicate anything.
        """
        for attempt in (1, 2):
            try:
                with self._using():
                    if self._stale or self._connected_at != self._reloads():
                        with self._reconnect_lock:
                            if self._stale or self._connected_at != self._reloads():
                                self._connect()  # StoreError while the server is still down
                                self._stale = False
                    with store_errors(f"{what} {self.where}", self._secret):
                        return operation()
            except StoreError:
                # Only a server connection can come back; an embedded store's error is final.
                if not self._url or attempt == 2:
                    raise
                self._stale = True
        raise AssertionError("unreachable")  # the loop returns or raises

    def count(self) -> int:
        return self.call("counting vectors at", lambda: int(self.collection.count()))

    def all_ids(self) -> set[str]:
        return self.call("listing vectors at", lambda: set(self.collection.get(include=[])["ids"]))

    def upsert(self, nodes: list[TextNode]) -> None:
        """Write nodes with llama-index's metadata layout, so VectorStoreIndex can read them."""

        def write() -> None:
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

        self.call("writing to", write)

    def delete_ids(self, ids: list[str]) -> None:
        def delete() -> None:
            for i in range(0, len(ids), 1000):
                self.collection.delete(ids=ids[i : i + 1000])

        if ids:
            self.call("deleting from", delete)

    def delete_doc(self, doc_id: str) -> None:
        self.call("deleting from", lambda: self.collection.delete(where={"doc_id": doc_id}))

    def query(
        self, embedding: list[float], k: int, doc_ids: list[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``k`` ``(chunk_id, cosine similarity)`` pairs, optionally within ``doc_ids``."""
        where = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            where = {"doc_id": {"$in": doc_ids}}
        # Ids and distances only: the text and metadata come from the catalog for the few hits
        # that survive fusion, so building llama-index nodes for the whole pool would be waste.
        result = self.call(
            "querying",
            lambda: self.collection.query(
                query_embeddings=[embedding], n_results=k, where=where, include=["distances"]
            ),
        )
        ids, distances = result["ids"][0], (result["distances"] or [[]])[0]
        # Cosine space: distance is 1 - cosine similarity.
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=False)]
