"""Compare fusion methods (rrf, weighted at several weights, dense, bm25) on eval suites.

Run: .venv/bin/python benchmarks/fusion.py [--data-dir DIR] [--shared ../shared]
Retrieval only: hit@5 and MRR@10 of the first chunk from an expected source, per method.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import Assistant  # noqa: E402
from rag.answer.followup import condense  # noqa: E402
from rag.search.retriever import Retriever  # noqa: E402

METHODS = [("rrf", 0.5), ("weighted", 0.3), ("weighted", 0.5), ("weighted", 0.7), ("dense", 0.5),
           ("bm25", 0.5)]  # fmt: skip


def cases(paths: list[Path]) -> list[dict]:
    out = []
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                if case.get("sources") and not case.get("unanswerable"):
                    out.append(case)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/rag-fusion"))
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    asst = Assistant(data_dir=args.data_dir)
    asst.ingest([ROOT / "corpus", args.shared / "corpora" / "newspaper" / "html"])
    suite = cases(sorted((ROOT / "evals" / "suites").glob("*.jsonl")))
    print(f"{len(suite)} answerable cases with expected sources")
    print(f"{'method':<16}{'hit@5':>8}{'MRR@10':>8}")
    for method, weight in METHODS:
        ix = asst.index
        r = Retriever(ix.catalog, ix.store, ix.lexical, ix.embedder, method,
                      dense_weight=weight)  # fmt: skip
        hits5 = rr = 0.0
        for case in suite:
            query = condense(case["question"], case.get("history"))
            ranked = r.search(query, top_k=10)
            ranks = [i for i, h in enumerate(ranked, 1)
                     if any(s in h.doc_id or s in h.source for s in case["sources"])]  # fmt: skip
            hits5 += bool(ranks and ranks[0] <= 5)
            rr += 1 / ranks[0] if ranks else 0.0
        name = f"{method}" + (f" w={weight}" if method == "weighted" else "")
        print(f"{name:<16}{hits5 / len(suite):>8.3f}{rr / len(suite):>8.3f}")


if __name__ == "__main__":
    main()
