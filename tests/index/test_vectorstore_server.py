"""Scale-out mode: a real Chroma server started with the chromadb package's `chroma run`."""

import pytest

from rag import Assistant
from rag.errors import StoreError
from tests.appserver import chroma_server, free_port
from tests.conftest import ROOT, SEED_ID, seed_text

pytestmark = [pytest.mark.server, pytest.mark.real_model]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


def test_ingest_and_ask_against_chroma_server(chroma_url, tmp_path):
    asst = Assistant(data_dir=tmp_path / "data", chroma_url=chroma_url)
    report = asst.ingest([ROOT / "corpus"])
    assert report.added == [SEED_ID]
    # Nothing embedded locally: vectors live in the server.
    assert not (tmp_path / "data" / "chroma").exists()
    assert asst.index.store.count() == report.chunks

    answer = asst.ask("What is disputed about the Philadelphi Corridor?")
    text = seed_text()
    assert answer.citations and all(text[c.start : c.end] == c.quote for c in answer.citations)
    assert any("Philadelphi Corridor" in c.quote for c in answer.citations)

    # A second client (another process, say) sees the same collection.
    other = Assistant(data_dir=tmp_path / "data", chroma_url=chroma_url)
    assert other.index.store.count() == report.chunks
    assert other.ingest([ROOT / "corpus"]).unchanged == [SEED_ID]


def test_unreachable_server_is_a_clear_error(tmp_path):
    asst = Assistant(data_dir=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreError, match=r"127\.0\.0\.1"):
        asst.retrieve("hostages")
