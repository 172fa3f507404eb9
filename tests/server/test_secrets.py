"""Hostile content (reliability item 5): uploads stay in the data dir, secrets stay out of errors.

Upload names that try to leave the uploads folder, and API keys and Chroma passwords that must
never reach an error message, a response, a log line or the CLI's output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rag import Assistant
from rag.errors import ConfigError, StoreError
from rag.index.uploads import UPLOADS_DIRNAME, store_uploads
from rag.server.api import create_app
from tests.appserver import free_port
from tests.conftest import ROOT
from tests.fakes import quick_assistant

A = "Storm floods the harbour town. Fishermen lost boats in the night. The mayor asked for aid."

HOSTILE_NAMES = [
    "../../escape.txt", "/etc/passwd.txt", "..\\..\\win.txt", "..", ".", ".hidden.txt",
    "a\x00b.txt", "／etc／fullwidth.txt", "..∕..∕division-slash.txt", "CON.txt", "x" * 400 + ".txt",
    " spaced name .txt", "über-straße.md", "evil.txt.exe", "noext", "ok.TXT", "$(rm -rf ~).txt",
]  # fmt: skip


def test_uploads_never_leave_the_uploads_folder(tmp_path: Path) -> None:
    data = tmp_path / "deep" / "data"
    data.mkdir(parents=True)
    body = tmp_path / "body.txt"
    body.write_text(A)
    outside = tmp_path / "deep" / "outside.txt"
    outside.write_text("do not overwrite")
    uploads = data / UPLOADS_DIRNAME
    uploads.mkdir()
    # A symlink planted in the uploads folder must not let an upload write through it.
    os.symlink(outside, uploads / "planted.txt")
    result = store_uploads([(n, body) for n in [*HOSTILE_NAMES, "planted.txt"]], data, 10**6)
    assert (
        len(result.stored) + len(result.unchanged) + len(result.rejected) == len(HOSTILE_NAMES) + 1
    )
    for _, path in result.stored + result.unchanged:
        resolved = path.resolve()
        assert resolved.parent == uploads.resolve() and not resolved.name.startswith(".")
    rejected = dict(result.rejected)
    for name in ("../../escape.txt", "/etc/passwd.txt", "..\\..\\win.txt", "a\x00b.txt"):
        assert "contains a path" in rejected[name]
    assert outside.read_text() == "do not overwrite"
    assert not (tmp_path / "escape.txt").exists() and not Path("/etc/passwd.txt").exists()
    files = {p.name for p in uploads.iterdir() if not p.name.startswith(".")}
    assert all(len(n) <= 100 for n in files)


def test_secrets_never_appear_in_errors_or_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    key, password = "sk-rel-SECRET-4242", "pw-rel-SECRET-9191"
    url = f"http://admin:{password}@127.0.0.1:{free_port()}"
    asst = quick_assistant(tmp_path / "data", api_key=key, chroma_url=url)
    assert key not in repr(asst.settings) and key not in str(asst.settings.model_dump())
    with pytest.raises(StoreError) as err:
        asst.retrieve("anything at all")
    assert password not in str(err.value) and "127.0.0.1" in str(err.value)
    client = TestClient(create_app(asst, api_key=key), raise_server_exceptions=False)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {key}x"}):
        r = client.post("/ask", json={"question": "q?"}, headers=headers)
        assert r.status_code == 401 and key not in r.text
    r = client.post("/ask", json={"question": "q?"}, headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 503 and password not in r.text and key not in r.text
    logged = caplog.text + "".join(capsys.readouterr())
    assert key not in logged and password not in logged


def test_cli_errors_do_not_echo_secrets(tmp_path: Path) -> None:
    key, password, port = "sk-cli-SECRET-1717", "pw-cli-SECRET-2828", free_port()
    env = {**os.environ, "RAG_API_KEY": key,
           "RAG_CHROMA_URL": f"http://u:{password}@127.0.0.1:{port}"}  # fmt: skip
    r = subprocess.run([sys.executable, "-m", "rag", "search", "anything", "--data-dir",
                        str(tmp_path)], env=env, capture_output=True, text=True, timeout=300,
                       cwd=ROOT)  # fmt: skip
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"error: vector store error while connecting to http://u:***@127.0.0.1:{port}" in (
        r.stderr
    )
    assert key not in r.stdout + r.stderr and password not in r.stdout + r.stderr


def test_bad_chroma_url_never_echoes_its_password(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        Assistant(data_dir=tmp_path, chroma_url="ftp://user:hunter2@example.org:8000")
    assert "hunter2" not in str(info.value) and "got ftp" in str(info.value)
