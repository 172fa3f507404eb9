"""What one write is asked to do: its options, and what the stored vectors depend on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rag.index.catalog import Catalog

Progress = Callable[[int, int, str], None]  # (files done, files total, current path)


@dataclass
class IngestOptions:
    """How one write reads its input and what it may change (the index fills the limits)."""

    max_bytes: int = 0
    chunk_chars: int = 700
    chunk_overlap: int = 1
    keep_missing: bool = False
    # Absolute paths: read only these files under the given folders (no removals).
    only: frozenset[str] | None = None
    # The files were added explicitly (an upload): their texts lift earlier user deletions.
    undelete: bool = False
    progress: Progress | None = None
    should_stop: Callable[[], bool] | None = None


def index_signature(identity: str, chunk_chars: int, chunk_overlap: int) -> str:
    """What the stored vectors and chunks depend on; a change re-chunks and re-embeds."""
    return f"{identity}|{chunk_chars}|{chunk_overlap}"


def indexed_identity(catalog: Catalog) -> str | None:
    """The `Embedder.identity` (``<model>:<backend>``) an index was built with, if any."""
    signature = catalog.get_meta("signature")
    return signature.rsplit("|", 2)[0] if signature and not catalog.is_empty() else None
