"""Run an eval suite against an `Assistant` (and optionally a vanilla pipeline); write reports.

Entry point: `evaluate`. Offline and deterministic: no LLM, no network, fixed seeds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from rag.answer.support import SupportScorer
from rag.assistant import Assistant
from rag.config import ANSWER_MODES
from rag.errors import EvalError
from rag.eval import baseline as bl
from rag.eval.llm import eval_pipelines
from rag.eval.manifest import manifest
from rag.eval.report.files import write_outputs
from rag.eval.score import ALL_METRICS, Judge, score_case
from rag.eval.suite import Case, load_suite
from rag.eval.summary import summarize
from rag.eval.vanilla import VanillaPipeline
from rag.records import Answer

COMPARE = ("vanilla",)
# (done, total, case id, pipeline name), called after each answered question.
EvalProgress = Callable[[int, int, str, str], None]
Rows = dict[str, list[dict[str, Any]]]


class Pipeline(Protocol):
    def ask(
        self,
        question: str,
        history: Sequence[dict[str, str]] | None = None,
        top_k: int | None = None,
    ) -> Answer: ...


@dataclass(frozen=True, kw_only=True)
class EvalOptions:
    """How `evaluate` runs a suite; every field has a default.

    Args:
        corpus: files/folders to ingest into the assistant's data dir first.
        baseline: an earlier run's folder to diff against.
        fail_under: ``METRIC=VALUE`` minimums checked on the main pipeline.
        mode: ``extractive`` or ``llm`` (needs ``settings.llm``; adds comparison pipelines).
        compare: extra pipelines to run side by side (``vanilla``).
        top_k: retrieval depth (default: the assistant's ``top_k``).
        progress: ``(done, total, case_id, pipeline)`` after each question.
    """

    corpus: Sequence[str | Path] | None = None
    baseline: str | Path | None = None
    fail_under: Sequence[str] | dict[str, float] | None = None
    mode: str = "extractive"
    compare: Sequence[str] | None = None
    top_k: int | None = None
    progress: EvalProgress | None = None


@dataclass
class EvalRun:
    """The outcome of `evaluate`: where files went, the summary and the threshold checks."""

    out_dir: Path
    summary: dict[str, Any]
    rows: Rows = field(default_factory=dict)

    @property
    def gate_failures(self) -> list[dict[str, Any]]:
        return [g for g in self.summary.get("fail_under", []) if not g["passed"]]

    @property
    def ok(self) -> bool:
        """False when any ``--fail-under`` threshold failed."""
        return not self.gate_failures


def parse_thresholds(items: Sequence[str] | dict[str, float] | None) -> dict[str, float]:
    """``["mrr=0.8", ...]`` (or a dict) into ``{metric: minimum}``, validating metric names.

    Args:
        items: ``METRIC=VALUE`` strings using summary.json metric names.

    Returns:
        The thresholds; raises `EvalError` on bad syntax or unknown names.
    """
    if isinstance(items, dict):
        pairs = [(k, str(v)) for k, v in items.items()]
    else:
        pairs = []
        for item in items or []:
            name, sep, value = item.partition("=")
            if not sep:
                raise EvalError(f"--fail-under expects METRIC=VALUE, got {item!r}")
            pairs.append((name.strip(), value.strip()))
    out: dict[str, float] = {}
    for name, value in pairs:
        if name not in ALL_METRICS:
            raise EvalError(
                f"unknown metric {name!r} in --fail-under; valid: {', '.join(ALL_METRICS)}"
            )
        try:
            out[name] = float(value)
        except ValueError:
            raise EvalError(f"--fail-under {name}: {value!r} is not a number") from None
    return out


def run_pipeline(
    name: str,
    pipeline: Pipeline,
    cases: list[Case],
    k: int,
    judge: Judge,
    progress: EvalProgress | None = None,
) -> list[dict[str, Any]]:
    """Ask every case and score the answers, in suite order.

    Args:
        name: pipeline label written to each row (``ours`` or ``vanilla``).
        pipeline: anything with ``ask(question, history=..., top_k=...)``.
        cases: the suite.
        k: retrieval depth (also the hit@k cut-off).
        judge: support scorer and article lookup.
        progress: called after each question.

    Returns:
        Scored results rows.
    """
    rows = []
    for n, case in enumerate(cases, 1):
        started = time.perf_counter()
        answer = pipeline.ask(case.question, history=case.history or None, top_k=k)
        latency = time.perf_counter() - started
        rows.append({"pipeline": name, **score_case(case, answer, latency, k, judge)})
        if progress:
            progress(n, len(cases), case.id, name)
    return rows


def evaluate(
    suite: str | Path,
    assistant: Assistant,
    out_dir: str | Path | None = None,
    options: EvalOptions | None = None,
    **overrides: Any,
) -> EvalRun:
    """Run a suite, score it, write results.jsonl, summary.json, report.md and report.html.

    Args:
        suite: JSONL or YAML suite file.
        assistant: the system under test.
        out_dir: output folder (default ``evals/runs/<UTC timestamp>``).
        options: how to run it (default `EvalOptions`).
        **overrides: any `EvalOptions` field, e.g. ``mode="llm"`` or ``compare=["vanilla"]``.

    Returns:
        An `EvalRun`; ``run.ok`` is False when a threshold failed. Raises `EvalError`.
    """
    opts = replace(options or EvalOptions(), **overrides)
    thresholds = _check_options(opts, assistant)
    suite_path = Path(suite)
    cases = load_suite(suite_path)
    base = bl.load_run(opts.baseline) if opts.baseline else None
    ingest_report = _prepare_index(assistant, opts.corpus)
    k = opts.top_k or assistant.settings.top_k
    out = Path(out_dir) if out_dir else _default_out_dir()
    # The judge embeds with torch, the backend its threshold was calibrated on, whatever
    # backend the assistant under test uses, so scores stay comparable between backends.
    judge = Judge(SupportScorer(), assistant.document_text)
    started = time.perf_counter()
    rows = {
        name: run_pipeline(name, pipeline, cases, k, judge, opts.progress)
        for name, pipeline in _pipelines(assistant, opts, k).items()
    }
    summaries = {name: summarize(r) for name, r in rows.items()}
    run_manifest = {**manifest(assistant, suite_path, cases), "ingest": ingest_report}
    summary = _summary(suite_path, opts.mode, k, summaries, run_manifest, started)
    if base:
        diff = bl.diff(summaries["ours"], rows["ours"], *base)
        summary["baseline"] = {"dir": str(opts.baseline), **diff}
    summary["fail_under"] = _gates(summaries["ours"], thresholds)
    write_outputs(out, summary, rows)
    return EvalRun(out, summary, rows)


def _check_options(opts: EvalOptions, assistant: Assistant) -> dict[str, float]:
    """Reject a bad mode, pipeline or threshold before any work; the thresholds."""
    if opts.mode not in ANSWER_MODES:
        raise EvalError(f"unknown mode {opts.mode!r}; valid: {', '.join(ANSWER_MODES)}")
    if opts.mode == "llm" and not assistant.llm_configured:
        raise EvalError("no LLM backend configured; set RAG_LLM")
    for extra in opts.compare or []:
        if extra not in COMPARE:
            raise EvalError(f"unknown --compare pipeline {extra!r}; valid: {', '.join(COMPARE)}")
    return parse_thresholds(opts.fail_under)


def _prepare_index(
    assistant: Assistant, corpus: Sequence[str | Path] | None
) -> dict[str, Any] | None:
    """Ingest ``corpus`` when given (its report) and make sure there is something to ask."""
    report = assistant.ingest(list(corpus)).to_dict() if corpus else None
    if not assistant.documents():
        raise EvalError(
            f"the index at {assistant.data_dir} is empty; ingest articles first "
            "(rag ingest PATH, or --corpus PATH)"
        )
    return report


def _default_out_dir() -> Path:
    return Path("evals/runs") / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def _pipelines(assistant: Assistant, opts: EvalOptions, k: int) -> dict[str, Pipeline]:
    """``ours`` first, then the columns to compare it with."""
    # llm mode adds "llm-unverified" and "extractive" columns to compare with.
    pipelines: dict[str, Pipeline] = dict(eval_pipelines(assistant, opts.mode))
    if "vanilla" in (opts.compare or []):
        pipelines["vanilla"] = VanillaPipeline(assistant, top_k=k)
    return pipelines


def _summary(
    suite: Path,
    mode: str,
    k: int,
    summaries: dict[str, dict[str, Any]],
    run_manifest: dict[str, Any],
    started: float,
) -> dict[str, Any]:
    """summary.json without the baseline diff and the threshold checks."""
    main = summaries["ours"]
    return {
        "suite": str(suite),
        "mode": mode,
        "k": k,
        "pipeline": "ours",
        "n": main["n"],
        "passed": main["passed"],
        "metrics": main["metrics"],
        "by_tag": main["by_tag"],
        "pipelines": {
            n: {"n": s["n"], "passed": s["passed"], "metrics": s["metrics"]}
            for n, s in summaries.items()
        },
        "manifest": run_manifest,
        "wall_s": round(time.perf_counter() - started, 2),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _gates(main: dict[str, Any], thresholds: dict[str, float]) -> list[dict[str, Any]]:
    """One ``--fail-under`` check per threshold; an unscorable metric fails its check."""
    checks = []
    for name, minimum in thresholds.items():
        value = main["metrics"][name]["value"]
        checks.append(
            {
                "metric": name,
                "threshold": minimum,
                "value": value,
                "passed": value is not None and value >= minimum,
            }
        )
    return checks
