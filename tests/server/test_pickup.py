"""A running `rag serve` sees what a separate `rag ingest` adds to its data dir (issue 22)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.appserver import free_port, wait_http
from tests.conftest import ROOT, SEED

pytestmark = [pytest.mark.server, pytest.mark.real_model]

STORY = (
    "The harbour board of Kestrel Bay approved a new breakwater on Tuesday.\n\n"
    "Engineers said the breakwater will be 412 metres long and built of granite from the "
    "Tarrow quarry. Work starts in April and should take two years."
)


def test_an_article_ingested_by_another_process_is_found_within_five_seconds(tmp_path):
    data, news = tmp_path / "data", tmp_path / "news"
    news.mkdir()
    (news / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "RAG_DATA_DIR": str(data)}
    rag = [sys.executable, "-m", "rag"]
    subprocess.run([*rag, "ingest", str(news)], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)  # fmt: skip
    port = free_port()
    proc = subprocess.Popen(
        [*rag, "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    query = {"query": "How long will the Kestrel Bay breakwater be?", "top_k": 1}
    try:
        wait_http(f"{url}/health", proc, 120)
        before = httpx.post(f"{url}/search", json=query, timeout=60).json()["hits"]
        assert "412 metres" not in before[0]["text"]
        (news / "breakwater.txt").write_text(STORY, encoding="utf-8")
        subprocess.run([*rag, "ingest", str(news)], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=300)  # fmt: skip
        written = time.monotonic()
        while True:
            hits = httpx.post(f"{url}/search", json=query, timeout=60).json()["hits"]
            if hits and "412 metres" in hits[0]["text"]:
                break
            assert time.monotonic() - written < 5, "not visible 5 s after the ingest ended"
            time.sleep(0.2)
        # Dense retrieval sees it too, not only BM25: the vector store was read again.
        dense = httpx.post(f"{url}/search", json={**query, "top_k": 3}, timeout=60).json()
        assert any(h["dense_score"] is not None and "412 metres" in h["text"]
                   for h in dense["hits"])  # fmt: skip
    finally:
        proc.terminate()
        logs = proc.communicate(timeout=20)[0]
    assert "Traceback" not in logs
