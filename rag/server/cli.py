"""Command line: ``rag ingest``, ``rag ask``, ``rag search``, ``rag docs``, ``rag serve``.

The edge of the library: it turns `RagError` into a message and an exit code, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from rag.assistant import Assistant
from rag.config import parse_every
from rag.errors import ConfigError
from rag.news.notes import citation_notes
from rag.records import REASON_TEXT, Answer, Hit, IngestReport
from rag.server.console import (
    AsJson,
    DataDir,
    Llm,
    Mode,
    Since,
    Sources,
    TopK,
    Until,
    cli_errors,
    err,
    out,
    print_ingest,
    print_json,
    progress_bar,
)
from rag.server.hosts import is_loopback
from rag.server.logs import configure_logging
from rag.sources.service import BackgroundSync

app = typer.Typer(
    help="Ask questions about news articles; every answer sentence cites an exact quote.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _assistant(data_dir: Path | None, **overrides: Any) -> Assistant:
    return Assistant(data_dir=data_dir, **overrides)


@app.command()
def ingest(
    targets: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders or article URLs (http/https) [default: corpus/]."),
    ] = None,
    data_dir: DataDir = None,
    keep_missing: Annotated[
        bool, typer.Option("--keep-missing", help="Keep articles deleted from ingested folders.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Add, update and remove articles so the index matches PATHS; fetch URLs as articles.

    A URL is fetched politely (robots.txt, timeouts, size cap) and indexed under its canonical
    URL; fetched again later, an unchanged page costs a 304.
    """
    urls = [t for t in targets or [] if _URL.match(t)]
    paths = [Path(t) for t in targets or [] if t not in urls]
    with cli_errors():
        assistant = _assistant(data_dir)
        report = IngestReport()
        if paths or not urls:
            with progress_bar("[bold]ingest", err) as bar:
                task = bar.add_task("", total=None)

                def progress(done: int, total: int, path: str) -> None:
                    bar.update(task, completed=done, total=total, description=Path(path).name[:40])

                report = assistant.ingest(paths or None, keep_missing=keep_missing,
                                          progress=progress)  # fmt: skip
        if urls:
            report = _merged(report, assistant.ingest_urls(urls))
    print_json(report.to_dict()) if as_json else print_ingest(report)
    if report.failed:
        raise typer.Exit(1)


_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://")  # any scheme: ftp:// is refused as a URL


def _merged(a: IngestReport, b: IngestReport) -> IngestReport:
    """Two reports of one command as one."""
    merged = IngestReport()
    merged.extend(a)
    merged.extend(b)
    return merged


def _print_answer(answer: Answer) -> None:
    if any(not s.supported for s in answer.sentences):
        for s in answer.sentences:
            marks = "".join(f"[{m}]" for m in s.markers)
            line = f"{s.text} {marks}".strip()
            if s.supported:
                out.print(line, highlight=False, markup=False)
            else:
                out.print(f"[red]⚠ unsupported:[/red] {escape(line)}", highlight=False)
    else:
        out.print(answer.text, highlight=False, markup=False)
    if answer.short:
        short = answer.short
        out.print(f"[bold]short answer:[/bold] {escape(short.text)} \\[{short.marker}] "
                  f"(chars {short.start}-{short.end})", highlight=False)  # fmt: skip
    if answer.as_of:
        out.print(f"[bold]as of:[/bold] {answer.as_of}", highlight=False)
    if answer.notice:
        out.print(f"[yellow]note:[/yellow] {escape(answer.notice)}", highlight=False)
    if answer.reason:
        label = "abstained" if answer.abstained else "partial"
        out.print(f"[yellow]{label}:[/yellow] {escape(REASON_TEXT[answer.reason])} "
                  f"({answer.reason})", highlight=False)  # fmt: skip
    for c in answer.citations:
        where = c.title or c.doc_id
        meta = ", ".join(x for x in (c.date, c.source) if x)
        out.print(f"\n[bold][{c.marker}][/bold] {where} ({meta}) chars {c.start}-{c.end}",
                  highlight=False, markup=True)  # fmt: skip
        out.print(f"    “{c.quote}”", highlight=False, markup=False)
        for line in citation_notes(c, answer):
            out.print(f"    {line}", highlight=False, markup=False)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question.")],
    data_dir: DataDir = None,
    top_k: TopK = None,
    source: Sources = None,
    since: Since = None,
    until: Until = None,
    llm: Llm = None,
    mode: Mode = None,
    as_json: AsJson = False,
) -> None:
    """Answer QUESTION from the ingested articles, citing an exact quote per sentence.

    With an LLM backend the model's words stream as they come; the verified answer follows,
    with unsupported sentences marked (or removed with RAG_UNSUPPORTED=remove).
    """
    with cli_errors():
        assistant = _assistant(data_dir, llm=llm)
        # Extractive answers are ready at once; only a model's words are worth watching arrive.
        live = not as_json and assistant.answer_mode(mode) == "llm"
        items = assistant.ask_stream(
            question, top_k=top_k, sources=source, date_from=since, date_to=until, mode=mode
        )
        answer = None
        streamed = False
        for item in items:
            if isinstance(item, Answer):
                answer = item
            elif live and item:
                out.print(item, end="", highlight=False, markup=False)
                streamed = True
    assert answer is not None  # the stream always ends with the answer
    if as_json:
        print_json(answer.to_dict())
        return
    if streamed:
        out.print("\n")
        out.rule("verified answer", style="dim")
    _print_answer(answer)


