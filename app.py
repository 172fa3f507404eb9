"""Run the news assistant's chat app: ``python app.py``, then open http://127.0.0.1:7860.

Environment: ``GRADIO_SERVER_NAME`` (default 127.0.0.1), ``GRADIO_SERVER_PORT`` (default 7860),
``RAG_DATA_DIR`` (default .rag), ``RAG_AUTH=user:password`` (required unless bound to localhost),
``RAG_SYNC_EVERY`` (e.g. 5m: sync due feeds in the background while the app runs), and the
other ``RAG_*`` settings of `rag.config.Settings`.
"""

from __future__ import annotations

import os

# Gradio reads this at import time: no analytics calls, the app works offline.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from rag.errors import ConfigError, RagError  # noqa: E402
from rag.server.hosts import is_loopback  # noqa: E402
from rag.server.logs import configure_logging  # noqa: E402
from rag.ui.login import LoginGuard, parse_auth  # noqa: E402

if TYPE_CHECKING:
    from rag import Assistant
    from rag.sources.service import BackgroundSync

ROOT = Path(__file__).resolve().parent


def fail(message: str) -> int:
    """Print a one-line error to stderr and return the exit status for bad configuration."""
    print(f"error: {message}", file=sys.stderr)
    return 2


def check_environment() -> tuple[str, int, tuple[str, str] | None]:
    """``(host, port, login)`` from the environment.

    Raises:
        ConfigError: a bad port or login, or a public interface without a login.
    """
    host = os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    port_text = os.environ.get("GRADIO_SERVER_PORT") or "7860"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"GRADIO_SERVER_PORT must be a port number, not {port_text!r}")
    auth = parse_auth(os.environ.get("RAG_AUTH"))
    if not is_loopback(host) and auth is None:
        raise ConfigError(
            f"GRADIO_SERVER_NAME={host} makes the app reachable from other machines; set "
            "RAG_AUTH=user:password to require a login, or bind to 127.0.0.1"
        )
    return host, int(port_text), auth


def sync_index(assistant: Assistant) -> None:
    """Ingest corpus/ and earlier uploads, reporting progress and skipped files on stderr."""
    from rag.index.uploads import UPLOADS_DIRNAME

    began = time.perf_counter()
    uploads = assistant.data_dir / UPLOADS_DIRNAME
    targets = [ROOT / "corpus"] + ([uploads] if uploads.is_dir() else [])
    print(f"indexing {', '.join(str(t) for t in targets)} into {assistant.data_dir} …",
          file=sys.stderr, flush=True)  # fmt: skip

    def progress(done: int, total: int, path: str) -> None:
        if done == total or done % 25 == 0:
            print(f"  {done}/{total} files  {Path(path).name}", file=sys.stderr, flush=True)

    report = assistant.ingest(targets, progress=progress)
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


def start_background_sync(assistant: Assistant) -> BackgroundSync | None:
    """Sync due feeds in a daemon thread every ``RAG_SYNC_EVERY`` (None when it is unset).

    Raises:
        ConfigError: the interval is not a duration.
    """
    from rag.config import parse_every
    from rag.sources.service import BackgroundSync

    every = assistant.settings.sync_every
    if not every:
        return None
    seconds = parse_every(every, minimum=1.0)
    print(f"syncing due feeds every {seconds:g} s in the background (RAG_SYNC_EVERY={every})",
          file=sys.stderr, flush=True)  # fmt: skip
    return BackgroundSync(assistant, seconds).start()


def main() -> int:
    """Check the environment, sync the index with corpus/ and uploads, then serve the app."""
    configure_logging()
    try:
        host, port, auth = check_environment()
    except ConfigError as exc:
        return fail(str(exc))

    import gradio as gr

    from rag import Assistant
    from rag.ui.chat import CSS, build_app

    try:
        assistant = Assistant()
        sync_index(assistant)
        # After the index sync: the feeds' articles go into the same in-process index the
        # chat searches, so they are answerable as soon as a sync has indexed them.
        syncer = start_background_sync(assistant)
    except RagError as exc:
        return fail(str(exc))
    demo = build_app(assistant)
    # Gradio's own limit stops huge bodies early; the app's per-file check gives the message.
    max_upload = int(assistant.settings.max_file_bytes * 2)
    try:
        demo.queue(default_concurrency_limit=4).launch(
            server_name=host,
            server_port=port,
            auth=LoginGuard(*auth) if auth else None,
            max_file_size=max_upload,
            show_error=True,
            css=CSS,
            theme=gr.themes.Soft(),
            footer_links=["api"],
        )
    except OSError as exc:  # port taken or address not available
        return fail(f"cannot serve on {host}:{port}: {exc}")
    finally:
        if syncer is not None:
            syncer.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
