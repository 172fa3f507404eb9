"""Compare a run with an earlier one: per-metric deltas, paired significance, flipped questions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rag.errors import EvalError
from rag.eval.metrics import paired_permutation_test
from rag.eval.score import ALL_METRICS, QUESTION_METRICS

ALPHA = 0.05  # deltas with a paired p-value below this are marked significant


def load_run(run_dir: str | Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read ``summary.json`` and the main pipeline's rows of ``results.jsonl`` from a run.

    Args:
        run_dir: an ``--out`` folder of an earlier run.

    Returns:
        ``(summary, rows)``; raises `EvalError` when the folder is not a run.
    """
    d = Path(run_dir)
    try:
        summary = json.loads((d / "summary.json").read_text(encoding="utf-8"))
        rows = [
            json.loads(line)
            for line in (d / "results.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    except (OSError, ValueError) as exc:
        raise EvalError(f"baseline {d} is not a readable eval run: {exc}") from None
    main = summary.get("pipeline", "ours")
    return summary, [r for r in rows if r.get("pipeline", "ours") == main]


def diff(
    current: dict[str, Any],
    rows: list[dict[str, Any]],
    base_summary: dict[str, Any],
    base_rows: list[dict[str, Any]],
    seed: int = 0,
) -> dict[str, Any]:
    """Per-metric deltas (current - baseline) with paired tests, and questions that flipped.

    Args:
        current: this run's summary of the main pipeline (``{"metrics": ...}``).
        rows: this run's results rows of the main pipeline.
        base_summary: the baseline's ``summary.json``.
        base_rows: the baseline's rows.
        seed: seed of the permutation test.

    Returns:
        ``{"metrics": {name: {baseline, current, delta, n_paired, p_value, significant}},
        "flipped": [{id, question, was, now, failing_checks}], "only_current": [...],
        "only_baseline": [...]}``.
    """
    by_id = {r["id"]: r for r in base_rows}
    now_ids = {r["id"] for r in rows}
    base_metrics = base_summary.get("metrics", {})
    return {
        "metrics": {
            name: _metric_diff(name, current, base_metrics, rows, by_id, seed)
            for name in ALL_METRICS
        },
        "flipped": _flipped(rows, by_id),
        "only_current": sorted(now_ids - set(by_id)),
        "only_baseline": sorted(set(by_id) - now_ids),
    }


def _metric_diff(
    name: str,
    current: dict[str, Any],
    base_metrics: dict[str, Any],
    rows: list[dict[str, Any]],
    by_id: dict[str, dict[str, Any]],
    seed: int,
) -> dict[str, Any]:
    """One metric's delta, with a paired test over the questions both runs scored."""
    now = current["metrics"].get(name, {}).get("value")
    was = base_metrics.get(name, {}).get("value")
    entry: dict[str, Any] = {
        "baseline": was,
        "current": now,
        "delta": None if now is None or was is None else round(now - was, 6),
        "n_paired": 0,
        "p_value": None,
        "significant": False,
    }
    if name not in QUESTION_METRICS:
        return entry  # suite-level metrics have no per-question values to pair
    a, b = [], []
    for r in rows:
        old = by_id.get(r["id"], {}).get("metrics", {}).get(name, {})
        new = r["metrics"][name]
        if new["status"] == "ok" and old.get("status") == "ok":
            a.append(float(old["value"]))
            b.append(float(new["value"]))
    p = paired_permutation_test(a, b, seed=seed)
    entry.update(
        n_paired=len(a),
        p_value=None if p is None else round(p, 4),
        significant=p is not None and p < ALPHA,
    )
    return entry


def _flipped(rows: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Questions in both runs that passed in one and failed in the other."""
    return [
        {
            "id": r["id"],
            "question": r["question"],
            "was": "pass" if by_id[r["id"]]["passed"] else "fail",
            "now": "pass" if r["passed"] else "fail",
            "failing_checks": r["failing_checks"],
        }
        for r in rows
        if r["id"] in by_id and bool(by_id[r["id"]]["passed"]) != bool(r["passed"])
    ]
