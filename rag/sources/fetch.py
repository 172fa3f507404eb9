"""A polite, safe HTTP fetcher for article pages and feeds (httpx).

- only http/https; hosts that resolve to private, loopback, link-local or reserved addresses
  are refused unless the policy allows them (an API user must not make the server fetch
  internal URLs); every redirect hop is checked again (rag.sources.address);
- a timeout per socket operation and a total deadline per request, a byte cap, a limit on
  redirects;
- the body is decoded here, not by httpx: only the encodings asked for (``gzip``, ``deflate``,
  one layer), inflated a bounded piece at a time, so a decompression bomb stops at the cap
  with the cap's memory;
- the content type must be one a page or feed has; its charset travels with the body;
- conditional GET: the caller passes the ETag / Last-Modified it kept, a 304 costs no body.

Environment proxies are not used (a proxy would connect on our behalf, unchecked).
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

import httpcore
import httpx

from rag.errors import FetchError
from rag.index.formats.charset import header_charset
from rag.sources.address import GuardedBackend, check_url, deadline

# Re-exported: callers check URLs with the fetcher's rule.
__all__ = ["CONTENT_TYPES", "FetchPolicy", "Fetched", "check_url", "fetch", "guarded_client"]

USER_AGENT = "newsrag/0.1 (news question answering; fetches public articles and feeds)"
# What an article page or a feed is served as; anything else (images, PDFs, archives) is refused.
CONTENT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "text/plain",
)
ACCEPT_ENCODING = "gzip, deflate"


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one fetch; the defaults suit news pages (tens of KB) and feeds."""

    timeout: float = 10.0  # seconds per connect / read / write
    # Seconds for a whole request, redirects included: the 5 MB cap at 100 KB/s (a slow
    # mobile link) is 50 s, so a real page fits and a server dripping bytes is cut off.
    deadline: float = 60.0
    max_bytes: int = 5 * 1024 * 1024  # the loaders' own file limit (RAG_MAX_FILE_MB)
    max_redirects: int = 5
    allow_private: bool = False  # tests serve on 127.0.0.1
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Fetched:
    """A fetched URL: its body, or ``not_modified`` when the server answered 304."""

    url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    charset: str | None = None  # as the Content-Type header declared it


def guarded_client(policy: FetchPolicy) -> httpx.Client:
    """An httpx client whose every connection passes `GuardedBackend`'s address check."""
    transport = httpx.HTTPTransport()
    # httpx has no parameter for httpcore's network backend: its pool is replaced by the same
    # pool with the guarded backend (tests/sources/test_fetch.py checks a rebinding attempt).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=GuardedBackend(policy.allow_private),
    )
    return httpx.Client(
        transport=transport, timeout=policy.timeout, follow_redirects=False, trust_env=False
    )


def fetch(
    url: str,
    policy: FetchPolicy | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    client: httpx.Client | None = None,
) -> Fetched:
    """GET ``url`` within ``policy``; raise `FetchError` with the reason when it fails.

    Args:
        url: an http(s) URL.
        policy: limits (default `FetchPolicy()`).
        etag, last_modified: validators kept from the last fetch, for a conditional GET.
        client: an httpx client to reuse (connection pooling across a sync).

    Returns:
        The `Fetched` page; ``not_modified`` and an empty body for a 304.
    """
    p = policy or FetchPolicy()
    headers = {"User-Agent": p.user_agent, "Accept-Encoding": ACCEPT_ENCODING}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own = client is None
    http = client or guarded_client(p)
    began = time.monotonic()
    try:
        with deadline(p.deadline):
            for _hop in range(p.max_redirects + 1):
                check_url(url, p.allow_private)
                with http.stream("GET", url, headers=headers, timeout=p.timeout) as r:
                    if r.status_code in (301, 302, 303, 307, 308) and "location" in r.headers:
                        url = urljoin(url, r.headers["location"])
                        continue
                    return _read(url, r, p, began)
        raise FetchError(f"{url[:200]}: more than {p.max_redirects} redirects")
    except httpx.TimeoutException as exc:
        if time.monotonic() - began >= p.deadline:
            raise FetchError(f"{url[:200]}: took more than {p.deadline:g} s in all") from exc
        raise FetchError(f"{url[:200]}: timed out after {p.timeout:g} s") from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError, ValueError) as exc:
        # httpx parses URLs more strictly than urllib (e.g. characters in a redirect's host).
        raise FetchError(f"{url[:200]}: not a valid URL ({exc})", permanent=True) from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"{url[:200]}: {type(exc).__name__}: {exc}") from exc
    finally:
        if own:
            http.close()


