"""Measure shingle size and grouping threshold of `rag.index.stories` on the syndication pairs.

Run from the repo root with the project's venv (needs ``../shared/corpora/newspaper``):

    .venv/bin/python evals/syndication/measure.py          # readable tables
    .venv/bin/python evals/syndication/measure.py --json   # machine-readable

For shingle sizes 2-5 it scores every pair by the MinHash estimate of Jaccard similarity (the
product's `signature`) and by the exact Jaccard of the shingle sets, sweeps the threshold over
0.20-0.90 on DEV, and chooses the setting that maximises dev recall with dev precision >= 0.98:
a wrong grouping hides an outlet's different article, which is worse than a missed copy. Test
figures are then reported once at that setting, with the recall of the real LSH index
(`Stories`: side a inserted, side b queried) beside the pairwise estimate.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from recipes import side_text  # noqa: E402

from rag.index.stories import Stories, shingles, signature  # noqa: E402

SIZES = (2, 3, 4, 5)
THRESHOLDS = tuple(round(0.20 + 0.05 * i, 2) for i in range(15))  # 0.20 ... 0.90
MIN_PRECISION = 0.98


def load(split: str) -> list[dict]:
    """The pairs of a split."""
    lines = (HERE / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def texts(rows: list[dict]) -> list[tuple[str, str]]:
    """Both sides' texts of each pair, regenerated from the shared corpus."""
    return [(side_text(r["a"]), side_text(r["b"])) for r in rows]


@lru_cache(maxsize=8192)
def _signature(text: str, size: int) -> Any:
    return signature(text, size)


@lru_cache(maxsize=8192)
def _shingles(text: str, size: int) -> frozenset[bytes]:
    return frozenset(shingles(text, size))


def exact_jaccard(a: str, b: str, size: int) -> float:
    """Jaccard similarity of the two texts' shingle sets."""
    sa, sb = _shingles(a, size), _shingles(b, size)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def scores(pairs: list[tuple[str, str]], size: int) -> dict[str, np.ndarray]:
    """Per pair: the MinHash estimate the product uses, and the exact Jaccard."""
    est = [float(_signature(a, size).jaccard(_signature(b, size))) for a, b in pairs]
    exact = [exact_jaccard(a, b, size) for a, b in pairs]
    return {"estimate": np.array(est), "exact": np.array(exact)}


