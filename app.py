"""Run the news assistant's chat app: ``python app.py``, then open http://127.0.0.1:7860.

Environment: ``GRADIO_SERVER_NAME`` (default 127.0.0.1), ``GRADIO_SERVER_PORT`` (default 7860),
``RAG_DATA_DIR`` (default .rag), ``RAG_AUTH=user:password`` (required unless bound to localhost),
and the other ``RAG_*`` settings of `rag.config.Settings`.
"""

from __future__ import annotations

import os

# Gradio reads this at import time: no analytics calls, the app works offline.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import secrets  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
ROOT = Path(__file__).resolve().parent


def fail(message: str) -> int:
    """Print a one-line error to stderr and return the exit status for bad configuration."""
    print(f"error: {message}", file=sys.stderr)
    return 2


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``user:password`` -> (user, password); None when unset.

    Raises:
        ValueError: the value is set but not ``user:password`` with both parts non-empty.
    """
    if value is None or value == "":
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError("RAG_AUTH must look like user:password (both non-empty)")
    return user, password


class LoginGuard:
    """Gradio's ``auth`` callable: one user:password, compared in constant time, with at most
    ``max_failures`` failed logins per username in a ``window``-second window; after that the
    username is refused, right password or not, until the window ends.

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
            return False

    def _remember(self, username: str, start: float, count: int, now: float) -> None:
        if username not in self._failures and len(self._failures) >= self.MAX_TRACKED:
            self._failures = {k: v for k, v in self._failures.items() if now - v[0] < self.window}
            if len(self._failures) >= self.MAX_TRACKED and username != self.user.decode():
                return
        self._failures[username] = (start, count)


def main() -> int:
    """Check the environment, sync the index with corpus/ and uploads, then serve the app."""
    host = os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    port_text = os.environ.get("GRADIO_SERVER_PORT") or "7860"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return fail(f"GRADIO_SERVER_PORT must be a port number, not {port_text!r}")
    try:
        auth = parse_auth(os.environ.get("RAG_AUTH"))
    except ValueError as exc:
        return fail(str(exc))
    if host not in LOCAL_HOSTS and auth is None:
        return fail(
            f"GRADIO_SERVER_NAME={host} makes the app reachable from other machines; set "
            "RAG_AUTH=user:password to require a login, or bind to 127.0.0.1"
        )

    import gradio as gr

    from rag import Assistant
    from rag.errors import RagError
    from rag.index.uploads import UPLOADS_DIRNAME
    from rag.ui.chat import CSS, build_app

    began = time.perf_counter()
    try:
        assistant = Assistant()
        uploads = assistant.data_dir / UPLOADS_DIRNAME
        targets = [ROOT / "corpus"] + ([uploads] if uploads.is_dir() else [])
        print(f"indexing {', '.join(str(t) for t in targets)} into {assistant.data_dir} …",
              file=sys.stderr, flush=True)  # fmt: skip

        def progress(done: int, total: int, path: str) -> None:
            if done == total or done % 25 == 0:
                print(f"  {done}/{total} files  {Path(path).name}", file=sys.stderr, flush=True)

        report = assistant.ingest(targets, progress=progress)
    except RagError as exc:
        return fail(str(exc))
    c = report.to_dict()["counts"]
    print(
        f"index ready in {time.perf_counter() - began:.1f}s: {len(assistant.documents())} "
        f"articles (added {c['added']}, updated {c['updated']}, unchanged {c['unchanged']}, "
        f"removed {c['removed']}, failed {c['failed']})",
        file=sys.stderr, flush=True,
    )  # fmt: skip
    for path, reason in report.failed:
        print(f"  skipped {path}: {reason}", file=sys.stderr)
    for doc_id, reason in report.skipped:
        print(f"  skipped {doc_id}: {reason}", file=sys.stderr)

    demo = build_app(assistant)
    # Gradio's own limit stops huge bodies early; the app's per-file check gives the message.
    max_upload = int(assistant.settings.max_file_bytes * 2)
    try:
        demo.queue(default_concurrency_limit=4).launch(
            server_name=host,
            server_port=int(port_text),
            auth=LoginGuard(*auth) if auth else None,
            max_file_size=max_upload,
            show_error=True,
            css=CSS,
            theme=gr.themes.Soft(),
            footer_links=["api"],
        )
    except OSError as exc:  # port taken or address not available
        return fail(f"cannot serve on {host}:{port_text}: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
