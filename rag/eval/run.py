"""Run an eval suite against an `Assistant` (and optionally a vanilla pipeline); write reports.

Entry point: `evaluate`. Offline and deterministic: no LLM, no network, fixed seeds.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from rag.answer.support import THRESHOLD, SupportScorer
from rag.assistant import Assistant
from rag.config import ANSWER_MODES
from rag.errors import EvalError
from rag.eval import baseline as bl
from rag.eval.score import ALL_METRICS, Judge, score_case, summarize
from rag.eval.suite import Case, load_suite
from rag.index.embeddings import resolve_model
from rag.records import Answer

COMPARE = ("vanilla",)
_PACKAGES = (
    "newsrag",
    "llama-index-core",
    "llama-index-vector-stores-chroma",
    "chromadb",
    "sentence-transformers",
    "transformers",
    "torch",
    "numpy",
    "scipy",
    "matplotlib",
)
# (done, total, case id, pipeline name), called after each answered question.
EvalProgress = Callable[[int, int, str, str], None]


class Pipeline(Protocol):
    def ask(
        self,
        question: str,
        history: Sequence[dict[str, str]] | None = None,
        top_k: int | None = None,
    ) -> Answer: ...


@dataclass
class EvalRun:
    """The outcome of `evaluate`: where files went, the summary and the threshold checks."""

    out_dir: Path
    summary: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

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


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def manifest(assistant: Assistant, suite: Path, cases: list[Case]) -> dict[str, Any]:
    """What produced a run: code version, settings, model, corpus and package versions."""
    docs = assistant.documents()
    corpus = hashlib.sha256()
    for d in docs:
        corpus.update(f"{d['doc_id']}\x00{d.get('hash') or ''}\n".encode())
    versions: dict[str, str | None] = {}
    for pkg in _PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "git_sha": _git("rev-parse", "HEAD"),
        "git_dirty": None if status is None else bool(status),
        "suite": str(suite),
        "suite_sha256": hashlib.sha256(suite.read_bytes()).hexdigest(),
        "n_cases": len(cases),
        "settings": assistant.settings.model_dump(mode="json"),
        "model": {
            "name": assistant.settings.embed_model,
            "path": resolve_model(assistant.settings.embed_model),
            "backend": assistant.embedder.backend,
        },
        "support_threshold": THRESHOLD,
        "corpus": {"documents": len(docs), "sha256": corpus.hexdigest()},
        "packages": versions,
        "python": platform.python_version(),
    }


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
    *,
    corpus: Sequence[str | Path] | None = None,
    baseline: str | Path | None = None,
    fail_under: Sequence[str] | dict[str, float] | None = None,
    mode: str = "extractive",
    compare: Sequence[str] | None = None,
    top_k: int | None = None,
    progress: EvalProgress | None = None,
) -> EvalRun:
    """Run a suite, score it, write results.jsonl, summary.json, report.md and report.html.

    Args:
        suite: JSONL or YAML suite file.
        assistant: the system under test.
        out_dir: output folder (default ``evals/runs/<UTC timestamp>``).
        corpus: files/folders to ingest into the assistant's data dir first.
        baseline: an earlier run's folder to diff against.
        fail_under: ``METRIC=VALUE`` minimums checked on the main pipeline.
        mode: ``extractive`` or ``llm`` (needs ``settings.llm``; adds comparison pipelines).
        compare: extra pipelines to run side by side (``vanilla``).
        top_k: retrieval depth (default: the assistant's ``top_k``).
        progress: ``(done, total, case_id, pipeline)`` after each question.

    Returns:
        An `EvalRun`; ``run.ok`` is False when a threshold failed. Raises `EvalError`.
    """
    if mode not in ANSWER_MODES:
        raise EvalError(f"unknown mode {mode!r}; valid: {', '.join(ANSWER_MODES)}")
    if mode == "llm" and assistant.settings.llm == "none":
        raise EvalError("no LLM backend configured; set RAG_LLM")
    for extra in compare or []:
        if extra not in COMPARE:
            raise EvalError(f"unknown --compare pipeline {extra!r}; valid: {', '.join(COMPARE)}")
    thresholds = parse_thresholds(fail_under)
    suite_path = Path(suite)
    cases = load_suite(suite_path)
    base = bl.load_run(baseline) if baseline else None
    ingest_report = assistant.ingest(list(corpus)).to_dict() if corpus else None
    if not assistant.documents():
        raise EvalError(
            f"the index at {assistant.data_dir} is empty; ingest articles first "
            "(rag ingest PATH, or --corpus PATH)"
        )
    k = top_k or assistant.settings.top_k
    out = (
        Path(out_dir)
        if out_dir
        else Path("evals/runs") / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    )
    # The judge embeds with torch, the backend its threshold was calibrated on, whatever
    # backend the assistant under test uses, so scores stay comparable between backends.
    judge = Judge(SupportScorer(), assistant.document_text)
    started = time.perf_counter()
    from rag.eval.llm import eval_pipelines

    # llm mode adds "llm-unverified" and "extractive" columns to compare with.
    pipelines: dict[str, Pipeline] = dict(eval_pipelines(assistant, mode))
    if "vanilla" in (compare or []):
        from rag.eval.vanilla import VanillaPipeline

        pipelines["vanilla"] = VanillaPipeline(assistant, top_k=k)
    rows = {name: run_pipeline(name, p, cases, k, judge, progress) for name, p in pipelines.items()}
    summaries = {name: summarize(r) for name, r in rows.items()}
    main = summaries["ours"]
    summary: dict[str, Any] = {
        "suite": str(suite_path),
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
        "manifest": {**manifest(assistant, suite_path, cases), "ingest": ingest_report},
        "wall_s": round(time.perf_counter() - started, 2),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if base:
        summary["baseline"] = {"dir": str(baseline), **bl.diff(main, rows["ours"], *base)}
    summary["fail_under"] = [
        {
            "metric": name,
            "threshold": minimum,
            "value": main["metrics"][name]["value"],
            "passed": main["metrics"][name]["value"] is not None
            and main["metrics"][name]["value"] >= minimum,
        }
        for name, minimum in thresholds.items()
    ]
    write_outputs(out, summary, rows)
    return EvalRun(out, summary, rows)


def write_outputs(
    out: Path, summary: dict[str, Any], rows: dict[str, list[dict[str, Any]]]
) -> None:
    """Write results.jsonl, summary.json, report.md and report.html into ``out``."""
    from rag.eval.report.html import render_html
    from rag.eval.report.text import render_markdown

    try:
        out.mkdir(parents=True, exist_ok=True)
        with (out / "results.jsonl").open("w", encoding="utf-8") as f:
            for pipeline_rows in rows.values():
                for row in pipeline_rows:
                    f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        (out / "summary.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        (out / "report.md").write_text(render_markdown(summary, rows), encoding="utf-8")
        (out / "report.html").write_text(render_html(summary, rows), encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"cannot write eval outputs to {out}: {exc}") from None
