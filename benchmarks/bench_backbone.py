"""Ingest vs raw encode, re-ingest, and warm retrieve/ask latency on seed + newspaper HTML.

Run: .venv/bin/python benchmarks/bench_backbone.py [--shared ../shared] [--smoke]
Prints a table; asserts nothing about time (numbers depend on the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import Assistant  # noqa: E402

QUESTIONS = [
    "What is disputed about the Philadelphi Corridor?",
    "How many hostages are still held?",
    "What did Blinken tell Herzog?",
    "Why did the stock market fall?",
    "Who won the election?",
    "What happened to oil prices?",
    "What did the police say about the shooting?",
    "What is the new iPhone like?",
]


def p50(xs: list[float]) -> float:
    return statistics.median(xs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--smoke", action="store_true", help="seed article only (CI)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--format",
        choices=("html", "text"),
        default="html",
        help="newspaper pages as published (html) or as extracted text (no parsing cost)",
    )
    args = parser.parse_args()
    # One ONNX export for every run (the first run of a fresh data dir would export again).
    os.environ.setdefault("RAG_MODEL_CACHE", str(ROOT / ".bench-cache" / "models"))
    pages = args.shared / "corpora" / "newspaper" / args.format
    paths = [ROOT / "corpus"]
    if not args.smoke and pages.is_dir():
        paths.append(pages)

    with tempfile.TemporaryDirectory() as tmp:
        asst = Assistant(data_dir=tmp)
        asst.index.embedder.encode(["warm up the model"])  # model load is not ingest work
        t = time.perf_counter()
        report = asst.ingest(paths)
        ingest_s = time.perf_counter() - t

        texts = [
            r[0]
            for r in asst.index.catalog._rows("SELECT text FROM chunks ORDER BY doc_id, start")  # noqa: SLF001
        ]
        # The yardstick: raw sentence-transformers (torch) encode of the same texts.
        asst.index.embedder.model.encode(["warm up torch"])
        t = time.perf_counter()
        asst.index.embedder.model.encode(texts, batch_size=asst.settings.embed_batch_size)
        encode_s = time.perf_counter() - t
        # And the configured backend's own encode, to show what the rest of ingest costs.
        t = time.perf_counter()
        asst.index.embedder.encode(texts)
        backend_s = time.perf_counter() - t

        t = time.perf_counter()
        again = asst.ingest(paths)
        reingest_s = time.perf_counter() - t
        assert again.chunks == 0

        retrieve_t, ask_t = [], []
        for _ in range(args.repeat):
            for q in QUESTIONS:
                t = time.perf_counter()
                asst.retrieve(q)
                retrieve_t.append(time.perf_counter() - t)
                t = time.perf_counter()
                asst.ask(q)
                ask_t.append(time.perf_counter() - t)

    n = len(texts)
    rows = {
        "embed backend": asst.index.embedder.identity,
        "articles": len(report.added),
        "failed files": len(report.failed),
        "duplicates": len(report.duplicates),
        "chunks": n,
        "ingest wall s": round(ingest_s, 2),
        "ingest chunks/s": round(n / ingest_s, 1),
        "ingest stages s": {k: round(v, 1) for k, v in report.stage_seconds.items()},
        "raw torch encode s": round(encode_s, 2),
        "raw torch encode chunks/s": round(n / encode_s, 1),
        "ingest / raw torch encode throughput": round(encode_s / ingest_s, 3),
        f"raw {asst.index.embedder.backend} encode s": round(backend_s, 2),
        f"ingest / raw {asst.index.embedder.backend} encode throughput": round(
            backend_s / ingest_s, 3
        ),
        "re-ingest unchanged s": round(reingest_s, 3),
        "re-ingest / first ingest": round(reingest_s / ingest_s, 4),
        "warm retrieve p50 ms": round(p50(retrieve_t), 1),
        "warm ask p50 ms": round(p50(ask_t), 1),
    }
    width = max(map(len, rows))
    for k, v in rows.items():
        print(f"{k:<{width}}  {v}")
    print(json.dumps({"failed": report.failed}, indent=1) if report.failed else "")


if __name__ == "__main__":
    main()
