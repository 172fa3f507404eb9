"""Where a data directory keeps each of its stores: every file name in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

UPLOADS_DIRNAME = "uploads"


@dataclass(frozen=True)
class Layout:
    """The files and folders of one data directory.

    In the local home every store lives here; with a Chroma server the vectors live there and
    this folder holds the rest (see docs/deploy.md).
    """

    root: Path

    @property
    def catalog(self) -> Path:
        """SQLite: articles, chunks, stories, sentence vectors, deletions, generation."""
        return self.root / "catalog.sqlite"

    @property
    def chroma(self) -> Path:
        """The embedded Chroma store (unused with ``RAG_CHROMA_URL``)."""
        return self.root / "chroma"

    @property
    def bm25(self) -> Path:
        """The BM25 cache, rebuilt from the catalog when missing."""
        return self.root / "bm25"

    @property
    def sources(self) -> Path:
        """SQLite: feeds, their sync state, fetched pages and validators."""
        return self.root / "sources.sqlite"

    @property
    def uploads(self) -> Path:
        """Files users uploaded (the app's box, ``POST /ingest``)."""
        return self.root / UPLOADS_DIRNAME

    @property
    def models(self) -> Path:
        """Exported ONNX models (unless ``RAG_MODEL_CACHE`` names another folder)."""
        return self.root / "models"

    @property
    def write_lock(self) -> Path:
        """The one lock every write to this index takes (files, pages, uploads, deletes)."""
        return self.root / "ingest.lock"

    @property
    def sync_lock(self) -> Path:
        """One feed sync at a time."""
        return self.root / "sync.lock"
