"""/feeds and /sync: in-process for the contract, a real `rag serve` for the background sync."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from rag.server.api import create_app
from tests.appserver import free_port, wait_http
from tests.sources.pages import page, story
from tests.sources.site import Item, Site, serve


@pytest.fixture
def site():
    news = Site()
    for topic in ("harbour", "orchard", "glacier"):
        news.pages[f"/news/{topic}.html"] = page(f"The {topic} story", story(topic))
    news.feeds["/rss.xml"] = ("rss", [Item("/news/harbour.html", "h"),
                                      Item("/news/orchard.html", "o")])  # fmt: skip
    with serve(news):
        yield news


@pytest.fixture
def client(web):
    with TestClient(create_app(web), raise_server_exceptions=False) as client:
        yield client


def test_feeds_are_added_synced_listed_and_removed(site, client):
    created = client.post("/feeds", json={"url": site.base + "/rss.xml", "name": "Test",
                                          "sync": True})  # fmt: skip
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["feed"]["articles"] == 2 and body["feed"]["name"] == "Test"
    assert body["sync"]["ingest"]["counts"]["added"] == 2 and body["sync"]["failed"] == []
    feed_id = body["feed"]["id"]
    assert [f["id"] for f in client.get("/feeds").json()["feeds"]] == [feed_id]
    again = client.post("/sync", json={"all": True}).json()
    assert again["feeds"][0]["status"] == "not_modified" and again["requests"] == 2
    assert client.post("/sync").json()["feeds"] == []  # nothing due
    assert client.delete(f"/feeds/{feed_id}").json()["removed"]["id"] == feed_id
    assert len(client.get("/documents").json()["documents"]) == 2  # the articles stay


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "words"),
    [
        ("post", "/feeds", {"url": "file:///etc/passwd"}, 400, "http"),
        ("post", "/feeds", {"url": "http://example.com:99999/rss"}, 400, "not a valid url"),
        ("post", "/feeds", {"url": "http://example.com:port/rss"}, 400, "not a valid url"),
        ("post", "/feeds", {"url": "http://example.com/rss", "every": "soon"}, 400, "interval"),
        ("post", "/feeds", {"url": "http://example.com/rss", "extra": 1}, 422, "extra"),
        ("delete", "/feeds/12345", None, 404, "no feed"),
        ("delete", "/feeds/99999999999999999999999", None, 422, "less than"),
        ("post", "/sync", {"feeds": [777]}, 404, "no feed"),
    ],
)
def test_bad_feed_requests_get_a_4xx_with_a_message(client, method, path, body, status, words):
    response = client.request(method.upper(), path, json=body)
    assert response.status_code == status, response.text
    assert words in response.json()["error"]["message"].lower()


def test_a_feed_added_twice_is_a_conflict(site, client):
    assert client.post("/feeds", json={"url": site.base + "/rss.xml"}).status_code == 201
    again = client.post("/feeds", json={"url": site.base + "/rss.xml"})
    assert again.status_code == 409 and "already a feed" in again.json()["error"]["message"]


def test_a_failing_feed_is_reported_not_raised(site, client):
    site.raw["/bad.xml"] = (500, "text/html", b"boom")
    client.post("/feeds", json={"url": site.base + "/bad.xml"})
    report = client.post("/sync").json()
    assert report["feeds"][0]["status"] == "failed"
    assert report["failed"] == [{"url": site.base + "/bad.xml", "reason": "HTTP 500"}]
    assert client.get("/feeds").json()["feeds"][0]["last_error"] == "HTTP 500"


def test_a_bad_item_link_is_reported_and_the_rest_goes_in(site, client):
    """POST /sync answered 500 when one link had a port out of range (issue 20)."""
    site.feeds["/rss.xml"][1].append(Item(":99999/news/glacier.html", "bad"))
    client.post("/feeds", json={"url": site.base + "/rss.xml"})
    response = client.post("/sync")
    assert response.status_code == 200, response.text
    report = response.json()
    assert sorted(report["ingest"]["added"]) == [f"{site.base}/news/harbour.html",
                                                 f"{site.base}/news/orchard.html"]  # fmt: skip
    (bad,) = report["failed"]
    assert "99999" in bad["url"] and "not a valid URL" in bad["reason"]


def test_feeds_beyond_the_cap_are_refused(client, web):
    web.settings.max_feeds = 1
    assert client.post("/feeds", json={"url": "http://one.example/rss"}).status_code == 201
    refused = client.post("/feeds", json={"url": "http://two.example/rss"})
    assert refused.status_code == 400 and "RAG_MAX_FEEDS" in refused.json()["error"]["message"]


@pytest.mark.server
@pytest.mark.real_model
def test_rag_serve_syncs_in_the_background_and_answers_at_once(site, tmp_path):
    """A feed added to a running `rag serve` is synced by RAG_SYNC_EVERY, answerable at once."""
    port, data = free_port(), tmp_path / "data"
    env = {**os.environ, "RAG_SYNC_EVERY": "1s", "RAG_FETCH_ALLOW_PRIVATE": "1",
           "RAG_FETCH_DELAY": "0"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag", "serve", "--port", str(port), "--data-dir", str(data)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/health", proc, 120)
        httpx.post(f"{url}/feeds", json={"url": site.base + "/rss.xml"}).raise_for_status()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            feeds = httpx.get(f"{url}/feeds").json()["feeds"]
            if feeds[0]["articles"] == 2:
                break
            time.sleep(0.5)
        assert feeds[0]["articles"] == 2 and feeds[0]["last_error"] is None
        answer = httpx.post(f"{url}/ask", json={"question": "Why were the apple harvests small?"},
                            timeout=60).json()  # fmt: skip
        assert not answer["abstained"]
        assert answer["citations"][0]["doc_id"] == f"{site.base}/news/orchard.html"
    finally:
        proc.terminate()
        logs = proc.communicate(timeout=20)[0]
    assert "syncing due feeds every 1s" in logs and "Traceback" not in logs
