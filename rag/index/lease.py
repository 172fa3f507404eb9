"""The writers' lease of a server home: one process at a time writes to a Chroma server."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rag.errors import IngestLockedError

if TYPE_CHECKING:
    from rag.index.server_home import Records

# A writer holds the lease this long past its last renewal; it renews every third of it, so a
# worker killed with kill -9 blocks the others for at most this long.
LEASE_SECONDS = 15.0
# After writing its claim, a writer reads the lease again this much later: Chroma has no
# compare-and-set, so two claims made at once are settled by which one landed last.
_SETTLE_SECONDS = 0.3


class Lease:
    """A record with an owner and an expiry that one process at a time holds and renews."""

    def __init__(self, meta: Records, name: str, owner: str) -> None:
        self.meta, self.name, self.owner = meta, name, owner
        self._held = 0  # re-entrant within this process
        self._hold = threading.Lock()
        self._renewer: threading.Thread | None = None
        self._stop = threading.Event()

    def _lease(self) -> dict[str, Any]:
        return self.meta.get([self.name]).get(self.name, ("", {}))[1]

    def _claim(self, until: float) -> None:
        self.meta.put({self.name: ("", {"owner": self.owner, "expires": until})})

    @contextlib.contextmanager
    def held(self, timeout: float) -> Iterator[None]:
        """Hold the lease; `IngestLockedError` after ``timeout`` seconds."""
        with self._hold:
            self._held += 1
            if self._held == 1:
                try:
                    self._acquire(timeout)
                except BaseException:
                    self._held -= 1
                    raise
        try:
            yield
        finally:
            with self._hold:
                self._held -= 1
                if self._held == 0:
                    self._release()

    def _acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            current = self._lease()
            if current.get("owner") in (None, self.owner) or current["expires"] < time.time():
                self._claim(time.time() + LEASE_SECONDS)
                time.sleep(_SETTLE_SECONDS)
                if self._lease().get("owner") == self.owner:
                    break
            if time.monotonic() >= deadline:
                raise IngestLockedError(
                    f"another worker holds the {self.name!r} lease in the Chroma server (owner "
                    f"{current.get('owner')}); try again when it has finished"
                )
            time.sleep(0.5)
        self._stop.clear()
        self._renewer = threading.Thread(target=self._renew, name="rag-lease", daemon=True)
        self._renewer.start()

    def _renew(self) -> None:
        while not self._stop.wait(LEASE_SECONDS / 3):
            with contextlib.suppress(Exception):  # the next renewal tries again
                self._claim(time.time() + LEASE_SECONDS)

    def _release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join(5)
        with contextlib.suppress(Exception):  # an expiry frees it anyway
            if self._lease().get("owner") == self.owner:
                self._claim(0.0)
