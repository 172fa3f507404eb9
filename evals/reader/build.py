"""Merge the reader question parts into train/dev/test/test2 files and report what they hold.

    .venv/bin/python evals/reader/build.py          # writes {train,dev,test,test2}.jsonl
    .venv/bin/python evals/reader/build.py --stats  # only prints the figures

A part's split is the first word of its file name (``train-nt3.jsonl`` is train). The test
splits are frozen: once written, build.py refuses to change them (their sha256 are recorded in
evals/README.md and checked by tests/eval/test_reader_data.py). ``test`` is round 1's (newspaper
articles), ``test2`` round 2's (news-train articles).

Round-1 questions had no short-answer spans; build.py derives them from their ``facts`` (the
first match of each fact's regex in a gold sentence): merged into train and dev, and written
beside the frozen test as ``test.short.jsonl`` (``id``, ``short``, ``answer_type``), so that
``test.jsonl`` stays byte for byte as it was frozen.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from gold import check  # noqa: E402

from rag.text.terms import terms  # noqa: E402

SPLITS = ("train", "dev", "test", "test2")
FROZEN = ("test", "test2")


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


def derived_short(row: dict) -> tuple[list[dict], str]:
    """Short-answer spans of a round-1 question from its facts, and the answer type."""
    spans = []
    for fact in row.get("facts", []):
        for g in row.get("gold", []):
            match = re.search(fact, g["text"], re.IGNORECASE)
            if match and match.end() > match.start():
                start = g["start"] + match.start()
                spans.append({"doc_id": g["doc_id"], "start": start,
                              "end": g["start"] + match.end(), "text": match.group(0)})  # fmt: skip
                break
    kind = row["tags"][0]
    text = " ".join(s["text"] for s in spans)
    if kind == "number" or any(c.isdigit() for c in text):
        answer_type = "number"
    elif text[:1].isupper():
        answer_type = "name"
    else:
        answer_type = "other"
    return spans, answer_type


def with_short(row: dict) -> dict:
    """``row`` with derived ``short`` and ``answer_type`` when it has none (round 1)."""
    if "short" in row or row.get("unanswerable"):
        return row
    spans, answer_type = derived_short(row)
    return {**row, "short": spans, "answer_type": answer_type}


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
        rows_out = data if split == "test" else [with_short(r) for r in data]
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows_out)
        if split in FROZEN and out.exists() and out.read_text(encoding="utf-8") != text:
            print(f"{out.name} is frozen; refusing to change it")
            return 1
        out.write_text(text, encoding="utf-8")
    shorts = [{"id": r["id"], "short": w["short"], "answer_type": w["answer_type"]}
              for r in merged["test"] if "short" in (w := with_short(r))]  # fmt: skip
    side = HERE / "test.short.jsonl"
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in shorts)
    if side.exists() and side.read_text(encoding="utf-8") != text:
        print(f"{side.name} is frozen; refusing to change it")
        return 1
    side.write_text(text, encoding="utf-8")
    for name in ("test.jsonl", "test2.jsonl", "test.short.jsonl"):
        print(f"{name} sha256 {hashlib.sha256((HERE / name).read_bytes()).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
