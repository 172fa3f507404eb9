"""`Index`: the stores of one data directory behind one object, with one write path.

The index owns the storage layout, the embedder its vectors depend on, the catalog (articles,
chunks, stories, sentence vectors), the vector store, BM25 and the story placer, and the one
write lock. Files, fetched pages and uploads all go through `Index.write` with an
`IngestOptions`; deleting an article takes the same lock. A process that only reads sees what
other processes write: BM25 and the story index follow the catalog's generation, and the
embedded vector store is read again when another process changed it (`refresh`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from rag.config import EMBED_BACKENDS, Settings
from rag.errors import IngestLockedError
from rag.index.catalog import Catalog, text_hash
from rag.index.commit import CommitItem
from rag.index.embeddings import Embedder, TextEmbedder
from rag.index.follow import Follower
from rag.index.ingest_run import WEB_ROOT, IngestRun
from rag.index.layout import Layout
from rag.index.lexical import LexicalIndex
from rag.index.options import IngestOptions, index_signature, indexed_identity
from rag.index.server_home import ServerHome
from rag.index.stories import StoryPlacer
from rag.index.uploads import OnConflict, UploadResult, discard, place_uploads, stage_uploads
from rag.index.vectorstore import VectorStore
from rag.records import Article, IngestReport

logger = logging.getLogger(__name__)


class Index:
    """The index of one data directory (vectors in Chroma, embedded or a server).

    Args:
        settings: the assistant's settings (data dir, model, chunking, Chroma URL...).
        embedder: an embedder to use instead of the configured model (tests, benchmarks).
    """

    def __init__(self, settings: Settings, embedder: TextEmbedder | None = None) -> None:
        self.settings = settings
        self.layout = Layout(Path(settings.data_dir))
        if embedder is not None:
            self.__dict__["embedder"] = embedder  # fills the cached property
        # Set by `interrupt` (a server shutting down): running writes stop between articles.
        self.stopping = threading.Event()
        self._lock = FileLock(str(self.layout.write_lock))
        self._follower = Follower(lambda: self.catalog, lambda: self.store, lambda: self.home,
                                  embedded=not settings.chroma_url)  # fmt: skip

    # Stores open lazily so that constructing an Index is cheap and never fails on I/O.
    @cached_property
    def embedder(self) -> TextEmbedder:
        """The embedding model the index's vectors are made with."""
        s = self.settings
        backend: str = s.embed_backend
        if backend == "auto":
            # Keep the backend the index was built with: queries must not be embedded by
            # another backend, and a default change must not force re-embedding everything.
            backend = self._indexed_backend() or backend
        return Embedder(s.embed_model, s.embed_batch_size, backend,
                        s.model_cache or self.layout.models)  # fmt: skip

    def _indexed_backend(self) -> str | None:
        if not self.layout.catalog.exists():
            return None  # nothing indexed; don't create a catalog just to look
        model, _, backend = (indexed_identity(self.catalog) or "").rpartition(":")
        if model != self.settings.embed_model or backend not in EMBED_BACKENDS:
            return None  # another model (or none): everything is embedded anew anyway
        return backend

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(self.layout.catalog)

    @cached_property
    def store(self) -> VectorStore:
        s = self.settings
        return VectorStore(self.layout.root, s.chroma_url, s.collection)

    @cached_property
    def lexical(self) -> LexicalIndex:
        return LexicalIndex(self.catalog, self.layout.bm25)

    @cached_property
    def home(self) -> ServerHome | None:
        """Where durable state lives with a Chroma server (None: this data dir is the home)."""
        s = self.settings
        return ServerHome(self.store, s.collection) if s.chroma_url else None

    @cached_property
    def stories(self) -> StoryPlacer:
        # Kept between writes of this process: loading it costs seconds at 10k articles.
        return StoryPlacer(self.catalog)

    @contextlib.contextmanager
    def write_lock(self, timeout: float | None = None, lease: bool = True) -> Iterator[None]:
        """Hold the index's one write lock (re-entrant within a thread).

        Args:
            timeout: seconds to wait (default ``RAG_WRITE_WAIT``).
            lease: with a Chroma server, hold its writers' lease throughout too (a write that
                takes it around each commit, `write`, passes False).

        Raises:
            IngestLockedError: another writer kept it for ``timeout`` seconds (default
                ``RAG_WRITE_WAIT``, 30 s).
        """
        self.layout.root.mkdir(parents=True, exist_ok=True)
        wait = self.settings.write_wait if timeout is None else timeout
        try:
            self._lock.acquire(timeout=wait)
        except Timeout:
            raise IngestLockedError(
                f"another ingest is writing to this data directory (lock "
                f"{self.layout.write_lock}); try again when it has finished"
            ) from None
        try:
            # With a Chroma server, writers of every machine take its lease too, and start
            # from what the others committed.
            home = self.home if lease else None
            with self._follower.writing(), home.lease(wait) if home else contextlib.nullcontext():
                if home is not None:
                    home.catch_up(self.catalog)
                yield
        finally:
            self._lock.release()

    def options(self, **overrides: Any) -> IngestOptions:
        """`IngestOptions` with this index's limits and chunking, and ``overrides``."""
        s = self.settings
        base = IngestOptions(s.max_file_bytes, s.chunk_chars, s.chunk_overlap)
        return replace(base, **overrides)

    def write(
        self,
        paths: Sequence[Path] = (),
        articles: Sequence[Article] = (),
        options: IngestOptions | None = None,
    ) -> IngestReport:
        """The one write path: bring the index in line with files, or add fetched articles.

        Args:
            paths: files and folders; articles gone from a folder are removed (unless
                ``options.keep_missing`` or ``options.only``).
            articles: articles read elsewhere (fetched pages), each under its URL; none is
                removed.
            options: how to read and what may change (default: `options()`).

        Returns:
            What was added, updated, unchanged, removed, skipped, failed.

        Raises:
            IngestLockedError: another writer kept the lock too long.
            IngestCancelledError: the run stopped (`interrupt`, ``should_stop``); what was
                committed before stays.
        """
        opt = options or self.options()
        stop = opt.should_stop
        opt = replace(opt, should_stop=lambda: self.stopping.is_set() or bool(stop and stop()))
        # The lock comes before the stores open: two processes creating an embedded Chroma at
        # once raced ("table collections already exists").
        # With a server, the writers' lease is held around each commit, not the whole write:
        # workers embed at once and take turns only to write (`_commit_turn`).
        with self.write_lock(lease=False):
            signature = index_signature(self.embedder.identity, opt.chunk_chars,
                                        opt.chunk_overlap)  # fmt: skip
            publish, turn = (self._publish, self._commit_turn) if self.home else (None, None)
            run = IngestRun(self.catalog, self.store, self.lexical, self.embedder, opt,
                            signature, self.stories, publish, turn)  # fmt: skip
            if articles:
                return run.execute_articles(list(articles), WEB_ROOT)
            return run.execute([Path(p) for p in paths])

    @contextlib.contextmanager
    def _commit_turn(self) -> Iterator[int]:
        """A writer's turn at a server: its lease, and how many articles others committed."""
        assert self.home is not None
        with self.home.lease(self.settings.write_wait):
            yield self.home.catch_up(self.catalog)

    def _publish(self, items: list[CommitItem], removed: list[str]) -> None:
        """The server home's commit point for what a write committed in this cache."""
        assert self.home is not None
        self.catalog.set_meta("server_gen", str(self.home.commit(items, removed)))

    def add_uploads(
        self,
        files: list[tuple[str, Path]],
        on_conflict: OnConflict,
        should_stop: Callable[[], bool] | None = None,
    ) -> tuple[UploadResult, IngestReport]:
        """Check, store and index uploads as one step (see `Assistant.add_uploads`)."""
        staged, rejected = stage_uploads(files, self.layout.root, self.settings.max_file_bytes)
        try:
            with self.write_lock():
                result = place_uploads(staged, self.layout.root, on_conflict)
                result.rejected[:0] = rejected
                stored = frozenset(os.path.abspath(p) for _, p in result.stored)
                options = self.options(only=stored,
                                       keep_missing=True, undelete=True,
                                       should_stop=should_stop)  # fmt: skip
                try:
                    report = self.write([self.layout.uploads], options=options)
                except BaseException as exc:
                    partial = getattr(exc, "report", None)
                    self._undo(result, partial if isinstance(partial, IngestReport) else None)
                    raise
                result.commit()
        finally:
            discard(staged)  # whatever was not placed (a 409 leaves nothing behind)
        return result, report

    def _undo(self, result: UploadResult, partial: IngestReport | None) -> None:
        """Put the uploads folder back and drop what a stopped upload ingest committed."""
        result.rollback()
        if partial is not None:
            # By chunk id, in batches: one filtered delete per article took 13 s for 270 of
            # them, longer than a server's shutdown grace period.
            chunk_ids = [c for d in partial.added for c in self.catalog.chunk_ids(d)]
            self.store.delete_ids(chunk_ids)
            self.catalog.remove_many(partial.added)
            for doc_id in partial.updated:
                # The old file is back; its article is read again by the next sync.
                self.catalog.mark_stale(doc_id)
        self.lexical.refresh()

    def delete(self, doc_id: str) -> bool:
        """Delete an article for good (see `Assistant.delete_document`); False if absent."""
        with self.write_lock():
            doc = self.catalog.document(doc_id)
            if doc is None:
                return False
            self.store.delete_doc(doc_id)
            self.catalog.remove(doc_id, forget_text=True)
            self.stories.remove(doc_id)
            if self.home is not None:
                self.home.remember_deleted(text_hash(doc["text"]), doc_id)
                self._publish([], [doc_id])
            self._remove_upload_file(doc)
            self.lexical.refresh()
        return True

    def _remove_upload_file(self, doc: dict[str, Any]) -> None:
        """Delete the upload a whole-file article came from (never a path read from content)."""
        uploads = self.layout.uploads.resolve()
        folder, _, name = doc["doc_id"].partition("/")
        # The path comes from the doc_id the ingest built (folder name + safe file name), and
        # only for articles indexed from the uploads folder; a record id has a '#'.
        if doc["root"] != str(uploads) or folder != self.layout.uploads.name or "#" in name:
            return
        path = (uploads / name).resolve()
        if path.parent == uploads and path.is_file():
            path.unlink()

    def refresh(self) -> None:
        """Catch up with writes of other processes (a `rag ingest` beside a running app):
        see `Follower`."""
        self._follower.refresh()

    def documents(self) -> list[dict[str, Any]]:
        """Metadata of every article (no text), other writers' included."""
        self.refresh()
        return self.catalog.documents()

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """Metadata and text of one article, or None."""
        self.refresh()
        return self.catalog.document(doc_id)

    def text(self, doc_id: str) -> str | None:
        """An article's full text, the string citation offsets point into."""
        return self.catalog.texts([doc_id]).get(doc_id)

    def interrupt(self) -> None:
        """Stop running and future writes of this index (a server shutting down)."""
        self.stopping.set()

    def close(self) -> None:
        """Release the catalog's file handle."""
        if "catalog" in self.__dict__:
            self.catalog.close()
