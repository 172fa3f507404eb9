"""The server home at scale: one `chroma run`, workers writing, replicas reading (issue 22).

    .venv/bin/python benchmarks/bench_server.py [--chunks 10000,100000] [--queries 100]
    .venv/bin/python benchmarks/bench_server.py --chunks 1000000 --bulk   # about 2 hours here

For each size, with a fresh Chroma server on 127.0.0.1:
1. one worker ingests the synthetic corpus of `bench_scale.py` (articles recombined from the
   shared newspaper texts; chunk and sentence vectors composed from cached sentence vectors,
   as there): ingest throughput;
2. two workers ingest two halves of another corpus into another collection at once, taking
   turns on the server's lease for each commit: their combined throughput, or how many were
   refused;
3. a replica process starts cold: the seconds until it has built its cache from the server and
   answers, its RSS, then retrieve and ask p50/p95 over the eval suites' questions;
4. a worker adds one article: the seconds until the replica finds it (visibility).

With ``--bulk`` the server is filled by `bulk_fill` instead (a worker's ingest is too slow to
fill a million chunks here), a cold worker first catches up with it, then ingests a 5,000-chunk
corpus on top; in step 2 two workers that start from copies of its caught-up data dir ingest
the halves of another 5,000-chunk corpus into the same full collection (fresh workers would
measure their catch-up, not their writes).

Prints figures; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
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
    synthetic_body,
)
from rag import Assistant  # noqa: E402
from rag.index.chunking import chunk_text  # noqa: E402
from rag.index.sentences import article_sentences, pack  # noqa: E402
from rag.index.server_home import article_record  # noqa: E402
from rag.index.stories import signature, to_bytes  # noqa: E402
from rag.index.vectorstore import chunk_node  # noqa: E402
from rag.records import Article  # noqa: E402
from rag.text.terms import terms  # noqa: E402
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


def bulk_fill(url: str, collection: str, n_chunks: int, table: Any, data: Path) -> int:
    """Fill the server with synthetic articles as workers would leave it (vectors, records,
    log), written in large batches without a worker's local catalog: a worker's ingest runs
    at about 300 chunks/s here, too slow to fill a million; the chunks a worker ingests on top
    are measured apart. Returns the number of chunks."""
    pool = sentence_pool(ROOT.parent / "shared")
    asst = Assistant(data_dir=data, chroma_url=url, collection=collection)
    store, home, s = asst.index.store, asst.index.home, asst.settings
    assert home is not None
    emb = ComposedEmbedder(asst.index.embedder, table)
    rng = random.Random(n_chunks)
    total, i, batch = 0, 0, []

    def write(batch: list[tuple[Article, list[Any]]]) -> None:
        sentences = [article_sentences(cs) for _, cs in batch]
        texts = [c.text for _, cs in batch for c in cs]
        rows = iter(emb.encode(texts + [t for ss in sentences for _, _, t in ss]))
        store.upsert([chunk_node(a, c, next(rows).tolist()) for a, cs in batch for c in cs])
        home.publish({a.doc_id: article_record(
            a, "synthetic", cs, [" ".join(terms(a.title) + terms(c.text)) for c in cs],
            (a.doc_id, to_bytes(signature(a.text))),
            [(x, y, pack(next(rows))) for x, y, _ in ss],
        ) for (a, cs), ss in zip(batch, sentences, strict=True)}, [])  # fmt: skip

    with home.lease(3600):
        while total < n_chunks:
            a = Article(f"bulk/{i:07d}.txt", synthetic_body(rng, pool), f"bulk/{i:07d}.txt",
                        f"Synthetic article {i}")  # fmt: skip
            batch.append((a, chunk_text(a.doc_id, a.text, s.chunk_chars, s.chunk_overlap)))
            total, i = total + len(batch[-1][1]), i + 1
            if len(batch) == 200:
                write(batch)
                batch = []
        if batch:
            write(batch)
    return total


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


def run(size: int, n_queries: int, cache: Path, bulk: bool = False) -> dict[str, Any]:
    pool = sentence_pool(ROOT.parent / "shared")
    base = Assistant(data_dir=cache / "base")
    table = sentence_table(base.index.embedder, pool, cache)
    s = base.settings
    # With --bulk the server is filled by `bulk_fill` and workers ingest this much on top.
    worked = 5000 if bulk else size
    corpus = cache / f"corpus-{worked}"
    if not corpus.is_dir():
        make_corpus(pool, worked, corpus, s.chunk_chars, s.chunk_overlap)
    # With --bulk the two workers write other articles into the full collection.
    pair = cache / f"corpus-b-{worked}" if bulk else corpus
    if not pair.is_dir():
        make_corpus(pool, worked + 1, pair, s.chunk_chars, s.chunk_overlap)  # another seed
    halves = [cache / f"half-{pair.name}-{n}" for n in (0, 1)]
    for n, half in enumerate(halves):
        if not half.is_dir():
            half.mkdir(parents=True)
            for f in sorted(pair.glob("*.txt"))[n::2]:
                (half / f.name).write_text(f.read_text())
    row: dict[str, Any] = {"chunks": size}
    with tempfile.TemporaryDirectory() as tmp, chroma_server(Path(tmp) / "chroma") as url:
        worker = _worker(Path(tmp) / "w1", url, "articles", table)
        if bulk:
            began = time.perf_counter()
            filled = bulk_fill(url, "articles", size, table, Path(tmp) / "filler")
            row["bulk_fill_chunks_s"] = round(filled / (time.perf_counter() - began))
            row["chunks"] = filled
            began = time.perf_counter()
            worker.ingest([])  # a cold worker first reads every record (its catalog cache)
            row["worker_catch_up_s"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        report = worker.ingest([corpus])
        row["ingest_1_worker_chunks_s"] = round(report.chunks / (time.perf_counter() - began))
        # Without --bulk the pair writes into a collection of its own, with it into the full
        # one from copies of the caught-up worker (fresh ones would measure their catch-up).
        target = "articles" if bulk else "pair"
        if bulk:
            for n in (0, 1):
                shutil.copytree(Path(tmp) / "w1", Path(tmp) / f"p{n}")
        me = [sys.executable, __file__, "--ingest", url, target]
        began = time.perf_counter()
        procs = [subprocess.Popen([*me, str(h), str(Path(tmp) / f"p{n}"), str(cache)])
                 for n, h in enumerate(halves)]  # fmt: skip
        for p in procs:
            p.wait()
        # Writers take turns on the server's lease for each commit.
        failed = sum(p.returncode != 0 for p in procs)
        row["ingest_2_workers_refused"] = failed
        pair_chunks = report.chunks if not bulk else sum(
            len(chunk_text(f.name, f.read_text(), s.chunk_chars, s.chunk_overlap))
            for f in pair.glob("*.txt"))  # fmt: skip
        row["ingest_2_workers_chunks_s"] = (
            round(pair_chunks / (time.perf_counter() - began)) if not failed else None
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
    p.add_argument("--bulk", action="store_true", help="fill the server by bulk_fill")
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
    rows = [run(int(n), a.queries, a.cache, a.bulk) for n in a.chunks.split(",")]
    for r in rows:
        print(json.dumps(r))
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
