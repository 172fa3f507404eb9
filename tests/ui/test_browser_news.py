"""The app on a multi-outlet story in a real browser: a timeline with dates, and figures that
differ marked in the sources panel (issue 23). Writes artifacts/news.png."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from rag.index.layout import UPLOADS_DIRNAME
from tests.appserver import running_app
from tests.conftest import ROOT
from tests.ui.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _ask

STORY = sorted((ROOT / "evals" / "time" / "articles").glob("ferry-*.md"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.slow,
    pytest.mark.real_model,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    data = tmp_path_factory.mktemp("news") / "data"
    uploads = data / UPLOADS_DIRNAME
    uploads.mkdir(parents=True)
    for path in STORY:  # the app indexes earlier uploads at start
        shutil.copy(path, uploads / path.name)
    with running_app(data) as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1100})
        pg.goto(url)
        pg.wait_for_selector("#rag-question textarea", timeout=60_000)
        yield pg
        browser.close()


def test_a_timeline_lists_dated_events_in_order(page: Any) -> None:
    _ask(page, "How did the Tern Vale ferry disaster unfold?")
    items = page.locator("#rag-sources .rag-timeline li")
    assert items.count() >= 3
    dates = [items.nth(i).locator("time").get_attribute("datetime") for i in range(items.count())]
    assert all(dates) and dates == sorted(dates)
    # The disaster's days are March 2025 (an inspection the October before may come first).
    assert sum("March 2025" in items.nth(i).inner_text() for i in range(items.count())) >= 3
    # Each source card says what its relative dates stand for.
    assert "= 9 March 2025" in page.locator("#rag-sources").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)  # docs/img/news.png: a timeline beside the sources panel
    page.locator("#rag-sources").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "news-timeline.png"), full_page=True)


def test_counts_that_differ_are_marked_in_the_sources_panel(page: Any) -> None:
    _ask(page, "How many people were aboard the Tern Vale?")
    answer = page.locator("#rag-chat [data-testid=bot]").last.inner_text()
    disputed = page.locator("#rag-sources .rag-source.rag-disputed")
    assert disputed.count() >= 2
    assert "sources differ" in answer.lower() or "changed over time" in answer
    assert "⚠" in disputed.first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "news.png"), full_page=True)
