"""``rag eval``: run a suite from the command line; exit 1 when a threshold fails, 2 on errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from rag.assistant import Assistant
from rag.errors import RagError
from rag.eval.report.text import CHART_METRICS, fmt, metric_cell
from rag.eval.run import EvalRun, evaluate
from rag.server.cli import progress_bar

# The metrics worth a glance in a terminal; the rest are in the reports.
TABLE_METRICS = (*CHART_METRICS, "latency_p50")


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
    suite: Annotated[Path, typer.Argument(help="Suite file (.jsonl or .yaml).")],
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Index folder (env RAG_DATA_DIR, default .rag)."),
    ] = None,
    corpus: Annotated[
        list[Path] | None,
        typer.Option("--corpus", help="Ingest these files/folders first (repeatable)."),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default evals/runs/<UTC time>).")
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Earlier run folder to compare with.")
    ] = None,
    fail_under: Annotated[
        list[str] | None,
        typer.Option("--fail-under", help="METRIC=VALUE minimum; exit 1 below it (repeatable)."),
    ] = None,
    mode: Annotated[str, typer.Option("--mode", help="extractive or llm.")] = "extractive",
    compare: Annotated[
        list[str] | None, typer.Option("--compare", help="Also run this pipeline: vanilla.")
    ] = None,
    top_k: Annotated[int | None, typer.Option("--top-k", "-k", min=1, help="Chunks.")] = None,
) -> None:
    """Score retrieval, answers and citations on SUITE; write reports to --out."""
    out, err = Console(soft_wrap=True), Console(stderr=True)
    try:
        with progress_bar("[bold]eval {task.fields[pipeline]}", err) as bar:
            task = bar.add_task("", total=None, pipeline="")

            def progress(done: int, total: int, case_id: str, pipeline: str) -> None:
                bar.update(
                    task, completed=done, total=total, description=case_id[:40], pipeline=pipeline
                )

            run = evaluate(
                suite,
                Assistant(data_dir=data_dir),
                out_dir,
                corpus=corpus,
                baseline=baseline,
                fail_under=fail_under,
                mode=mode,
                compare=compare,
                top_k=top_k,
                progress=progress,
            )
    except RagError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    _print_summary(run, out)
    if not run.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``eval`` command to the ``rag`` CLI.

    Args:
        app: the Typer app of `rag.server.cli`.
    """
    app.command("eval")(eval_command)
