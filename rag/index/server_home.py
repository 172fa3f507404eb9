"""The server home of an `Index`: what is durable lives in the Chroma server.

With ``RAG_CHROMA_URL`` every replica and worker shares one Chroma server. Besides the chunk
vectors, it holds three record collections (a Chroma collection holds documents and metadata
too; their one-dimensional "vectors" are a constant placeholder, never searched):

- ``<name>-articles``: one record per article, the commit point: its text, metadata, chunks
  with their BM25 terms, story and signature, and sentence vectors;
- ``<name>-log``: one entry per change (``gen``, ``doc_id``, ``op``), numbered by the writer;
- ``<name>-meta``: the writers' lease and the generation counter.

A replica's data dir holds only caches it can rebuild: its SQLite catalog follows the log
(`ServerHome.catch_up`; a cold replica reads every article record), and BM25 follows the
catalog. Writers take the lease (a record with an owner and an expiry, renewed while they
write) instead of a local file lock. A worker that dies between writing an article's vectors
and its record leaves vectors no record names: the next writer's reconcile deletes them, so a
re-run converges to a clean ingest.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from chromadb import Schema
from chromadb.api.types import StringInvertedIndexConfig

from rag.index.catalog import Catalog
from rag.index.commit import CommitItem
from rag.index.lease import Lease
from rag.index.stories import SIGNATURE_KIND
from rag.index.vectorstore import VectorStore
from rag.records import Article, Chunk

logger = logging.getLogger(__name__)

_PLACEHOLDER = [1.0]  # records are not searched: every one gets the same 1-d "vector"
_PAGE = 500  # records read per request
# A record's document is kept in this metadata key, not as Chroma's document: a Chroma 1.5
# server wrote article records as documents at 52/s and as metadata at 809/s (40 KB records,
# 2 cores; documents go through its full-text index), which made them half of a worker's
# write time. The key's string index is off: records are read by id, never filtered on.
_BODY = "record"
_SCHEMA = Schema().delete_index(config=StringInvertedIndexConfig(), key=_BODY)


class Records:
    """A Chroma collection of JSON records, through the vector store's connection."""

    def __init__(self, store: VectorStore, name: str) -> None:
        self.store, self.name = store, name
        self._client: Any = None
        self._collection: Any = None

    def _coll(self) -> Any:
        client = self.store.client  # a new client after a reconnect: fetch the collection again
        if self._client is not client:
            self._collection = client.get_or_create_collection(self.name, schema=_SCHEMA)
            self._client = client
        return self._collection

    def put(self, items: dict[str, tuple[str, dict[str, Any]]]) -> None:
        """Upsert ``id -> (document, metadata)``."""
        if not items:
            return
        ids = list(items)
        metadatas = [{**m, _BODY: d} if d else m for d, m in (items[i] for i in ids)]
        self.store.call(f"writing {self.name} at", lambda: self._coll().upsert(
            ids=ids, embeddings=[_PLACEHOLDER] * len(ids), metadatas=metadatas))  # fmt: skip

    def get(self, ids: Iterable[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """The records of these ids that exist."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        got = self.store.call(f"reading {self.name} at", lambda: self._coll().get(
            ids=wanted, include=["documents", "metadatas"]))  # fmt: skip
        return {i: _body(d, m) for i, d, m in
                zip(got["ids"], got["documents"], got["metadatas"], strict=True)}  # fmt: skip

    def scan(self, where: dict[str, Any] | None = None) -> Iterator[tuple[str, str, dict]]:
        """Every record (matching ``where``), a page at a time."""
        offset = 0
        while True:
            got = self._page(where, offset)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                yield i, *_body(d, m)
            if len(got["ids"]) < _PAGE:
                return
            offset += _PAGE

    def _page(self, where: dict[str, Any] | None, offset: int) -> Any:
        include = ["documents", "metadatas"]
        return self.store.call(f"reading {self.name} at", lambda: self._coll().get(
            where=where, limit=_PAGE, offset=offset, include=include))  # fmt: skip

    def delete(self, ids: list[str]) -> None:
        if ids:
            self.store.call(f"deleting from {self.name} at",
                            lambda: self._coll().delete(ids=ids))  # fmt: skip


def _body(document: str | None, metadata: Any) -> tuple[str, dict[str, Any]]:
    """A record's ``(document, metadata)``; servers written before `_BODY` hold documents."""
    meta = dict(metadata or {})
    return str(meta.pop(_BODY, None) or document or ""), meta


def article_record(
    article: Article, root: str, chunks: list[Chunk], terms: list[str],
    story: tuple[str, bytes] | None, sentences: list[tuple[int, int, bytes]],
) -> str:  # fmt: skip
    """An article with everything the catalog keeps of it, as one JSON document."""
    b64 = base64.b64encode
    return json.dumps({
        "article": asdict(article), "root": root,
        "chunks": [[c.chunk_id, c.start, c.end, t] for c, t in zip(chunks, terms, strict=True)],
        "story": [story[0], b64(story[1]).decode(), SIGNATURE_KIND] if story else None,
        "sentences": [[a, b, b64(v).decode()] for a, b, v in sentences],
    }, ensure_ascii=False)  # fmt: skip


def _from_record(document: str) -> tuple[Any, ...]:
    """``(article, root, chunks, terms, story, sentences)`` of an `article_record`."""
    d = json.loads(document)
    article = Article(**d["article"])
    chunks = [Chunk(cid, article.doc_id, article.text[a:b], a, b) for cid, a, b, _ in d["chunks"]]
    terms = [t for *_, t in d["chunks"]]
    # A story signed another way can't be compared with this code's: the article is placed
    # again. Records without the kind were all signed this way (the server home came after
    # the last change of `SIGNATURE_KIND`).
    kind = d["story"][2] if d["story"] and len(d["story"]) > 2 else SIGNATURE_KIND
    story = ((d["story"][0], base64.b64decode(d["story"][1]))
             if d["story"] and kind == SIGNATURE_KIND else None)  # fmt: skip
    sentences = [(a, b, base64.b64decode(v)) for a, b, v in d["sentences"]]
    return article, d["root"], chunks, terms, story, sentences


class ServerHome:
    """The records, change log and lease of one index in a Chroma server.

    Args:
        store: the index's vector store (a server connection).
        prefix: the collection name the record collections are named after.
    """

    def __init__(self, store: VectorStore, prefix: str) -> None:
        self.store, self.prefix = store, prefix
        self.articles = self.collection("articles")
        self.log = self.collection("log")
        self.meta = self.collection("meta")
        self.owner = f"{uuid.uuid4().hex[:12]}"
        self._leases: dict[str, Lease] = {}
        self._hold = threading.Lock()

    def collection(self, suffix: str) -> Records:
        """The record collection ``<prefix>-<suffix>`` (e.g. the feeds' ``sources``)."""
        return Records(self.store, f"{self.prefix}-{suffix}")

    def lease(self, timeout: float, name: str = "lease") -> contextlib.AbstractContextManager[None]:
        """Hold a lease (the writers' by default; ``sync`` for feed syncs), re-entrant within
        this process; `IngestLockedError` after ``timeout`` seconds."""
        with self._hold:
            lease = self._leases.setdefault(name, Lease(self.meta, name, self.owner))
        return lease.held(timeout)

    # --- publishing and following changes ---------------------------------------------------

    def commit(self, items: list[CommitItem], removed: list[str]) -> int:
        """Publish what a write committed locally (`IngestRun`'s ``publish`` hook)."""
        records = {
            article.doc_id: article_record(article, root, chunks, terms, story, sentences)
            for article, root, chunks, terms, story, sentences in items
        }
        return self.publish(records, removed)

    def remember_deleted(self, text_hash: str, doc_id: str) -> None:
        """Keep a user's deletion where every replica and worker sees it."""
        self.meta.put({f"deleted:{text_hash}": ("", {"kind": "deleted", "doc_id": doc_id})})

    def generation(self) -> int:
        return int(self.meta.get(["generation"]).get("generation", ("", {}))[1].get("gen", 0))

    def publish(self, records: dict[str, str], removed: list[str]) -> int:
        """Commit articles (``doc_id -> article_record``) and removals; holds the lease.

        The article records are written first (an article is visible once its record is),
        then the log entries that tell the replicas, then the generation counter.
        """
        self.articles.put({d: (doc, {"doc_id": d}) for d, doc in records.items()})
        self.articles.delete(removed)
        gen = self.generation()
        entries = {}
        for doc_id, op in [*((d, "put") for d in records), *((d, "remove") for d in removed)]:
            gen += 1
            entries[f"{gen:012d}"] = ("", {"gen": gen, "doc_id": doc_id, "op": op})
        self.log.put(entries)
        self.meta.put({"generation": ("", {"gen": gen})})
        return gen

    def catch_up(self, catalog: Catalog) -> int:
        """Apply the changes the catalog has not seen; returns how many articles changed.

        A catalog that has seen nothing (a cold replica) reads every article record instead of
        replaying the whole log.
        """
        seen = int(catalog.get_meta("server_gen") or 0)
        latest = self.generation()
        if latest <= seen:
            return 0
        for key, _, meta in self.meta.scan({"kind": "deleted"}):
            catalog.memory.remember(key.removeprefix("deleted:"), str(meta.get("doc_id")))
        if seen == 0:
            return self._rebuild(catalog, latest)
        entries = sorted((m["gen"], m["doc_id"], m["op"]) for _, _, m in
                         self.log.scan({"gen": {"$gt": seen}}))  # fmt: skip
        final: dict[str, str] = {}
        for _, doc_id, op in entries:
            final[doc_id] = op
        self._apply(catalog, [d for d, op in final.items() if op == "put"],
                    [d for d, op in final.items() if op == "remove"])  # fmt: skip
        catalog.set_meta("server_gen", str(max(latest, *(g for g, _, _ in entries))))
        return len(final)

    def _rebuild(self, catalog: Catalog, latest: int) -> int:
        started, done = time.monotonic(), 0
        batch: list[str] = []
        local = set(catalog.hashes())
        remote = set()
        for doc_id, document, _ in self.articles.scan():
            remote.add(doc_id)
            batch.append(document)
            if len(batch) >= 200:
                done += self._put(catalog, batch)
                batch = []
                logger.info("replica cache: %d articles read from the server", done)
        done += self._put(catalog, batch)
        catalog.remove_many(sorted(local - remote))
        catalog.set_meta("server_gen", str(latest))
        logger.info("replica cache built: %d articles in %.1f s", done,
                    time.monotonic() - started)  # fmt: skip
        return done

    def _apply(self, catalog: Catalog, put: list[str], remove: list[str]) -> None:
        records = self.articles.get(put)
        self._put(catalog, [doc for doc, _ in records.values()])
        gone = [d for d in put if d not in records] + remove
        if gone:
            catalog.remove_many(gone)

    @staticmethod
    def _put(catalog: Catalog, documents: list[str]) -> int:
        if not documents:
            return 0
        parsed = [_from_record(doc) for doc in documents]
        catalog.put(
            [(a, root, chunks, terms) for a, root, chunks, terms, _, _ in parsed],
            {a.doc_id: story for a, _, _, _, story, _ in parsed if story},
            {a.doc_id: sentences for a, *_, sentences in parsed},
        )
        if catalog.get_meta("stories") is None:
            # The stories come signed as this code signs them: without the mark, a cold
            # worker's story index took them for another shingling and signed every article
            # again (280k articles at 1M chunks: minutes of its first ingest).
            catalog.set_meta("stories", SIGNATURE_KIND)
        return len(parsed)
