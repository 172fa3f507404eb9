"""Per-kind figures of `rag eval` runs over the reader splits, side by side (issue 14's table).

    .venv/bin/python evals/reader/figures.py ours=evals/runs/reader-test \
        heuristic=artifacts/runs/heuristic-test

Each run's ``results.jsonl`` holds one row per question and pipeline; a ``--compare vanilla``
run adds the ``vanilla`` rows, shown as their own column. Quotes are checked against the
article text the index stores (`gold.article_text`).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gold import article_text  # noqa: E402

Row = dict[str, Any]


def _share(flags: list[bool]) -> str:
    return f"{sum(flags) / len(flags):.2f} ({sum(flags)}/{len(flags)})" if flags else "–"


def _mean(values: list[float]) -> str:
    return f"{sum(values) / len(values):.2f}" if values else "–"


def _exact(row: Row) -> list[bool]:
    return [
        article_text(c["doc_id"])[c["start"] : c["end"]] == c["quote"] for c in row["citations"]
    ]


def figures(rows: list[Row], overall: bool) -> dict[str, str]:
    """all-facts, false abstention, abstention recall and precision, exact quotes, latency."""
    ans = [r for r in rows if not r["unanswerable"]]
    una = [r for r in rows if r["unanswerable"]]
    abst = [r for r in rows if r["abstained"]]
    lat = sorted(r["latency_s"] for r in rows)
    out = {
        "n": str(len(rows)),
        "all facts": _share([r["metrics"]["all_facts"]["value"] == 1.0 for r in ans]),
        "false abstention": _share([r["abstained"] for r in ans]),
        "abstention recall": _share([r["abstained"] for r in una]),
        "abstention precision": _share([r["unanswerable"] for r in abst]) if overall else "–",
        "exact quotes": _share([x for r in rows for x in _exact(r)]),
        "short answer exact match": _share(
            [
                m["value"] == 1.0
                for r in ans
                if (m := r["metrics"].get("short_exact")) and m["status"] == "ok"
            ]
        ),
        "short answer F1": _mean(
            [m["value"] for r in ans if (m := r["metrics"].get("short_f1")) and m["status"] == "ok"]
        ),
    }
    if lat:
        out["ask p50 / p95 ms"] = (
            f"{1000 * lat[len(lat) // 2]:.0f} / {1000 * lat[int(0.95 * (len(lat) - 1))]:.0f}"
        )
    return out


def main(argv: list[str]) -> None:
    columns: dict[str, list[Row]] = {}
    owner: dict[str, str] = {}  # a compared pipeline (vanilla) is shown from its first run only
    for arg in argv:
        label, _, path = arg.partition("=")
        lines = (Path(path) / "results.jsonl").read_text(encoding="utf-8").splitlines()
        for row in map(json.loads, lines):
            name = label if row["pipeline"] == "ours" else row["pipeline"]
            if owner.setdefault(name, label) == label:
                columns.setdefault(name, []).append(row)
    kinds: dict[str, dict[str, list[Row]]] = defaultdict(dict)
    for name, rows in columns.items():
        kinds["all"][name] = rows
        for row in rows:
            kinds[row["tags"][0]].setdefault(name, []).append(row)
            if "hard" in row["tags"]:  # the near misses with a same-type decoy, apart too
                kinds["near-miss (hard)"].setdefault(name, []).append(row)
    for kind, by_name in kinds.items():
        stats = {name: figures(rows, kind == "all") for name, rows in by_name.items()}
        names = list(stats)
        print(f"\n### {kind}\n\n| | " + " | ".join(names) + " |")
        print("| --- |" + " --- |" * len(names))
        for metric in stats[names[0]]:
            cells = [stats[n].get(metric, "–") for n in names]
            if all(c.startswith("–") for c in cells):
                continue
            print(f"| {metric} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
