"""The app's Feeds panel: handlers against a real local news site, render, and the real app.

The handler tests use the fake embedder and `tests.sources.site`; the browser test starts
``python app.py`` (real model) with a background sync and a feed of shared newspaper pages.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from rag import Assistant
from rag.records import Answer, Citation, Outlet
from rag.sources.store import SourceStore
from rag.ui.chat import build_app
from rag.ui.feeds import NO_FEEDS, FeedsApp, ago, render_feeds, until
from rag.ui.sources import render_sources
from tests.appserver import running_app
from tests.conftest import ROOT
from tests.fakes import quick_assistant
from tests.sources.site import Item, Site, serve

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "img" / "feeds-panel.png"
PAGE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>{body}</p><p>The council will meet again next month to review the plan.</p>
</article></body></html>"""
STORIES = {
    "/news/zorblat.html": ("Zorblat bridge reopens", "The Zorblat bridge in Quillan reopened "
                           "on Monday after eleven weeks of repairs to its glass deck."),
    "/news/kites.html": ("Kite festival moves", "The Quillan kite festival moves to the "
                         "harbour meadow this year because of the bridge works."),
}  # fmt: skip


def _plain(markup: str) -> str:
    """The text a user reads in ``markup``."""
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


@pytest.fixture
def site() -> Iterator[Site]:
    news = Site()
    for path, (title, body) in STORIES.items():
        news.pages[path] = PAGE.format(title=title, body=body).encode()
    news.feeds["/rss.xml"] = ("rss", [Item(p, t) for p, (t, _) in STORIES.items()])
    news.raw["/broken.xml"] = (500, "text/plain", b"boom")
    news.raw["/garbage.xml"] = (200, "application/rss+xml", b"\x00 this is not <xml at all")
    with serve(news):
        yield news


def test_add_syncs_the_feed_at_once_and_lists_it(web: Assistant, site: Site) -> None:
    ui = FeedsApp(web)
    url_box, name_box, status, table, dropdown, choices = ui.add(site.base + "/rss.xml", "Quillan")
    assert (url_box, name_box) == ("", "")
    assert "Added Quillan" in status and "2 new and 0 updated articles" in status
    assert 'class="rag-feed-count">2</td>' in table
    assert "Quillan" in table and f"{site.base}/rss.xml" in table
    assert "just now" in table and '<td class="rag-feed-ok">ok</td>' in table
    assert "in 30 min" in table
    assert choices == [("Quillan (#1)", 1)] and dropdown["choices"] == choices
    # The articles are answerable at once: the panel indexes into the assistant's own index.
    answer = web.ask("When did the Zorblat bridge reopen?")
    assert not answer.abstained
    assert answer.citations[0].doc_id == f"{site.base}/news/zorblat.html"


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/broken.xml", "HTTP 500"), ("/garbage.xml", "not an RSS, Atom or RDF feed")],
)
def test_a_failing_feed_shows_its_reason(
    web: Assistant, site: Site, path: str, reason: str
) -> None:
    ui = FeedsApp(web)
    *_, status, table, _, _ = ui.add(site.base + path, None)
    assert "Added 127.0.0.1" in status and reason in _plain(status) and "rag-feed-bad" in status
    assert '<td class="rag-feed-bad">' in table and reason in _plain(table)
    assert 'class="rag-feed-count">0</td>' in table
    assert "in 5 min" in table  # the retry after a first failure


def test_sync_now_syncs_every_feed_and_reports_failures(web: Assistant, site: Site) -> None:
    ui = FeedsApp(web)
    ui.add(site.base + "/rss.xml", "Quillan")
    ui.add(site.base + "/broken.xml", "Broken")
    site.pages["/news/ferry.html"] = PAGE.format(
        title="Ferry added",
        body="A second Zorblat ferry joins the crossing while the bridge closes.",
    ).encode()
    site.feeds["/rss.xml"][1].append(Item("/news/ferry.html", "Ferry added"))
    status, table, *_ = ui.sync_all()
    assert "Synced 2 feeds: 1 new and 0 updated articles" in status
    assert "failed: Broken: HTTP 500" in _plain(status)
    assert 'class="rag-feed-count">3</td>' in table and "HTTP 500" in table


def test_remove_stops_following_and_keeps_the_articles(web: Assistant, site: Site) -> None:
    ui = FeedsApp(web)
    ui.add(site.base + "/rss.xml", "Quillan")
    status, table, dropdown, choices = ui.remove(1)
    assert status == "Removed Quillan; its 2 articles stay searchable."
    assert table == NO_FEEDS and choices == [] and dropdown["choices"] == []
    assert web.feeds() == [] and len(web.documents()) == 2
    with pytest.raises(gr.Error, match="Choose a feed"):
        ui.remove(None)
    with pytest.raises(gr.Error, match="no feed"):
        ui.remove(1)


