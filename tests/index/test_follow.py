"""`Follower`: writes of this process never reload the store; another process's do, once."""

from __future__ import annotations

import threading
import time
from typing import Any, cast

from rag.index.follow import Follower


class _Catalog:
    """A catalog generation that takes a moment to read, like SQLite under other readers."""

    def __init__(self) -> None:
        self.value = 0

    @property
    def generation(self) -> int:
        time.sleep(0.0005)
        return self.value


class _Store:
    def __init__(self) -> None:
        self.reloads = 0

    def reload(self) -> None:
        self.reloads += 1


def _follower(catalog: _Catalog, store: _Store) -> Follower:
    return Follower(lambda: cast(Any, catalog), lambda: cast(Any, store), lambda: None, True)


def test_writes_of_this_process_never_reload_the_store_under_concurrent_asks() -> None:
    # The soak test's 503s: an ask read the new generation while the write was ending and
    # reloaded the vectors under the other asks.
    catalog, store = _Catalog(), _Store()
    follower = _follower(catalog, store)
    follower.refresh()
    stop = threading.Event()

    def asks() -> None:
        while not stop.is_set():
            follower.refresh()

    threads = [threading.Thread(target=asks) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for _ in range(200):
            with follower.writing():
                catalog.value += 1
                catalog.value += 1  # a write may commit more than once
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert catalog.value == 400 and store.reloads == 0


def test_a_write_of_another_process_reloads_the_store_once() -> None:
    catalog, store = _Catalog(), _Store()
    follower = _follower(catalog, store)
    follower.refresh()
    assert store.reloads == 0  # the first look only learns the generation
    catalog.value += 1  # committed elsewhere: no `writing()` here
    for _ in range(3):
        follower.refresh()
    assert store.reloads == 1
