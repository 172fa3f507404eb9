"""Start ``app.py`` as a real server on a free localhost port, for the app and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 180  # first start embeds the corpus on a shared 2-core machine


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(
    url: str, proc: subprocess.Popen[bytes] | None, seconds: float, log: str = ""
) -> None:
    """Poll ``url`` until it answers 200; fail early if ``proc`` exits, or after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {seconds:g} s:\n{log}")
        time.sleep(0.3)


@contextmanager
def running_app(data_dir: Path, **env: str) -> Iterator[str]:
    """Run ``python app.py`` with ``RAG_DATA_DIR=data_dir`` and yield its URL; stop it after.

    Args:
        data_dir: the app's data directory.
        **env: extra environment variables.

    Yields:
        The app's base URL, once it answers HTTP.
    """
    port = free_port()
    log = data_dir.parent / f"app-{port}.log"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    inherited = {k: v for k, v in os.environ.items() if k != "RAG_AUTH"}
    full_env = {
        **inherited,
        "RAG_DATA_DIR": str(data_dir),
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "GRADIO_SERVER_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
        **env,
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=full_env, stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/"
        try:
            try:
                wait_http(url, proc, STARTUP_SECONDS)
            except RuntimeError as exc:
                raise RuntimeError(f"app.py: {exc}\n{log.read_text()}") from None
            yield url
        finally:
            stop(proc)


@contextmanager
def serving(app: Any) -> Iterator[int]:
    """Run ``app`` with uvicorn (as `rag serve` does) on a free localhost port; yield the port."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_http(f"http://127.0.0.1:{port}/health", None, 30)
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def stop(proc: subprocess.Popen[Any]) -> None:
    """Terminate a server process, killing it if it does not exit within 20 s."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    """A real Chroma server (the chromadb package's ``chroma run``) on a free port of
    127.0.0.1, its data under ``path``; stopped when the block ends."""
    import shutil

    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/api/v2/heartbeat", proc, 60)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
