"""A news site on 127.0.0.1 for tests and benchmarks: pages, RSS/Atom/RDF feeds, failures.

The pages are whatever the test puts in ``Site.pages`` (e.g. the shared corpus's HTML files);
the feeds are generated from ``Site.feeds``. Both answer conditional GETs with ETags, and
every request is logged with its status, so a test can count the 304s of a re-sync.
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

FeedFormat = str  # "rss", "atom" or "rdf"


@dataclass
class Item:
    """A feed item pointing at a page of the site."""

    path: str
    title: str
    published: float | None = None  # epoch seconds; None: the feed gives no date
    updated: float | None = None
    author: str | None = None


@dataclass
class Site:
    """What the server serves; tests change it between syncs."""

    pages: dict[str, bytes] = field(default_factory=dict)  # path -> HTML
    feeds: dict[str, tuple[FeedFormat, list[Item]]] = field(default_factory=dict)
    raw: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)  # path -> response
    redirects: dict[str, str] = field(default_factory=dict)
    slow: dict[str, float] = field(default_factory=dict)  # path -> seconds before answering
    drip: dict[str, float] = field(default_factory=dict)  # path -> seconds between body bytes
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> extra headers
    robots: bytes = b"User-agent: *\nDisallow: /private/\n"
    log: list[tuple[str, int]] = field(default_factory=list)  # (path, status)
    stamps: list[float] = field(default_factory=list)  # time.monotonic() of each request
    base: str = ""

    def statuses(self, since: int = 0) -> list[int]:
        return [status for _, status in self.log[since:]]


def _date(epoch: float) -> str:
    return email.utils.formatdate(epoch, usegmt=True)


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def render_feed(fmt: FeedFormat, items: list[Item], base: str, title: str = "Test News") -> bytes:
    """An RSS 2.0, Atom 1.0 or RSS 1.0 (RDF) document of ``items``."""
    if fmt == "rss":
        rows = []
        for it in items:
            extra = f"<pubDate>{_date(it.published)}</pubDate>" if it.published else ""
            extra += f"<author>{escape(it.author)}</author>" if it.author else ""
            rows.append(f"<item><title>{escape(it.title)}</title><link>{base}{it.path}</link>"
                        f"<guid>{base}{it.path}</guid>{extra}</item>")  # fmt: skip
        body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
                f"<link>{base}/</link>{''.join(rows)}</channel></rss>")  # fmt: skip
    elif fmt == "atom":
        rows = []
        for it in items:
            stamp = it.updated or it.published or 0
            extra = f"<published>{_iso(it.published)}</published>" if it.published else ""
            extra += f"<author><name>{escape(it.author)}</name></author>" if it.author else ""
            rows.append(f"<entry><title>{escape(it.title)}</title><id>{base}{it.path}</id>"
                        f'<link href="{base}{it.path}"/><updated>{_iso(stamp)}</updated>'
                        f"{extra}</entry>")  # fmt: skip
        body = (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>{title}</title><id>{base}/</id><updated>{_iso(0)}</updated>"
                f"{''.join(rows)}</feed>")  # fmt: skip
    elif fmt == "rdf":
        rows = []
        for it in items:
            extra = f"<dc:date>{_iso(it.published)}</dc:date>" if it.published else ""
            rows.append(f'<item rdf:about="{base}{it.path}"><title>{escape(it.title)}</title>'
                        f"<link>{base}{it.path}</link>{extra}</item>")  # fmt: skip
        body = ('<?xml version="1.0"?><rdf:RDF '
                'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                f'<channel rdf:about="{base}/"><title>{title}</title><link>{base}/</link>'
                f"</channel>{''.join(rows)}</rdf:RDF>")  # fmt: skip
    else:
        raise ValueError(f"feed format must be rss, atom or rdf, not {fmt!r}")
    return body.encode("utf-8")


_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "rdf": "application/rdf+xml",
}


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes = b"", ctype: str = "text/html") -> None:
            tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if status == 200 and self.headers.get("If-None-Match") == tag:
                status, body = 304, b""
            site.log.append((self.path, status))
            self.send_response(status)
            if status in (200, 304):
                self.send_header("ETag", tag)
            extra = site.headers.get(self.path, {})
            if status != 304 and "Content-Type" not in extra:
                self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            gap = site.drip.get(self.path)
            if gap is None:
                self.wfile.write(body)
                return
            for byte in body:  # a byte at a time, each inside any read timeout
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:  # the client gave up
                    return
                time.sleep(gap)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path
            site.stamps.append(time.monotonic())
            time.sleep(site.slow.get(path, 0))
            if path in site.redirects:
                site.log.append((path, 302))
                self.send_response(302)
                self.send_header("Location", site.redirects[path])
                self.send_header("Content-Length", "0")
                return self.end_headers()
            if path in site.raw:
                status, ctype, body = site.raw[path]
                return self._send(status, body, ctype)
            if path == "/robots.txt":
                return self._send(200, site.robots, "text/plain")
            if path in site.pages:
                return self._send(200, site.pages[path])
            if path in site.feeds:
                fmt, items = site.feeds[path]
                return self._send(200, render_feed(fmt, items, site.base), _TYPES[fmt])
            return self._send(404, b"not found")

    return Handler


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    """Serve ``site`` on a free port of 127.0.0.1 until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
