"""Concurrency (reliability item 4): 20 sessions against the REST API and the Gradio app.

Real servers (``rag serve``, ``python app.py``) on the bundled model: every session gets the
same answers as a single client, with no errors, while the soak runs ``RAG_SOAK_SECONDS``
(default 10 s); an ingest while querying shows the old or the new state, never a mix. The
``FIGURES`` lines (run with ``-s``) are quoted in docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.appserver import free_port, stop, wait_http
from tests.conftest import ROOT
from tests.reliability import PHILADELPHI, SOAK_SECONDS, figures

pytestmark = [pytest.mark.server, pytest.mark.slow, pytest.mark.real_model]
SESSIONS = 20
QUESTIONS = [
    PHILADELPHI,
    "How many hostages are still held?",
    "What did Blinken tell Herzog?",
    "What did Hamas say about the ceasefire talks?",
    "Where is the Philadelphi Corridor?",
]
QUAKE = "A strong earthquake struck Lima on Monday. Ten homes fell and the roads were closed."
QUAKE_Q = "Where did the earthquake strike on Monday?"


def _latency(values: list[float]) -> dict[str, float]:
    ordered = sorted(values) or [0.0]
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50_ms": round(pick(0.5) * 1000), "p95_ms": round(pick(0.95) * 1000)}


@pytest.fixture(scope="module")
def rest_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``rag serve`` on a free localhost port over the seed corpus, with an API key."""
    data = tmp_path_factory.mktemp("soak") / "data"
    run = [sys.executable, "-m", "rag"]
    subprocess.run([*run, "ingest", "--data-dir", str(data)], check=True, capture_output=True,
                   cwd=ROOT, timeout=600)  # fmt: skip
    port = free_port()
    env = {**os.environ, "RAG_API_KEY": "soak-key-SECRET-31"}
    log = data.parent / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*run, "serve", "--port", str(port), "--data-dir", str(data)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/health", proc, 180)
        yield url
    finally:
        stop(proc)
        logs = log.read_text(errors="replace")
        assert "soak-key-SECRET-31" not in logs and "Traceback" not in logs


def _answer_key(text: str, body: dict[str, Any]) -> tuple[Any, ...]:
    """What must not change between sessions: the text and where every quote comes from.

    Scores are left out: sentence vectors are embedded in batches whose make-up depends on
    which requests run together, which moves floats in the last bits, not the answer.
    """
    cites = body.get("citations", body.get("sources", []))
    return text, [(c["marker"], c["doc_id"], c["start"], c["end"]) for c in cites]


def _rest_call(c: httpx.Client, kind: str, q: str) -> tuple[int, Any]:
    """One request of a session; returns (status, the part that must equal the baseline)."""
    if kind == "ask":
        r = c.post("/ask", json={"question": q})
        return r.status_code, r.status_code == 200 and _answer_key(r.json()["text"], r.json())
    if kind == "search":
        r = c.post("/search", json={"query": q, "top_k": 5})
        return r.status_code, r.status_code == 200 and [h["chunk_id"] for h in r.json()["hits"]]
    if kind == "stream":
        with c.stream("POST", "/ask/stream", json={"question": q}) as r:
            raw = "".join(r.iter_text())
        final = next(b for b in raw.split("\n\n") if b.startswith("event: answer"))
        return r.status_code, json.loads(final.split("data: ", 1)[1])["text"]
    r = c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": q}]})
    return r.status_code, r.status_code == 200 and r.json()["choices"][0]["message"]["content"]


def test_rest_api_20_sessions_soak(rest_server: str) -> None:
    headers = {"Authorization": "Bearer soak-key-SECRET-31"}
    kinds = ["ask", "search", "stream", "chat"]
    with httpx.Client(base_url=rest_server, headers=headers, timeout=120) as c:
        expected = {(k, q): _rest_call(c, k, q)[1] for k in kinds for q in QUESTIONS}
    assert all(expected.values())
    errors: list[str] = []
    mismatches: list[tuple[str, str]] = []
    latencies: list[float] = []
    deadline = time.monotonic() + SOAK_SECONDS

    def session(n: int) -> None:
        with httpx.Client(base_url=rest_server, headers=headers, timeout=120) as c:
            for i in range(100_000):  # bounded by count and by the deadline
                if time.monotonic() > deadline:
                    return
                kind, q = kinds[(n + i) % len(kinds)], QUESTIONS[(n * 3 + i) % len(QUESTIONS)]
                began = time.monotonic()
                try:
                    status, got = _rest_call(c, kind, q)
                except httpx.HTTPError as exc:
                    errors.append(f"{kind}: {type(exc).__name__}")
                    continue
                latencies.append(time.monotonic() - began)
                if status != 200:
                    errors.append(f"{kind}: HTTP {status}")
                elif got != expected[(kind, q)]:
                    mismatches.append((kind, q))

    took = _run_sessions(session)
    assert errors == [] and mismatches == []
    assert len(latencies) >= SESSIONS
    figures("rest_soak", sessions=SESSIONS, seconds=round(took, 1), requests=len(latencies),
             errors=len(errors), mismatches=len(mismatches),
             rps=round(len(latencies) / took, 1), **_latency(latencies))  # fmt: skip


