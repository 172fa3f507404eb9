"""Merge the reader question parts into train/dev/test files and report what they hold.

    .venv/bin/python evals/reader/build.py          # writes evals/reader/{train,dev,test}.jsonl
    .venv/bin/python evals/reader/build.py --stats  # only prints the figures

The test split is frozen: once written, build.py refuses to change it (its sha256 is recorded in
evals/README.md and checked by tests/eval/test_reader_data.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from gold import check  # noqa: E402

from rag.text.terms import terms  # noqa: E402

SPLITS = ("train", "dev", "test")


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]  # fmt: skip


def overlap(row: dict) -> float | None:
    """Share of the question's content terms found in its gold sentence(s)."""
    q = set(terms(row["question"]))
    if not row.get("gold") or not q:
        return None
    gold = set(terms(" ".join(g["text"] for g in row["gold"])))
    return len(q & gold) / len(q)


def stats(split: str, data: list[dict]) -> dict:
    kinds = Counter(r["tags"][0] for r in data)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for r in data:
        o = overlap(r)
        if o is not None:
            by_kind[r["tags"][0]].append(o)
    every = [o for v in by_kind.values() for o in v]
    articles = {s for r in data for s in r.get("sources", [])}
    unanswerable = sum(bool(r.get("unanswerable")) for r in data) / max(len(data), 1)
    return {
        "split": split, "questions": len(data), "articles": len(articles),
        "unanswerable": round(unanswerable, 3),
        "kinds": dict(sorted(kinds.items())),
        "overlap_mean": round(sum(every) / max(len(every), 1), 3),
        "overlap_by_kind": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_kind.items())},
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stats", action="store_true")
    args = parser.parse_args()
    parts = sorted((HERE / "parts").glob("*.jsonl"))
    merged: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for part in parts:
        split = part.stem.split("-")[0]
        problems = check(part)
        if problems:
            print("\n".join(problems))
            return 1
        merged[split].extend(rows(part))
    splits = json.loads((HERE / "splits.json").read_text())
    for split, data in merged.items():
        allowed = set(splits[split])
        leaked = {s for r in data for s in r.get("sources", [])} - allowed
        if leaked:
            print(f"{split}: sources outside the split: {sorted(leaked)}")
            return 1
        print(json.dumps(stats(split, data)))
    if args.stats:
        return 0
    for split, data in merged.items():
        out = HERE / f"{split}.jsonl"
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data)
        if split == "test" and out.exists() and out.read_text(encoding="utf-8") != text:
            print("test.jsonl is frozen; refusing to change it")
            return 1
        out.write_text(text, encoding="utf-8")
    digest = hashlib.sha256((HERE / "test.jsonl").read_bytes()).hexdigest()
    print(f"test.jsonl sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
