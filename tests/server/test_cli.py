"""The `rag` command as a user runs it: a real subprocess, real model, real Chroma."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEED_ID, seed_text

# Each `rag` process loads the bundled model itself.
pytestmark = pytest.mark.real_model


def rag(*args: str, cwd=ROOT, env_dir=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rag", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_ingest_ask_search_docs(tmp_path):
    data = str(tmp_path / "data")
    first = rag("ingest", "--data-dir", data, "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["added"] == [SEED_ID] and report["counts"]["failed"] == 0

    again = json.loads(rag("ingest", "--data-dir", data, "--json").stdout)
    assert again["unchanged"] == [SEED_ID] and again["chunks"] == 0

    ask = rag(
        "ask", "What is disputed about the Philadelphi Corridor?", "--data-dir", data, "--json"
    )
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    text = seed_text()
    assert answer["citations"] and not answer["abstained"]
    for c in answer["citations"]:
        assert text[c["start"] : c["end"]] == c["quote"]

    plain = rag("ask", "How many hostages are still held?", "--data-dir", data)
    assert "111 hostages" in plain.stdout and "[1]" in plain.stdout
    assert "abstained" not in plain.stdout

    # An abstention says why, in words and as the reason code.
    off = rag("ask", "How tall is the Eiffel Tower?", "--data-dir", data)
    assert off.returncode == 0, off.stderr
    assert "abstained: none of the retrieved passages is about this (no_evidence)" in off.stdout
    near = json.loads(rag("ask", "How old is Antony Blinken?", "--data-dir", data, "--json").stdout)
    assert near["abstained"] and near["reason"] == "detail_missing"
    assert near["text"] == "The articles mention Antony Blinken [1] but not how old."

    hits = json.loads(rag("search", "Philadelphi", "--data-dir", data, "--json", "-k", "2").stdout)
    assert len(hits) == 2 and "Philadelphi" in hits[0]["text"]

    docs = rag("docs", "--data-dir", data)
    assert SEED_ID in docs.stdout


def test_errors_are_messages_and_exit_codes(tmp_path):
    data = str(tmp_path / "data")
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "good.txt").write_text("A storm hit the coast on Monday night hard.")
    (tmp_path / "news" / "bad.txt").write_bytes(b"\x00\x01binary")
    ing = rag("ingest", str(tmp_path / "news"), "--data-dir", data)
    assert ing.returncode == 1
    assert "bad.txt: binary content, not text" in ing.stderr
    assert "added 1" in ing.stdout and "Traceback" not in ing.stderr

    empty = rag("ask", "   ", "--data-dir", data)
    assert empty.returncode == 2 and "error: the question is empty" in empty.stderr
    assert "Traceback" not in empty.stderr

    bad_date = rag("search", "storm", "--since", "soon", "--data-dir", data)
    assert bad_date.returncode == 2 and "date_from must be a date" in bad_date.stderr
