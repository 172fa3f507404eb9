"""Uploads and deletes never lose or resurrect data (issue 12, items 1-4, 7 and 12).

Real components but the model: the fake embedder, an embedded Chroma, and a real uvicorn server
on 127.0.0.1 for the concurrent requests. The two tests that stop an upload midway need an
ingest slow enough to catch, so they run on the bundled model.
"""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from filelock import FileLock

from rag import Assistant
from rag.errors import IngestCancelledError, IngestLockedError
from rag.index.uploads import UPLOADS_DIRNAME
from rag.server.api import create_app
from tests.appserver import free_port, serving, wait_http
from tests.fakes import quick_assistant

MEMO = (
    "The harbour authority will close the northern pier on Friday for repairs. "
    "Ferries to the island will leave from the southern terminal until further notice."
)
QUAKE = "A strong earthquake struck the coastal city of Lima on Monday. Ten homes collapsed."


@pytest.fixture
def assistant(tmp_path: Path) -> Iterator[Assistant]:
    asst = quick_assistant(tmp_path / "data")
    yield asst
    asst.close()


@pytest.fixture
def api(assistant: Assistant) -> Iterator[str]:
    """A real uvicorn server for ``assistant`` on a free loopback port, stopped after."""
    with serving(create_app(assistant)) as port:
        yield f"http://127.0.0.1:{port}"


def _upload(url: str, name: str, body: str | bytes, **params: str) -> dict:
    data = body.encode() if isinstance(body, str) else body
    r = httpx.post(f"{url}/ingest", files=[("files", (name, data))], params=params, timeout=120)
    assert r.status_code == 200, r.text
    return r.json()


def _quotes(assistant: Assistant, question: str) -> str:
    return " ".join(c.quote for c in assistant.ask(question).citations)


