"""A polite, safe HTTP fetcher for article pages and feeds (httpx).

- only http/https; hosts that resolve to private, loopback, link-local or reserved addresses
  are refused unless the policy allows them (an API user must not make the server fetch
  internal URLs); every redirect hop is checked again;
- a timeout per request, a byte cap while streaming, a limit on redirects;
- gzip/deflate decoded by httpx; the content type must be one a page or feed has;
- conditional GET: the caller passes the ETag / Last-Modified it kept, a 304 costs no body.

The address rule is enforced where the socket is opened (`GuardedBackend`): the name is
resolved there, every address checked, and the connection made to the address checked, so a
DNS answer that changes after an early check (rebinding) cannot reach an internal host.
Environment proxies are not used (a proxy would connect on our behalf, unchecked).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from rag.errors import FetchError

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


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one fetch; the defaults suit news pages (tens of KB) and feeds."""

    timeout: float = 10.0  # seconds per connect / read
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


def check_url(url: str, allow_private: bool = False) -> str:
    """``url`` when it is http(s) on a public address; else raise `FetchError` with why."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url[:200]}: only http and https URLs can be fetched", permanent=True)
    try:
        resolve(parts.hostname, parts.port or 80, allow_private)
    except FetchError as exc:
        raise FetchError(f"{url[:200]}: {exc}", exc.status, exc.permanent) from None
    return url


def resolve(host: str, port: int, allow_private: bool) -> str:
    """The address to connect to for ``host``; `FetchError` when any of its addresses is
    private, loopback, link-local or reserved (and those are not allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if not allow_private and not address.is_global:
            raise FetchError(
                f"{host} is a private, loopback or reserved address ({address}), refused by "
                "default",
                permanent=True,
            )
    if not addresses:
        raise FetchError(f"cannot resolve {host}: no address")
    return str(addresses[0])


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, resolving and checking the host where it connects."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        try:
            address = resolve(host, port, self.allow_private)
        except FetchError as exc:  # httpx reports it as a connection error, with this reason
            raise httpcore.ConnectError(str(exc)) from None
        # TLS still verifies the certificate for ``host``: httpcore passes the name apart.
        return super().connect_tcp(address, port, *args, **kwargs)


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
    headers = {"User-Agent": p.user_agent, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own = client is None
    http = client or guarded_client(p)
    try:
        for _hop in range(p.max_redirects + 1):
            check_url(url, p.allow_private)
            with http.stream("GET", url, headers=headers, timeout=p.timeout) as r:
                if r.status_code in (301, 302, 303, 307, 308) and "location" in r.headers:
                    url = urljoin(url, r.headers["location"])
                    continue
                return _read(url, r, p)
        raise FetchError(f"{url[:200]}: more than {p.max_redirects} redirects")
    except httpx.TimeoutException as exc:
        raise FetchError(f"{url[:200]}: timed out after {p.timeout:g} s") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"{url[:200]}: {type(exc).__name__}: {exc}") from exc
    finally:
        if own:
            http.close()


def _read(url: str, r: httpx.Response, p: FetchPolicy) -> Fetched:
    etag, modified = r.headers.get("etag"), r.headers.get("last-modified")
    if r.status_code == 304:
        return Fetched(url, 304, b"", "", etag, modified, not_modified=True)
    if r.status_code != 200:
        raise FetchError(f"{url[:200]}: HTTP {r.status_code}", r.status_code)
    kind = r.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in CONTENT_TYPES:
        raise FetchError(
            f"{url[:200]}: content type {kind or 'missing'} is not a page or feed",
            r.status_code,
            permanent=True,
        )
    declared = r.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > p.max_bytes:
        raise FetchError(f"{url[:200]}: {int(declared):,} bytes, the limit is {p.max_bytes:,}")
    body = bytearray()
    for piece in r.iter_bytes():  # decoded (gzip) bytes: the cap holds after decompression
        body += piece
        if len(body) > p.max_bytes:
            raise FetchError(f"{url[:200]}: more than {p.max_bytes:,} bytes")
    return Fetched(url, 200, bytes(body), kind, etag, modified)
