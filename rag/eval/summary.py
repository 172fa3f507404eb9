"""Summarise scored answers: suite-level metrics with bootstrap CIs and a per-tag breakdown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

from rag.eval import metrics as m
from rag.eval.metrics import news
from rag.eval.score import ABSTENTION_METRICS, CONFLICT_METRICS, DIGITS, QUESTION_METRICS

Row = dict[str, Any]


def summarize(rows: list[Row]) -> dict[str, Any]:
    """Suite-level metrics: means with bootstrap 95% CIs, unscorable counts, tag breakdown.

    Args:
        rows: results rows from `score_case`.

    Returns:
        ``{"n", "passed", "metrics": {name: {value, ci_low, ci_high, n, unscorable,
        unscorable_reasons}}, "by_tag": {tag: {"n", metric: value}}}``.
    """
    out = {name: _question_metric(rows, name) for name in QUESTION_METRICS}
    out |= _abstention_metrics(rows) | _conflict_metrics(rows) | _latency_metrics(rows)
    return {
        "n": len(rows),
        "passed": sum(r["passed"] for r in rows),
        "metrics": out,
        "by_tag": _by_tag(rows),
    }


def _aggregate(
    values: list[Any], stat: Callable[[list[Any]], float | None] | None = None, seed: int = 0
) -> tuple[float | None, float | None, float | None]:
    if not values:
        return None, None, None
    point = stat(values) if stat else sum(values) / len(values)
    lo, hi = m.bootstrap_ci(values, stat=stat, seed=seed)
    rnd = lambda x: None if x is None else round(x, DIGITS)  # noqa: E731
    return rnd(point), rnd(lo), rnd(hi)


def _question_metric(rows: list[Row], name: str) -> dict[str, Any]:
    """The mean of a per-question metric over the questions it applies to."""
    scored = [r["metrics"][name] for r in rows]
    values = [x["value"] for x in scored if x["status"] == "ok"]
    reasons = Counter(x.get("reason", "") for x in scored if x["status"] != "ok")
    value, lo, hi = _aggregate(values)
    return {
        "value": value,
        "ci_low": lo,
        "ci_high": hi,
        "n": len(values),
        "unscorable": len(scored) - len(values),
        "unscorable_reasons": dict(sorted(reasons.items())),
    }


def _abstention_stat(which: int, pairs: list[tuple[bool, bool]]) -> float | None:
    return m.abstention_scores(pairs)[which].value


def _abstention_metrics(rows: list[Row]) -> dict[str, dict[str, Any]]:
    """Abstention precision and recall over the whole suite."""
    out: dict[str, dict[str, Any]] = {}
    pairs = [(bool(r["abstained"]), bool(r["unanswerable"])) for r in rows]
    for i, name in enumerate(ABSTENTION_METRICS):
        score = m.abstention_scores(pairs)[i]
        # Resample whole questions; resamples without abstentions/unanswerables are skipped.
        _, lo, hi = _aggregate(pairs, stat=partial(_abstention_stat, i))
        denominator = sum(1 for a, u in pairs if (a, u, not u)[i])
        out[name] = {
            "value": None if score.value is None else round(score.value, DIGITS),
            "ci_low": lo if score.value is not None else None,
            "ci_high": hi if score.value is not None else None,
            "n": denominator,
            "unscorable": 0 if score.value is not None else len(rows),
            "unscorable_reasons": {score.reason: len(rows)} if score.reason else {},
        }
    return out


def _conflict_metrics(rows: list[Row]) -> dict[str, dict[str, Any]]:
    """Conflict detection precision and recall over every answer of the suite (a conflict
    flagged on a case without one is a false positive, whatever its kind)."""
    pairs = [(any(d["verdict"] == "conflict" for d in r.get("disagreements", [])),
              r.get("verdict") == "conflict") for r in rows]  # fmt: skip
    out: dict[str, dict[str, Any]] = {}
    for name, score in zip(CONFLICT_METRICS, news.conflict_scores(pairs), strict=True):
        n = sum(f for f, _ in pairs) if name.endswith("precision") else sum(g for _, g in pairs)
        out[name] = {
            "value": None if score.value is None else round(score.value, DIGITS),
            "ci_low": None,
            "ci_high": None,
            "n": n,
            "unscorable": 0 if score.value is not None else len(rows),
            "unscorable_reasons": {score.reason: len(rows)} if score.reason else {},
        }
    return out


def _latency_metrics(rows: list[Row]) -> dict[str, dict[str, Any]]:
    latencies = [float(r["latency_s"]) for r in rows]
    out: dict[str, dict[str, Any]] = {}
    for name, q in (("latency_p50", 50), ("latency_p95", 95)):
        p = m.percentile(latencies, q)
        out[name] = {
            "value": None if p is None else round(p, 4),
            "ci_low": None,
            "ci_high": None,
            "n": len(latencies),
            "unscorable": 0,
            "unscorable_reasons": {},
        }
    return out


def _by_tag(rows: list[Row]) -> dict[str, dict[str, Any]]:
    """Questions, passes and the mean of each per-question metric, per tag."""
    by_tag: dict[str, dict[str, Any]] = {}
    for tag in sorted({t for r in rows for t in r["tags"]}):
        tagged = [r for r in rows if tag in r["tags"]]
        entry: dict[str, Any] = {"n": len(tagged), "passed": sum(r["passed"] for r in tagged)}
        for name in QUESTION_METRICS:
            vals = [
                r["metrics"][name]["value"] for r in tagged if r["metrics"][name]["status"] == "ok"
            ]
            entry[name] = round(sum(vals) / len(vals), DIGITS) if vals else None
        by_tag[tag] = entry
    return by_tag
