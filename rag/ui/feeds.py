"""The Feeds panel: follow RSS, Atom and RDF feeds from the app, sync them, see their state.

Library errors (`RagError`) become `gr.Error` messages or a status line with the reason; feed
names, URLs and errors come from the network, so all of them are escaped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from rag.assistant import Assistant
from rag.errors import IngestLockedError, RagError
from rag.sources.sync import SyncReport
from rag.ui.render import escape_text, safe_link

REFRESH_SECONDS = 10.0  # the table also shows what a background sync did
LOCK_WAIT_SECONDS = 15.0  # how long a click waits for a background sync to finish
INTERNAL_ERROR = "internal error; the server log has the details"
NO_FEEDS = '<p class="rag-none">No feeds yet: add an RSS, Atom or RDF feed URL above.</p>'
COLUMNS = ("Name", "URL", "Articles", "Last sync", "State", "Next due")
log = logging.getLogger(__name__)


@dataclass
class FeedsPanel:
    """The panel's components, for `wire_feeds`."""

    url: gr.Textbox
    name: gr.Textbox
    add: gr.Button
    sync: gr.Button
    status: gr.HTML
    table: gr.HTML
    choice: gr.Dropdown
    remove: gr.Button
    timer: gr.Timer
    known: gr.State  # the dropdown's choices as last sent, so a refresh can skip it


def build_feeds_panel() -> FeedsPanel:
    """Create the ``Feeds`` accordion inside the current ``gr.Blocks``."""
    with gr.Accordion("Feeds", open=False, elem_id="rag-feeds"):
        with gr.Row():
            url = gr.Textbox(label="Feed URL", placeholder="https://example.com/rss.xml",
                             scale=3, max_lines=1, elem_id="rag-feed-url")  # fmt: skip
            name = gr.Textbox(
                label="Name (optional)", scale=2, max_lines=1, elem_id="rag-feed-name"
            )
        with gr.Row():
            add = gr.Button("Add feed", variant="primary", elem_id="rag-feed-add")
            sync = gr.Button("Sync now", elem_id="rag-feed-sync")
        status = gr.HTML(elem_id="rag-feed-status")
        table = gr.HTML(NO_FEEDS, elem_id="rag-feed-table")
        with gr.Row():
            choice = gr.Dropdown([], value=None, label="Feed", scale=3, elem_id="rag-feed-choice")
            remove = gr.Button("Remove feed", variant="stop", scale=1, elem_id="rag-feed-remove")
    timer = gr.Timer(REFRESH_SECONDS)
    return FeedsPanel(url, name, add, sync, status, table, choice, remove, timer, gr.State([]))


def _span(seconds: float) -> str:
    """``45 s``, ``30 min``, ``2 h`` or ``3 d``, rounded to the nearest unit."""
    for unit, size, limit in (("s", 1, 60), ("min", 60, 3600), ("h", 3600, 86400)):
        if seconds < limit - size / 2:
            return f"{round(seconds / size)} {unit}"
    return f"{round(seconds / 86400)} d"


def ago(stamp: float | None, now: float) -> str:
    """``never``, ``just now`` or ``5 min ago`` for an epoch time."""
    if stamp is None:
        return "never"
    return "just now" if now - stamp < 5 else f"{_span(now - stamp)} ago"


def until(stamp: float | None, now: float) -> str:
    """``due now`` or ``in 30 min`` for an epoch time."""
    return "due now" if stamp is None or stamp <= now else f"in {_span(stamp - now)}"


def _when(stamp: float | None) -> str:
    """The exact UTC time, for a cell's tooltip."""
    return "" if stamp is None else time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(stamp))


def _state(feed: dict[str, Any]) -> str:
    if feed.get("last_error"):
        times = (
            f" (failed {feed['failures']} times in a row)" if feed.get("failures", 0) > 1 else ""
        )
        return f'<td class="rag-feed-bad">{escape_text(feed["last_error"] + times)}</td>'
    if feed.get("last_sync") is None:
        return '<td class="rag-none">not synced yet</td>'
    return '<td class="rag-feed-ok">ok</td>'


def render_feeds(feeds: list[dict[str, Any]], now: float | None = None) -> str:
    """The feeds table as HTML, every value from a feed or the network escaped."""
    if not feeds:
        return NO_FEEDS
    now = time.time() if now is None else now
    rows = []
    for f in feeds:
        cells = [
            f"<td>{escape_text(f.get('name') or f.get('title') or '')}</td>",
            f'<td class="rag-feed-url">{safe_link(f["url"])}</td>',
            f'<td class="rag-feed-count">{int(f.get("articles") or 0)}</td>',
            f'<td title="{_when(f.get("last_sync"))}">{ago(f.get("last_sync"), now)}</td>',
            _state(f),
            f'<td title="{_when(f.get("next_due"))}">{until(f.get("next_due"), now)}</td>',
        ]
        rows.append(f'<tr data-feed-id="{int(f["id"])}">{"".join(cells)}</tr>')
    head = "".join(f"<th>{c}</th>" for c in COLUMNS)
    return (f'<table class="rag-feeds-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')  # fmt: skip


def _choices(feeds: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(f"{f['name']} (#{f['id']})", int(f["id"])) for f in feeds]