def prf(grouped: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Precision, recall and F1 of "grouped" against the labels (precision 1 when none)."""
    tp = int((grouped & labels).sum())
    fp = int((grouped & ~labels).sum())
    fn = int((~grouped & labels).sum())
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def curve(rows: list[dict], pairs: list[tuple[str, str]]) -> list[dict]:
    """P/R/F1 for every (shingle size, threshold), by the estimate and by the exact Jaccard."""
    labels = np.array([bool(r["label"]) for r in rows])
    out = []
    for size in SIZES:
        s = scores(pairs, size)
        for t in THRESHOLDS:
            out.append(
                {
                    "size": size,
                    "threshold": t,
                    "estimate": prf(s["estimate"] >= t, labels),
                    "exact": prf(s["exact"] >= t, labels),
                }
            )
    return out


def _by_recall(p: dict) -> tuple:
    return (p["estimate"]["recall"], p["estimate"]["precision"], p["threshold"], -p["size"])


def choose(points: list[dict]) -> tuple[dict, str]:
    """The setting: most recall at precision >= MIN_PRECISION (by the estimate the product uses).

    Ties on recall go to higher precision, then to the higher threshold (a wrong grouping costs
    more than a missed copy), then to the smaller shingle size.
    """
    ok = [p for p in points if p["estimate"]["precision"] >= MIN_PRECISION]
    if ok:
        return max(ok, key=_by_recall), f"max recall with dev precision >= {MIN_PRECISION}"
    best = max(points, key=lambda p: (p["estimate"]["f1"], p["threshold"], -p["size"]))
    return best, f"NO setting reaches dev precision {MIN_PRECISION}: best dev F1 taken"


def per_kind(rows: list[dict], grouped: np.ndarray) -> dict[str, dict]:
    """Per kind: how many pairs, how many grouped; the share is recall for copies and the
    wrong-grouping rate for the other kinds."""
    out: dict[str, dict] = defaultdict(lambda: {"n": 0, "grouped": 0})
    for r, g in zip(rows, grouped, strict=True):
        k = out[r["kind"]]
        k["n"] += 1
        k["grouped"] += int(g)
        k["label"] = bool(r["label"])
    for k in out.values():
        k["rate"] = k["grouped"] / k["n"]
        k["measure"] = "recall" if k["label"] else "wrongly grouped"
    return dict(sorted(out.items(), key=lambda kv: (not kv[1]["label"], kv[0])))


def lsh_grouped(rows: list[dict], pairs: list[tuple[str, str]], size: int, t: float) -> np.ndarray:
    """Whether the real index finds side a when queried with side b (all a sides inserted)."""
    stories = Stories(t)
    for r, (a, _) in zip(rows, pairs, strict=True):
        stories.place(r["id"], _signature(a, size))
    found = []
    for r, (_, b) in zip(rows, pairs, strict=True):
        found.append(r["id"] in {doc for doc, _ in stories.matches(_signature(b, size))})
    return np.array(found)


def all_pages(rows: list[dict], size: int, threshold: float) -> dict[str, Any]:
    """Every two distinct pages of the split as published, grouped or not.

    The labelled pairs are about half copies; a real corpus is almost all distinct articles, so
    this counts the wrong groupings among all of the split's real pages (empty texts left out:
    the product indexes no article without text).
    """
    files = sorted({r[side]["file"] for r in rows for side in ("a", "b")})
    pages = [(f, side_text({"file": f})) for f in files]
    pages = [(f, t) for f, t in pages if t.strip()]
    grouped = []
    for i, (f, a) in enumerate(pages):
        for g, b in pages[i + 1 :]:
            est = float(_signature(a, size).jaccard(_signature(b, size)))
            if est >= threshold:
                grouped.append({"a": f, "b": g, "estimate": est})
    n = len(pages) * (len(pages) - 1) // 2
    return {"pages": len(pages), "pairs": n, "grouped": grouped}


def evaluate(split: str, size: int, threshold: float, lsh: bool = False) -> dict[str, Any]:
    """Figures of one split at one setting: overall, per kind, and optionally the LSH index."""
    rows = load(split)
    pairs = texts(rows)
    labels = np.array([bool(r["label"]) for r in rows])
    s = scores(pairs, size)
    grouped = s["estimate"] >= threshold
    out: dict[str, Any] = {
        "split": split,
        "size": size,
        "threshold": threshold,
        "pairs": len(rows),
        "positives": int(labels.sum()),
        "estimate": prf(grouped, labels),
        "exact": prf(s["exact"] >= threshold, labels),
        "per_kind": per_kind(rows, grouped),
    }
    if lsh:
        index = lsh_grouped(rows, pairs, size, threshold)
        out["lsh"] = prf(index, labels)
        out["lsh_per_kind"] = per_kind(rows, index)
        out["all_pages"] = all_pages(rows, size, threshold)
    return out


def run(test: bool = True) -> dict[str, Any]:
    """The dev sweep, the chosen setting, its dev figures and (once) its test figures."""
    dev_rows = load("dev")
    points = curve(dev_rows, texts(dev_rows))
    chosen, rule = choose(points)
    size, t = chosen["size"], chosen["threshold"]
    result = {"curve": points, "chosen": {"size": size, "threshold": t, "rule": rule}}
    result["dev"] = evaluate("dev", size, t, lsh=True)
    if test:
        result["test"] = evaluate("test", size, t, lsh=True)
    return result


# --- the readable report -----------------------------------------------------------------------


def _fmt(m: dict) -> str:
    prf = f"P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}"
    return f"{prf}  (fp {m['fp']}, fn {m['fn']})"


def print_curve(points: list[dict]) -> None:
    print("DEV sweep, MinHash estimate (exact Jaccard in brackets): precision / recall")
    print("thr   " + "".join(f"{'size ' + str(s):>32}" for s in SIZES))
    for t in THRESHOLDS:
        cells = []
        for s in SIZES:
            p = next(q for q in points if q["size"] == s and q["threshold"] == t)
            e, x = p["estimate"], p["exact"]
            cells.append(
                f"{e['precision']:.3f}/{e['recall']:.3f} [{x['precision']:.3f}/{x['recall']:.3f}]"
            )
        print(f"{t:.2f}  " + "".join(f"{c:>32}" for c in cells))


def print_split(fig: dict) -> None:
    name = fig["split"].upper()
    print(
        f"\n{name} at size {fig['size']}, threshold {fig['threshold']:.2f}: "
        f"{fig['pairs']} pairs, {fig['positives']} copies"
    )
    print(f"  pairwise estimate : {_fmt(fig['estimate'])}")
    print(f"  exact Jaccard     : {_fmt(fig['exact'])}")
    if "lsh" in fig:
        print(f"  LSH index (Stories): {_fmt(fig['lsh'])}")
    print(f"  {'kind':<14}{'n':>5}{'grouped':>9}{'LSH':>6}  share")
    lsh = fig.get("lsh_per_kind", {})
    for kind, k in fig["per_kind"].items():
        via = lsh.get(kind, {}).get("grouped", "")
        print(f"  {kind:<14}{k['n']:>5}{k['grouped']:>9}{via:>6}  {k['rate']:.3f} {k['measure']}")
    if "all_pages" in fig:
        a = fig["all_pages"]
        print(
            f"  all {a['pages']} pages of the split as published, {a['pairs']} pairs: "
            f"{len(a['grouped'])} grouped"
        )
        for g in a["grouped"]:
            print(f"    {g['a']} ~ {g['b']}: {g['estimate']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--dev-only", action="store_true", help="leave the test split alone")
    args = parser.parse_args()
    result = run(test=not args.dev_only)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print_curve(result["curve"])
    c = result["chosen"]
    print(f"\nCHOSEN: shingle size {c['size']}, threshold {c['threshold']:.2f} ({c['rule']})")
    print_split(result["dev"])
    if "test" in result:
        print_split(result["test"])


if __name__ == "__main__":
    main()
