"""Chroma clients: embedded or server, with errors a user can act on and no password shown."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import fasteners

from rag.errors import StoreError


def redact_url(url: str) -> str:
    """``url`` with any password in it replaced by ``***``, fit for messages and logs."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@", 1)
    return parsed._replace(netloc=netloc).geturl()


@contextmanager
def store_errors(what: str, secret: str | None = None) -> Iterator[None]:
    """Turn Chroma/network failures into `StoreError` with a message a user can act on.

    ``secret``: a string (a URL's password) that must not reach the message even when the
    underlying library quotes the URL it was given.
    """
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:  # chromadb and httpx raise many unrelated types
        message = f"vector store error while {what}: {exc}"
        if secret:
            message = message.replace(secret, "***")
        raise StoreError(message) from None


# Embedded stores read again from disk in this process, by folder: every `VectorStore` on the
# folder reconnects when the count passes the one it connected at.
_RELOADS: dict[str, int] = {}
_RELOADS_LOCK = threading.Lock()
# Per folder: operations share it, a reload takes it alone. Stopping the cached system while
# another thread queried through it failed that query ("'RustBindingsAPI' object has no
# attribute 'bindings'", tests/server/test_soak.py); a reload now waits for them to finish.
_GATES: dict[str, fasteners.ReaderWriterLock] = {}


def _gate(path: Path) -> fasteners.ReaderWriterLock:
    with _RELOADS_LOCK:
        return _GATES.setdefault(str(path), fasteners.ReaderWriterLock())


@contextmanager
def using_embedded(path: Path) -> Iterator[None]:
    """Hold off reloads of the embedded store at ``path`` while one operation runs on it."""
    with _gate(path).read_lock():
        yield


def reloads(path: Path) -> int:
    """How many times the embedded store at ``path`` was read again in this process."""
    return _RELOADS.get(str(path), 0)


def reload_embedded(path: Path) -> None:
    """Make the next embedded client of ``path`` read the store from disk again.

    An embedded Chroma keeps its HNSW graph in memory and never sees vectors another process
    wrote (measured: count() saw them, query() did not); a new client of the same folder in
    the same process gets the cached system back. chromadb has no public call to drop one
    cached system (``clear_system_cache`` stops every client of the process), so the cached
    entry of this folder alone is dropped; tests/index/test_vectorstore_reload.py fails if a
    chromadb upgrade changes this.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    key = str(path)
    with _gate(path).write_lock():
        with _RELOADS_LOCK:
            system = SharedSystemClient._identifier_to_system.pop(key, None)
            SharedSystemClient._identifier_to_refcount.pop(key, None)
            _RELOADS[key] = _RELOADS.get(key, 0) + 1
        if system is not None:
            system.stop()


def open_client(data_dir: Path, chroma_url: str | None) -> Any:
    """An embedded PersistentClient under ``data_dir/chroma``, or an HttpClient for a URL."""
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        with store_errors(f"connecting to {redact_url(chroma_url)}", url.password):
            return chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=settings,
            )
    path = data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    with store_errors(f"opening {path}"):
        return chromadb.PersistentClient(path=str(path), settings=settings)
