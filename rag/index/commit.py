"""The steps of a write that touch the stores: reconcile, embed and commit, backfill.

An article is committed to the catalog only after its vectors are written, so a crash between
the two makes the next run redo it; `reconcile` at the start of every run deletes vectors the
catalog does not know and marks articles whose vectors are missing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from llama_index.core.schema import TextNode

from rag.index.catalog import Catalog
from rag.index.embeddings import TextEmbedder
from rag.index.sentences import article_sentences, pack
from rag.index.vectorstore import VectorStore, chunk_node
from rag.records import Article, Chunk, IngestReport
from rag.text.terms import terms

# (article, root, chunks, BM25 terms per chunk, story, sentence vectors) as committed.
CommitItem = tuple[
    Article, str, list[Chunk], list[str], tuple[str, bytes] | None, list[tuple[int, int, bytes]]
]


@dataclass
class Pending:
    """An article read and chunked, waiting for its batch to be embedded and committed."""

    article: Article
    root: str
    chunks: list[Chunk]
    updated: bool
    story: tuple[str, bytes]  # (story id, MinHash signature bytes)


def reconcile(catalog: Catalog, store: VectorStore) -> None:
    """Delete vectors the catalog does not know; mark articles with missing vectors stale."""
    if store.count() == catalog.chunk_count():
        return
    known = set(catalog.chunk_ids())
    stored = store.all_ids()
    store.delete_ids(sorted(stored - known))
    missing = known - stored
    if missing:
        for row in catalog.chunks(missing).values():
            catalog.mark_stale(row["doc_id"])


def write_batch(
    batch: list[Pending],
    catalog: Catalog,
    store: VectorStore,
    embedder: TextEmbedder,
    report: IngestReport,
) -> list[CommitItem]:
    """Embed a batch of articles' chunks, write vectors, then commit each article.

    Returns:
        What was committed of each article (for a server home's records).
    """
    texts = [c.text for p in batch for c in p.chunks]
    # The reader's candidate sentences are embedded now, with the chunks, so that ask
    # embeds only the question (rag.index.sentences).
    sentences = [article_sentences(p.chunks) for p in batch]
    began = time.perf_counter()
    vectors = embedder.encode(texts + [t for ss in sentences for _, _, t in ss])
    add_time(report, "embed", began)
    began = time.perf_counter()
    nodes: list[TextNode] = []
    stale: list[str] = []
    rows = iter(vectors)
    for p in batch:
        nodes.extend(chunk_node(p.article, c, next(rows).tolist()) for c in p.chunks)
        if p.updated:
            # The catalog knows the old chunks (the run began by reconciling it with Chroma);
            # a new article has none, so no per-article store lookup is needed.
            new_ids = {c.chunk_id for c in p.chunks}
            stale += [i for i in catalog.chunk_ids(p.article.doc_id) if i not in new_ids]
    sentence_rows = {
        p.article.doc_id: [(a, b, pack(next(rows))) for a, b, _ in ss]
        for p, ss in zip(batch, sentences, strict=True)
    }
    # New vectors first, then drop the old: readers never see an article vanish. The
    # catalog commit comes last, so a crash before it makes the next run redo these articles.
    store.upsert(nodes)
    store.delete_ids(stale)
    items = [
        (p.article, p.root, p.chunks,
         [" ".join(terms(p.article.title) + terms(c.text)) for c in p.chunks])
        for p in batch
    ]  # fmt: skip
    catalog.put(items, {p.article.doc_id: p.story for p in batch}, sentence_rows)
    add_time(report, "write", began)
    report.chunks += len(texts)
    return [
        (*item, p.story, sentence_rows[p.article.doc_id])
        for item, p in zip(items, batch, strict=True)
    ]


def backfill_sentences(catalog: Catalog, embedder: TextEmbedder) -> None:
    """Sentence vectors for articles indexed before they were stored (an older index)."""
    while doc_ids := catalog.sentences.missing(200):
        rows = {}
        for doc_id in doc_ids:
            chunks = [
                Chunk(cid, doc_id, text, start, end)
                for cid, text, start, end in catalog.chunk_texts(doc_id)
            ]
            ss = article_sentences(chunks)
            vectors = embedder.encode([t for _, _, t in ss]) if ss else np.zeros((0, 0))
            rows[doc_id] = [(a, b, pack(v)) for (a, b, _), v in zip(ss, vectors, strict=True)]
        catalog.sentences.set(rows)
        if not any(rows.values()):
            break  # articles without sentences (no text): nothing more to do


def add_time(report: IngestReport, stage: str, began: float) -> None:
    report.stage_seconds[stage] = report.stage_seconds.get(stage, 0.0) + (
        time.perf_counter() - began
    )
