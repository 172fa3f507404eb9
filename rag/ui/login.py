"""The chat app's login: one ``user:password`` from ``RAG_AUTH``, with failed tries limited."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable

from rag.errors import ConfigError

log = logging.getLogger(__name__)


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``user:password`` -> (user, password); None when unset.

    Args:
        value: the ``RAG_AUTH`` setting.

    Returns:
        The login, or None when unset or empty.

    Raises:
        ConfigError: the value is set but not ``user:password`` with both parts non-empty.
    """
    if value is None or value == "":
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ConfigError("RAG_AUTH must look like user:password (both non-empty)")
    return user, password


class LoginGuard:
    """Gradio's ``auth`` callable: one user:password, compared in constant time, tries limited.

    At most ``max_failures`` failed logins per username in a ``window``-second window; after
    that the username is refused, right password or not, until the window ends.

    Args:
        user, password: the only valid login.
        max_failures: failed attempts allowed per window; 5 leaves room for typos while
            holding a guesser to 5 tries a minute.
        window: seconds; the window opens at a username's first failure.
        clock: monotonic seconds (tests pass a fake one).
    """

    # Usernames tracked at once: failures under other names cannot succeed anyway, so past
    # this bound (a spray of invented names) new names are simply refused without tracking.
    MAX_TRACKED = 1024
    MAX_NAME_CHARS = 256  # longer usernames are refused outright, unrecorded

    def __init__(
        self, user: str, password: str, max_failures: int = 5, window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.user, self.password = user.encode(), password.encode()
        self.max_failures, self.window, self.clock = max_failures, window, clock
        self._failures: dict[str, tuple[float, int]] = {}  # username -> (window start, count)
        self._lock = threading.Lock()  # Gradio may check logins from several threads

    def __call__(self, username: str, password: str) -> bool:
        if not isinstance(username, str) or not isinstance(password, str):
            return False
        if len(username) > self.MAX_NAME_CHARS:
            return False
        now = self.clock()
        with self._lock:
            start, count = self._failures.get(username, (now, 0))
            if now - start >= self.window:
                start, count = now, 0
            if count >= self.max_failures:
                return False  # locked out for the rest of the window
            # Both compared every time (no early exit), so timing tells nothing about which.
            ok = secrets.compare_digest(username.encode(), self.user)
            ok &= secrets.compare_digest(password.encode(), self.password)
            if ok:
                self._failures.pop(username, None)
                return True
            self._remember(username, start, count + 1, now)
            if count + 1 == self.max_failures:
                # No username in the log: people type passwords into the wrong field.
                log.warning("a username is locked out for %g s after %d failed logins",
                            self.window, self.max_failures)  # fmt: skip
            return False

    def _remember(self, username: str, start: float, count: int, now: float) -> None:
        if username not in self._failures and len(self._failures) >= self.MAX_TRACKED:
            self._failures = {k: v for k, v in self._failures.items() if now - v[0] < self.window}
            if len(self._failures) >= self.MAX_TRACKED and username != self.user.decode():
                return
        self._failures[username] = (start, count)
