"""`rag migrate --to URL`: move a local data dir into a Chroma server (docs/deploy.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from rag.assistant import Assistant
from rag.migrate import migrate
from rag.server.console import DataDir, cli_errors, out, progress_bar


def migrate_command(
    to: Annotated[str, typer.Option("--to", help="The Chroma server, http://host:port.")],
    data_dir: DataDir = None,
    cache: Annotated[
        str | None,
        typer.Option(
            "--cache",
            help="Data dir this machine uses with the server (default: <data-dir>-server).",
        ),  # fmt: skip
    ] = None,
) -> None:
    """Copy an index (articles, vectors, stories, feeds, deletions) into a Chroma server."""
    with cli_errors():
        local = Assistant(data_dir=data_dir)
        target = cache or f"{local.data_dir}-server"
        server = Assistant(data_dir=target, chroma_url=to)
        with progress_bar("migrating") as bar:
            task = bar.add_task("")
            done = migrate(local.index, server.index,
                           lambda n, total: bar.update(task, completed=n, total=total))  # fmt: skip
    out.print(f"moved {done.articles} articles, {done.vectors} vectors, {done.feeds} feeds, "
              f"{done.pages} pages to {to}; serve with RAG_CHROMA_URL={to}",
              highlight=False)  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add ``rag migrate`` to the CLI."""
    app.command("migrate")(migrate_command)
