"""The app as a real server: ``python app.py`` on a free localhost port, driven by gradio_client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError, AuthenticationError

from tests.appserver import running_app
from tests.conftest import SEED_ID, seed_text

pytestmark = [pytest.mark.server, pytest.mark.slow, pytest.mark.real_model]
QUESTION = "What is disputed about the Philadelphi Corridor?"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(tmp_path_factory.mktemp("app") / "data") as url:
        yield url


def _ask(url: str, question: str, **kwargs: Any) -> dict[str, Any]:
    client = Client(url, verbose=False)
    result = client.predict(question, api_name="/chat", **kwargs)
    assert set(result) == {"answer", "abstained", "reason", "short", "sources"}  # /chat's contract
    assert result["reason"] is not None or not result["abstained"]  # an abstention says why
    return result


def test_chat_endpoint_cites_the_seed_article(app_url: str) -> None:
    result = _ask(app_url, QUESTION)
    assert not result["abstained"]
    assert "[1]" in result["answer"]
    sources = result["sources"]
    assert sources and {s["doc_id"] for s in sources} == {SEED_ID}
    text = seed_text()
    for s in sources:
        assert f"[{s['marker']}]" in result["answer"]
        assert text[s["start"] : s["end"]] == s["quote"]
        assert s["quote"] in result["answer"]  # extractive: the answer quotes its sources
    assert "Philadelphi Corridor" in result["answer"]


def test_chat_endpoint_takes_settings_and_history(app_url: str) -> None:
    first = _ask(app_url, QUESTION, top_k=3)
    history = [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": first["answer"]},
    ]
    follow = _ask(app_url, "What did Israeli sources hint about it?", history=history)
    assert not follow["abstained"] and follow["sources"]
    assert "Israeli sources" in follow["answer"]
    future = _ask(app_url, QUESTION, date_from="2999-01-01")
    assert future["abstained"] and future["sources"] == []


def test_chat_endpoint_reports_library_errors(app_url: str) -> None:
    with pytest.raises(AppError, match="the question is empty"):
        _ask(app_url, "   ")


def test_api_lists_only_the_chat_endpoint(app_url: str) -> None:
    info = Client(app_url, verbose=False).view_api(print_info=False, return_format="dict")
    assert list(info["named_endpoints"]) == ["/chat"]
    assert info["unnamed_endpoints"] == {}


def test_public_bind_requires_login(tmp_path: Path) -> None:
    with running_app(tmp_path / "data", GRADIO_SERVER_NAME="0.0.0.0", RAG_AUTH="ann:s3cret") as url:
        with pytest.raises(AuthenticationError, match="credentials were not provided"):
            Client(url, verbose=False)
        result = Client(url, auth=("ann", "s3cret"), verbose=False).predict(
            QUESTION, api_name="/chat"
        )
        assert result["sources"][0]["doc_id"] == SEED_ID
