"""Chroma server mode (reliability item 6): the server stops mid-session and comes back.

A real ``chroma run`` and the bundled model: while the server is down, answers fail with a
`StoreError` (503 over HTTP) naming the server; when it comes back, with the same data or empty,
the assistant reconnects without a restart. ``FIGURES chroma_restart`` (run with ``-s``) is
quoted in docs/reliability.md.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rag import Assistant
from rag.errors import StoreError
from rag.server.api import create_app
from tests.appserver import free_port, stop, wait_http
from tests.conftest import ROOT, SEED_ID
from tests.reliability import PHILADELPHI, figures

pytestmark = [pytest.mark.server, pytest.mark.real_model]


def _chroma_server(path: Path, port: int) -> subprocess.Popen[bytes]:
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_http(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, 60)
    except RuntimeError:
        proc.kill()
        raise
    return proc


def test_chroma_server_stopped_then_restarted(tmp_path: Path) -> None:
    port, path = free_port(), tmp_path / "chroma"
    server = _chroma_server(path, port)
    try:
        asst = Assistant(data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{port}")
        asst.ingest([ROOT / "corpus"])
        client = TestClient(create_app(asst), raise_server_exceptions=False)
        before = client.post("/ask", json={"question": PHILADELPHI}).json()
        assert before["citations"]
    finally:
        stop(server)

    began = time.monotonic()
    with pytest.raises(StoreError, match=rf"127\.0\.0\.1:{port}") as down:
        asst.ask(PHILADELPHI + " again")
    error_s = time.monotonic() - began
    r = client.post("/ask", json={"question": PHILADELPHI + " once more"})
    assert r.status_code == 503 and r.json()["error"]["type"] == "StoreError"
    assert "Traceback" not in r.text

    server = _chroma_server(path, port)  # same port, same data: "the server came back"
    try:
        began = time.monotonic()
        after = client.post("/ask", json={"question": PHILADELPHI})
        recover_s = time.monotonic() - began
        assert after.status_code == 200, after.text
        assert after.json()["text"] == before["text"]
        assert asst.ingest([ROOT / "corpus"]).unchanged == [SEED_ID]
    finally:
        stop(server)

    # It comes back empty (a fresh volume): the old collection id is gone for good. The store
    # reconnects to a new collection at once, and the next ingest re-embeds what is missing.
    server = _chroma_server(tmp_path / "chroma-fresh", port)
    try:
        r = client.post("/ask", json={"question": PHILADELPHI})
        assert r.status_code == 200, r.text  # BM25 alone until the vectors are back
        report = asst.ingest([ROOT / "corpus"])
        assert report.updated == [SEED_ID] and asst.index.store.count() == report.chunks
        assert client.post("/ask", json={"question": PHILADELPHI}).json()["text"] == before["text"]
    finally:
        stop(server)
    figures("chroma_restart", error_s=round(error_s, 2), recover_s=round(recover_s, 2),
             error=str(down.value))  # fmt: skip
