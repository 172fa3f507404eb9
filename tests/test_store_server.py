"""Scale-out mode: a real Chroma server started with the chromadb package's `chroma run`."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rag import Assistant
from rag.errors import StoreError
from tests.conftest import ROOT, SEED_ID, seed_text

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start within 30 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_ingest_and_ask_against_chroma_server(chroma_url, tmp_path):
    asst = Assistant(data_dir=tmp_path / "data", chroma_url=chroma_url)
    report = asst.ingest([ROOT / "corpus"])
    assert report.added == [SEED_ID]
    # Nothing embedded locally: vectors live in the server.
    assert not (tmp_path / "data" / "chroma").exists()
    assert asst.store.count() == report.chunks

    answer = asst.ask("What is disputed about the Philadelphi Corridor?")
    text = seed_text()
    assert answer.citations and all(text[c.start : c.end] == c.quote for c in answer.citations)
    assert any("Philadelphi Corridor" in c.quote for c in answer.citations)

    # A second client (another process, say) sees the same collection.
    other = Assistant(data_dir=tmp_path / "data", chroma_url=chroma_url)
    assert other.store.count() == report.chunks
    assert other.ingest([ROOT / "corpus"]).unchanged == [SEED_ID]


def test_unreachable_server_is_a_clear_error(tmp_path):
    asst = Assistant(data_dir=tmp_path, chroma_url=f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(StoreError, match=r"127\.0\.0\.1"):
        asst.retrieve("hostages")
