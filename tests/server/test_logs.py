"""What a person sees on stderr: this project's warnings, never a library's noise or traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.sources.test_cli import rag

_SCRIPT = """
import logging
from rag.server.logs import configure_logging
configure_logging()
configure_logging()  # twice: still one handler
logging.getLogger("pypdf._reader").warning("incorrect startxref pointer(%(n)d)", {"n": "x"})
logging.getLogger("pypdf._page_labels").warning("bad %d", "not a number")
logging.getLogger("rag.index.loaders").warning("own %s", "warning")
logging.getLogger("rag.x").info("own info, hidden by default")
logging.getLogger("trafilatura").critical("a library's critical %d", "x")
"""


def test_library_noise_and_bad_log_calls_never_reach_stderr():
    run = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True,
                         timeout=60)  # fmt: skip
    assert run.returncode == 0
    lines = run.stderr.splitlines()
    assert lines[0] == "WARNING rag.index.loaders: own warning"
    assert lines[1].startswith('CRITICAL trafilatura: "a library\'s critical %d"')
    assert len(lines) == 2  # no pypdf line, no "--- Logging error ---", no traceback


def test_debug_level_shows_every_library():
    env = {"RAG_LOG_LEVEL": "DEBUG", "PATH": ""}
    run = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True,
                         timeout=60, env=env)  # fmt: skip
    assert "pypdf._reader" in run.stderr and "own info" in run.stderr
    assert "Traceback" not in run.stderr and "Logging error" not in run.stderr


_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n9999\n%%EOF"
)


@pytest.mark.real_model
def test_corrupt_pdfs_are_reasons_not_tracebacks(tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "pointer.pdf").write_bytes(_PDF)  # pypdf warns "incorrect startxref pointer"
    (folder / "cut.pdf").write_bytes(_PDF[:90])
    (folder / "junk.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    (folder / "note.txt").write_text("The harbour wall was rebuilt after the winter storms.")
    run = rag("ingest", str(folder), data=tmp_path / "data")
    assert run.returncode == 1  # some files failed, the rest went in
    assert "added 1" in run.stdout and "failed 3" in run.stdout
    # One reason per file; pypdf's own warnings (and once a logging traceback) are gone.
    lines = run.stderr.splitlines()
    assert len(lines) == 3 and all(line.startswith("failed ") for line in lines), run.stderr


@pytest.mark.real_model
def test_a_url_with_a_bad_port_is_a_reason_on_the_command_line(tmp_path):
    run = rag("ingest", "http://example.com:99999/", data=tmp_path / "data")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "not a valid URL" in run.stdout + run.stderr
