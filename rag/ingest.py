"""Ingest stage: files -> articles -> chunks -> embeddings -> Chroma + catalog + BM25.

Incremental and crash-safe: an article is committed to the catalog only after its vectors are
written, and every run first reconciles Chroma with the catalog, so re-running after a crash
converges to the store a clean ingest builds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout
from llama_index.core.schema import TextNode

from rag.catalog import Catalog
from rag.chunking import chunk_text
from rag.embeddings import Embedder
from rag.errors import IngestLockedError
from rag.lexical import LexicalIndex
from rag.loaders import iter_files, load_file
from rag.records import Article, Chunk, IngestReport
from rag.scan import read_ahead
from rag.store import VectorStore, chunk_node
from rag.terms import terms

Progress = Callable[[int, int, str], None]  # (files done, files total, current path)
_EMBED_BATCH_CHUNKS = 256  # chunks embedded together across articles, for throughput


@dataclass
class _Pending:
    article: Article
    root: str
    chunks: list[Chunk]
    updated: bool


def _reconcile(catalog: Catalog, store: VectorStore) -> None:
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


def _write(
    batch: list[_Pending],
    catalog: Catalog,
    store: VectorStore,
    embedder: Embedder,
    report: IngestReport,
) -> None:
    """Embed a batch of articles' chunks, write vectors, then commit each article."""
    texts = [c.text for p in batch for c in p.chunks]
    began = time.perf_counter()
    vectors = embedder.encode(texts)
    _add_time(report, "embed", began)
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
    # New vectors first, then drop the old: readers never see an article vanish. The
    # catalog commit comes last, so a crash before it makes the next run redo these articles.
    store.upsert(nodes)
    store.delete_ids(stale)
    catalog.put(
        [
            (p.article, p.root, p.chunks,
             [" ".join(terms(p.article.title) + terms(c.text)) for c in p.chunks])
            for p in batch
        ]
    )  # fmt: skip
    _add_time(report, "write", began)
    report.chunks += len(texts)


def index_signature(identity: str, chunk_chars: int, chunk_overlap: int) -> str:
    """What the stored vectors and chunks depend on; a change re-chunks and re-embeds."""
    return f"{identity}|{chunk_chars}|{chunk_overlap}"


def indexed_identity(catalog: Catalog) -> str | None:
    """The `Embedder.identity` (``<model>:<backend>``) an index was built with, if any."""
    signature = catalog.get_meta("signature")
    return signature.rsplit("|", 2)[0] if signature and not catalog.is_empty() else None


def _add_time(report: IngestReport, stage: str, began: float) -> None:
    report.stage_seconds[stage] = report.stage_seconds.get(stage, 0.0) + (
        time.perf_counter() - began
    )


