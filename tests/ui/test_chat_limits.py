"""The app's /chat endpoint keeps the REST API's limits; the login is rate limited."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import gradio as gr
import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from rag import Assistant
from rag.ui.chat import INTERNAL_ERROR, ChatApp
from rag.ui.login import LoginGuard
from tests.appserver import running_app
from tests.conftest import SEED_ID

QUESTION = "What is disputed about the Philadelphi Corridor?"
TOP_K_RULE = "top_k must be a whole number from 1 to 100"


@pytest.fixture(scope="module")
def chat(fake_seeded: Assistant) -> ChatApp:
    return ChatApp(fake_seeded, stream_delay=0)


def _turns(n: int) -> list[dict[str, str]]:
    return [{"role": ("user", "assistant")[i % 2], "content": f"turn {i}"} for i in range(n)]


@pytest.mark.parametrize(
    ("top_k", "message"),
    [
        (10**9, f"{TOP_K_RULE} (got 1000000000)"),
        (101, f"{TOP_K_RULE} (got 101)"),
        (0, f"{TOP_K_RULE} (got 0)"),
        (-3, f"{TOP_K_RULE} (got -3)"),
        (2.5, TOP_K_RULE),
        ("many", TOP_K_RULE),
        (True, TOP_K_RULE),
    ],
)
def test_top_k_outside_1_to_100_is_refused(chat: ChatApp, top_k: Any, message: str) -> None:
    with pytest.raises(gr.Error) as info:
        chat.api_chat(QUESTION, top_k=top_k)
    assert info.value.message == message


@pytest.mark.parametrize("top_k", [1, 3, 3.0, "3", 100, None])
def test_top_k_in_range_is_used(chat: ChatApp, top_k: Any) -> None:
    result = chat.api_chat(QUESTION, top_k=top_k)
    assert not result["abstained"] and result["sources"][0]["doc_id"] == SEED_ID


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (_turns(101), "history has 101 turns; at most 100 are accepted"),
        (_turns(10_000), "history has 10000 turns; at most 100 are accepted"),
        (["hi"], "history turn 1 must be an object with role and content"),
        ([{"role": "user", "content": "a"}, 7], "history turn 2 must be an object with role"),
        ([{"role": "bot", "content": "a"}], "history turn 1: role must be one of user, assistant"),
        ([{"role": "user"}], "history turn 1: content must be a string"),
        ([{"role": "user", "content": [{"type": "text", "text": "a"}]}],
         "history turn 1: content must be a string"),
        ([{"role": "user", "content": "x" * 100_001}],
         "history turn 1 is 100001 characters long; at most 100000"),
        ({"role": "user", "content": "a"}, "history must be a list of {role, content} turns"),
    ],
)  # fmt: skip
def test_bad_history_is_refused_with_what_is_wrong(
    chat: ChatApp, history: Any, message: str
) -> None:
    with pytest.raises(gr.Error) as info:
        chat.api_chat(QUESTION, history=history)
    assert info.value.message.startswith(message)


def test_history_at_the_limits_is_accepted(chat: ChatApp) -> None:
    history = [*_turns(99), {"role": "assistant", "content": "y" * 100_000}]
    result = chat.api_chat(QUESTION, history=history)
    assert result["sources"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_from", "2024-01-01" * 5, "date_from is 50 characters long; a date has at most 40"),
        ("date_to", "x" * 100_000, "date_to is 100000 characters long; a date has at most 40"),
        ("date_from", 20240101, "date_from must be a date string such as 2024-08-19"),
    ],
)
def test_date_filters_are_bounded(chat: ChatApp, field: str, value: Any, message: str) -> None:
    with pytest.raises(gr.Error) as info:
        chat.api_chat(QUESTION, **{field: value})
    assert info.value.message == message


class _Broken:
    """An assistant whose answer fails with a Python error (as a bug would)."""

    settings = None
    llm_configured = False

    def ask_stream(self, *args: Any, **kwargs: Any) -> Any:
        raise AttributeError("'str' object has no attribute 'get'")


def test_unexpected_errors_are_logged_not_shown(caplog: pytest.LogCaptureFixture) -> None:
    app = ChatApp(_Broken())  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="rag.ui.chat"), pytest.raises(gr.Error) as info:
        app.api_chat(QUESTION)
    assert info.value.message == INTERNAL_ERROR
    assert "attribute" not in info.value.message
    [record] = [r for r in caplog.records if r.name == "rag.ui.chat"]
    assert record.exc_info and "'str' object has no attribute 'get'" in str(record.exc_info[1])


def test_a_long_ui_conversation_still_answers(chat: ChatApp) -> None:
    """The chat UI passes only the latest 100 turns on, so turn 151 works; parts are accepted."""
    history: list[dict[str, Any]] = [
        {"role": ("user", "assistant")[i % 2], "content": [{"type": "text", "text": f"t {i}"}]}
        for i in range(150)
    ]
    history.append({"role": "user", "content": QUESTION})
    *_, (messages, sources) = chat.respond(QUESTION, history, 5, "", "")
    assert messages[-1]["role"] == "assistant" and "[1]" in messages[-1]["content"]
    assert SEED_ID in sources


# --- the login ------------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_login_guard_locks_a_username_after_5_failures_for_the_window() -> None:
    clock = _Clock()
    guard = LoginGuard("ann", "s3cret", clock=clock)
    assert guard("ann", "s3cret")
    for _ in range(5):
        assert not guard("ann", "guess")
        clock.now += 1
    assert not guard("ann", "s3cret")  # locked: the right password is refused too
    clock.now = 1000.0 + 59.9
    assert not guard("ann", "s3cret")
    clock.now = 1000.0 + 60.0  # the window (from the first failure) is over
    assert guard("ann", "s3cret")


def test_login_guard_counts_per_username_and_resets_on_success() -> None:
    clock = _Clock()
    guard = LoginGuard("ann", "s3cret", clock=clock)
    for _ in range(10):
        assert not guard("bob", "s3cret")  # another name: never valid, and does not lock ann
    assert guard("ann", "s3cret")
    for _ in range(4):
        assert not guard("ann", "guess")
    assert guard("ann", "s3cret")  # a success clears the count
    for _ in range(4):
        assert not guard("ann", "guess")
    assert guard("ann", "s3cret")
    assert not guard("ann", "s3cret ") and not guard("Ann", "s3cret") and not guard("ann", "")
    assert not guard("ann" * 1000, "s3cret")


def test_login_guard_memory_is_bounded_under_a_name_spray() -> None:
    clock = _Clock()
    guard = LoginGuard("ann", "s3cret", clock=clock)
    for n in range(5000):
        guard(f"user{n}", "x")
    assert len(guard._failures) <= LoginGuard.MAX_TRACKED
    for _ in range(5):
        guard("ann", "guess")
    assert not guard("ann", "s3cret")  # the real name is still tracked when the table is full


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.real_model
def test_real_app_limits_chat_and_login(tmp_path: Path) -> None:
    with running_app(tmp_path / "data", RAG_AUTH="ann:s3cret") as url:
        client = Client(url, auth=("ann", "s3cret"), verbose=False)
        with pytest.raises(AppError, match=TOP_K_RULE):
            client.predict(QUESTION, api_name="/chat", top_k=10**9)
        with pytest.raises(AppError, match="history turn 1 must be an object") as info:
            client.predict(QUESTION, api_name="/chat", history=["hi"])
        assert "attribute" not in str(info.value)
        assert client.predict(QUESTION, api_name="/chat", top_k=3)["sources"]

        login = f"{url}login"
        for _ in range(5):
            r = httpx.post(login, data={"username": "ann", "password": "guess"})
            assert r.status_code == 400 and r.json()["detail"] == "Incorrect credentials."
        r = httpx.post(login, data={"username": "ann", "password": "s3cret"})
        assert r.status_code == 400  # locked out for the rest of the minute
        other = httpx.post(login, data={"username": "bob", "password": "s3cret"})
        assert other.status_code == 400
