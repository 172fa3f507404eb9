"""Scan stage: find which files changed since the last ingest, read and parse them ahead.

A file whose size and mtime equal those recorded is not read at all; one whose bytes hash to
the recorded digest is not parsed; only the rest are parsed, in a worker thread.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rag.errors import LoaderError
from rag.index.loaders import doc_id_for, load_file, read_bytes
from rag.index.metadata import Loaded

logger = logging.getLogger(__name__)
_READ_AHEAD = 8  # files parsed ahead of embedding; bounds memory on huge folders


@dataclass
class FileRead:
    """One file after reading, hashing and (unless unchanged) parsing, done off the main thread."""

    root: Path
    file: Path
    doc_id: str
    key: str = ""  # absolute path: the file's row in the catalog
    digest: str | None = None  # "sha256|size:mtime_ns"
    loaded: Loaded | None = None
    error: str | None = None
    unchanged: tuple[str, ...] = ()  # doc ids of a byte-identical, fully indexed file
    restamped: bool = False  # same bytes under a new size/mtime stamp: record the new one
    seconds: float = 0.0


def file_stamp(file: Path) -> str:
    """``size:mtime_ns`` of a file, or ``size:racy`` when too recent to trust."""
    try:
        st = file.stat()
    except OSError as exc:
        logger.debug("cannot stat %s (%s); its stamp is not trusted", file, exc)
        return "?:racy"  # read_bytes reports why to the user
    # A file modified in the last seconds may change again within the same mtime tick (git's
    # "racy" case): its stamp is not trusted, so the next run hashes it again.
    racy = time.time_ns() - st.st_mtime_ns < 2_000_000_000
    return f"{st.st_size}:{'racy' if racy else st.st_mtime_ns}"


def _unchanged(
    root: Path, file: Path, known: dict[str, tuple[str, tuple[str, ...]]]
) -> FileRead | None:
    """The file as indexed, if its size and mtime are those recorded (rsync's test)."""
    key = os.path.abspath(file)
    previous = known.get(key)
    if previous is None:
        return None
    stamp = file_stamp(file)
    if ":racy" in stamp or not previous[0].endswith("|" + stamp):
        return None
    return FileRead(root, file, doc_id_for(root, file), key, previous[0], unchanged=previous[1])


def _read(
    root: Path, file: Path, max_bytes: int, known: dict[str, tuple[str, tuple[str, ...]]]
) -> FileRead:
    began = time.perf_counter()
    out = FileRead(root, file, doc_id_for(root, file), os.path.abspath(file))
    previous = known.get(out.key)
    try:
        data = read_bytes(file, max_bytes)
        out.digest = f"{hashlib.sha256(data).hexdigest()}|{file_stamp(file)}"
        if previous and previous[0].split("|")[0] == out.digest.split("|")[0]:
            # Same bytes as last time: skip parsing, the expensive part of a re-ingest.
            out.unchanged, out.restamped = previous[1], previous[0] != out.digest
        else:
            out.loaded = load_file(file, out.doc_id, max_bytes, data=data)
    except LoaderError as exc:
        out.error = str(exc)
    except Exception as exc:  # a loader bug must cost one file, never the whole folder
        logger.exception("unexpected error reading %s", file)
        out.error = f"internal error while reading the file ({type(exc).__name__})"
    out.seconds = time.perf_counter() - began
    return out


def read_ahead(
    items: list[tuple[Path, Path]],
    max_bytes: int,
    known: dict[str, tuple[str, tuple[str, ...]]],
) -> Iterator[FileRead]:
    """Read and parse files in a worker thread a few ahead of the consumer (which embeds).

    Args:
        items: ``(root folder, file)`` pairs, in order.
        max_bytes: per-file size limit.
        known: ``path -> (digest, doc ids)`` recorded by earlier runs.

    Returns:
        One `FileRead` per item, in order; files with an unchanged stamp need no thread hop.
    """
    fn = partial(_read, max_bytes=max_bytes, known=known)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rag-read") as pool:
        window: deque[Future[FileRead] | FileRead] = deque()
        for root, file in items:
            window.append(_unchanged(root, file, known) or pool.submit(fn, root, file))
            while len(window) >= _READ_AHEAD or (window and isinstance(window[0], FileRead)):
                head = window.popleft()
                yield head if isinstance(head, FileRead) else head.result()
        while window:
            head = window.popleft()
            yield head if isinstance(head, FileRead) else head.result()