@pytest.mark.parametrize(
    ("url", "message"),
    [("ftp://example.com/rss", "not an http"), ("not a url", "not an http"),
     ("  ", "Type a feed URL")],
)  # fmt: skip
def test_a_bad_url_is_refused_with_a_clear_error(web: Assistant, url: str, message: str) -> None:
    with pytest.raises(gr.Error, match=message):
        FeedsApp(web).add(url, None)
    assert web.feeds() == []


def test_a_feed_is_added_once(web: Assistant, site: Site) -> None:
    ui = FeedsApp(web)
    ui.add(site.base + "/rss.xml", None)
    with pytest.raises(gr.Error, match="already a feed"):
        ui.add(site.base + "/rss.xml", "Again")


def test_a_running_sync_is_waited_for_then_reported(web: Assistant, site: Site) -> None:
    web.add_feed(site.base + "/rss.xml")
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with web._sources._sync_lock():
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(5)
    try:
        status, *_ = FeedsApp(web, lock_wait=0.3).sync_all()
        assert "another sync is running" in status
        threading.Timer(0.3, release.set).start()
        status, table, *_ = FeedsApp(web, lock_wait=5).sync_all()
        assert "2 new" in status and 'class="rag-feed-count">2</td>' in table
    finally:
        release.set()
        thread.join()


def test_refresh_leaves_an_unchanged_dropdown_alone(web: Assistant, site: Site) -> None:
    ui = FeedsApp(web)
    table, dropdown, choices = ui.refresh([])
    assert table == NO_FEEDS and choices == [] and dropdown == gr.skip()
    web.add_feed(site.base + "/rss.xml", name="Quillan")
    table, dropdown, choices = ui.refresh([])
    assert "not synced yet" in table and "due now" in table and "never" in table
    assert dropdown["choices"] == choices == [("Quillan (#1)", 1)]
    # Gradio sends the state back as JSON lists.
    assert ui.refresh([["Quillan (#1)", 1]])[1] == gr.skip()


def test_feed_table_escapes_what_the_network_sent() -> None:
    feed = {"id": 7, "url": "javascript:alert(1)", "name": "<script>alert(1)</script>",
            "articles": 0, "last_sync": 100.0, "last_error": "<img src=x onerror=alert(1)>",
            "failures": 3, "next_due": 50.0}  # fmt: skip
    markup = render_feeds([feed], now=200.0)
    assert "<script" not in markup and "<img" not in markup and "href=" not in markup
    assert "failed 3 times in a row" in markup and "2 min ago" in markup
    assert "due now" in markup and "<img src=x onerror=alert(1)>" in _plain(markup)
    assert ago(None, 0) == "never" and ago(98.0, 100.0) == "just now"
    assert until(7300.0, 100.0) == "in 2 h" and ago(0, 3 * 86400) == "3 d ago"


def test_sources_show_who_else_reported_a_story() -> None:
    outlets = (
        Outlet("d2", publisher="AP News", url="https://apnews.com/article/x"),
        Outlet("d3", url="https://www.bbc.co.uk/news/y"),
        Outlet("d4", publisher="<b>Evil</b>", url="javascript:alert(1)"),
        Outlet("uploads/d5.txt"),
    )
    cite = Citation(1, "d1", "T", "s", "q", 0, 1, 1.0, url="https://x.example/1",
                    also_reported_by=outlets)  # fmt: skip
    markup = render_sources(Answer("q", "q [1]", [cite], abstained=False, query="q"))
    also = markup[markup.index('<div class="rag-also">') :].split("</div>")[0]
    text = html.unescape(re.sub(r"<[^>]+>", "", also))
    # The name a page claims, with the site it came from (issue 20: a copy borrowed a name).
    assert text == (
        "Also reported by: AP News (apnews.com), www.bbc.co.uk, <b>Evil</b>, uploads/d5.txt"
    )
    assert '<a href="https://apnews.com/article/x" target="_blank"' in also
    assert '<a href="https://www.bbc.co.uk/news/y"' in also and "www&#46;bbc" in also
    assert also.count("<a ") == 2 and "<b>" not in also and "javascript" not in also
    bare = Citation(1, "d1", "T", "s", "q", 0, 1, 1.0)
    plain = render_sources(Answer("q", "q [1]", [bare], abstained=False, query="q"))
    assert "Also reported by" not in plain


def test_the_app_has_the_feeds_panel(fake_assistant: Assistant) -> None:
    demo = build_app(fake_assistant)
    ids = {c.get("props", {}).get("elem_id") for c in demo.config["components"]}
    assert {"rag-feeds", "rag-feed-url", "rag-feed-add", "rag-feed-sync", "rag-feed-table",
            "rag-feed-remove"} <= ids  # fmt: skip
    assert any(c.get("type") == "timer" for c in demo.config["components"])