def _report_line(report: SyncReport) -> str:
    """What a sync did, in words: new and updated articles, and each failure's reason."""
    i = report.ingest
    good = f"{len(i.added)} new and {len(i.updated)} updated articles"
    bad = [f"{r.name}: {r.error}" for r in report.feeds if r.status == "failed"]
    bad += [
        f"{url}: {why}" for url, why in report.failed if url not in {r.url for r in report.feeds}
    ]
    if not bad:
        return f'<span class="rag-feed-ok">{escape_text(good)}.</span>'
    shown = "; ".join(bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
    return f'{escape_text(good)}; <span class="rag-feed-bad">failed: {escape_text(shown)}</span>'


class FeedsApp:
    """The panel's handlers, bound to one assistant (its sources and its index).

    Args:
        assistant: what to follow feeds with (`rag.assistant.Assistant`).
        lock_wait: seconds a click waits while a background sync holds the sync lock.
    """

    def __init__(self, assistant: Assistant, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self.assistant, self.lock_wait = assistant, lock_wait

    def view(self) -> tuple[str, dict[str, Any], list[tuple[str, int]]]:
        """``(table_html, dropdown_update, choices)`` for the feeds as they are now."""
        feeds = self.assistant.feeds()
        choices = _choices(feeds)
        return render_feeds(feeds), gr.update(choices=choices, value=None), choices

    def refresh(self, known: Any) -> tuple[str, Any, list[tuple[str, int]]]:
        """The timer's view: the dropdown is left alone when its choices did not change."""
        table, dropdown, choices = _guarded("Cannot list feeds", self.view)
        same = [tuple(c) for c in known or []] == choices
        return table, gr.skip() if same else dropdown, choices

    def add(self, url: str, name: str | None) -> tuple[str, str, str, str, Any, Any]:
        """Follow ``url`` and sync it at once.

        Returns:
            ``(url_box, name_box, status_html, table_html, dropdown_update, choices)``.

        Raises:
            gr.Error: not an http(s) URL, already a feed, or the store failed.
        """
        if not (url or "").strip():
            raise gr.Error("Type a feed URL first.", title="Feed not added")
        feed = _guarded("Feed not added", self.assistant.add_feed, url.strip(), name or None)
        label = escape_text(feed["name"])
        try:
            report = self._sync(feed_ids=[feed["id"]])
        except RagError as exc:
            why = escape_text(str(exc))
            status = f'Added {label}; <span class="rag-feed-bad">sync failed: {why}</span>'
        else:
            status = f"Added {label}: " + self._outcome(report)
        return "", "", status, *self.view()

    def sync_all(self) -> tuple[str, str, Any, Any]:
        """Sync every feed, due or not: ``(status_html, table_html, dropdown, choices)``."""
        try:
            report = self._sync(force=True)
        except RagError as exc:
            status = f'<span class="rag-feed-bad">Sync failed: {escape_text(str(exc))}</span>'
        else:
            n = len(report.feeds) if report else 0
            status = f"Synced {n} feed{'s' * (n != 1)}: " + self._outcome(report)
        return status, *self.view()

    def remove(self, feed_id: Any) -> tuple[str, str, Any, Any]:
        """Stop following a feed (its articles stay): ``(status, table, dropdown, choices)``."""
        if feed_id in (None, ""):
            raise gr.Error("Choose a feed to remove first.", title="Nothing removed")
        counts = {f["id"]: f["articles"] for f in self.assistant.feeds()}
        feed = _guarded("Feed not removed", self.assistant.remove_feed, int(feed_id))
        n = counts.get(feed["id"], 0)
        status = (f"Removed {escape_text(feed['name'])}; its {n} article{'s' * (n != 1)} stay "
                  "searchable.")  # fmt: skip
        return status, *self.view()

    def _sync(self, **kwargs: Any) -> SyncReport | None:
        """`sync`, waiting up to ``lock_wait`` for a background sync; None if it kept running."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                return _guarded_lib(self.assistant.sync, **kwargs)
            except IngestLockedError:
                if time.monotonic() > deadline:
                    return None
                time.sleep(0.25)

    @staticmethod
    def _outcome(report: SyncReport | None) -> str:
        if report is None:
            return "another sync is running; the table shows its result when it ends."
        return _report_line(report)


def _guarded_lib(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``call``, with anything but a `RagError` logged and raised as a generic `gr.Error`."""
    try:
        return call(*args, **kwargs)
    except RagError:
        raise
    except Exception:
        log.exception("feeds panel: %s failed", getattr(call, "__name__", call))
        raise gr.Error(INTERNAL_ERROR, title="Feeds") from None


def _guarded(title: str, call: Callable[..., Any], *args: Any) -> Any:
    """``call``, with library errors as `gr.Error` messages under ``title``."""
    try:
        return _guarded_lib(call, *args)
    except RagError as exc:
        raise gr.Error(str(exc), title=title) from None


def wire_feeds(panel: FeedsPanel, assistant: Assistant, demo: gr.Blocks) -> FeedsApp:
    """Connect the panel's buttons, its timer and the page load to the handlers."""
    app = FeedsApp(assistant)
    listing = [panel.table, panel.choice, panel.known]
    private: dict[str, Any] = {"api_visibility": "private"}
    panel.add.click(app.add, [panel.url, panel.name],
                    [panel.url, panel.name, panel.status, *listing], **private)  # fmt: skip
    panel.url.submit(app.add, [panel.url, panel.name],
                     [panel.url, panel.name, panel.status, *listing], **private)  # fmt: skip
    panel.sync.click(app.sync_all, None, [panel.status, *listing], **private)
    panel.remove.click(app.remove, panel.choice, [panel.status, *listing], **private)
    quiet: dict[str, Any] = {"show_progress": "hidden", **private}
    panel.timer.tick(app.refresh, panel.known, listing, **quiet)
    demo.load(app.refresh, panel.known, listing, **quiet)
    return app