def test_rest_ingest_while_querying_sees_old_or_new_state(rest_server: str) -> None:
    headers = {"Authorization": "Bearer soak-key-SECRET-31"}
    c = httpx.Client(base_url=rest_server, headers=headers, timeout=120)
    ask = lambda q: c.post("/ask", json={"question": q}).json()["text"]  # noqa: E731
    old = {q: ask(q) for q in (QUAKE_Q, PHILADELPHI)}
    seen: list[tuple[str, int, str]] = []
    stop = threading.Event()

    def session(n: int) -> None:
        with httpx.Client(base_url=rest_server, headers=headers, timeout=120) as s:
            for i in range(100_000):
                if stop.is_set():
                    return
                q = (QUAKE_Q, PHILADELPHI)[(n + i) % 2]
                r = s.post("/ask", json={"question": q})
                seen.append((q, r.status_code, r.json().get("text", r.text)))

    threads = [threading.Thread(target=session, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    try:
        time.sleep(1)
        rounds = 0
        for rounds in range(1, 4):  # add, then delete, then add again: three state changes
            if rounds % 2:
                r = c.post("/ingest", files=[("files", ("quake.txt", QUAKE.encode()))])
            else:
                r = c.delete("/documents/uploads/quake.txt")
            assert r.status_code == 200, r.text
            time.sleep(1)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=300)
    new = {q: ask(q) for q in (QUAKE_Q, PHILADELPHI)}
    assert "Lima" in new[QUAKE_Q] and "Lima" not in old[QUAKE_Q]
    bad = [(q, st_, text[:400]) for q, st_, text in seen
           if st_ != 200 or text not in (old[q], new[q])]  # fmt: skip
    assert bad == [] and len(seen) > 10
    c.close()
    figures(
        "ingest_while_querying",
        requests=len(seen),
        state_changes=rounds,
        new_state_answers=sum(1 for q, _, t in seen if q == QUAKE_Q and t == new[q]),
    )


def test_gradio_app_20_sessions_soak(tmp_path: Path) -> None:
    from gradio_client import Client

    from tests.appserver import running_app

    # With a login, so the soak also shows the password never reaches the app's log.
    login = ("soak", "pw-app-SECRET-77")
    with running_app(tmp_path / "data", RAG_AUTH=":".join(login)) as url:
        # Gradio refuses a wrong password with a 400, which gradio_client raises as this.
        with pytest.raises(ValueError, match="^Could not login to ") as refused:
            Client(url, auth=(login[0], "wrong-pw"), verbose=False)
        assert login[1] not in str(refused.value)
        single = Client(url, auth=login, verbose=False)

        def chat(client: Client, q: str) -> tuple[Any, ...]:
            result = client.predict(q, api_name="/chat")
            return _answer_key(result["answer"], result)

        expected = {q: chat(single, q) for q in QUESTIONS}
        errors: list[str] = []
        mismatches: list[str] = []
        latencies: list[float] = []
        deadline = time.monotonic() + SOAK_SECONDS

        def session(n: int) -> None:
            try:
                client = Client(url, auth=login, verbose=False)
            except Exception as exc:  # noqa: BLE001 - any failure to connect is an error here
                errors.append(f"connect: {type(exc).__name__}")
                return
            for i in range(100_000):
                if time.monotonic() > deadline:
                    return
                q = QUESTIONS[(n + i) % len(QUESTIONS)]
                began = time.monotonic()
                try:
                    got = chat(client, q)
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"predict: {type(exc).__name__}: {exc}"[:200])
                    continue
                latencies.append(time.monotonic() - began)
                if got != expected[q]:
                    mismatches.append(q)

        took = _run_sessions(session)
    assert errors == [] and mismatches == []
    assert len(latencies) >= SESSIONS
    logs = "".join(p.read_text(errors="replace") for p in tmp_path.glob("app-*.log"))
    assert logs and login[1] not in logs and "Traceback" not in logs
    figures("gradio_soak", sessions=SESSIONS, seconds=round(took, 1), requests=len(latencies),
             errors=len(errors), mismatches=len(mismatches),
             rps=round(len(latencies) / took, 1), **_latency(latencies))  # fmt: skip


def _run_sessions(session: Callable[[int], None]) -> float:
    """Run ``SESSIONS`` threads of ``session`` to the end; seconds they took."""
    threads = [threading.Thread(target=session, args=(n,)) for n in range(SESSIONS)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SOAK_SECONDS + 300)
    assert not any(t.is_alive() for t in threads)
    return time.monotonic() - began
