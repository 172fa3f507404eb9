"""The polite client against a real server on 127.0.0.1: robots.txt rules and per-host delay."""

from __future__ import annotations

import time

import pytest

from rag.errors import FetchError
from rag.sources.fetch import FetchPolicy
from rag.sources.polite import Client
from tests.sources.site import Site, serve

LOCAL = FetchPolicy(allow_private=True, timeout=2.0)


@pytest.fixture
def site():
    news = Site(pages={"/a.html": b"<p>a</p>", "/b.html": b"<p>b</p>", "/private/c.html": b"c"})
    with serve(news):
        yield news


def test_robots_rules_are_honoured_and_read_once(site):
    with Client(LOCAL, delay=0) as client:
        assert client.get(site.base + "/a.html").content == b"<p>a</p>"
        with pytest.raises(FetchError, match="disallowed by") as refused:
            client.get(site.base + "/private/c.html")
        assert refused.value.permanent
        client.get(site.base + "/b.html")
    assert [path for path, _ in site.log] == ["/robots.txt", "/a.html", "/b.html"]
    assert client.requests == 3


@pytest.mark.parametrize("robots", [(404, "text/html", b"nope"), (200, "image/png", b"\x89PNG")])
def test_a_missing_or_unusable_robots_txt_allows_everything(site, robots):
    site.raw["/robots.txt"] = robots
    with Client(LOCAL, delay=0) as client:
        assert client.get(site.base + "/private/c.html").content == b"c"


def test_an_unreachable_robots_txt_means_later_not_never(site):
    site.raw["/robots.txt"] = (503, "text/plain", b"down")
    with Client(LOCAL, delay=0) as client, pytest.raises(FetchError, match="trying later") as exc:
        client.get(site.base + "/a.html")
    assert not exc.value.permanent  # the sync asks again next time
    assert "/a.html" not in [path for path, _ in site.log]


def test_requests_to_one_host_are_spaced_by_the_delay_or_crawl_delay(site):
    with Client(LOCAL, delay=0.4) as client:
        began = time.monotonic()
        client.get(site.base + "/a.html")  # robots.txt, then the page 0.4 s later
        client.get(site.base + "/b.html")
        assert time.monotonic() - began >= 0.8
    site.robots = b"User-agent: *\nCrawl-delay: 1\n"
    with Client(LOCAL, delay=0) as client:
        client.get(site.base + "/a.html")
        began = time.monotonic()
        client.get(site.base + "/b.html")
        assert time.monotonic() - began >= 1.0


def test_a_private_address_is_refused_before_robots_txt(site):
    with Client(FetchPolicy(), delay=0) as client, pytest.raises(FetchError, match="private"):
        client.get(site.base + "/a.html")
    assert site.log == []
