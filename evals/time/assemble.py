"""Merge the time-and-sources parts into dev.jsonl and the frozen test.jsonl; print their figures.

    .venv/bin/python evals/time/assemble.py          # writes dev.jsonl (and test.jsonl once)
    .venv/bin/python evals/time/assemble.py --stats  # only prints the figures

A part's split is the first word of its file name (``test-made.jsonl`` is test). The test split
is frozen: once written, assemble.py refuses to change it (its sha256 is in evals/README.md and
checked by tests/eval/test_time_data.py). Whole stories go to one split: a ``story:`` tag never
appears in both.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "reader"))

from build import overlap, rows  # noqa: E402
from gold import check  # noqa: E402

KINDS = ("recency", "timeline", "conflict", "attribution")


def _spans_text(row: dict) -> str:
    return " ".join(s["text"] for key in ("gold", "events", "figures") for s in row.get(key, []))


def _overlap(row: dict) -> float | None:
    """Question/answer content-word overlap against every gold span of the case."""
    return overlap({"question": row["question"], "gold": [{"text": _spans_text(row)}]})


def story(row: dict) -> str:
    """The story a case belongs to: its ``story:`` tag, else the ``made-<story>-`` id part."""
    tagged = [t for t in row["tags"] if t.startswith("story:")]
    return tagged[0] if tagged else "story:" + row["id"].split("-")[1]


def stories(data: list[dict]) -> set[str]:
    return {story(r) for r in data}


def stats(split: str, data: list[dict]) -> dict:
    by_kind: dict[str, list[float]] = defaultdict(list)
    for r in data:
        o = _overlap(r)
        if o is not None:
            by_kind[r["tags"][0]].append(o)
    every = [o for v in by_kind.values() for o in v]
    docs = {s["doc_id"] for r in data for k in ("gold", "events", "figures") for s in r.get(k, [])}
    return {
        "split": split,
        "cases": len(data),
        "kinds": dict(Counter(r["tags"][0] for r in data)),
        "verdicts": dict(Counter(r["verdict"] for r in data if r.get("verdict"))),
        "stories": len(stories(data)),
        "articles": len(docs),
        "constructed_articles": len({d for d in docs if d.startswith("articles/")}),
        "overlap": round(sum(every) / len(every), 3) if every else None,
        "overlap_by_kind": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_kind.items())},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stats", action="store_true", help="only print the figures")
    a = ap.parse_args()
    merged: dict[str, list[dict]] = {"dev": [], "test": []}
    for part in sorted((HERE / "parts").glob("*.jsonl")):
        problems = check(part)
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
        merged[part.name.split("-", 1)[0]] += rows(part)
    shared = stories(merged["dev"]) & stories(merged["test"])
    if shared:
        print(f"stories in both splits: {sorted(shared)}", file=sys.stderr)
        return 1
    for split, data in merged.items():
        print(json.dumps(stats(split, data)))
    if a.stats:
        return 0
    for split, data in merged.items():
        path = HERE / f"{split}.jsonl"
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data)
        if split == "test" and path.exists() and path.read_text(encoding="utf-8") != body:
            print("test.jsonl is frozen: parts changed after it was written", file=sys.stderr)
            return 1
        path.write_text(body, encoding="utf-8")
        print(f"{path.name}: {len(data)} cases, sha256 "
              f"{hashlib.sha256(body.encode()).hexdigest()}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
