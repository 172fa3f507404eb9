"""`rag ingest URL`, `rag feeds ...` and `rag sync` as a user runs them (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.sources.pages import page, story
from tests.sources.site import Item, Site, serve

pytestmark = pytest.mark.real_model  # each `rag` process loads the bundled model


def rag(*args: str, data) -> subprocess.CompletedProcess:
    env = {**os.environ, "RAG_DATA_DIR": str(data), "RAG_FETCH_ALLOW_PRIVATE": "1",
           "RAG_FETCH_DELAY": "0"}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "rag", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_feeds_sync_and_url_ingest_from_the_command_line(tmp_path):
    data = tmp_path / "data"
    news = Site()
    for topic in ("harbour", "orchard", "library"):
        news.pages[f"/news/{topic}.html"] = page(f"The {topic} story", story(topic))
    news.feeds["/atom.xml"] = ("atom", [Item("/news/harbour.html", "h", 1.7e9),
                                        Item("/news/orchard.html", "o", 1.7e9)])  # fmt: skip
    news.raw["/bad.xml"] = (200, "application/rss+xml", b"<rss><channel><item>")
    with serve(news):
        added = rag("feeds", "add", news.base + "/atom.xml", "--name", "Atom", "--every", "2h",
                    data=data)  # fmt: skip
        assert added.returncode == 0 and "added feed 1: Atom" in added.stdout, added.stderr
        rag("feeds", "add", news.base + "/bad.xml", data=data)
        synced = rag("sync", "--json", data=data)
        assert synced.returncode == 1  # one feed failed; the other went in
        report = json.loads(synced.stdout)
        assert report["ingest"]["counts"]["added"] == 2
        assert report["failed"][0]["url"] == news.base + "/bad.xml"
        assert "not an RSS, Atom or RDF feed" in report["failed"][0]["reason"]
        listed = rag("feeds", "list", data=data).stdout
        assert "2 articles" in listed and "not an RSS" in listed
        assert "no feed is due" in rag("sync", data=data).stdout
        again = rag("sync", "--all", "--feed", "1", data=data)
        assert again.returncode == 0 and "unchanged (304)" in again.stdout, again.stderr
        url = news.base + "/news/library.html"
        ingested = rag("ingest", url, news.base + "/missing.html", "--json", data=data)
        assert ingested.returncode == 1
        result = json.loads(ingested.stdout)
        assert result["added"] == [url] and result["failed"][0]["reason"] == "HTTP 404"
    answer = json.loads(rag("ask", "How many rare maps did the donor give?", "--json",
                            data=data).stdout)  # fmt: skip
    assert answer["citations"][0]["doc_id"] == url
    removed = rag("feeds", "remove", "1", data=data)
    assert "its articles stay" in removed.stdout
    missing = rag("feeds", "remove", "1", data=data)
    assert missing.returncode == 2 and "no feed with id 1" in missing.stderr
