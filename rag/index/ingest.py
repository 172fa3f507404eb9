"""Ingest stage: files -> articles -> chunks -> embeddings -> Chroma + catalog + BM25.

Incremental and crash-safe: an article is committed to the catalog only after its vectors are
written, and every run first reconciles Chroma with the catalog, so re-running after a crash
converges to the store a clean ingest builds. The run itself is `rag.index.ingest_run`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from rag.errors import IngestLockedError
from rag.index.catalog import Catalog
from rag.index.embeddings import TextEmbedder
from rag.index.ingest_run import WEB_ROOT, IngestRun
from rag.index.lexical import LexicalIndex
from rag.index.stories import StoryPlacer
from rag.index.vectorstore import VectorStore
from rag.records import Article, IngestReport

Progress = Callable[[int, int, str], None]  # (files done, files total, current path)


def index_signature(identity: str, chunk_chars: int, chunk_overlap: int) -> str:
    """What the stored vectors and chunks depend on; a change re-chunks and re-embeds."""
    return f"{identity}|{chunk_chars}|{chunk_overlap}"


def indexed_identity(catalog: Catalog) -> str | None:
    """The `Embedder.identity` (``<model>:<backend>``) an index was built with, if any."""
    signature = catalog.get_meta("signature")
    return signature.rsplit("|", 2)[0] if signature and not catalog.is_empty() else None


# How long an ingest waits for another one before it gives up with a clear message.
LOCK_SECONDS = 10.0


@contextmanager
def ingest_lock(lock_path: Path, timeout: float) -> Iterator[None]:
    """Hold the data directory's ingest lock, so two writers never interleave.

    Raises:
        IngestLockedError: another ingest kept the lock for ``timeout`` seconds.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise IngestLockedError(
            f"another ingest is writing to this data directory (lock {lock_path}); "
            "try again when it has finished"
        ) from None
    try:
        yield
    finally:
        lock.release()


@dataclass
class IngestOptions:
    """How one ingest run reads files and what it may change."""

    max_bytes: int
    chunk_chars: int
    chunk_overlap: int
    keep_missing: bool = False
    # Absolute paths: read only these files under the given folders (no removals).
    only: frozenset[str] | None = None
    # The files were added explicitly (an upload): their texts lift earlier user deletions.
    undelete: bool = False
    progress: Progress | None = None
    should_stop: Callable[[], bool] | None = None


def ingest(
    paths: list[Path],
    *,
    catalog: Catalog,
    store: VectorStore,
    lexical: LexicalIndex,
    embedder: TextEmbedder,
    lock_path: Path | None,
    max_bytes: int,
    chunk_chars: int,
    chunk_overlap: int,
    keep_missing: bool = False,
    lock_timeout: float = LOCK_SECONDS,
    progress: Progress | None = None,
    only: list[Path] | None = None,
    undelete: bool = False,
    should_stop: Callable[[], bool] | None = None,
    stories: StoryPlacer | None = None,
) -> IngestReport:
    """Bring the index in line with the files under ``paths``.

    Args:
        paths: files and folders; articles gone from a folder are removed from the index.
        catalog, store, lexical, embedder: the pipeline's components.
        lock_path: file lock that keeps two ingests from writing at once; None when the caller
            already holds it (see `ingest_lock`).
        max_bytes: per-file size limit.
        chunk_chars, chunk_overlap: chunking settings.
        keep_missing: keep articles whose files disappeared from an ingested folder.
        lock_timeout: seconds to wait for another ingest before giving up.
        progress: called after each file with (done, total, path).
        only: read just these files (inside the folders of ``paths``); implies keep_missing.
        undelete: articles read in this run may bring back texts a user deleted.
        should_stop: polled between articles; when it returns True the run stops.
        stories: the process's story index, kept between runs (default: loaded for this one).

    Returns:
        What was added, updated, unchanged, removed, failed, and how many chunks were written.

    Raises:
        IngestLockedError: another ingest kept the lock for ``lock_timeout`` seconds.
        IngestCancelledError: ``should_stop`` said stop; batches written before stay committed.
    """
    options = IngestOptions(
        max_bytes, chunk_chars, chunk_overlap, keep_missing or only is not None,
        frozenset(os.path.abspath(p) for p in only) if only is not None else None,
        undelete, progress, should_stop,
    )  # fmt: skip
    signature = index_signature(embedder.identity, chunk_chars, chunk_overlap)
    run = IngestRun(catalog, store, lexical, embedder, options, signature, stories)
    if lock_path is None:
        return run.execute(paths)
    with ingest_lock(lock_path, lock_timeout):
        return run.execute(paths)


def ingest_articles(
    articles: list[Article],
    *,
    catalog: Catalog,
    store: VectorStore,
    lexical: LexicalIndex,
    embedder: TextEmbedder,
    lock_path: Path,
    chunk_chars: int,
    chunk_overlap: int,
    lock_timeout: float = LOCK_SECONDS,
    should_stop: Callable[[], bool] | None = None,
    stories: StoryPlacer | None = None,
) -> IngestReport:
    """Index articles fetched from the web (new, changed or unchanged); nothing is removed.

    Args:
        articles: the articles, each under its canonical URL as doc_id.
        catalog, store, lexical, embedder: the pipeline's components.
        lock_path: the data directory's ingest lock.
        chunk_chars, chunk_overlap: chunking settings.
        lock_timeout: seconds to wait for another ingest before giving up.
        should_stop: polled between articles.
        stories: the process's story index, kept between runs.

    Returns:
        What was added, updated, unchanged or skipped.
    """
    options = IngestOptions(0, chunk_chars, chunk_overlap, True, None, False, None, should_stop)
    signature = index_signature(embedder.identity, chunk_chars, chunk_overlap)
    run = IngestRun(catalog, store, lexical, embedder, options, signature, stories)
    with ingest_lock(lock_path, lock_timeout):
        return run.execute_articles(articles, WEB_ROOT)
