"""Crash safety (reliability item 2): kill -9 a real ``python -m rag ingest``, then re-run.

Every re-run must leave the store equal to a clean ingest, whichever stage the kill landed in;
two ingests at once must wait or stop with the lock message. ``RAG_CRASH_TRIALS`` sets the
number of kill -9 trials (default 5); the ``FIGURES`` lines (run with ``-s``) are quoted in
docs/reliability.md.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from rag import Assistant
from tests.conftest import ROOT
from tests.reliability import CRASH_TRIALS, assert_consistent, figures, index_state

pytestmark = [pytest.mark.crash, pytest.mark.real_model, pytest.mark.slow]

_TOPICS = "harbour bridge council budget election school hospital railway museum festival".split()
_VERBS = "approved rejected delayed announced questioned praised funded reviewed".split()
_PLACES = "Quillan Brest Arvid Tolmer Senna Kestrel Dunmore Halvik Orsay Pellam".split()


def _generated_corpus(folder: Path, articles: int, sentences: int, seed: int) -> Path:
    """Distinct short-sentence articles: with chunk_chars=100 each sentence is one chunk, so
    a small corpus still spans several embedding batches (kill points inside the writes)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for a in range(articles):
        place = rng.choice(_PLACES)
        lines = [f"{place} {rng.choice(_TOPICS)} report number {a}"]
        for s in range(sentences):
            lines.append(
                f"The {place} {rng.choice(_TOPICS)} plan {a}-{s} was {rng.choice(_VERBS)} "
                f"by {rng.randint(2, 90)} votes on day {rng.randint(1, 28)}."
            )
        (folder / f"article-{a:03d}.txt").write_text(lines[0] + "\n\n" + " ".join(lines[1:]))
    return folder


def _ingest_proc(news: Path, data: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "rag", "ingest", str(news), "--data-dir", str(data)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _wait_for(path: Path, proc: subprocess.Popen[bytes], seconds: float) -> float:
    """Seconds until ``path`` exists (the ingest opened its catalog); bounded."""
    began = time.monotonic()
    while not path.exists():
        if proc.poll() is not None or time.monotonic() - began > seconds:
            raise RuntimeError(f"ingest never opened {path} (rc {proc.returncode})")
        time.sleep(0.02)
    return time.monotonic() - began


def test_kill_9_during_ingest_then_rerun_equals_a_clean_ingest(tmp_path: Path) -> None:
    news = _generated_corpus(tmp_path / "news", articles=60, sentences=10, seed=8)
    env = {**os.environ, "RAG_CHUNK_CHARS": "100"}
    clean_dir = tmp_path / "clean"
    proc = _ingest_proc(news, clean_dir, env)
    opened = _wait_for(clean_dir / "catalog.sqlite", proc, 300)
    began = time.monotonic()
    assert proc.wait(timeout=600) == 0, proc.stderr.read() if proc.stderr else ""
    window = time.monotonic() - began  # from catalog open to exit: where kills land
    clean = Assistant(data_dir=clean_dir, chunk_chars=100)
    expected = index_state(clean)
    assert_consistent(expected)
    assert len(expected["docs"]) == 60 and len(expected["catalog"]) >= 600

    rng = random.Random(20261125)
    trials: list[dict[str, Any]] = []
    for n in range(CRASH_TRIALS * 3):  # bounded: a run that finished before its kill is redone
        kills = [t for t in trials if t["killed"]]
        # Enough kills, and not all of them before the first write (machine load shifts timing).
        if len(kills) >= CRASH_TRIALS and len({t["docs_left"] for t in kills}) >= 2:
            break
        data = tmp_path / f"trial-{n}"
        proc = _ingest_proc(news, data, env)
        _wait_for(data / "catalog.sqlite", proc, 300)
        delay = rng.uniform(0.02, 0.95) * window
        time.sleep(delay)
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        rc = proc.wait(timeout=60)
        assert rc == (-signal.SIGKILL if killed else 0)
        rerun = Assistant(data_dir=data, chunk_chars=100)
        # What the crash left behind, before the re-run repairs it.
        left_docs, left_vectors = len(rerun.documents()), rerun.index.store.count()
        t0 = time.monotonic()
        report = rerun.ingest([news])
        state = index_state(rerun)
        assert_consistent(state)
        assert state == expected, f"trial {n}: store differs from a clean ingest"
        assert rerun.retrieve("Quillan harbour plan votes", top_k=3)
        rerun.close()
        trials.append({
            "killed": killed, "at_s": round(delay, 2), "docs_left": left_docs,
            "vectors_left": left_vectors, "rerun_added": len(report.added),
            "rerun_updated": len(report.updated), "rerun_s": round(time.monotonic() - t0, 1),
        })  # fmt: skip
    kills = [t for t in trials if t["killed"]]
    assert len(kills) >= CRASH_TRIALS, trials
    # The kills must land at different stages, not all before the first write.
    assert len({t["docs_left"] for t in kills}) >= 2, trials
    figures("crash", window_s=round(window, 1), startup_s=round(opened, 1),
             chunks=len(expected["catalog"]), trials=trials)  # fmt: skip


def test_two_ingests_at_once_wait_or_stop_with_the_lock_message(tmp_path: Path) -> None:
    news = _generated_corpus(tmp_path / "news", articles=30, sentences=10, seed=9)
    env = {**os.environ, "RAG_CHUNK_CHARS": "100"}
    data = tmp_path / "data"
    first, second = _ingest_proc(news, data, env), _ingest_proc(news, data, env)
    outs = [p.communicate(timeout=600) for p in (first, second)]
    codes = [first.returncode, second.returncode]
    errors = [e.decode() for _, e in outs]
    for code, err in zip(codes, errors, strict=True):
        assert code in (0, 2), err
        if code == 2:
            assert "another ingest is writing to this data directory" in err
        assert "Traceback" not in err
    assert 0 in codes
    # Whatever the interleaving, the store equals a clean ingest and a re-run changes nothing.
    clean = Assistant(data_dir=tmp_path / "clean", chunk_chars=100)
    clean.ingest([news])
    both = Assistant(data_dir=data, chunk_chars=100)
    again = both.ingest([news])
    assert again.added == again.updated == [] and len(again.unchanged) == 30
    assert index_state(both) == index_state(clean)
    hits = both.retrieve("Quillan harbour plan votes", top_k=5)
    assert hits and all(both.document_text(h.doc_id) for h in hits)
    figures("lock", exit_codes=codes, waited=[("another ingest" in e) for e in errors])
