"""REST API: in-process (TestClient) for the contract, a real `rag serve` for clients and load."""

import json
import os
import subprocess
import sys
import threading

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from rag import Assistant
from rag.server.api import create_app
from tests.appserver import free_port, wait_http
from tests.conftest import ROOT, SEED_ID, seed_text
from tests.fakes import quick_assistant

PHILADELPHI = "What is disputed about the Philadelphi Corridor?"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    asst = quick_assistant(tmp_path_factory.mktemp("api"))  # the API contract, not the model
    asst.ingest([ROOT / "corpus"])
    return asst


@pytest.fixture(scope="module")
def client(assistant) -> TestClient:
    return TestClient(create_app(assistant), raise_server_exceptions=False)


def _exact(citations: list[dict]) -> None:
    text = seed_text()
    assert citations
    for c in citations:
        assert c["doc_id"] == SEED_ID and text[c["start"] : c["end"]] == c["quote"]


def test_search_and_ask(client):
    hits = client.post("/search", json={"query": "Philadelphi Corridor", "top_k": 2}).json()["hits"]
    assert len(hits) == 2 and "Philadelphi" in hits[0]["text"]
    assert seed_text()[hits[0]["start"] : hits[0]["end"]] == hits[0]["text"]
    answer = client.post("/ask", json={"question": PHILADELPHI}).json()
    assert not answer["abstained"] and "[1]" in answer["text"]
    assert answer["reason"] is None and answer["missing"] == []
    _exact(answer["citations"])


@pytest.mark.real_model
def test_ask_says_why_it_abstained(seeded):
    client = TestClient(create_app(seeded), raise_server_exceptions=False)
    answer = client.post("/ask", json={"question": "How old is Antony Blinken?"}).json()
    assert answer["abstained"] and answer["reason"] == "detail_missing"
    # The mention is the asked name as the best-rated sentence writes it (round 9's lead).
    assert answer["missing"] and answer["text"] == (
        "The articles mention Antony Blinken [1] but not how old."
    )
    _exact(answer["citations"])  # what the articles do mention is an exact quote
    question = "Who won the 1998 World Cup?"
    body = {"model": "newsrag-extractive", "messages": [{"role": "user", "content": question}]}
    chat = client.post("/v1/chat/completions", json=body).json()
    assert chat["abstained"] and chat["reason"] == "no_evidence" and chat["short"] is None


@pytest.mark.real_model
def test_the_short_answer_reaches_every_route(seeded):
    client = TestClient(create_app(seeded), raise_server_exceptions=False)
    question = "How many hostages are still being held?"
    short = client.post("/ask", json={"question": question}).json()["short"]
    assert "111" in short["text"]
    assert seed_text()[short["start"] : short["end"]] == short["text"]
    body = {"model": "newsrag-extractive", "messages": [{"role": "user", "content": question}]}
    chat = client.post("/v1/chat/completions", json=body).json()
    assert chat["short"] == short and chat["choices"][0]["message"]["content"].startswith(
        short["text"]
    )


def test_ask_follow_up_with_history(client):
    history = [
        {"role": "user", "content": "What did Blinken say about the ceasefire?"},
        {"role": "assistant", "content": "Blinken said it was the best opportunity [1]."},
    ]
    body = {"question": "What did he tell the Israeli president?", "history": history}
    answer = client.post("/ask", json=body).json()
    assert any("Herzog" in c["quote"] for c in answer["citations"])


def test_ask_stream_is_server_sent_events(client):
    with client.stream("POST", "/ask/stream", json={"question": PHILADELPHI}) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        raw = "".join(r.iter_text())
    events = [
        (block.split("\n")[0].removeprefix("event: "), json.loads(block.split("data: ", 1)[1]))
        for block in raw.strip().split("\n\n")
    ]
    deltas = "".join(d["text"] for kind, d in events if kind == "delta")
    final = next(d for kind, d in events if kind == "answer")
    assert deltas == final["text"] and events[-1][0] == "done"
    _exact(final["citations"])


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/ask", {"question": "   "}, 400, "the question is empty"),
        ("/ask", {"question": ""}, 422, "question: String should have at least 1 character"),
        ("/ask", {"question": 42}, 422, "question: Input should be a valid string"),
        ("/ask", {"question": "x", "top_k": "many"}, 422, "top_k: Input should be a valid integer"),
        ("/ask", {"question": "x", "history": [{"role": "bot", "content": "x"}]}, 422, "role"),
        ("/ask", {"question": "x", "surprise": 1}, 422, "surprise: Extra inputs are not permitted"),
        ("/search", {"query": "x", "date_from": "someday"}, 400, "date_from must be a date"),
        ("/v1/chat/completions", {"messages": [{"role": "assistant", "content": "hi"}]}, 400,
         "the last message must come from the user"),
    ],
)  # fmt: skip
def test_bad_requests_get_4xx_with_a_message(client, path, body, status, message):
    r = client.post(path, json=body)
    assert r.status_code == status
    assert message in r.json()["error"]["message"]
    assert "Traceback" not in r.text


