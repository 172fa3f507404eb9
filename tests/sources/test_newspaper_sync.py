"""Real news pages (../shared) synced from a feed with the bundled model: the same articles as
`rag ingest` of the files, and a wire copy in another outlet's page grouped with its original."""

from __future__ import annotations

import json
import sys
import time

import pytest

from rag import Assistant
from tests.conftest import ROOT
from tests.sources.site import Item, Site, serve

pytestmark = [pytest.mark.slow, pytest.mark.real_model]
SYNDICATION = ROOT / "evals" / "syndication"


def _wire_copy() -> tuple[str, str, str]:
    """(original file, copy's HTML, copy's outlet) of the first wire pair of the test split."""
    sys.path.insert(0, str(SYNDICATION))
    from recipes import TEMPLATES, headline, original, transformed_body, wrap

    for line in (SYNDICATION / "test.jsonl").read_text().splitlines():
        pair = json.loads(line)
        if pair["kind"] == "wire" and pair["label"]:
            spec, file = pair["b"]["transform"], pair["b"]["file"]
            text, title = original(file)
            body = transformed_body(file, spec)
            page = wrap(spec["template"], headline(title, text, spec.get("headline", "same")),
                        body, spec["seed"])  # fmt: skip
            return file, page, TEMPLATES[spec["template"]]["site"]
    raise AssertionError("no wire pair in the test split")


def test_feed_of_real_pages_matches_the_file_ingest_and_groups_a_wire_copy(newspaper, tmp_path):
    original_file, copy_html, outlet = _wire_copy()
    files = sorted((newspaper / "html").glob("*.html"))[:12]
    files += [newspaper / "html" / original_file]
    site = Site(pages={f"/news/{p.name}": p.read_bytes() for p in files})
    site.pages["/wire/copy.html"] = copy_html.encode("utf-8")
    items = [Item(f"/news/{p.name}", p.stem, None) for p in files]
    site.feeds["/rss.xml"] = ("rss", [*items, Item("/wire/copy.html", "copy", time.time())])
    folder = tmp_path / "html"
    folder.mkdir()
    for p in files:
        (folder / p.name).write_bytes(p.read_bytes())
    with serve(site):
        synced = Assistant(data_dir=tmp_path / "sync", fetch_allow_private=True, fetch_delay=0)
        synced.add_feed(site.base + "/rss.xml")
        report = synced.sync()
    ingested = Assistant(data_dir=tmp_path / "files")
    files_report = ingested.ingest([folder])
    assert len(report.ingest.added) == len(files_report.added) + 1  # + the copy
    for doc in ingested.documents():
        name = doc["doc_id"].rsplit("/", 1)[-1]
        url = f"{site.base}/news/{name}"
        assert synced.document_text(url) == ingested.document_text(doc["doc_id"]), name
        assert synced.document(url)["date"] == doc["date"], name  # the page's date, not invented
    # The copy and its original are one story: retrieval shows it once, naming the other.
    original_url, copy_url = f"{site.base}/news/{original_file}", f"{site.base}/wire/copy.html"
    stories = synced.index.catalog.stories.of([original_url, copy_url])
    assert stories[original_url] == stories[copy_url]
    lead = synced.document_text(original_url).split("\n")[0][:300]
    hits = synced.retrieve(lead, top_k=5)
    assert hits[0].doc_id in (original_url, copy_url)
    assert not {original_url, copy_url} <= {h.doc_id for h in hits if lead[:80] in h.text}
    names = {o.publisher for o in hits[0].also_reported_by}
    assert names & {outlet, synced.document(original_url)["publisher"]}
