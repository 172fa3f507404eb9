"""Dense recall beside one repetitive document, and collections made before the HNSW settings.

The scenario of benchmarks/bench_hnsw.py: 471 chunks with one identical vector (a block pasted
again and again) stored before other articles' chunks. With Chroma's default HNSW parameters
(M 16, ef_construction 100, ef_search 100) many of those chunks no longer came back for their
own vector; the store's parameters (rag/index/vectorstore.py `HNSW_CONFIGURATION`) find every one.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from rag.index.chunking import chunk_text
from rag.index.embeddings import Embedder
from rag.index.vectorstore import (
    HNSW_EF_CONSTRUCTION,
    HNSW_EF_SEARCH,
    HNSW_MAX_NEIGHBORS,
    VectorStore,
)

DIM = 384
MISSES_ALLOWED = 3  # of ~270 chunks: see test_repetitive_document_does_not_hide_other_vectors
PARAGRAPH = (
    "Minutes of the county water board: the board met again on Tuesday to review the annual "
    "budget for the water district, members said the figures were unchanged from the previous "
    "session and asked staff to publish the minutes, and no vote was taken."
)


def _store_with(tmp_path, ordinary: np.ndarray, duplicate: np.ndarray) -> VectorStore:
    """A real embedded store: 471 copies of ``duplicate`` first, then the ordinary vectors."""
    store = VectorStore(tmp_path, None, "articles")
    batches = [
        ([f"rep-{i}" for i in range(471)], [duplicate.tolist()] * 471, "repetitive"),
        (
            [f"doc-{i}" for i in range(len(ordinary))],
            ordinary.tolist(),
            None,
        ),
    ]
    for ids, vectors, doc in batches:
        store.collection.upsert(
            ids=ids,
            embeddings=vectors,
            metadatas=[{"doc_id": doc or f"article-{i // 13}"} for i in range(len(ids))],
        )
    return store


def _recall_at_1(store: VectorStore, ordinary: np.ndarray) -> int:
    return sum(
        [hit for hit, _ in store.query(vector.tolist(), 1)] == [f"doc-{i}"]
        for i, vector in enumerate(ordinary)
    )


def test_repetitive_document_does_not_hide_other_vectors(tmp_path):
    # Cheap stand-ins for sentence embeddings: 21 "articles" of 13 chunks, each a cluster around
    # its own direction, all sharing a common component as real embeddings do.
    rng = np.random.default_rng(7)
    common = rng.normal(size=DIM)
    centres = rng.normal(size=(21, DIM))
    ordinary = 0.6 * common + centres.repeat(13, axis=0) + 0.8 * rng.normal(size=(273, DIM))
    ordinary /= np.linalg.norm(ordinary, axis=1, keepdims=True)
    duplicate = common + rng.normal(size=DIM)
    duplicate /= np.linalg.norm(duplicate)

    store = _store_with(tmp_path, ordinary, duplicate)
    # HNSW is approximate and Chroma builds it on several threads: with these settings 8 builds
    # found 271-273 of 273 (most all 273); Chroma's defaults found 5-233. A bound between the
    # two keeps the test both stable and able to fail.
    assert _recall_at_1(store, ordinary) >= len(ordinary) - MISSES_ALLOWED


@pytest.mark.real_model
def test_repetitive_document_with_the_real_embedder(tmp_path, newspaper):
    """The benchmark's scenario: 20 newspaper articles' chunks and one pasted paragraph."""
    chunks, articles = [], 0
    for path in sorted((newspaper / "text").glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if len(text) > 1500 and sum(c.isascii() for c in text) > 0.97 * len(text):
            chunks.extend(chunk_text(path.name, text))
            articles += 1
        if articles == 20:
            break
    embedder = Embedder("bundled", 64, "onnx-int8", Path(os.environ["RAG_MODEL_CACHE"]))
    vectors = embedder.encode([c.text for c in chunks] + [PARAGRAPH])
    store = _store_with(tmp_path, vectors[:-1], vectors[-1])
    assert _recall_at_1(store, vectors[:-1]) >= len(chunks) - MISSES_ALLOWED


def test_collection_made_with_old_defaults_still_opens_and_answers(tmp_path, caplog):
    # What `VectorStore` created before the HNSW settings: cosine space, Chroma's defaults.
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    old = client.get_or_create_collection("articles", metadata={"hnsw:space": "cosine"})
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(50, DIM))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    old.add(
        ids=[f"c{i}" for i in range(50)],
        embeddings=vectors.tolist(),
        metadatas=[{"doc_id": f"d{i % 5}"} for i in range(50)],
    )
    built = old.configuration["hnsw"]
    assert (built["max_neighbors"], built["ef_search"]) == (16, 100)
    del old, client

    with caplog.at_level(logging.INFO, logger="rag.index.vectorstore"):
        store = VectorStore(tmp_path, None, "articles")
    assert store.count() == 50
    hits = store.query(vectors[7].tolist(), 3)
    assert hits[0][0] == "c7" and hits[0][1] == pytest.approx(1.0, abs=1e-4)
    assert [h for h, _ in store.query(vectors[7].tolist(), 2, ["d2"])][0] == "c7"
    # ef_search is raised in place; the graph keeps the M it was built with, and says so.
    hnsw = store.collection.configuration["hnsw"]
    assert (hnsw["ef_search"], hnsw["max_neighbors"]) == (HNSW_EF_SEARCH, 16)
    assert "keeps the HNSW build parameters" in caplog.text

    # Reopened: the raised ef_search was persisted, and nothing is modified again.
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="rag.index.vectorstore"):
        again = VectorStore(tmp_path, None, "articles")
    assert again.collection.configuration["hnsw"]["ef_search"] == HNSW_EF_SEARCH
    assert "raised ef_search" not in caplog.text
    assert again.query(vectors[7].tolist(), 1)[0][0] == "c7"


def test_new_collection_gets_the_hnsw_settings(tmp_path):
    hnsw = VectorStore(tmp_path, None, "articles").collection.configuration["hnsw"]
    assert hnsw["space"] == "cosine"
    assert (hnsw["max_neighbors"], hnsw["ef_construction"], hnsw["ef_search"]) == (
        HNSW_MAX_NEIGHBORS,
        HNSW_EF_CONSTRUCTION,
        HNSW_EF_SEARCH,
    )