def test_oversize_and_malformed_bodies(client):
    r = client.post("/ask", content=b'{"question": "' + b"x" * 2_000_000 + b'"}',
                    headers={"content-type": "application/json"})  # fmt: skip
    assert r.status_code == 413 and "over" in r.json()["error"]["message"]
    r = client.post("/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_documents_ingest_and_delete(client, assistant):
    assert [d["doc_id"] for d in client.get("/documents").json()["documents"]] == [SEED_ID]
    files = [
        ("files", ("quake.txt", b"A strong earthquake struck Lima on Monday. Ten homes fell.")),
        ("files", ("../../evil.txt", b"Escape attempt text that is long enough to ingest.")),
        ("files", ("blob.txt", b"\x00\x01\x02" * 100)),
    ]
    report = client.post("/ingest", files=files).json()
    assert report["added"] == ["uploads/quake.txt"]
    reasons = {r["file"]: r["reason"] for r in report["rejected"]}
    assert "contains a path" in reasons["../../evil.txt"]
    assert "binary" in reasons["blob.txt"]
    assert not (assistant.data_dir.parent / "evil.txt").exists()
    answer = client.post("/ask", json={"question": "Where did the earthquake strike?"}).json()
    assert answer["citations"][0]["doc_id"] == "uploads/quake.txt"
    assert client.delete("/documents/uploads/quake.txt").json() == {"deleted": "uploads/quake.txt"}
    assert not (assistant.data_dir / "uploads" / "quake.txt").exists()
    r = client.delete("/documents/no/such/doc.txt")
    assert r.status_code == 404 and "no document with doc_id" in r.json()["error"]["message"]


def test_bearer_auth(assistant):
    guarded = TestClient(create_app(assistant, api_key="s3cret-key"))
    assert guarded.get("/health").status_code == 200
    r = guarded.post("/ask", json={"question": PHILADELPHI})
    assert r.status_code == 401 and "s3cret" not in r.text
    r = guarded.post("/ask", json={"question": PHILADELPHI},
                     headers={"Authorization": "Bearer s3cret-key"})  # fmt: skip
    assert r.status_code == 200


def test_openai_compatible_endpoint_in_process(client):
    models = client.get("/v1/models").json()
    assert models["data"][0]["id"] == "newsrag-extractive"
    body = {"model": "newsrag-extractive", "messages": [{"role": "user", "content": PHILADELPHI}]}
    reply = client.post("/v1/chat/completions", json=body).json()
    assert "[1]" in reply["choices"][0]["message"]["content"]
    _exact(reply["citations"])


# --- a real server: `rag serve` in a subprocess ------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("serve")
    run = [sys.executable, "-m", "rag"]
    subprocess.run([*run, "ingest", "--data-dir", str(data)], check=True, capture_output=True)
    port = free_port()
    env = {**os.environ, "RAG_API_KEY": "test-key-123"}
    proc = subprocess.Popen(
        [*run, "serve", "--port", str(port), "--data-dir", str(data)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/health", proc, 120)
        yield url
    finally:
        proc.terminate()
        logs = proc.communicate(timeout=20)[0]
        assert "test-key-123" not in logs and "Traceback" not in logs


@pytest.mark.server
@pytest.mark.real_model
def test_openai_client_against_real_server(server):
    from openai import OpenAI

    client = OpenAI(base_url=f"{server}/v1", api_key="test-key-123")
    assert [m.id for m in client.models.list()] == ["newsrag-extractive"]
    reply = client.chat.completions.create(
        model="newsrag-extractive", messages=[{"role": "user", "content": PHILADELPHI}]
    )
    text = reply.choices[0].message.content
    assert "[1]" in text and "[2]" in text
    _exact(reply.model_extra["citations"])

    stream = client.chat.completions.create(
        model="newsrag-extractive", stream=True,
        messages=[{"role": "user", "content": PHILADELPHI}],
    )  # fmt: skip
    pieces, citations = [], None
    for chunk in stream:
        pieces.append(chunk.choices[0].delta.content or "")
        citations = (chunk.model_extra or {}).get("citations", citations)
    assert "".join(pieces) == text
    _exact(citations)

    from openai import AuthenticationError

    with pytest.raises(AuthenticationError):
        OpenAI(base_url=f"{server}/v1", api_key="wrong").models.list()


@pytest.mark.server
@pytest.mark.real_model
def test_concurrent_clients_get_identical_answers(server):
    """Bounded load: 20 concurrent clients x 3 questions; the full run is benchmarks/load_api.py."""
    questions = [PHILADELPHI, "How many hostages are still held?", "What did Blinken tell Herzog?"]
    headers = {"Authorization": "Bearer test-key-123"}
    with httpx.Client(base_url=server, headers=headers, timeout=120) as c:
        expected = {q: c.post("/ask", json={"question": q}).json()["text"] for q in questions}
    errors, mismatches = [], []

    def worker() -> None:
        with httpx.Client(base_url=server, headers=headers, timeout=120) as c:
            for q in questions:
                r = c.post("/ask", json={"question": q})
                if r.status_code != 200:
                    errors.append(r.status_code)
                elif r.json()["text"] != expected[q]:
                    mismatches.append(q)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and mismatches == []


def test_serve_refuses_public_bind_without_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "RAG_API_KEY"}
    r = subprocess.run([sys.executable, "-m", "rag", "serve", "--host", "0.0.0.0",
                        "--data-dir", str(tmp_path)], env=env, capture_output=True, text=True,
                       timeout=120)  # fmt: skip
    assert r.returncode == 2 and "without an API key: set RAG_API_KEY" in r.stderr


# The schema only: building the app does no I/O, so no data dir is created here.
fuzz = schemathesis.openapi.from_dict(create_app(Assistant(data_dir="never-created")).openapi())


@pytest.mark.server
@pytest.mark.real_model
@fuzz.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_openapi_never_500(case, server):
    """Schemathesis against the real server: whatever the schema admits gets no server error."""
    response = case.call(base_url=server, headers={"Authorization": "Bearer test-key-123"})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert "error" in response.json(), (case.method, case.path, response.text)
        assert response.json()["error"]["message"]
