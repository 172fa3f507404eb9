"""The server home at scale: one `chroma run`, workers writing, replicas reading (issue 22).

    .venv/bin/python benchmarks/bench_server.py [--chunks 10000,100000] [--queries 100]

For each size, with a fresh Chroma server on 127.0.0.1:
1. one worker ingests the synthetic corpus of `bench_scale.py` (articles recombined from the
   shared newspaper texts; chunk and sentence vectors composed from cached sentence vectors,
   as there): ingest throughput;
2. two workers ingest two halves of another corpus into another collection at once, queueing
   on the server's lease (``RAG_WRITE_WAIT`` of an hour: a writer holds the lease for its whole
   write, the other waits for it): their combined throughput, or how many were refused;
3. a replica process starts cold: the seconds until it has built its cache from the server and
   answers, its RSS, then retrieve and ask p50/p95 over the eval suites' questions;
4. a worker adds one article: the seconds until the replica finds it (visibility).

Prints figures; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_scale import (  # noqa: E402
    ComposedEmbedder,
    make_corpus,
    pct,
    proc_status,
    questions,
    sentence_pool,
    sentence_table,
)
from rag import Assistant  # noqa: E402
from tests.appserver import chroma_server  # noqa: E402


def _worker(data: Path, url: str, collection: str, table: Any) -> Assistant:
    # Batch workers queue behind each other on the lease rather than give up after 30 s.
    asst = Assistant(data_dir=data, chroma_url=url, collection=collection, write_wait=3600)
    asst.index.__dict__["embedder"] = ComposedEmbedder(asst.index.embedder, table)
    return asst


def _ingest(url: str, collection: str, corpus: Path, data: Path, cache: Path) -> None:
    """Run in a process of its own: one worker ingesting ``corpus``."""
    pool = sentence_pool(ROOT.parent / "shared")
    base = Assistant(data_dir=data)
    worker = _worker(data, url, collection, sentence_table(base.index.embedder, pool, cache))
    worker.ingest([corpus])


def replica(url: str, data: str, n_queries: int, probe: str) -> dict[str, Any]:
    """Run in a fresh process: start cold, answer, report timings and memory."""
    began = time.perf_counter()
    asst = Assistant(data_dir=data, chroma_url=url)
    asst.warm_up()
    asst.retrieve("warm up")  # builds the cache from the server
    cold = time.perf_counter() - began
    timings: dict[str, list[float]] = {"retrieve": [], "ask": []}
    for q in questions()[:n_queries]:
        for name, call in (("retrieve", asst.retrieve), ("ask", asst.ask)):
            t = time.perf_counter()
            call(q)
            timings[name].append(time.perf_counter() - t)
    out = {"cold_start_s": round(cold, 1), "queries": len(timings["ask"])}
    for name, xs in timings.items():
        out[f"{name}_p50_ms"], out[f"{name}_p95_ms"] = round(pct(xs, 50), 1), round(pct(xs, 95), 1)
    # Visibility: wait for the probe article another process adds after this line is printed.
    print(json.dumps({"ready": True}), flush=True)
    added = float(sys.stdin.readline())
    while not any(probe in h.text for h in asst.retrieve(probe, top_k=3)):
        time.sleep(0.05)
    out["visible_after_s"] = round(time.time() - added, 2)
    out["rss_mb"] = round(proc_status("VmHWM"))
    return out


def run(size: int, n_queries: int, cache: Path) -> dict[str, Any]:
    pool = sentence_pool(ROOT.parent / "shared")
    base = Assistant(data_dir=cache / "base")
    table = sentence_table(base.index.embedder, pool, cache)
    s = base.settings
    corpus, halves = cache / f"corpus-{size}", [cache / f"half-{size}-{n}" for n in (0, 1)]
    if not corpus.is_dir():
        make_corpus(pool, size, corpus, s.chunk_chars, s.chunk_overlap)
    for n, half in enumerate(halves):
        if not half.is_dir():
            half.mkdir(parents=True)
            for f in sorted(corpus.glob("*.txt"))[n::2]:
                (half / f.name).write_text(f.read_text())
    row: dict[str, Any] = {"chunks": size}
    with tempfile.TemporaryDirectory() as tmp, chroma_server(Path(tmp) / "chroma") as url:
        began = time.perf_counter()
        worker = _worker(Path(tmp) / "w1", url, "articles", table)
        report = worker.ingest([corpus])
        row["ingest_1_worker_chunks_s"] = round(report.chunks / (time.perf_counter() - began))
        me = [sys.executable, __file__, "--ingest", url]
        began = time.perf_counter()
        procs = [subprocess.Popen([*me, "pair", str(h), str(Path(tmp) / f"p{n}"), str(cache)])
                 for n, h in enumerate(halves)]  # fmt: skip
        for p in procs:
            p.wait()
        # A writer holds the server's lease for its whole write; the other queues behind it.
        failed = sum(p.returncode != 0 for p in procs)
        row["ingest_2_workers_refused"] = failed
        row["ingest_2_workers_chunks_s"] = (
            round(report.chunks / (time.perf_counter() - began)) if not failed else None
        )
        probe = "The Kestrel Bay breakwater will be 412 metres long."
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        child = subprocess.Popen(
            [sys.executable, __file__, "--replica", url, str(Path(tmp) / "r"),
             str(n_queries), probe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env=env,
        )  # fmt: skip
        assert child.stdout is not None and child.stdin is not None
        child.stdout.readline()  # ready
        extra = Path(tmp) / "probe"
        extra.mkdir()
        (extra / "probe.txt").write_text(probe)
        worker.ingest([extra])
        child.stdin.write(f"{time.time()}\n")
        child.stdin.flush()
        row.update(json.loads(child.stdout.readline()))
        child.wait()
    return row


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--chunks", default="10000,100000")
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--cache", type=Path, default=ROOT / ".bench-cache" / "server")
    p.add_argument("--shared", default=None, help="unused; `make bench` passes it")
    p.add_argument("--replica", nargs=4, help=argparse.SUPPRESS)
    p.add_argument("--ingest", nargs=5, help=argparse.SUPPRESS)
    a = p.parse_args()
    os.environ.setdefault("RAG_MODEL_CACHE", str(a.cache / "models"))
    if a.replica:
        url, data, n, probe = a.replica
        print(json.dumps(replica(url, data, int(n), probe)), flush=True)
        return
    if a.ingest:
        url, collection, corpus, data, cache = a.ingest
        _ingest(url, collection, Path(corpus), Path(data), Path(cache))
        return
    rows = [run(int(n), a.queries, a.cache) for n in a.chunks.split(",")]
    print("| chunks | ingest 1 worker chunks/s | 2 workers | cold start s | retrieve p50 / p95 ms "
          "| ask p50 / p95 ms | visible after s | replica RSS MB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        two = r["ingest_2_workers_chunks_s"] or f"{r['ingest_2_workers_refused']} refused"
        print(f"| {r['chunks']:,} | {r['ingest_1_worker_chunks_s']} | {two} | "
              f"{r['cold_start_s']} | {r['retrieve_p50_ms']} / {r['retrieve_p95_ms']} | "
              f"{r['ask_p50_ms']} / {r['ask_p95_ms']} | {r['visible_after_s']} | "
              f"{r['rss_mb']} |")  # fmt: skip


if __name__ == "__main__":
    main()
