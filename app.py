"""Run the news assistant's chat app: ``python app.py``, then open http://127.0.0.1:7860.

Environment: ``GRADIO_SERVER_NAME`` (default 127.0.0.1), ``GRADIO_SERVER_PORT`` (default 7860),
``RAG_DATA_DIR`` (default .rag), ``RAG_AUTH=user:password`` (required unless bound to localhost),
and the other ``RAG_*`` settings of `rag.config.Settings`.
"""

from __future__ import annotations

import os

# Gradio reads this at import time: no analytics calls, the app works offline.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import sys  # noqa: E402
import time  # noqa: E402
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
    from rag.chat import CSS, build_app
    from rag.errors import RagError
    from rag.uploads import UPLOADS_DIRNAME

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

    demo = build_app(assistant)
    # Gradio's own limit stops huge bodies early; the app's per-file check gives the message.
    max_upload = int(assistant.settings.max_file_bytes * 2)
    try:
        demo.queue(default_concurrency_limit=4).launch(
            server_name=host,
            server_port=int(port_text),
            auth=auth,
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
