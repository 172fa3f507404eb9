"""A real browser (Debian chromium via playwright) against ``python app.py`` on localhost."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.appserver import running_app
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
QUESTION = "What is disputed about the Philadelphi Corridor?"
XSS_ARTICLE = """\
Zorblat festival banner causes a stir

The Zorblat glass kite festival banner in Quillan read <script>alert(1)</script> in large letters.
The Zorblat glass kite festival flyer showed <img src=x onerror=alert(1)> beside the kite prices.
The Zorblat glass kite festival website linked [free kites](javascript:alert(1)) on its front page.
The Zorblat glass kite festival email said <a href="javascript:alert(1)">claim your kite</a> twice.
"""
XSS_QUESTION = "What did the Zorblat glass kite festival banner, flyer, website and email show?"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.slow,
    pytest.mark.real_model,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian chromium at /usr/bin/chromium: apt-get install -y chromium",
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(tmp_path_factory.mktemp("browser") / "data") as url:
        yield url


@pytest.fixture
def page(app_url: str) -> Iterator[Any]:
    """A fresh page on the app that records every JS dialog (and dismisses it)."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.dialogs = []  # type: ignore[attr-defined]

        def on_dialog(dialog: Any) -> None:
            pg.dialogs.append(dialog.message)  # type: ignore[attr-defined]
            dialog.dismiss()

        pg.on("dialog", on_dialog)
        pg.goto(app_url)
        pg.wait_for_selector("#rag-question textarea", timeout=60_000)
        yield pg
        browser.close()


def _ask(page: Any, question: str) -> dict[str, float]:
    """Type a question, press Enter, wait for the streamed answer to finish; return timings."""
    n_before = page.locator("#rag-chat [data-testid=bot]").count()
    began = time.perf_counter()
    page.fill("#rag-question textarea", question)
    page.press("#rag-question textarea", "Enter")
    bot = page.locator("#rag-chat [data-testid=bot]").nth(n_before)
    bot.wait_for(timeout=30_000)
    page.wait_for_function(
        "n => document.querySelectorAll('#rag-chat [data-testid=bot]')[n].innerText.trim()",
        arg=n_before,
        timeout=30_000,
    )
    first = time.perf_counter() - began
    # Done when the text stops changing and Gradio's progress indicator is gone.
    last, stable_since = "", time.perf_counter()
    while time.perf_counter() - stable_since < 0.6:
        now = bot.inner_text()
        if now != last:
            last, stable_since = now, time.perf_counter()
        time.sleep(0.05)
    page.wait_for_selector("#rag-chat .pending", state="detached", timeout=30_000)
    return {"first_text_s": first, "full_answer_s": stable_since - began}


def test_chat_streams_a_cited_answer_with_highlighted_sources(page: Any) -> None:
    timings = _ask(page, QUESTION)
    bot = page.locator("#rag-chat [data-testid=bot]").last
    answer = bot.inner_text()
    assert "Philadelphi Corridor" in answer and "[1]" in answer
    marker = bot.locator("sup.rag-cite a").first
    assert marker.get_attribute("href") == "#rag-src-1"
    card = page.locator("#rag-sources #rag-src-1")
    assert "Netanyahu Describes Talks with Blinken" in card.inner_text()
    quote = card.locator("mark").inner_text()
    assert quote and quote in answer
    # The quote is shown inside its paragraph, with text around it.
    assert len(card.locator(".rag-context").inner_text()) > len(quote)
    # A marker is a footnote link: clicking it targets its source card in the same page.
    marker.click()
    page.wait_for_function("() => location.hash === '#rag-src-1'", timeout=5_000)
    assert len(page.context.pages) == 1

    follow_timings = _ask(page, "What did Israeli sources hint about it?")
    bots = page.locator("#rag-chat [data-testid=bot]")
    assert bots.count() == 2
    follow = bots.nth(1).inner_text()
    assert "[1]" in follow and "Israeli sources" in follow
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
    print(f"\nbrowser timings: first {timings}, follow-up {follow_timings}")

    # An abstention is said plainly, with no markers and no sources.
    _ask(page, "What is the recipe for banana bread?")
    last = page.locator("#rag-chat [data-testid=bot]").last
    assert "don't say" in last.inner_text() and last.locator("sup.rag-cite").count() == 0
    assert "No sources" in page.locator("#rag-sources").inner_text()

    page.click("#rag-clear")
    page.wait_for_function(
        "() => !document.querySelector('#rag-chat [data-testid=bot]')", timeout=10_000
    )
    assert page.locator("#rag-sources mark").count() == 0
    # Clicking an example asks it straight away.
    page.get_by_text("How did Netanyahu describe his meeting with Blinken?").first.click()
    page.wait_for_selector("#rag-chat [data-testid=bot] sup.rag-cite", timeout=30_000)
    page.wait_for_selector("#rag-sources mark", timeout=30_000)
    assert not page.dialogs


def test_article_payloads_are_shown_as_text_never_run(page: Any, tmp_path: Path) -> None:
    page.evaluate("() => { window.__xss = 0; }")
    article = tmp_path / "zorblat-banner.txt"
    article.write_text(XSS_ARTICLE.replace("alert(1)", "alert(1),window.__xss=1"))
    page.click("#rag-upload button.label-wrap")
    blob = tmp_path / "blob.txt"
    blob.write_bytes(bytes(range(256)) * 4)
    exe = tmp_path / "notes.exe"
    exe.write_text("not an article")
    page.set_input_files("#rag-files input[type=file]", [str(article), str(blob), str(exe)])
    status = page.locator("#rag-upload-status")
    status.get_by_text("added").wait_for(timeout=60_000)
    assert "uploads/zorblat-banner.txt" in status.inner_text()
    assert "blob.txt: rejected: binary content, not text" in status.inner_text()
    assert "notes.exe: rejected: unsupported file type '.exe'" in status.inner_text()

    _ask(page, XSS_QUESTION)
    bot = page.locator("#rag-chat [data-testid=bot]").last
    answer, sources = bot.inner_text(), page.locator("#rag-sources").inner_text()
    assert "uploads/zorblat-banner.txt" in sources
    payloads = [
        "<script>alert(1),window.__xss=1</script>",
        "<img src=x onerror=alert(1),window.__xss=1>",
        "[free kites](javascript:alert(1),window.__xss=1)",
        '<a href="javascript:alert(1),window.__xss=1">claim your kite</a>',
    ]
    for payload in payloads:  # every payload sentence is cited and shown literally, twice
        assert payload in answer, f"{payload!r} not in the answer {answer!r}"
        assert payload in sources, f"{payload!r} not in the sources panel {sources!r}"
    time.sleep(1.0)  # give any injected onerror handler time to fire
    assert page.dialogs == []
    assert page.evaluate("() => window.__xss") == 0
    for root in ("#rag-chat", "#rag-sources"):
        assert page.locator(f"{root} script").count() == 0
        assert page.locator(f"{root} img[src=x]").count() == 0
        assert page.locator(f"{root} a[href^='javascript']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "xss.png"), full_page=True)
