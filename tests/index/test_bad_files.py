"""A corpus of bad files (reliability item 1): every file ingested or refused with its reason.

The embedder is the fake one: what is checked here is loading, decoding and bookkeeping. The
``FIGURES bad_files`` line (run with ``-s``) is quoted in docs/reliability.md.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from rag.errors import LoaderError
from rag.index.loaders import read_bytes
from tests.fakes import quick_assistant
from tests.reliability import assert_consistent, figures, index_state

GOOD_HTML = """<!doctype html><html><head><title>Harbour reopens after storm</title>
<meta name="date" content="2021-05-04"></head><body><article><h1>Harbour reopens after storm</h1>
<p>The harbour of Quillan reopened on Tuesday after a week of repairs to the storm wall.</p>
<p>Fishermen said the new wall was higher and the mooring posts had been replaced.</p>
<p>The port authority expects full traffic again by the end of the month.</p>
</article></body></html>"""
LATIN1 = "Le café de la gare a rouvert à Genève. Les clients ont salué la qualité du pain frais."
CP1252 = (
    "The mayor said \u201cthe budget is \u20ac2 million\u201d \u2013 a record for the town hall."
)
A = "Storm floods the harbour town. Fishermen lost boats in the night. The mayor asked for aid."
B = "The central bank raised rates by half a point. Inflation rose to 6 percent in March."
V1 = "Version one of the changing article says the bridge opened on Monday morning."
V2 = "Version two of the changing article says the bridge opened on Friday evening instead."


def _bad_corpus(news: Path) -> dict[str, str | None]:
    """Write the corpus; returns file name -> expected failure reason (None: ingested)."""
    news.mkdir(parents=True)
    expect: dict[str, str | None] = {}

    def put(name: str, data: bytes, reason: str | None) -> None:
        (news / name).write_bytes(data)
        expect[name] = reason

    put("a.txt", A.encode(), None)
    put("b.md", f"# Rates rise\n\n{B}".encode(), None)
    put("good.html", GOOD_HTML.encode(), None)
    put("latin1.txt", LATIN1.encode("latin-1"), None)
    put("cp1252.txt", CP1252.encode("cp1252"), None)
    # Truncated mid-tag and malformed (unclosed, misnested) pages still carry their text.
    put("truncated.html", GOOD_HTML[: GOOD_HTML.index("The port authority") + 40].encode(), None)
    malformed = (
        GOOD_HTML.replace("Quillan", "Brest").replace("</p>", "").replace("<p>", "<p><b><i>")
    )
    put("malformed.html", malformed.encode(), None)
    put("copy-of-a.txt", A.encode(), "duplicate")
    put("empty.txt", b"", "empty file")
    put("blank.txt", b"  \n\t\n ", "empty file")
    put("binary.txt", bytes(range(256)) * 40, "binary content, not text")
    put("script.html", b"<html><head><script>" + b"var x = 1;\n" * 500 + b"</script></head>"
        b"<body><script>document.write('hi')</script></body></html>",
        "no article text found")  # fmt: skip
    put("garbage.html", b"<<<>>></</<<html", "no article text found")
    put("slides.pptx", b"PK\x03\x04 not an article", "unsupported file type '.pptx'")
    put("no-extension", b"plain words without a suffix", "unsupported file type without")
    put("locked.txt", A.replace("Storm", "Hail").encode(), "permission denied")
    os.chmod(news / "locked.txt", 0)
    # 50 MB: far over the default per-file limit, so it must be refused before any reading.
    with (news / "huge.txt").open("wb") as fh:
        line = b"All work and no play makes a very long news article indeed.\n"
        fh.write(line * (50 * 1024 * 1024 // len(line) + 1))
    expect["huge.txt"] = "file is 50.0 MB, over the 5 MB limit"
    os.symlink("loop-b.txt", news / "loop-a.txt")
    os.symlink("loop-a.txt", news / "loop-b.txt")
    expect["loop-a.txt"] = expect["loop-b.txt"] = "symbolic link loop"
    (news / "sub").mkdir()
    os.symlink("..", news / "sub" / "up")  # a directory loop: the walk must not follow it
    return expect


def _refuse_locked_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads any file whatever its mode; make the OS refuse it as it would a user."""
    real_open = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)


