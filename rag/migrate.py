"""Move a local data dir into a Chroma server (`rag migrate --to URL`): its server home.

The chunk vectors are copied as they are (nothing is embedded again), then every article's
record is published as a write would (text, metadata, chunks with BM25 terms, story, sentence
vectors), then the feeds and pages and the users' deletions. A migration that stops half way
can be run again: every step is an upsert.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rag.index.commit import CommitItem
from rag.index.index import Index
from rag.index.vectorstore import VectorStore
from rag.records import Article, Chunk

logger = logging.getLogger(__name__)
_BATCH = 200  # articles per step: a few MB of records and vectors


@dataclass
class Migrated:
    """What a migration moved."""

    articles: int = 0
    vectors: int = 0
    feeds: int = 0
    pages: int = 0


def migrate(
    local: Index, server: Index, progress: Callable[[int, int], None] | None = None
) -> Migrated:
    """Copy ``local`` (an embedded home) into ``server`` (an index with ``chroma_url``).

    Args:
        local: the index of the data dir to move.
        server: an index of the target server (its data dir becomes its cache).
        progress: called with ``(articles done, articles in all)``.

    Returns:
        Counts of what was moved.
    """
    home = server.home
    assert home is not None, "the target index needs a Chroma server (chroma_url)"
    done = Migrated()
    catalog = local.catalog
    docs = [d["doc_id"] for d in catalog.documents()]
    with server.write_lock():
        for i in range(0, len(docs), _BATCH):
            batch = docs[i : i + _BATCH]
            ids = [c for d in batch for c in catalog.chunk_ids(d)]
            done.vectors += _copy_vectors(local.store, server.store, ids)
            home.commit([_item(local, d) for d in batch], [])
            done.articles += len(batch)
            if progress:
                progress(done.articles, len(docs))
        for text_hash, doc_id in catalog.memory.deleted_pairs():
            home.remember_deleted(text_hash, doc_id)
    done.feeds, done.pages = _move_sources(local, server)
    server.catalog.set_meta("signature", catalog.get_meta("signature") or "")
    home.catch_up(server.catalog)
    logger.info("migrated %d articles, %d vectors", done.articles, done.vectors)
    return done


def _copy_vectors(source: VectorStore, target: VectorStore, ids: list[str]) -> int:
    """Copy these chunks' vectors, metadata and texts as they are; returns how many."""

    def read() -> Any:
        include = ["embeddings", "metadatas", "documents"]
        return source.collection.get(ids=ids, include=include)

    got = source.call("reading vectors from", read)

    def write() -> None:
        target.collection.upsert(
            ids=got["ids"],
            embeddings=got["embeddings"],
            metadatas=got["metadatas"],
            documents=got["documents"],
        )

    if got["ids"]:
        target.call("writing vectors to", write)
    return len(got["ids"])


def _item(local: Index, doc_id: str) -> CommitItem:
    """An article as a write commits it (see `rag.index.commit.CommitItem`)."""
    catalog = local.catalog
    doc = catalog.document(doc_id)
    assert doc is not None
    fields = {k: doc[k] for k in Article.__dataclass_fields__ if k in doc}
    article = Article(**{**fields, "doc_id": doc_id, "text": doc["text"]})
    rows = catalog.chunk_texts(doc_id)
    terms = {cid: t for cid, _, t, _ in catalog.chunk_table.terms([cid for cid, *_ in rows])}
    chunks = [Chunk(cid, doc_id, text, start, end) for cid, text, start, end in rows]
    story = catalog.stories.story_of(doc_id)
    sentences = catalog.sentences.of(doc_id)
    return article, doc["root"], chunks, [terms[c.chunk_id] for c in chunks], story, sentences


def _move_sources(local: Index, server: Index) -> tuple[int, int]:
    from rag.sources.server_store import ServerSourceStore
    from rag.sources.store import SourceStore

    if not local.layout.sources.exists():
        return 0, 0
    source = SourceStore(local.layout.sources)
    assert server.home is not None
    target = ServerSourceStore(server.home)
    feeds = source.feeds()
    for feed in feeds:
        target.put_feed(feed)
    pages = list(source.pages(source.page_urls()).values())
    target.put_pages(pages)
    return len(feeds), len(pages)