def _print_hits(hits: list[Hit]) -> None:
    for n, h in enumerate(hits, 1):
        out.print(f"[bold]{n}.[/bold] {h.title or h.doc_id}  [dim]{h.doc_id} {h.start}-{h.end} "
                  f"score {h.score:.4f}[/dim]", highlight=False)  # fmt: skip
        out.print(f"   {h.text[:300]}", highlight=False, markup=False)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    data_dir: DataDir = None,
    top_k: TopK = None,
    source: Sources = None,
    since: Since = None,
    until: Until = None,
    as_json: AsJson = False,
) -> None:
    """Show the chunks hybrid retrieval finds for QUERY."""
    with cli_errors():
        hits = _assistant(data_dir).retrieve(
            query, top_k=top_k, sources=source, date_from=since, date_to=until
        )
    print_json([h.to_dict() for h in hits]) if as_json else _print_hits(hits)


@app.command()
def docs(data_dir: DataDir = None, as_json: AsJson = False) -> None:
    """List the ingested articles."""
    with cli_errors():
        documents = _assistant(data_dir).documents()
    if as_json:
        print_json(documents)
        return
    for d in documents:
        out.print(f"{d['doc_id']}  [dim]{d['n_chunks']} chunks  {d['date'] or ''}[/dim]  "
                  f"{d['title'] or ''}", highlight=False)  # fmt: skip


# Seconds an idle keep-alive connection stays open after a response (uvicorn's default, set
# here so it is visible): enough for a client's next request in a burst, short enough that
# idle clients do not pile up. What uvicorn (0.54) can and cannot bound for slow clients:
# - it can: idle time between requests on a connection (timeout_keep_alive), the size of a
#   request's headers (h11_max_incomplete_event_size, 16 KiB by default);
# - it cannot: how long headers take to arrive (a new connection, or one trickling header
#   bytes, is never timed out: any byte resets the keep-alive timer) nor how slowly a client
#   reads a response. The app bounds the body instead (rag.server.middleware.BodyDeadline, a
#   408); put a reverse proxy with header timeouts (nginx client_header_timeout) in front when
#   exposed.
KEEP_ALIVE_SECONDS = 5
# On SIGTERM/SIGINT running uploads stop between articles and undo themselves (well under a
# second, measured in tests/index/test_uploads.py); answer streams get this long to finish.
GRACEFUL_SECONDS = 10


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    data_dir: DataDir = None,
) -> None:
    """Serve the REST API (and an OpenAI-compatible /v1/chat/completions); docs at /docs.

    With RAG_API_KEY set, every path but /health (the docs too) needs the key. With
    RAG_SYNC_EVERY set (e.g. 5m), due feeds are synced in the background.
    """
    with cli_errors():
        assistant = _assistant(data_dir)
        key = assistant.settings.api_key
        if not is_loopback(host) and key is None:
            raise ConfigError(
                f"refusing to serve on {host} without an API key: set RAG_API_KEY "
                "(clients then send 'Authorization: Bearer <key>')"
            )
        import uvicorn

        from rag.server.api import create_app
        from rag.server.shutdown import StoppingServer

        assistant.warm_up()
        api = create_app(assistant, key.get_secret_value() if key else None)
        every = assistant.settings.sync_every
        background = BackgroundSync(assistant, parse_every(every, 1.0)) if every else None
    config = uvicorn.Config(api, host=host, port=port, log_level="info",
                            timeout_keep_alive=KEEP_ALIVE_SECONDS,
                            timeout_graceful_shutdown=GRACEFUL_SECONDS)  # fmt: skip
    if background is not None:
        err.print(f"syncing due feeds every {every} (RAG_SYNC_EVERY)", highlight=False)
        background.start()
    try:
        StoppingServer(config, assistant).run()
    finally:
        if background is not None:
            background.stop()


# Commands of other stages (eval, serve, bench) register themselves below this line.
COMMAND_MODULES: list[str] = ["rag.eval.cli", "rag.server.feeds_cli", "rag.server.migrate_cli"]


def _register(modules: list[str]) -> None:
    import importlib

    for name in modules:
        register: Callable[[typer.Typer], None] = importlib.import_module(name).register
        register(app)


def main() -> None:
    """Console-script entry point."""
    configure_logging()
    _register(COMMAND_MODULES)
    app()
