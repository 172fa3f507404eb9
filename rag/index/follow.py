"""`Follower`: how a process keeps up with what other processes write to the same index.

BM25 and the story index follow the catalog's generation on their own. What is left here: an
embedded vector store keeps its graph in memory, so it is read again from disk when the
generation moved without this process writing; a replica of a server home applies the
server's change log, at most once a second.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator

from rag.index.catalog import Catalog
from rag.index.server_home import ServerHome
from rag.index.vectorstore import VectorStore

logger = logging.getLogger(__name__)

# A replica of a server home reads the change log at most this often: a second keeps new
# articles visible everywhere well within the 5 s asked for, for one small request a second.
FOLLOW_SECONDS = 1.0


class Follower:
    """Catches one process up with the writes of others.

    Args:
        catalog: the index's catalog (opened on first use).
        store: the index's vector store (opened on first use).
        home: the server home, or None for a local data dir.
        embedded: whether the vector store is embedded (its graph is read into memory).
    """

    def __init__(
        self,
        catalog: Callable[[], Catalog],
        store: Callable[[], VectorStore],
        home: Callable[[], ServerHome | None],
        embedded: bool,
    ) -> None:
        self._catalog, self._store, self._home = catalog, store, home
        self._embedded = embedded
        self._seen_generation: int | None = None  # the catalog's, as this process knows it
        self._refresh = threading.Lock()
        # Writes of this process in progress: their generation moves are not another
        # process's, and reloading the store under a write made concurrent asks fail.
        self._writing = 0
        self._writing_lock = threading.Lock()
        self._followed = -FOLLOW_SECONDS  # when this replica last read the server's log

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Mark a write of this process: what it commits is not news to this process."""
        with self._writing_lock:
            self._writing += 1
        try:
            yield
        finally:
            # Read before the count drops: an ask that saw no write in progress and the old
            # generation reloaded the store under the other asks (tests/server/test_soak.py).
            generation = self._catalog().generation
            with self._writing_lock:
                self._writing -= 1
                if not self._writing:
                    self._seen_generation = generation

    def refresh(self) -> None:
        """Catch up with writes of other processes (a `rag ingest` beside a running app)."""
        home = self._home()
        if home is not None:
            self._follow_server(home)
            return
        generation = self._catalog().generation
        if not self._news(generation):
            return
        with self._refresh:
            if not self._news(generation):
                return
            if self._seen_generation is not None and self._embedded:
                logger.info("the index changed in another process: reloading the vectors")
                self._store().reload()
            with self._writing_lock:
                self._seen_generation = max(generation, self._seen_generation or generation)

    def _news(self, generation: int) -> bool:
        """Whether ``generation`` was committed by another process, as far as this one knows."""
        # Generations only grow: one read while a write of this process was still committing
        # is older than what the write left, not news.
        with self._writing_lock:
            seen = self._seen_generation
            return not self._writing and (seen is None or generation > seen)

    def _follow_server(self, home: ServerHome) -> None:
        """Apply what other workers committed, at most once a second (`FOLLOW_SECONDS`)."""
        now = time.monotonic()
        if now - self._followed < FOLLOW_SECONDS:
            return
        with self._refresh:
            if now - self._followed < FOLLOW_SECONDS:
                return
            home.catch_up(self._catalog())
            self._followed = time.monotonic()