@contextmanager
def _rewritten_in_place(path: Path) -> Iterator[list[int]]:
    """Rewrite ``path`` (V1, V2, V1, ...) over and over until the block ends, then leave V2.

    Yields a one-item list holding the number of rewrites so far.
    """
    path.write_text(V1)
    stop = threading.Event()
    rewrites = [0]

    def rewrite() -> None:
        deadline = time.monotonic() + 120
        while not stop.is_set() and time.monotonic() < deadline:
            with path.open("r+") as fh:
                fh.truncate()
                fh.write(V2 if rewrites[0] % 2 else V1)
            rewrites[0] += 1
            time.sleep(0.001)
        path.write_text(V2)

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        yield rewrites
    finally:
        stop.set()
        writer.join()


def test_bad_file_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    news = tmp_path / "news"
    expect = _bad_corpus(news)
    if os.geteuid() == 0:
        _refuse_locked_file(monkeypatch)
    asst = quick_assistant(tmp_path / "data")
    assert asst.settings.max_file_mb <= 5, "the default size limit must be far below 50 MB"
    began = time.perf_counter()
    # The changing file: rewritten in place, over and over, while the ingest reads it.
    with _rewritten_in_place(news / "changing.txt") as rewrites:
        report = asst.ingest([news])
    seconds = time.perf_counter() - began
    os.chmod(news / "locked.txt", 0o644)

    reasons = {Path(p).name: r for p, r in report.failed}
    added = {d.split("/", 1)[1] for d in report.added}
    dups = {d.split("/", 1)[1]: twin for d, twin in report.duplicates}
    for name, reason in expect.items():
        if reason is None:
            assert name in added, (name, reasons.get(name))
        elif reason == "duplicate":
            assert dups[name] == "news/a.txt"
        else:
            assert reasons[name].startswith(reason), (name, reasons.get(name))
    # The changing file is either read whole (one version or the other) or, caught between
    # truncate and write, reported as empty; nothing else is lost or invented.
    if "changing.txt" in added:
        assert asst.document_text("news/changing.txt") in (V1, V2)
    else:
        assert reasons["changing.txt"] == "empty file"
    accounted = added | set(dups) | set(reasons)
    assert accounted == set(expect) | {"changing.txt"}
    assert not any("huge" in d for d in asst.index.catalog.chunk_ids())
    assert report.stage_seconds["load"] < 30  # the 50 MB file was never read or parsed

    # Decoding: the Latin-1 and Windows-1252 files come back as the right characters.
    assert asst.document_text("news/latin1.txt") == LATIN1
    assert asst.document_text("news/cp1252.txt") == CP1252
    assert "storm wall" in (asst.document_text("news/truncated.html") or "")
    assert_consistent(index_state(asst))

    # After the writer stops, a re-run sees the final bytes: a change is never skipped.
    again = asst.ingest([news])
    assert asst.document_text("news/changing.txt") == V2
    assert "news/changing.txt" in again.added + again.updated + again.unchanged
    figures(
        "bad_files", files=len(expect) + 1, failed=len(report.failed), added=len(report.added),
        duplicates=len(report.duplicates), seconds=round(seconds, 1), rewrites=rewrites[0],
        load_seconds=round(report.stage_seconds["load"], 2),
    )  # fmt: skip


def test_read_bytes_enforces_the_limit_on_a_file_that_grows(tmp_path: Path) -> None:
    """The size check and the read are two steps: a file growing in between stays limited."""
    path = tmp_path / "growing.txt"
    path.write_bytes(b"small start. " * 10)
    real_stat = Path.stat

    def grow_after_stat(self: Path, **kw: Any) -> os.stat_result:
        result = real_stat(self, **kw)
        if self == path:
            with path.open("ab") as fh:
                fh.write(b"x" * 3_000_000)
        return result

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Path, "stat", grow_after_stat)
        with pytest.raises(LoaderError, match="over the 1 MB limit"):
            read_bytes(path, 1024 * 1024)
