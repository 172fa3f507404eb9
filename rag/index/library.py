"""Changes a user asks for by name: add uploaded files, delete an article for good.

Both run under the ingest lock as one step, so they never interleave with an ingest or with
each other, and both leave the uploads folder, the catalog, Chroma and BM25 consistent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.index.catalog import Catalog
from rag.index.ingest import ingest_lock
from rag.index.lexical import LexicalIndex
from rag.index.uploads import (
    UPLOADS_DIRNAME,
    OnConflict,
    UploadResult,
    discard,
    place_uploads,
    stage_uploads,
)
from rag.index.vectorstore import VectorStore
from rag.records import IngestReport

# How long an upload or a delete waits for a running ingest: an upload's own ingest is bounded
# (file size, records per file, parse time), so a longer wait means something is stuck.
LOCK_SECONDS = 30.0

IngestFiles = Callable[[list[Path]], IngestReport]  # ingest these uploads; the lock is held


@dataclass
class Library:
    """The index of one data directory, as the user-facing changes need it."""

    data_dir: Path
    catalog: Catalog
    store: VectorStore
    lexical: LexicalIndex

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "ingest.lock"

    def add_uploads(
        self,
        files: list[tuple[str, Path]],
        max_bytes: int,
        on_conflict: OnConflict,
        ingest_files: IngestFiles,
    ) -> tuple[UploadResult, IngestReport]:
        """Check, store and index uploads as one step (see `Assistant.add_uploads`)."""
        staged, rejected = stage_uploads(files, self.data_dir, max_bytes)
        try:
            with ingest_lock(self.lock_path, LOCK_SECONDS):
                result = place_uploads(staged, self.data_dir, on_conflict)
                result.rejected[:0] = rejected
                try:
                    report = ingest_files([p for _, p in result.stored])
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
        with ingest_lock(self.lock_path, LOCK_SECONDS):
            doc = self.catalog.document(doc_id)
            if doc is None:
                return False
            self.store.delete_doc(doc_id)
            self.catalog.remove(doc_id, forget_text=True)
            self._remove_upload_file(doc)
            self.lexical.refresh()
        return True

    def _remove_upload_file(self, doc: dict[str, Any]) -> None:
        """Delete the upload a whole-file article came from (never a path read from content)."""
        uploads = (self.data_dir / UPLOADS_DIRNAME).resolve()
        folder, _, name = doc["doc_id"].partition("/")
        # The path comes from the doc_id the ingest built (folder name + safe file name), and
        # only for articles indexed from the uploads folder; a record id has a '#'.
        if doc["root"] != str(uploads) or folder != UPLOADS_DIRNAME or "#" in name:
            return
        path = (uploads / name).resolve()
        if path.parent == uploads and path.is_file():
            path.unlink()
