"""``rag feeds add|list|remove`` and ``rag sync``: live sources from the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Annotated

import typer

from rag.assistant import Assistant
from rag.server.console import AsJson, DataDir, cli_errors, out, print_ingest, print_json
from rag.sources.sync import SyncReport

feeds_app = typer.Typer(help="Follow RSS, Atom and RDF feeds.", no_args_is_help=True)


def _when(epoch: float | None) -> str:
    if not epoch:
        return "never"
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


@feeds_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The feed's http(s) URL.")],
    name: Annotated[str | None, typer.Option("--name", help="A label (default: host).")] = None,
    every: Annotated[
        str | None, typer.Option("--every", help="How often it is due: 30m, 2h, 1d.")
    ] = None,
    data_dir: DataDir = None,
    as_json: AsJson = False,
) -> None:
    """Follow the feed at URL (fetched by the next `rag sync`)."""
    with cli_errors():
        feed = Assistant(data_dir=data_dir).add_feed(url, name, every)
    if as_json:
        print_json(feed)
    else:
        out.print(
            f"added feed {feed['id']}: {feed['name']} ({feed['url']}), every "
            f"{feed['every'] / 60:g} min; run `rag sync` to fetch it",
            highlight=False,
        )


@feeds_app.command("list")
def list_feeds(data_dir: DataDir = None, as_json: AsJson = False) -> None:
    """List the feeds: last sync, articles, last error."""
    with cli_errors():
        feeds = Assistant(data_dir=data_dir).feeds()
    if as_json:
        print_json(feeds)
        return
    if not feeds:
        out.print("no feeds; add one with `rag feeds add URL`")
    for f in feeds:
        state = f"[red]{f['last_error']}[/red]" if f["last_error"] else "ok"
        out.print(f"{f['id']}  {f['name']}  {f['url']}\n   {f['articles']} articles, last sync "
                  f"{_when(f['last_sync'])}, next {_when(f['next_due'])}: {state}",
                  highlight=False)  # fmt: skip


@feeds_app.command("remove")
def remove(
    feed_id: Annotated[int, typer.Argument(help="The feed's id (see `rag feeds list`).")],
    data_dir: DataDir = None,
) -> None:
    """Stop following a feed; the articles it brought stay indexed."""
    with cli_errors():
        feed = Assistant(data_dir=data_dir).remove_feed(feed_id)
    out.print(f"removed feed {feed['id']}: {feed['name']} (its articles stay)", highlight=False)


def _print_sync(report: SyncReport) -> None:
    for f in report.feeds:
        what = {
            "updated": f"{f.items} items, {f.fetched} fetched, {f.not_modified} unchanged",
            "not_modified": "unchanged (304)",
            "failed": f"[red]failed[/red]: {f.error}",
        }
        out.print(f"feed {f.feed_id} {f.name}: {what[f.status]}", highlight=False)  # fmt: skip
    if not report.feeds:
        out.print("no feed is due (`rag sync --all` syncs every feed)")
    pages = [p for f in report.feeds for p in f.failed]
    print_ingest(replace(report.ingest, failed=pages + report.ingest.failed))
    out.print(f"{report.requests} requests in {report.seconds:.1f}s", highlight=False)


def sync(
    feed: Annotated[
        list[int] | None, typer.Option("--feed", help="Sync this feed id (repeatable).")
    ] = None,
    every_feed: Annotated[bool, typer.Option("--all", help="Sync every feed, due or not.")] = False,
    data_dir: DataDir = None,
    as_json: AsJson = False,
) -> None:
    """Fetch every due feed once and index its new and changed articles.

    Exit status 1 when a feed or page failed (the rest still went in), 2 on errors.
    """
    with cli_errors():
        report = Assistant(data_dir=data_dir).sync(feed or None, force=every_feed)
    print_json(report.to_dict()) if as_json else _print_sync(report)
    if report.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``feeds`` and ``sync`` to the ``rag`` command."""
    app.add_typer(feeds_app, name="feeds")
    app.command("sync")(sync)
