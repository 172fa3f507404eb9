"""What every ``rag`` command shares: the consoles, the error edge, progress bars, options.

Both `rag.server.cli` and the commands other stages register (`rag.eval.cli`) import from
here, so neither imports the other.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rag.errors import RagError
from rag.records import IngestReport

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

# Help texts use (…) for env and defaults: Typer renders rich markup, which hides [...].
DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Index folder (env RAG_DATA_DIR, default .rag).")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
TopK = Annotated[int | None, typer.Option("--top-k", "-k", min=1, help="Chunks to retrieve.")]
Sources = Annotated[
    list[str] | None,
    typer.Option("--source", help="Only articles whose id/source/URL contains this (repeatable)."),
]
Since = Annotated[str | None, typer.Option("--since", help="Only articles dated on/after.")]
Until = Annotated[str | None, typer.Option("--until", help="Only articles dated on/before.")]
Llm = Annotated[
    str | None,
    typer.Option(
        "--llm",
        help="Answer backend: none, llamacpp:/path/model.gguf, openai:http://host:port/v1 or "
        "ollama:model (env RAG_LLM, default none).",
    ),
]
Mode = Annotated[
    str | None,
    typer.Option("--mode", help="extractive or llm (default: llm when a backend is set)."),
]


@contextmanager
def cli_errors() -> Iterator[None]:
    """Library errors become one red line on stderr and exit status 2."""
    try:
        yield
    except RagError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


def progress_bar(label: str, console: Console = err) -> Progress:
    """A transient bar on ``console`` (stderr), hidden when it is not a terminal.

    Args:
        label: the bar's caption (rich markup; may use ``{task.fields[...]}``).
        console: where to draw it.

    Returns:
        A `rich.progress.Progress` to use as a context manager.
    """
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def print_json(data: Any) -> None:
    """Write ``data`` to stdout as indented JSON (non-ASCII kept as is)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_ingest(report: IngestReport) -> None:
    """The one-line summary of an ingest, then duplicates, skips and failures."""
    c = report.to_dict()["counts"]
    out.print(
        f"added {c['added']}, updated {c['updated']}, unchanged {c['unchanged']}, "
        f"removed {c['removed']}, failed {c['failed']}, chunks written {report.chunks} "
        f"in {report.seconds:.1f}s",
        highlight=False,
    )
    for doc_id, twin in report.duplicates:
        out.print(f"[yellow]duplicate[/yellow] {doc_id}: same text as {twin}", highlight=False)
    for doc_id, why in report.skipped:
        out.print(f"[yellow]skipped[/yellow] {doc_id}: {why}", highlight=False)
    for path, reason in report.failed:
        err.print(f"[red]failed[/red] {path}: {reason}", highlight=False)
