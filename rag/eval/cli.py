"""``rag eval``: run a suite from the command line; exit 1 when a threshold fails, 2 on errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from rag.assistant import Assistant
from rag.eval.report.text import CHART_METRICS, fmt, metric_cell
from rag.eval.run import EvalOptions, EvalRun, evaluate
from rag.server.console import DataDir, TopK, cli_errors, err, out, progress_bar

# The metrics worth a glance in a terminal; the rest are in the reports.
TABLE_METRICS = (*CHART_METRICS, "false_abstention", "latency_p50")
SuiteFile = Annotated[Path, typer.Argument(help="Suite file (.jsonl or .yaml).")]
Corpus = Annotated[
    list[Path] | None,
    typer.Option("--corpus", help="Ingest these files/folders first (repeatable)."),
]
OutDir = Annotated[
    Path | None, typer.Option("--out", help="Output folder (default evals/runs/<UTC time>).")
]
Baseline = Annotated[
    Path | None, typer.Option("--baseline", help="Earlier run folder to compare with.")
]
FailUnder = Annotated[
    list[str] | None,
    typer.Option("--fail-under", help="METRIC=VALUE minimum; exit 1 below it (repeatable)."),
]
EvalMode = Annotated[str, typer.Option("--mode", help="extractive or llm.")]
Compare = Annotated[
    list[str] | None, typer.Option("--compare", help="Also run this pipeline: vanilla.")
]


def _print_summary(run: EvalRun, out: Console) -> None:
    s = run.summary
    names = list(s["pipelines"])
    table = Table(title=f"{s['suite']}: {s['n']} questions, {s['passed']} passed")
    table.add_column("metric")
    for name in names:
        table.add_column(name, justify="right")
    if s.get("baseline"):
        table.add_column("Δ baseline", justify="right")
    for metric in TABLE_METRICS:
        cells = [metric_cell(s["pipelines"][n]["metrics"][metric]) for n in names]
        if s.get("baseline"):
            d = s["baseline"]["metrics"][metric]
            mark = "*" if d["significant"] else ""
            cells.append("–" if d["delta"] is None else f"{d['delta']:+.3f}{mark}")
        table.add_row(metric, *cells)
    out.print(table)
    for gate in s["fail_under"]:
        verdict = "[green]pass[/green]" if gate["passed"] else "[red]FAIL[/red]"
        out.print(
            f"{verdict} {gate['metric']} = {fmt(gate['value'])} (minimum {gate['threshold']})",
            highlight=False,
        )
    out.print(f"reports in {run.out_dir}", highlight=False)


def eval_command(
    suite: SuiteFile,
    data_dir: DataDir = None,
    corpus: Corpus = None,
    out_dir: OutDir = None,
    baseline: Baseline = None,
    fail_under: FailUnder = None,
    mode: EvalMode = "extractive",
    compare: Compare = None,
    top_k: TopK = None,
) -> None:
    """Score retrieval, answers and citations on SUITE; write reports to --out."""
    with cli_errors(), progress_bar("[bold]eval {task.fields[pipeline]}", err) as bar:
        task = bar.add_task("", total=None, pipeline="")

        def progress(done: int, total: int, case_id: str, pipeline: str) -> None:
            bar.update(
                task, completed=done, total=total, description=case_id[:40], pipeline=pipeline
            )

        options = EvalOptions(
            corpus=corpus,
            baseline=baseline,
            fail_under=fail_under,
            mode=mode,
            compare=compare,
            top_k=top_k,
            progress=progress,
        )
        run = evaluate(suite, Assistant(data_dir=data_dir), out_dir, options)
    _print_summary(run, out)
    if not run.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``eval`` command to the ``rag`` CLI.

    Args:
        app: the Typer app of `rag.server.cli`.
    """
    app.command("eval")(eval_command)
