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

from rag.index.catalog import Catalog, text_hash
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


@dataclass
class Embedded:
    """An article of a batch with its vectors, computed before any lock is taken."""

    pending: Pending
    vectors: np.ndarray  # one per chunk
    sentences: list[tuple[int, int, bytes]]  # the reader's sentences: (start, end, vector)


def embed_batch(
    batch: list[Pending], embedder: TextEmbedder, report: IngestReport
) -> list[Embedded]:
    """Embed a batch of articles' chunks and sentences together (outside the write lease)."""
    texts = [c.text for p in batch for c in p.chunks]
    # The reader's candidate sentences are embedded now, with the chunks, so that ask
    # embeds only the question (rag.index.sentences).
    sentences = [article_sentences(p.chunks) for p in batch]
    began = time.perf_counter()
    vectors = embedder.encode(texts + [t for ss in sentences for _, _, t in ss])
    add_time(report, "embed", began)
    out, at = [], 0
    for p in batch:
        out.append(Embedded(p, vectors[at : at + len(p.chunks)], []))
        at += len(p.chunks)
    for e, ss in zip(out, sentences, strict=True):
        rows = vectors[at : at + len(ss)]
        e.sentences = [(a, b, pack(v)) for (a, b, _), v in zip(ss, rows, strict=True)]
        at += len(ss)
    return out


def commit_batch(
    batch: list[Embedded], catalog: Catalog, store: VectorStore, report: IngestReport
) -> list[CommitItem]:
    """Write a batch's vectors, then commit each article to the catalog.

    Returns:
        What was committed of each article (for a server home's records).
    """
    began = time.perf_counter()
    nodes: list[TextNode] = []
    stale: list[str] = []
    for e in batch:
        p = e.pending
        nodes.extend(
            chunk_node(p.article, c, v.tolist()) for c, v in zip(p.chunks, e.vectors, strict=True)
        )
        if p.updated:
            # The catalog knows the old chunks (the run began by reconciling it with Chroma);
            # a new article has none, so no per-article store lookup is needed.
            new_ids = {c.chunk_id for c in p.chunks}
            stale += [i for i in catalog.chunk_ids(p.article.doc_id) if i not in new_ids]
    # New vectors first, then drop the old: readers never see an article vanish. The
    # catalog commit comes last, so a crash before it makes the next run redo these articles.
    store.upsert(nodes)
    store.delete_ids(stale)
    items = [
        (e.pending.article, e.pending.root, e.pending.chunks,
         [" ".join(terms(e.pending.article.title) + terms(c.text)) for c in e.pending.chunks])
        for e in batch
    ]  # fmt: skip
    catalog.put(
        items,
        {e.pending.article.doc_id: e.pending.story for e in batch},
        {e.pending.article.doc_id: e.sentences for e in batch},
    )
    add_time(report, "write", began)
    report.chunks += len(nodes)
    return [(*item, e.pending.story, e.sentences) for item, e in zip(items, batch, strict=True)]


def drop_committed(
    batch: list[Embedded], hashes: dict[str, str], by_text: dict[str, str], report: IngestReport
) -> tuple[list[Embedded], list[str]]:
    """What another writer committed while this batch was embedded is not written again.

    Args:
        batch: the embedded batch.
        hashes: the catalog's ``doc_id -> content hash`` now.
        by_text: the catalog's ``text hash -> doc_id`` now.
        report: the run's report, whose lists are corrected.

    Returns:
        The articles still to commit, and the doc ids dropped as duplicates of another's.
    """
    kept, twins = [], []
    for e in batch:
        article = e.pending.article
        doc_id, twin = article.doc_id, by_text.get(text_hash(article.text))
        for listed in (report.added, report.updated):
            if doc_id in listed:
                listed.remove(doc_id)
        if hashes.get(doc_id) == article.content_hash:
            report.unchanged.append(doc_id)
        elif twin is not None and twin != doc_id:
            report.duplicates.append((doc_id, twin))
            twins.append(doc_id)
        else:
            e.pending.updated = doc_id in hashes
            (report.updated if e.pending.updated else report.added).append(doc_id)
            kept.append(e)
    return kept, twins


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
