"""A replica's local caches at scale: catalog and BM25 build, memory and search (issue 22).

    .venv/bin/python benchmarks/bench_bm25_memory.py [--chunks 100000,1000000]

A replica's data dir holds a SQLite catalog and a BM25 index rebuilt from it; at a million
chunks they, not the models, decide its memory. For each size this fills a catalog with
synthetic articles (sentences of the shared newspaper texts recombined, as `bench_scale.py`
does; no vectors: the vectors live in Chroma), then in a fresh process builds BM25 from it
(as a cold replica does) and reports the build time, the process's peak RSS before and after
the build, and search p50/p95 over the eval suites' questions. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_scale import pct, proc_status, questions, sentence_pool  # noqa: E402
from rag.index.catalog import Catalog  # noqa: E402
from rag.index.chunking import chunk_text  # noqa: E402
from rag.index.lexical import LexicalIndex  # noqa: E402
from rag.records import Article  # noqa: E402
from rag.text.terms import terms  # noqa: E402

_BATCH = 500  # articles per catalog transaction


def fill(path: Path, n_chunks: int) -> int:
    """A catalog at ``path`` holding synthetic articles of ``n_chunks`` chunks in all."""
    pool = sentence_pool(ROOT.parent / "shared")
    rng = random.Random(n_chunks)
    catalog = Catalog(path)
    total, i, batch = 0, 0, []
    while total < n_chunks:
        article = rng.choice(pool)
        start = rng.randrange(max(1, len(article) - 12))
        text = " ".join(article[start : start + rng.randint(6, 24)])
        doc = Article(f"synthetic/{i:07d}.txt", text, f"synthetic/{i:07d}.txt", f"Article {i}")
        chunks = chunk_text(doc.doc_id, text)
        batch.append((doc, "synthetic", chunks, [" ".join(terms(c.text)) for c in chunks]))
        total, i = total + len(chunks), i + 1
        if len(batch) == _BATCH:
            catalog.put(batch)
            batch = []
    catalog.put(batch)
    catalog.close()
    return total


def measure(path: Path, n_queries: int) -> dict[str, Any]:
    """Run in a fresh process: build BM25 from the catalog, then search."""
    catalog = Catalog(path)
    before = proc_status("VmHWM")
    began = time.perf_counter()
    lexical = LexicalIndex(catalog, path.parent / "bm25")
    lexical.refresh()
    build = time.perf_counter() - began
    peak = proc_status("VmHWM")
    times = []
    for q in questions()[:n_queries]:
        t = time.perf_counter()
        lexical.search(q, 20)
        times.append(time.perf_counter() - t)
    return {
        "build_s": round(build, 1), "rss_before_mb": round(before), "peak_rss_mb": round(peak),
        "rss_now_mb": round(proc_status("VmRSS")), "search_p50_ms": round(pct(times, 50), 1),
        "search_p95_ms": round(pct(times, 95), 1),
    }  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--chunks", default="100000,1000000")
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--cache", type=Path, default=ROOT / ".bench-cache" / "bm25")
    p.add_argument("--shared", default=None, help="unused; `make bench` passes it")
    p.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.measure:
        print(json.dumps(measure(a.measure, a.queries)))
        return
    print("| chunks | fill s | BM25 build s | peak RSS MB (before build) | RSS after MB "
          "| search p50 / p95 ms |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for n in map(int, a.chunks.split(",")):
        path = a.cache / str(n) / "catalog.sqlite"
        began = time.perf_counter()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fill(path.with_suffix(".tmp"), n)
            path.with_suffix(".tmp").rename(path)
        filled = time.perf_counter() - began
        for old in (path.parent / "bm25").glob("*"):
            old.unlink()  # a cold replica: no saved BM25
        out = subprocess.run([sys.executable, __file__, "--measure", str(path),
                              "--queries", str(a.queries)], capture_output=True, text=True,
                             check=True)  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {n:,} | {filled:.0f} | {r['build_s']} | {r['peak_rss_mb']} "
              f"({r['rss_before_mb']}) | {r['rss_now_mb']} | {r['search_p50_ms']} / "
              f"{r['search_p95_ms']} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
