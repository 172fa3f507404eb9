"""One ingest run: read the files, classify each article, embed and commit in batches.

Incremental and crash-safe: an article is committed to the catalog only after its vectors are
written, and every run first reconciles Chroma with the catalog, so re-running after a crash
converges to the store a clean ingest builds. `rag.index.index.Index.write` is the way in (it
holds the write lock); this module holds a run's options, state and steps.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path

from rag.errors import IngestCancelledError, LoaderError
from rag.index.catalog import Catalog, text_hash
from rag.index.chunking import chunk_text
from rag.index.commit import (
    CommitItem,
    Embedded,
    Pending,
    add_time,
    backfill_sentences,
    commit_batch,
    drop_committed,
    embed_batch,
    reconcile,
)
from rag.index.embeddings import TextEmbedder
from rag.index.lexical import LexicalIndex
from rag.index.loaders import iter_files, load_file
from rag.index.metadata import Loaded
from rag.index.options import IngestOptions
from rag.index.scan import read_ahead
from rag.index.stories import StoryPlacer
from rag.index.vectorstore import VectorStore
from rag.records import Article, IngestReport

Publish = Callable[[list[CommitItem], list[str]], None]  # (committed, removed doc ids)
# Held around each commit: a server's lease; yields how many articles others committed since.
Guard = Callable[[], contextlib.AbstractContextManager[int]]


# The root web articles are kept under: not a folder, so no folder ingest ever removes them.
WEB_ROOT = "web:"
_EMBED_BATCH_CHUNKS = 256  # chunks embedded together across articles, for throughput


class IngestRun:
    """One ingest run's state: what the catalog knew, what was read, what waits to be written.

    Args:
        catalog, store, lexical, embedder: the pipeline's components.
        options: how to read files and what may change.
        signature: the `index_signature` of this run's embedder and chunking.
        stories: the process's story index (default: one loaded for this run).
    """

    def __init__(
        self,
        catalog: Catalog,
        store: VectorStore,
        lexical: LexicalIndex,
        embedder: TextEmbedder,
        options: IngestOptions,
        signature: str,
        stories: StoryPlacer | None = None,
        publish: Publish | None = None,
        guard: Guard | None = None,
    ) -> None:
        self.catalog, self.store, self.lexical, self.embedder = catalog, store, lexical, embedder
        self.publish = publish  # a server home's commit point, after each local commit
        self.guard = guard or (lambda: contextlib.nullcontext(0))
        self.opt, self.signature = options, signature
        self.report = IngestReport()
        self.pending: list[Pending] = []
        self.pending_chunks = 0  # kept as a count: summing per article was quadratic
        self.seen: set[str] = set()
        self.hashes: dict[str, str] = {}
        self.by_text: dict[str, str] = {}
        self.deleted: set[str] = set()
        self.deleted_ids: set[str] = set()
        self.revived: set[str] = set()
        self.stories = stories or StoryPlacer(catalog)

    def execute_articles(self, articles: list[Article], root: str) -> IngestReport:
        """Index articles read elsewhere (fetched from the web) under ``root``; none removed.

        Args:
            articles: the articles; one whose text and metadata are unchanged costs nothing.
            root: the name they are kept under (never a folder, so no folder sync removes them).

        Returns:
            The report, as `execute`'s.
        """
        run_began = time.perf_counter()
        self._begin()
        try:
            for article in articles:
                self._check_stop()
                self._classify(article, root)
                if self.pending_chunks >= _EMBED_BATCH_CHUNKS:
                    self._flush()
            self._flush()
        except IngestCancelledError as exc:
            self._finish(run_began)
            exc.report = self.report
            raise
        self.stories.finish()
        return self._finish(run_began)

    def execute(self, paths: list[Path]) -> IngestReport:
        """Bring the index in line with the files under ``paths`` (see `ingest`)."""
        run_began = time.perf_counter()
        catalog, opt = self.catalog, self.opt
        self._begin()
        roots, files = self._files(paths)
        digests: dict[str, tuple[str, str]] = {}  # doc_id -> (file, digest) of clean files
        try:
            self._read_all(files, roots, digests)
        except IngestCancelledError as exc:
            self._finish(run_began)
            exc.report = self.report
            raise
        # Only now are these articles committed, so their files may be skipped next time.
        catalog.memory.set_file_digests({d: v for d, v in digests.items() if catalog.document(d)})
        if not opt.keep_missing:
            with self.guard():
                self._remove_missing(roots)
        self.stories.finish()
        return self._finish(run_began)

    def _begin(self) -> None:
        """Check the index signature, reconcile Chroma, and load what the catalog knows."""
        self.stories.begin()
        catalog = self.catalog
        if catalog.get_meta("signature") not in (None, self.signature):
            # Another model or chunking: every article must be re-chunked and re-embedded.
            catalog.mark_all_stale()
        catalog.set_meta("signature", self.signature)
        with self.guard():
            reconcile(catalog, self.store)
            backfill_sentences(catalog, self.embedder)
        self.hashes = catalog.hashes()
        # Duplicates are the same text under another id, whatever the metadata: a page
        # re-linked with a new ``?v=N`` each fetch must not be indexed again each sync.
        self.by_text = {h: d for d, h in catalog.text_hashes().items()}
        self.deleted = catalog.memory.deleted_texts()
        self.deleted_ids = catalog.memory.deleted_ids()

    def _files(self, paths: list[Path]) -> tuple[dict[str, set[str]], list[tuple[Path, Path]]]:
        roots: dict[str, set[str]] = {}  # folder -> doc ids seen under it (for removals)
        files: list[tuple[Path, Path]] = []
        for path in paths:
            if not path.exists() and not path.is_symlink():
                self.report.failed.append((str(path), "no such file or directory"))
                continue
            if path.is_dir():
                roots[str(path.resolve())] = set()
            files.extend(iter_files([path]))
        if self.opt.only is not None:
            files = [(r, f) for r, f in files if os.path.abspath(f) in self.opt.only]
        return roots, files

    def _read_all(
        self,
        files: list[tuple[Path, Path]],
        roots: dict[str, set[str]],
        digests: dict[str, tuple[str, str]],
    ) -> None:
        report, opt = self.report, self.opt
        known = self.catalog.memory.file_digests()
        root_keys: dict[Path, str] = {}
        for done, r in enumerate(read_ahead(files, opt.max_bytes, known), 1):
            if r.root not in root_keys:
                root_keys[r.root] = str(r.root.resolve())
            root_key = root_keys[r.root]
            present = roots.get(root_key, set())
            present.add(r.doc_id)
            report.stage_seconds["load"] = report.stage_seconds.get("load", 0.0) + r.seconds
            if r.error is not None:
                report.failed.append((str(r.file), r.error))
            elif r.unchanged and all(self.hashes.get(d) for d in r.unchanged):
                present.update(r.unchanged)
                self.seen.update(r.unchanged)
                report.unchanged.extend(r.unchanged)
                if r.restamped and r.digest:
                    digests.update((d, (r.key, r.digest)) for d in r.unchanged)
            else:
                try:
                    loaded = r.loaded or load_file(r.file, r.doc_id, opt.max_bytes)
                except LoaderError as exc:  # changed since it was hashed: this file fails alone
                    loaded = Loaded(failed=[(str(r.file), str(exc))])
                report.failed.extend(loaded.failed)
                for article in loaded.articles:
                    self._check_stop()
                    present.add(article.doc_id)
                    self._classify(article, root_key)
                    if not loaded.failed and r.digest:
                        digests[article.doc_id] = (r.key, r.digest)
                    # Within a file too: a file of many records commits as it goes.
                    if self.pending_chunks >= _EMBED_BATCH_CHUNKS:
                        self._flush()
            if opt.progress:
                opt.progress(done, len(files), str(r.file))
            self._check_stop()
        self._flush()

    def _check_stop(self) -> None:
        if self.opt.should_stop is not None and self.opt.should_stop():
            raise IngestCancelledError("the ingest was stopped before it finished")

    def _flush(self) -> None:
        if self.pending:
            batch = embed_batch(self.pending, self.embedder, self.report)
            with self.guard() as others:
                if others:  # another writer committed while this batch was embedded
                    batch = self._drop_committed(batch)
                    for e in batch:  # placed in a story before the others' articles were known
                        e.pending.story = self.stories.place(e.pending.article.doc_id,
                                                             e.pending.article.text)  # fmt: skip
                done = commit_batch(batch, self.catalog, self.store, self.report)
                if self.publish is not None:
                    self.publish(done, [])
            self.pending, self.pending_chunks = [], 0
        if self.revived:
            self.catalog.memory.undelete_texts(self.revived)
            self.revived = set()

    def _drop_committed(self, batch: list[Embedded]) -> list[Embedded]:
        """Drop what others committed; classify the rest of the run against it too."""
        self.hashes = self.catalog.hashes()
        theirs = {h: d for d, h in self.catalog.text_hashes().items()}
        self.by_text.update(theirs)
        batch, twins = drop_committed(batch, self.hashes, theirs, self.report)
        for doc_id in twins:
            self.stories.remove(doc_id)
        self.stories.absorb()
        return batch

    def _remove_missing(self, roots: dict[str, set[str]]) -> None:
        for root_key, present in roots.items():
            for doc_id in self.catalog.doc_ids_under(root_key):
                if doc_id not in present:
                    self.store.delete_doc(doc_id)
                    self.catalog.remove(doc_id)
                    self.stories.remove(doc_id)
                    self.report.removed.append(doc_id)
                    if self.publish is not None:
                        self.publish([], [doc_id])

    def _finish(self, run_began: float) -> IngestReport:
        began = time.perf_counter()
        self.lexical.refresh()
        add_time(self.report, "bm25", began)
        self.report.seconds = time.perf_counter() - run_began
        return self.report

    def _classify(self, article: Article, root_key: str) -> None:
        """Decide whether an article is unchanged, deleted by the user, a duplicate, new or
        changed."""
        report = self.report
        doc_id, content_hash = article.doc_id, article.content_hash
        if doc_id in self.seen:
            report.failed.append(
                (article.source, f"doc_id {doc_id!r} was already read in this run")
            )
            return
        self.seen.add(doc_id)
        if self.hashes.get(doc_id) == content_hash:
            report.unchanged.append(doc_id)
            return
        digest = text_hash(article.text)
        if root_key == WEB_ROOT and doc_id in self.deleted_ids and not self.opt.undelete:
            # A web article is its URL: an edit of a page the user deleted is still deleted.
            report.skipped.append((doc_id, "it was deleted by a user"))
            return
        if digest in self.deleted:
            if not self.opt.undelete:
                # A user deleted this text (under this or another name): a sync or a
                # copy of the file must not bring it back.
                report.skipped.append((doc_id, "its text was deleted by a user"))
                return
            self.revived.add(digest)
        twin = self.by_text.get(digest)
        if twin is not None and twin != doc_id:
            # Same text under another name: indexing it twice would only duplicate hits.
            report.duplicates.append((doc_id, twin))
            return
        self.by_text[digest] = doc_id
        opt = self.opt
        chunks = chunk_text(doc_id, article.text, opt.chunk_chars, opt.chunk_overlap)
        updated = doc_id in self.hashes
        (report.updated if updated else report.added).append(doc_id)
        story = self.stories.place(doc_id, article.text)
        self.pending.append(Pending(article, root_key, chunks, updated, story))
        self.pending_chunks += len(chunks)
