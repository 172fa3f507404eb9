"""Profile warm retrieval and a one-article re-ingest on an index built by bench_scale.py.

Run: .venv/bin/python benchmarks/profile_scale.py [--size 100000] [--backend onnx-int8]
     [--cache .bench-cache]
Prints pyinstrument's call tree for each (extra ``[bench]``; ``make profile``); this is what
the optimisations in docs/performance.md were chosen from.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_scale import index_paths, questions  # noqa: E402
from rag import Assistant  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--backend", default="onnx-int8")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench-cache")
    args = parser.parse_args()
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("profiling needs pyinstrument: pip install -e '.[bench]'")
    data_dir, corpus = index_paths(args.cache, args.backend, args.size)
    if not data_dir.is_dir():
        sys.exit(f"no index at {data_dir}: run benchmarks/bench_scale.py --sizes {args.size}")
    os.environ.setdefault("RAG_MODEL_CACHE", str(args.cache / "models"))
    asst = Assistant(data_dir=data_dir, embed_backend=args.backend)
    asst.warm_up()

    profiler = Profiler(interval=0.0005)
    with profiler:
        for q in questions()[:20]:
            # Every call pays for the query embedding.
            asst.index.embedder.encode_query.cache_clear()
            asst.retrieve(q)
    print("== 20 warm retrieve calls")
    print(profiler.output_text(show_all=False, short_mode=True))

    victim = sorted(corpus.glob("*.txt"))[5]
    original = victim.read_text()
    victim.write_text(original.rstrip("\n") + " One more sentence changes this article.\n")
    profiler = Profiler(interval=0.001)
    try:
        began = time.perf_counter()
        with profiler:
            report = asst.ingest([corpus])
        print(f"== re-ingest with one changed article: {time.perf_counter() - began:.2f} s, "
              f"stages {report.stage_seconds}, bm25 {asst.index.lexical.last_refresh}")  # fmt: skip
        print(profiler.output_text(show_all=False, short_mode=True))
    finally:
        victim.write_text(original)
        asst.ingest([corpus])


if __name__ == "__main__":
    main()