def _visible(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


# --- 1. deleting one record of a JSONL deletes that record only ---------------------------------


def test_deleting_one_jsonl_record_keeps_the_file_its_siblings_and_other_uploads(
    api: str, assistant: Assistant
) -> None:
    uploads = assistant.data_dir / UPLOADS_DIRNAME
    _upload(api, "victim.txt", QUAKE)
    records = [
        {"id": "a1", "title": "Pier", "text": MEMO},
        # A hostile record: its url names another upload's path.
        {
            "id": "a2",
            "url": str(uploads / "victim.txt"),
            "text": "Wheat prices rose by a "
            "fifth in March after the drought cut harvests across the plains.",
        },  # fmt: skip
        {
            "id": "a3",
            "text": "The city council approved a new tram line to the airport, to open in 2027.",
        },  # fmt: skip
    ]
    body = "\n".join(json.dumps(r) for r in records)
    report = _upload(api, "feed.jsonl", body)
    assert sorted(report["added"]) == [f"uploads/feed.jsonl#a{i}" for i in (1, 2, 3)]

    for doc_id in ("uploads/feed.jsonl#a1", "uploads/feed.jsonl#a2"):
        r = httpx.delete(f"{api}/documents/{doc_id.replace('#', '%23')}")
        assert r.json() == {"deleted": doc_id}
    assert (uploads / "feed.jsonl").is_file() and (uploads / "victim.txt").is_file()
    ids = {d["doc_id"] for d in assistant.documents()}
    assert ids == {"uploads/feed.jsonl#a3", "uploads/victim.txt"}
    # The next sync (an app restart) must neither remove the siblings nor restore the records.
    again = assistant.ingest([uploads])
    assert again.removed == [] and again.added == [] and again.failed == []
    assert {d["doc_id"] for d in assistant.documents()} == ids
    # Nor when the file changes (a feed dump gains a record) and every record is read again.
    extra = {"id": "a4", "text": "The regional airline added two daily flights to the capital."}
    with (uploads / "feed.jsonl").open("a") as fh:
        fh.write("\n" + json.dumps(extra))
    synced = assistant.ingest([uploads])
    assert synced.added == ["uploads/feed.jsonl#a4"] and synced.removed == []
    assert {d for d, _ in synced.skipped} == {"uploads/feed.jsonl#a1", "uploads/feed.jsonl#a2"}
    assert {d["doc_id"] for d in assistant.documents()} == ids | {"uploads/feed.jsonl#a4"}


# --- 2. parallel uploads of one name: nothing is lost silently ----------------------------------


def test_parallel_uploads_of_one_name_with_rename_keep_all_twenty(
    api: str, assistant: Assistant
) -> None:
    texts = [f"Report number {n}: the river rose {n + 3} metres at the old mill bridge." for n in
             range(20)]  # fmt: skip
    with ThreadPoolExecutor(20) as pool:
        replies = list(pool.map(lambda t: _upload(api, "race.txt", t, on_conflict="rename"), texts))
    stored = [name for r in replies for name in r["stored"]]
    assert len(set(stored)) == 20  # every response names its own real file
    indexed = {assistant.document_text(d["doc_id"]) for d in assistant.documents()}
    assert indexed == set(texts)


def test_parallel_uploads_of_one_name_with_replace_leave_one_consistent_version(
    api: str, assistant: Assistant
) -> None:
    texts = [f"Bulletin {n}: the night train to the coast now leaves at {n}:15 from platform "
             "two." for n in range(10)]  # fmt: skip
    with ThreadPoolExecutor(10) as pool:
        replies = list(pool.map(lambda t: _upload(api, "race.txt", t), texts))
    assert all(r["stored"] == ["race.txt"] for r in replies)
    # Serialised: every upload but the first replaced a version that was really there.
    assert sum(r["replaced"] == ["race.txt"] for r in replies) == 9
    on_disk = (assistant.data_dir / UPLOADS_DIRNAME / "race.txt").read_text()
    assert [d["doc_id"] for d in assistant.documents()] == ["uploads/race.txt"]
    assert assistant.document_text("uploads/race.txt") == on_disk


# --- 3. deleted text does not come back through a duplicate -------------------------------------


def test_deleted_text_does_not_come_back_from_a_duplicate_upload(
    api: str, assistant: Assistant
) -> None:
    uploads = assistant.data_dir / UPLOADS_DIRNAME
    _upload(api, "memoA.txt", MEMO)
    dup = _upload(api, "memoB.txt", MEMO)
    assert dup["duplicates"] == [{"doc_id": "uploads/memoB.txt", "same_as": "uploads/memoA.txt"}]
    assert httpx.delete(f"{api}/documents/uploads/memoA.txt").status_code == 200
    _upload(api, "quake.txt", QUAKE)  # the next unrelated upload
    assert "northern pier" not in _quotes(assistant, "Which pier will the harbour close?")
    sync = assistant.ingest([uploads], keep_missing=True)  # an app restart's sync
    assert sync.skipped == [("uploads/memoB.txt", "its text was deleted by a user")]
    assert {d["doc_id"] for d in assistant.documents()} == {"uploads/quake.txt"}
    # Uploading the text again on purpose brings it back.
    back = _upload(api, "memoC.txt", MEMO)
    assert back["added"] == ["uploads/memoC.txt"]
    assert assistant.ingest([uploads], keep_missing=True).skipped == []


# --- 4. a corrected re-upload replaces the stale version ----------------------------------------


def test_corrected_reupload_replaces_the_old_version(api: str, assistant: Assistant) -> None:
    first = _upload(api, "report.txt", "Ferry timetable\nThe first ferry leaves at 7:15 daily.")
    assert first["stored"] == ["report.txt"] and first["replaced"] == []
    fixed = _upload(api, "report.txt", "Ferry timetable\nThe first ferry leaves at 9:40 daily.")
    assert fixed["stored"] == ["report.txt"] and fixed["replaced"] == ["report.txt"]
    assert fixed["updated"] == ["uploads/report.txt"]
    quotes = _quotes(assistant, "When does the first ferry leave?")
    assert "9:40" in quotes and "7:15" not in quotes
    assert _visible(assistant.data_dir / UPLOADS_DIRNAME) == {"report.txt"}
    # Keeping both is the client's choice, and `stored` names the real file.
    both = _upload(api, "report.txt", "Ferry timetable\nA late ferry leaves at 23:05.",
                   on_conflict="rename")  # fmt: skip
    assert both["stored"] == ["report-2.txt"] and both["added"] == ["uploads/report-2.txt"]
    r = httpx.post(f"{api}/ingest", files=[("files", ("x.txt", b"x" * 50))],
                   params={"on_conflict": "merge"})  # fmt: skip
    assert r.status_code == 422 and "on_conflict" in r.json()["error"]["message"]


# --- 12. a response lists its own request's files only ------------------------------------------


def test_concurrent_ingest_responses_list_only_their_own_files(
    api: str, assistant: Assistant
) -> None:
    names = [f"story{n}.txt" for n in range(6)]
    bodies = [f"Story {n}: the museum opened a new wing for {n + 2} thousand visitors." for n in
              range(6)]  # fmt: skip
    with ThreadPoolExecutor(6) as pool:
        replies = list(pool.map(lambda nb: _upload(api, *nb), zip(names, bodies, strict=True)))
    for name, reply in zip(names, replies, strict=True):
        assert reply["added"] == [f"uploads/{name}"] and reply["stored"] == [name]


# --- 7. a busy lock stores nothing; a stopped upload is undone; commits are progressive --------


def test_upload_refused_for_a_busy_lock_leaves_nothing_stored(
    assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assistant.index.settings, "write_wait", 0.2)
    source = tmp_path / "in.txt"
    source.write_text(QUAKE)
    with FileLock(str(assistant.data_dir / "ingest.lock")), pytest.raises(IngestLockedError):
        assistant.add_uploads([("quake.txt", source)])
    uploads = assistant.data_dir / UPLOADS_DIRNAME
    assert _visible(uploads) == set() and list((uploads / ".staging").iterdir()) == []


def _records(n: int) -> str:
    return "\n".join(
        json.dumps(
            {
                "id": f"r{i}",
                "text": f"Record {i} says the depot shipped {i} crates of "
                f"apples to the northern markets on day {i}.",
            }
        )  # fmt: skip
        for i in range(n)
    )


def test_many_records_commit_progressively_and_a_stopped_upload_is_undone(
    assistant: Assistant, tmp_path: Path
) -> None:
    feed = tmp_path / "in.jsonl"
    feed.write_text(_records(700))
    old = tmp_path / "old.jsonl"
    old.write_text(_records(3))
    assistant.add_uploads([("feed.jsonl", old)])
    before = {d["doc_id"] for d in assistant.documents()}
    written = []

    def stop() -> bool:  # the client hangs up once the first batch is committed
        written.append(assistant.index.catalog.chunk_count())
        return written[-1] > 100

    with pytest.raises(IngestCancelledError) as stopped:
        assistant.add_uploads([("feed.jsonl", feed)], should_stop=stop)
    partial = stopped.value.report
    # Committed as it went (one batch of 256 chunks), not all at the end ...
    assert 200 < len(partial.added) + len(partial.updated) < 700
    # ... and undone: the old file is back and the new records are gone.
    uploads = assistant.data_dir / UPLOADS_DIRNAME
    assert (uploads / "feed.jsonl").read_text() == old.read_text()
    assert {d["doc_id"] for d in assistant.documents()} == before
    assert _visible(uploads) == {"feed.jsonl"}
    # The next sync restores the old records' text from the restored file.
    assistant.ingest([uploads], keep_missing=True)
    assert "Record 2 says" in (assistant.document_text("uploads/feed.jsonl#r2") or "")
    assert assistant.document_text("uploads/feed.jsonl#r500") is None


@pytest.mark.server
@pytest.mark.real_model
def test_sigterm_stops_a_server_busy_with_a_big_upload_and_undoes_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag", "serve", "--port", str(port), "--data-dir", str(data)],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    replies: list[int | str] = []
    try:
        wait_http(f"{url}/health", proc, 120)
        body = _records(1900).encode()

        def send() -> None:
            try:
                r = httpx.post(f"{url}/ingest", files=[("files", ("big.jsonl", body))], timeout=60)
                replies.append(r.status_code)
            except httpx.HTTPError as exc:
                replies.append(type(exc).__name__)

        sender = threading.Thread(target=send)
        sender.start()
        deadline = time.monotonic() + 60
        # Wait until the ingest is really under way: some records are committed.
        while not _committed(data) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _committed(data), "the upload never started committing"
        began = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        stopped_in = time.monotonic() - began
        sender.join(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log.seek(0)
    output = log.read()
    assert stopped_in < 15, output
    assert "Traceback" not in output
    assert replies and replies[0] != 200
    with Assistant(data_dir=data) as after:
        assert after.documents() == []
    assert _visible(data / UPLOADS_DIRNAME) == set()


def _committed(data: Path) -> bool:
    db = data / "catalog.sqlite"
    if not db.exists():
        return False
    with sqlite3.connect(db, timeout=5) as conn:
        try:
            return bool(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        except sqlite3.OperationalError:
            return False


@pytest.mark.real_model
def test_client_hanging_up_stops_its_upload_and_undoes_it(tmp_path: Path) -> None:
    # The bundled model: with the fake embedder the upload could finish before the hang-up.
    with Assistant(data_dir=tmp_path / "data") as assistant, serving(create_app(assistant)) as p:
        _hang_up_midway(f"http://127.0.0.1:{p}", assistant)


def _hang_up_midway(api: str, assistant: Assistant) -> None:
    body = _records(1900).encode()
    request = httpx.Request("POST", f"{api}/ingest", files=[("files", ("big.jsonl", body))])
    payload = b"".join(request.stream)  # type: ignore[union-attr]
    head = ["POST /ingest HTTP/1.1", f"Host: {request.url.netloc.decode()}",
            f"Content-Type: {request.headers['content-type']}",
            f"Content-Length: {len(payload)}", "", ""]  # fmt: skip
    port = int(api.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall("\r\n".join(head).encode() + payload)
        deadline = time.monotonic() + 60
        while not _committed(assistant.data_dir) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _committed(assistant.data_dir), "the upload never started committing"
    # The client is gone: the server notices, stops and undoes the upload.
    deadline = time.monotonic() + 30
    while (assistant.documents() or _visible(assistant.data_dir / UPLOADS_DIRNAME)) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.3)
    assert assistant.documents() == []
    assert _visible(assistant.data_dir / UPLOADS_DIRNAME) == set()
    # And the server is free for the next upload at once.
    assert _upload(api, "quake.txt", QUAKE)["added"] == ["uploads/quake.txt"]