def ingest(
    paths: list[Path],
    *,
    catalog: Catalog,
    store: VectorStore,
    lexical: LexicalIndex,
    embedder: Embedder,
    lock_path: Path,
    max_bytes: int,
    chunk_chars: int,
    chunk_overlap: int,
    keep_missing: bool = False,
    lock_timeout: float = 10.0,
    progress: Progress | None = None,
) -> IngestReport:
    """Bring the index in line with the files under ``paths``.

    Args:
        paths: files and folders; articles gone from a folder are removed from the index.
        catalog, store, lexical, embedder: the pipeline's components.
        lock_path: file lock that keeps two ingests from writing at once.
        max_bytes: per-file size limit.
        chunk_chars, chunk_overlap: chunking settings.
        keep_missing: keep articles whose files disappeared from an ingested folder.
        lock_timeout: seconds to wait for another ingest before giving up.
        progress: called after each file with (done, total, path).

    Returns:
        What was added, updated, unchanged, removed, failed, and how many chunks were written.

    Raises:
        IngestLockedError: another ingest kept the lock for ``lock_timeout`` seconds.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=lock_timeout)
    except Timeout:
        raise IngestLockedError(
            f"another ingest is writing to this data directory (lock {lock_path}); "
            "try again when it has finished"
        ) from None
    try:
        return _ingest_locked(
            paths, catalog, store, lexical, embedder, max_bytes, chunk_chars, chunk_overlap,
            keep_missing, progress, index_signature(embedder.identity, chunk_chars, chunk_overlap),
        )  # fmt: skip
    finally:
        lock.release()


def _ingest_locked(
    paths: list[Path],
    catalog: Catalog,
    store: VectorStore,
    lexical: LexicalIndex,
    embedder: Embedder,
    max_bytes: int,
    chunk_chars: int,
    chunk_overlap: int,
    keep_missing: bool,
    progress: Progress | None,
    signature: str,
) -> IngestReport:
    run_began = time.perf_counter()
    report = IngestReport()
    if catalog.get_meta("signature") not in (None, signature):
        # Another model or chunking: every article must be re-chunked and re-embedded.
        catalog.mark_all_stale()
    catalog.set_meta("signature", signature)
    _reconcile(catalog, store)
    hashes = catalog.hashes()
    by_hash = {h: d for d, h in hashes.items()}
    known = catalog.file_digests()
    roots: dict[str, set[str]] = {}  # folder -> doc ids seen under it (for removals)
    files: list[tuple[Path, Path]] = []
    for path in paths:
        if not path.exists() and not path.is_symlink():
            report.failed.append((str(path), "no such file or directory"))
            continue
        if path.is_dir():
            roots[str(path.resolve())] = set()
        files.extend(iter_files([path]))

    pending: list[_Pending] = []
    seen: set[str] = set()
    digests: dict[str, tuple[str, str]] = {}  # doc_id -> (file, digest) of clean files
    root_keys: dict[Path, str] = {}
    for done, r in enumerate(read_ahead(files, max_bytes, known), 1):
        if r.root not in root_keys:
            root_keys[r.root] = str(r.root.resolve())
        root_key = root_keys[r.root]
        present = roots.get(root_key, set())
        present.add(r.doc_id)
        report.stage_seconds["load"] = report.stage_seconds.get("load", 0.0) + r.seconds
        if r.error is not None:
            report.failed.append((str(r.file), r.error))
        elif r.unchanged and all(hashes.get(d) for d in r.unchanged):
            present.update(r.unchanged)
            seen.update(r.unchanged)
            report.unchanged.extend(r.unchanged)
            if r.restamped and r.digest:
                digests.update((d, (r.key, r.digest)) for d in r.unchanged)
        else:
            loaded = r.loaded or load_file(r.file, r.doc_id, max_bytes)
            report.failed.extend(loaded.failed)
            for article in loaded.articles:
                present.add(article.doc_id)
                _classify(article, root_key, hashes, by_hash, seen, report, pending, chunk_chars,
                          chunk_overlap)  # fmt: skip
                if not loaded.failed and r.digest:
                    digests[article.doc_id] = (r.key, r.digest)
        if sum(len(p.chunks) for p in pending) >= _EMBED_BATCH_CHUNKS:
            _write(pending, catalog, store, embedder, report)
            pending = []
        if progress:
            progress(done, len(files), str(r.file))
    if pending:
        _write(pending, catalog, store, embedder, report)
    # Only now are these articles committed, so their files may be skipped next time.
    catalog.set_file_digests({d: v for d, v in digests.items() if catalog.document(d)})

    if not keep_missing:
        for root_key, present in roots.items():
            for doc_id in catalog.doc_ids_under(root_key):
                if doc_id not in present:
                    store.delete_doc(doc_id)
                    catalog.remove(doc_id)
                    report.removed.append(doc_id)
    began = time.perf_counter()
    lexical.refresh()
    _add_time(report, "bm25", began)
    report.seconds = time.perf_counter() - run_began
    return report


def _classify(
    article: Article,
    root_key: str,
    hashes: dict[str, str],
    by_hash: dict[str, str],
    seen: set[str],
    report: IngestReport,
    pending: list[_Pending],
    chunk_chars: int,
    chunk_overlap: int,
) -> None:
    """Decide whether an article is unchanged, a duplicate, new or changed."""
    doc_id, content_hash = article.doc_id, article.content_hash
    if doc_id in seen:
        report.failed.append((article.source, f"doc_id {doc_id!r} was already read in this run"))
        return
    seen.add(doc_id)
    if hashes.get(doc_id) == content_hash:
        report.unchanged.append(doc_id)
        return
    twin = by_hash.get(content_hash)
    if twin is not None and twin != doc_id:
        # Same text under another name: indexing it twice would only duplicate hits.
        report.duplicates.append((doc_id, twin))
        return
    by_hash[content_hash] = doc_id
    chunks = chunk_text(doc_id, article.text, chunk_chars, chunk_overlap)
    updated = doc_id in hashes
    (report.updated if updated else report.added).append(doc_id)
    pending.append(_Pending(article, root_key, chunks, updated))
