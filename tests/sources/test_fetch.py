"""The fetcher against a real HTTP server on 127.0.0.1 (started and stopped by the test)."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rag.errors import FetchError
from rag.sources.fetch import FetchPolicy, check_url, fetch

PAGE = b"<html><head><title>T</title></head><body><p>Story.</p></body></html>"
LOCAL = FetchPolicy(allow_private=True, timeout=2.0, max_bytes=10_000)


class Handler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def log_message(self, *args: object) -> None:  # quiet test output
        pass

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        Handler.hits.append(self.path)
        html = {"Content-Type": "text/html; charset=utf-8"}
        if self.path == "/page":
            if self.headers.get("If-None-Match") == '"v1"':
                return self._send(304, ETag='"v1"')
            return self._send(200, PAGE, ETag='"v1"', Last_Modified="Mon, 01 Jan 2024 00:00:00 GMT",
                              **html)  # fmt: skip
        if self.path == "/gzip":
            return self._send(200, gzip.compress(PAGE), Content_Encoding="gzip", **html)
        if self.path == "/loop":
            return self._send(302, Location="/loop")
        if self.path == "/hop":
            return self._send(301, Location="/page")
        if self.path == "/huge":
            return self._send(200, b"x" * 50_000, **html)
        if self.path == "/bomb":  # small on the wire, 2 MB once decoded
            return self._send(200, gzip.compress(b" " * 2_000_000), Content_Encoding="gzip",
                              **html)  # fmt: skip
        if self.path == "/image":
            return self._send(200, b"\x89PNG", Content_Type="image/png")
        if self.path == "/slow":
            time.sleep(3)
            return self._send(200, PAGE, **html)
        return self._send(500, b"boom", **html)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_page_then_an_unchanged_page_costs_a_304(server: str) -> None:
    first = fetch(f"{server}/page", LOCAL)
    assert first.status == 200 and first.content == PAGE and first.content_type == "text/html"
    assert first.etag == '"v1"' and first.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"
    again = fetch(f"{server}/page", LOCAL, etag=first.etag)
    assert again.not_modified and again.status == 304 and again.content == b""


def test_gzip_and_redirects_are_followed_within_limits(server: str) -> None:
    assert fetch(f"{server}/gzip", LOCAL).content == PAGE
    hop = fetch(f"{server}/hop", LOCAL)
    assert hop.url == f"{server}/page" and hop.content == PAGE
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(f"{server}/loop", LOCAL)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/huge", "50,000 bytes, the limit is 10,000"),
        ("/bomb", "more than 10,000 bytes"),
        ("/image", "content type image/png is not a page or feed"),
        ("/missing", "HTTP 500"),
        ("/slow", "timed out after 2 s"),
    ],
)
def test_failures_are_reported_with_their_reason(server: str, path: str, reason: str) -> None:
    with pytest.raises(FetchError, match=reason):
        fetch(f"{server}{path}", LOCAL)


def test_private_addresses_and_other_schemes_are_refused_by_default(server: str) -> None:
    before = len(Handler.hits)
    with pytest.raises(FetchError, match="private, loopback or reserved address"):
        fetch(f"{server}/page")
    assert len(Handler.hits) == before  # refused before any request was sent
    for url in ("file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)"):
        with pytest.raises(FetchError, match="only http and https"):
            check_url(url)
    for host in ("10.0.0.1", "169.254.169.254", "[::1]", "192.168.1.1"):
        with pytest.raises(FetchError, match="private, loopback or reserved"):
            check_url(f"http://{host}/")


def test_an_address_that_changes_after_the_check_is_refused_at_connect(server, monkeypatch):
    """DNS rebinding: the name resolves to a public address for the early check, then to
    127.0.0.1; the connection is refused where the socket is opened."""
    import socket

    real = socket.getaddrinfo
    answers = iter(["93.184.215.14"])

    def rebinding(host, port, *args, **kwargs):
        if host == "news.example":
            ip = next(answers, "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = server.rsplit(":", 1)[1]
    Handler.hits.clear()
    with pytest.raises(FetchError, match=r"news.example is a private, loopback .*\(127.0.0.1\)"):
        fetch(f"http://news.example:{port}/page", FetchPolicy(timeout=2.0))
    assert Handler.hits == []  # nothing reached the server


@pytest.mark.parametrize(
    "host",
    [
        "[64:ff9b::7f00:1]",  # NAT64 of 127.0.0.1
        "[64:ff9b::a9fe:a9fe]",  # NAT64 of the metadata address 169.254.169.254
        "[64:ff9b:1::a00:1]",  # local-use NAT64 of 10.0.0.1
        "[2002:7f00:1::]",  # 6to4 of 127.0.0.1
        "[2002:a9fe:a9fe::]",  # 6to4 of 169.254.169.254
        "[::127.0.0.1]",  # IPv4-compatible
        "[::ffff:169.254.169.254]",  # IPv4-mapped
    ],
)
def test_ipv6_forms_of_private_ipv4_addresses_are_refused(host: str) -> None:
    with pytest.raises(FetchError, match="private, loopback or reserved"):
        check_url(f"http://{host}/")


def test_ipv6_forms_of_public_ipv4_addresses_are_allowed() -> None:
    from ipaddress import ip_address

    from rag.sources.address import embedded_ipv4, is_public

    assert str(embedded_ipv4(ip_address("64:ff9b::5db8:d70e"))) == "93.184.215.14"
    assert is_public(ip_address("64:ff9b::5db8:d70e"))
    assert is_public(ip_address("2606:4700::1111")) and embedded_ipv4(ip_address("2606::1")) is None


def test_one_host_key_for_every_spelling_of_an_address() -> None:
    from rag.sources.address import host_key

    keys = {host_key(f"http://{h}:8080/x") for h in
            ("127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1")}  # fmt: skip
    assert keys == {"http://127.0.0.1:8080"}
    assert host_key("http://[0:0::1]/") == host_key("http://[::1]:80/") == "http://::1:80"
    assert host_key("https://News.Example./a") == "https://news.example:443"
