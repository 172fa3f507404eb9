"""Replicas and workers over one Chroma server, as real processes on 127.0.0.1 (issue 22)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.appserver import free_port, wait_http
from tests.conftest import ROOT, SEED

pytestmark = [pytest.mark.server, pytest.mark.real_model, pytest.mark.slow]
RAG = [sys.executable, "-m", "rag"]
STORIES = {
    "breakwater.txt": "The harbour board of Kestrel Bay approved a new breakwater on Tuesday. "
    "Engineers said the breakwater will be 412 metres long and built of granite.",
    "lighthouse.txt": "The old lighthouse on Puffin Point will reopen as a museum in June. "
    "The council said restoring its lantern room cost 86,000 pounds.",
}


class Chroma:
    """``chroma run`` on a fixed port, so that it can be stopped and started again."""

    def __init__(self, path: Path) -> None:
        self.path, self.port = path, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
        self.proc = subprocess.Popen(
            [exe, "run", "--path", str(self.path), "--host", "127.0.0.1", "--port",
             str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_http(f"{self.url}/api/v2/heartbeat", self.proc, 60)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


@contextmanager
def serving(data: Path, env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    proc = subprocess.Popen(
        [*RAG, "serve", "--port", str(port), "--data-dir", str(data)], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/health", proc, 180)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.communicate(timeout=30)


def _corpus(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    for name in names:
        (folder / name).write_text(STORIES[name], encoding="utf-8")
    return folder


def _found(url: str, query: str, words: str, seconds: float = 5.0) -> float:
    began = time.monotonic()
    while True:
        reply = httpx.post(f"{url}/search", json={"query": query, "top_k": 3}, timeout=60)
        if reply.status_code == 200 and any(words in h["text"] for h in reply.json()["hits"]):
            return time.monotonic() - began
        assert time.monotonic() - began < seconds, f"{words!r} not found at {url}"
        time.sleep(0.2)


def test_replicas_and_workers_share_one_chroma_server(tmp_path):
    chroma = Chroma(tmp_path / "chroma")
    chroma.start()
    env = {**os.environ, "RAG_CHROMA_URL": chroma.url}
    try:
        with (
            serving(tmp_path / "r1", env) as (one, proc_one),
            serving(tmp_path / "r2", env) as (two, _),
        ):
            # Two workers ingest overlapping corpora at once (the seed article in both).
            workers = [
                subprocess.Popen([*RAG, "ingest", str(_corpus(tmp_path / f"c{n}", [name])),
                                  "--data-dir", str(tmp_path / f"w{n}")], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                for n, name in enumerate(STORIES)
            ]  # fmt: skip
            for w in workers:
                assert w.wait(timeout=300) == 0, w.stdout.read() if w.stdout else ""
            ended = time.monotonic()
            for url in (one, two):
                _found(url, "How long is the Kestrel Bay breakwater?", "412 metres")
                _found(url, "What did restoring the lighthouse cost?", "86,000 pounds")
            assert time.monotonic() - ended < 10  # each within 5 s of the ingests ending
            # No duplicate chunk, no orphan: every vector belongs to one recorded article.
            docs = httpx.get(f"{two}/documents", timeout=60).json()["documents"]
            assert len(docs) == 3  # the seed once (the other copy is a duplicate), each story
            import chromadb

            client = chromadb.HttpClient(host="127.0.0.1", port=chroma.port)
            vectors = client.get_collection("articles").get(include=["metadatas"])
            owners = [m["doc_id"] for m in vectors["metadatas"]]
            assert len(owners) == sum(d["n_chunks"] for d in docs)
            assert set(owners) == {d["doc_id"] for d in docs}
            # kill -9 of one replica: the other goes on serving.
            proc_one.send_signal(signal.SIGKILL)
            proc_one.wait(timeout=30)
            _found(two, "How long is the Kestrel Bay breakwater?", "412 metres")
            # The Chroma server goes away: a clear 503, then answers again once it is back.
            chroma.stop()
            down = httpx.post(f"{two}/search", json={"query": "breakwater"}, timeout=60)
            assert down.status_code == 503 and "vector store" in down.json()["error"]["message"]
            chroma.start()
            _found(two, "How long is the Kestrel Bay breakwater?", "412 metres", 30)
    finally:
        chroma.stop()


def _state(chroma: Chroma, collection: str) -> tuple[dict[str, str], set[str]]:
    """``doc_id -> record hash`` of the article records, and the chunk ids in ``collection``."""
    import json

    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=chroma.port)
    records = client.get_collection(f"{collection}-articles").get(include=["metadatas"])
    articles = {  # a record's body is its metadata's "record" (rag.index.server_home)
        i: json.loads(meta["record"])["article"]["text"][:80]
        for i, meta in zip(records["ids"], records["metadatas"], strict=True)
    }
    chunks = client.get_collection(collection).get(include=["metadatas"])
    owners = {m["doc_id"] for m in chunks["metadatas"]}
    assert owners <= set(articles), f"orphan vectors of {sorted(owners - set(articles))[:3]}"
    return articles, set(chunks["ids"])


def test_kill_9_of_a_worker_mid_ingest_then_a_rerun_equals_a_clean_ingest(tmp_path, newspaper):
    corpus = newspaper / "text"
    chroma = Chroma(tmp_path / "chroma")
    chroma.start()
    env = {**os.environ, "RAG_CHROMA_URL": chroma.url}
    ingest = [*RAG, "ingest", str(corpus)]
    try:
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        worker = subprocess.Popen([*ingest, "--data-dir", str(tmp_path / "w1")], cwd=ROOT,
                                  env=env, **quiet)  # fmt: skip
        time.sleep(25)  # the model is loaded and the first batches are committed
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        # The re-run is another worker, with a data dir of its own (a fresh cache).
        rerun = subprocess.run([*ingest, "--data-dir", str(tmp_path / "w2")], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=900)  # fmt: skip
        assert rerun.returncode in (0, 1), rerun.stderr  # 1: some files are no articles
        clean_env = {**env, "RAG_COLLECTION": "clean"}
        clean = subprocess.run([*ingest, "--data-dir", str(tmp_path / "c")], cwd=ROOT,
                               env=clean_env, capture_output=True, text=True,
                               timeout=900)  # fmt: skip
        assert clean.returncode in (0, 1), clean.stderr
        assert _state(chroma, "articles") == _state(chroma, "clean")
    finally:
        chroma.stop()