def test_app_starts_the_background_sync_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location("rag_app_main", ROOT / "app.py")
    assert spec and spec.loader
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    with quick_assistant(tmp_path / "off") as off:
        assert app.start_background_sync(off) is None
    with quick_assistant(tmp_path / "on", sync_every="2s") as on:
        syncer = app.start_background_sync(on)
        try:
            assert syncer is not None and syncer.every == 2.0
        finally:
            syncer.stop()
    assert "syncing due feeds every 2 s in the background" in capsys.readouterr().err


# ---- the real app in a real browser ---------------------------------------------------------

NEWS_PAGES = ["cricket.com.au1.html", "reuters.com1.html", "bloomberg.com1.html"]
CRICKET_QUESTION = "Who regained the Border-Gavaskar Trophy?"


def _ask(page: Any, question: str) -> Any:
    n = page.locator("#rag-chat [data-testid=bot]").count()
    page.fill("#rag-question textarea", question)
    page.press("#rag-question textarea", "Enter")
    bot = page.locator("#rag-chat [data-testid=bot]").nth(n)
    bot.wait_for(timeout=60_000)
    page.wait_for_selector("#rag-chat .pending", state="detached", timeout=60_000)
    page.wait_for_function(
        "n => document.querySelectorAll('#rag-chat [data-testid=bot]')[n].innerText.trim()",
        arg=n, timeout=30_000,
    )  # fmt: skip
    time.sleep(1.0)  # the streamed text settles
    return bot


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.slow
@pytest.mark.real_model
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium")
def test_a_feed_added_in_the_browser_is_answerable_at_once(newspaper: Path, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    news = Site()
    for name in NEWS_PAGES:
        news.pages[f"/news/{name}"] = (newspaper / "html" / name).read_bytes()
    news.feeds["/feed.xml"] = ("rss", [Item(f"/news/{n}", n) for n in NEWS_PAGES[:2]])
    news.feeds["/more.xml"] = ("atom", [Item(f"/news/{NEWS_PAGES[2]}", NEWS_PAGES[2])])
    env = {"RAG_FETCH_ALLOW_PRIVATE": "1", "RAG_FETCH_DELAY": "0", "RAG_SYNC_EVERY": "2s"}
    with serve(news), running_app(tmp_path / "data", **env) as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.wait_for_selector("#rag-question textarea", timeout=60_000)
        # Before the feed: the bundled corpus does not answer it.
        _ask(page, CRICKET_QUESTION)
        assert "No sources" in page.locator("#rag-sources").inner_text()

        page.click("#rag-feeds button.label-wrap")
        page.fill("#rag-feed-url input, #rag-feed-url textarea", f"{news.base}/feed.xml")
        page.fill("#rag-feed-name input, #rag-feed-name textarea", "Local wire")
        page.click("#rag-feed-add")
        page.locator("#rag-feed-status").get_by_text("Added Local wire").wait_for(timeout=60_000)
        row = page.locator("#rag-feed-table tr[data-feed-id]")
        row.wait_for(timeout=10_000)
        assert row.locator(".rag-feed-count").inner_text() == "2"
        assert "Local wire" in row.inner_text() and "ok" in row.inner_text()
        if os.environ.get("RAG_SCREENSHOTS") == "1":
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.locator("#rag-feeds").screenshot(path=str(SCREENSHOT))

        # No restart: the running app answers from the feed's article and cites it.
        bot = _ask(page, CRICKET_QUESTION)
        assert "Border-Gavaskar" in bot.inner_text() and bot.locator("sup.rag-cite").count()
        card = page.locator("#rag-sources #rag-src-1")
        assert f"{news.base}/news/cricket.com.au1.html" in card.inner_text()
        assert "Aussies seal series win in MCG draw" in card.inner_text()
        assert not page.locator("#rag-feed-status .rag-feed-bad").count()

        # A feed added behind the page's back (as `rag feeds add` would) is synced by the
        # background sync, and the panel's timer shows it without a click.
        SourceStore(tmp_path / "data" / "sources.sqlite").add_feed(
            f"{news.base}/more.xml", "More", 60
        )
        more = page.locator("#rag-feed-table tr[data-feed-id='2'] .rag-feed-count")
        page.wait_for_function(
            "() => document.querySelector(\"#rag-feed-table tr[data-feed-id='2'] .rag-feed-count\")"
            "?.innerText === '1'", timeout=40_000,
        )  # fmt: skip
        assert more.inner_text() == "1"
        browser.close()
    log = next(tmp_path.glob("app-*.log")).read_text()
    assert "syncing due feeds every 2 s in the background (RAG_SYNC_EVERY=2s)" in log