def _read(url: str, r: httpx.Response, p: FetchPolicy, began: float) -> Fetched:
    etag, modified = r.headers.get("etag"), r.headers.get("last-modified")
    if r.status_code == 304:
        return Fetched(url, 304, b"", "", etag, modified, not_modified=True)
    if r.status_code != 200:
        raise FetchError(f"{url[:200]}: HTTP {r.status_code}", r.status_code)
    header = r.headers.get("content-type", "")
    kind = header.split(";")[0].strip().lower()
    if kind not in CONTENT_TYPES:
        raise FetchError(
            f"{url[:200]}: content type {kind or 'missing'} is not a page or feed",
            r.status_code,
            permanent=True,
        )
    declared = r.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > p.max_bytes:
        raise FetchError(f"{url[:200]}: {int(declared):,} bytes, the limit is {p.max_bytes:,}")
    try:
        inflate = _Inflater(r.headers.get("content-encoding", ""), p.max_bytes)
        for piece in r.iter_raw():  # as sent: decoded here, within the cap
            inflate.feed(piece)
            if time.monotonic() - began > p.deadline:
                raise FetchError(f"took more than {p.deadline:g} s in all")
        body = inflate.finish()
    except FetchError as exc:
        raise FetchError(f"{url[:200]}: {exc}", r.status_code, exc.permanent) from None
    return Fetched(url, 200, body, kind, etag, modified, charset=header_charset(header))


class _Inflater:
    """The body, decoded as its Content-Encoding says, never beyond ``limit`` bytes.

    zlib's ``max_length`` bounds each step's output, so memory stays near the cap whatever
    the ratio (httpx decodes a whole network chunk first: a 359-byte brotli body became
    hundreds of MB before its cap was checked). Only what ``ACCEPT_ENCODING`` offers is read:
    other or stacked encodings are refused, not decoded.
    """

    def __init__(self, header: str, limit: int) -> None:
        codings = [c.strip().lower() for c in header.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise FetchError(f"stacked content encodings ({header.strip()}) are refused",
                             permanent=True)  # fmt: skip
        coding = codings[0] if codings else None
        if coding not in (None, "gzip", "x-gzip", "deflate"):
            raise FetchError(
                f"content encoding {coding} was not asked for ({ACCEPT_ENCODING})", permanent=True
            )
        self.limit, self.raw_bytes = limit, 0
        self.body = bytearray()
        # gzip has its header; "deflate" is zlib-wrapped by the standard, raw by some servers.
        self._gzip = coding in ("gzip", "x-gzip")
        wbits = 16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits) if coding else None
        self._raw_fallback = coding == "deflate"
        self._next_member = self._trailer = False

    def feed(self, data: bytes) -> None:
        self.raw_bytes += len(data)
        if self.raw_bytes > self.limit:
            raise FetchError(f"more than {self.limit:,} bytes")
        if self._zlib is None:
            self._append(data)
        elif not self._trailer:
            self._inflate(data)

    def _inflate(self, data: bytes) -> None:
        assert self._zlib is not None
        while data:
            try:
                out = self._zlib.decompress(data, self.limit - len(self.body) + 1)
            except zlib.error as exc:
                if self._next_member:  # bytes after the last member: ignored, as browsers do
                    self._trailer = True
                    return
                if not (self._raw_fallback and not self.body):
                    raise FetchError(f"the compressed body is corrupt ({exc})") from None
                self._zlib, self._raw_fallback = zlib.decompressobj(-zlib.MAX_WBITS), False
                continue  # the same bytes again, as raw deflate
            self._raw_fallback = self._next_member = False
            # Past the cap now, or more output waiting than the cap allows.
            if len(self.body) + len(out) > self.limit or self._zlib.unconsumed_tail:
                raise FetchError(f"more than {self.limit:,} bytes once decompressed")
            self.body += out
            data = b""
            if self._gzip and self._zlib.eof and self._zlib.unused_data:
                # Concatenated gzip members are one body (RFC 1952): decode the next one.
                data, self._zlib = self._zlib.unused_data, zlib.decompressobj(16 + zlib.MAX_WBITS)
                self._next_member = True

    def _append(self, data: bytes) -> None:
        self.body += data
        if len(self.body) > self.limit:
            raise FetchError(f"more than {self.limit:,} bytes")

    def finish(self) -> bytes:
        if self._zlib is not None and not self._trailer:
            self._append(self._zlib.flush())
        return bytes(self.body)
