"""Where a fetch may connect: URL checks, the public-address rule, and the guarded socket.

The address rule is enforced where the socket is opened (`GuardedBackend`): the name is
resolved there, every address checked, and the connection made to the address checked, so a
DNS answer that changes after an early check (rebinding) cannot reach an internal host. IPv6
forms that carry an IPv4 address (mapped, IPv4-compatible, 6to4, NAT64, Teredo) are judged by
that IPv4 address too: ``64:ff9b::7f00:1`` is loopback through a NAT64 gateway.

The same socket layer enforces a request's total deadline (`deadline`): every read, write and
connect gets at most the time left, so a server dripping a byte at a time cannot hold a sync.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import SplitResult, urlsplit

import httpcore

from rag.errors import FetchError

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def split_url(url: str) -> tuple[SplitResult, str, int]:
    """``(parts, host, port)`` of an http(s) URL; `FetchError` (permanent) saying why not.

    urllib raises ValueError on a port out of range or not a number, and on a malformed IPv6
    host, when ``.port`` or ``.hostname`` is read: every such URL becomes a refusal here,
    never an exception that escapes a sync.
    """
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise FetchError(f"{url[:200]}: not a valid URL ({exc})", permanent=True) from None
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError(f"{url[:200]}: only http and https URLs can be fetched", permanent=True)
    return parts, host, port or (443 if parts.scheme == "https" else 80)


def check_url(url: str, allow_private: bool = False) -> str:
    """``url`` when it is http(s) on a public address; else raise `FetchError` with why."""
    _, host, port = split_url(url)
    try:
        resolve(host, port, allow_private)
    except FetchError as exc:
        raise FetchError(f"{url[:200]}: {exc}", exc.status, exc.permanent) from None
    return url


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, NAT64, Teredo)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address (the server's is public by design)
    value = int(address)
    if any(address in net for net in _NAT64) or (value >> 32 == 0 and value > 1):
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)  # NAT64, or deprecated ::a.b.c.d
    return None


def is_public(address: IPAddress) -> bool:
    """True for a global address that carries no private, loopback or reserved IPv4 one."""
    inner = embedded_ipv4(address)
    return address.is_global and (inner is None or inner.is_global)


def resolve(host: str, port: int, allow_private: bool) -> str:
    """The address to connect to for ``host``; `FetchError` when any of its addresses is
    private, loopback, link-local or reserved (and those are not allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    for address in addresses:
        if not allow_private and not is_public(address):
            raise FetchError(
                f"{host} is a private, loopback or reserved address ({address}), refused by "
                "default",
                permanent=True,
            )
    if not addresses:
        raise FetchError(f"cannot resolve {host}: no address")
    return str(addresses[0])


def host_key(url: str) -> str:
    """``scheme://host:port`` with the host in one spelling, for per-host politeness.

    ``127.1``, ``2130706433``, ``0x7f000001`` and ``127.0.0.1`` are one host (the resolver reads
    them all as 127.0.0.1, as inet_aton does), and so are ``[::1]`` and ``[0:0::1]``.
    """
    parts, host, port = split_url(url)
    name = host.lower().rstrip(".")
    try:
        name = str(ipaddress.ip_address(name))
    except ValueError:
        with contextlib.suppress(OSError, ValueError):  # a name, not a numeric address
            name = socket.inet_ntoa(socket.inet_aton(name))
    return f"{parts.scheme}://{name}:{port}"


# The deadline of the request this thread is making (time.monotonic()), read by the streams.
_deadline = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Bound every socket operation of this thread's request to ``seconds`` in all."""
    _deadline.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _deadline.at = None


def time_left(timeout: float | None) -> float | None:
    """``timeout`` cut to the time left before this thread's deadline; ReadTimeout past it."""
    at = getattr(_deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the request's total deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation ends by the request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, time_left(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:  # fmt: skip
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, time_left(timeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, resolving and checking the host where it connects."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    *args: Any, **kwargs: Any) -> httpcore.NetworkStream:  # fmt: skip
        try:
            address = resolve(host, port, self.allow_private)
        except FetchError as exc:  # httpx reports it as a connection error, with this reason
            raise httpcore.ConnectError(str(exc)) from None
        # TLS still verifies the certificate for ``host``: httpcore passes the name apart.
        stream = super().connect_tcp(address, port, time_left(timeout), *args, **kwargs)
        return _DeadlineStream(stream)
