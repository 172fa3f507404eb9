"""Property tests of the live-sources edges: URLs, feeds, charsets, content encodings, sync.

Each property is what a hostile site or a careless user must never break: no exception but the
library's own errors, every input either accepted or refused with a reason, never more than
the byte cap in memory.
"""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import zlib
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rag.errors import FeedError, FetchError, LoaderError
from rag.index.loaders import decode_text
from rag.index.metadata import url_problem, web_url
from rag.sources.address import embedded_ipv4, host_key, is_public, split_url
from rag.sources.feeds import parse_feed
from rag.sources.fetch import _Inflater

_HOSTS = st.one_of(
    st.sampled_from(
        [
            "example.com",
            "127.0.0.1",
            "127.1",
            "0x7f000001",
            "2130706433",
            "[::1]",
            "[64:ff9b::7f00:1]",
            "[::1",
            "xn--bcher-kva.example",
            "ünï.example",
            "",
            "a..b",
            "[v1.x]",
            "user:pw@host",
        ]
    ),  # fmt: skip
    st.text(min_size=0, max_size=20),
)
_PORTS = st.one_of(
    st.just(""),
    st.integers(-5, 200_000).map(lambda p: f":{p}"),
    st.text(max_size=6).map(lambda t: f":{t}"),
)
_URLS = st.builds(
    lambda scheme, host, port, path: f"{scheme}{host}{port}{path}",
    st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "javascript:", "", "//"]),
    _HOSTS,
    _PORTS,
    st.one_of(st.just("/"), st.text(max_size=30)),
)


@given(_URLS)
@settings(max_examples=600, deadline=None)
def test_urls_are_accepted_or_refused_with_a_reason(url: str) -> None:
    problem = url_problem(url)
    assert isinstance(problem, str)
    assert (web_url(url) is None) == bool(problem)
    try:
        parts, host, port = split_url(url)
    except FetchError as exc:
        assert exc.permanent and str(exc)
        return
    assert 0 <= port <= 65535 and host
    assert host_key(url).startswith(parts.scheme + "://")


_PRIVATE_V4 = st.sampled_from(["127.0.0.1", "10.1.2.3", "169.254.169.254", "192.168.0.9",
                               "172.16.5.4", "100.64.0.1", "0.0.0.0"])  # fmt: skip


@given(_PRIVATE_V4, st.sampled_from(["mapped", "6to4", "nat64", "nat64-local", "compatible"]))
def test_ipv6_wrappers_of_private_ipv4_are_never_public(v4: str, form: str) -> None:
    n = int(ipaddress.IPv4Address(v4))
    value = {
        "mapped": (0xFFFF << 32) | n,
        "6to4": (0x2002 << 112) | (n << 80),
        "nat64": (0x64FF9B << 96) | n,
        "nat64-local": (0x64FF9B0001 << 80) | n,
        "compatible": n,
    }[form]
    address = ipaddress.IPv6Address(value)
    if value > 1:  # "::" and "::1" are themselves unspecified and loopback
        assert str(embedded_ipv4(address)) == v4
    assert not is_public(address)


@given(st.lists(st.one_of(_URLS, st.text(max_size=40)), min_size=1, max_size=8))
@settings(max_examples=150, deadline=None)
def test_feed_items_with_any_links_parse_or_are_rejected_with_a_reason(links: list[str]) -> None:
    items = "".join(f"<item><title>t{n}</title><link>{escape(link)}</link></item>"
                    for n, link in enumerate(links))  # fmt: skip
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}'
    try:
        parsed = parse_feed((body + "</channel></rss>").encode("utf-8"), "http://feed.example/")
    except FeedError:
        return
    assert all(url_problem(e.url) == "" for e in parsed.entries)
    assert all(why for _, why in parsed.rejected)


_LABELS = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "utf-8",
            "windows-1251",
            "koi8-r",
            "shift_jis",
            "x-sjis",
            "iso-8859-1",
            "utf-16",
            "base64",
            "rot13",
            "bogus",
            "",
            "euc-jp",
            "gb2312",
            "undefined",  # Python's codec that refuses every byte (found by this test)
        ]
    ),  # fmt: skip
    st.text(max_size=12),
)


@given(st.binary(max_size=400), _LABELS, st.booleans())
@example(b"\x01", "UNDEFINED", False)
@settings(max_examples=500, deadline=None)
def test_any_bytes_in_any_declared_charset_decode_or_are_refused(
    data: bytes, label: str | None, html: bool
) -> None:
    try:
        text = decode_text(data, declared=label, html=html)
    except LoaderError as exc:
        assert str(exc).startswith(("binary content", "undecodable"))
        return
    assert isinstance(text, str) and "\r" not in text


_CODECS = st.sampled_from(["windows-1251", "koi8-r", "shift_jis", "utf-8", "cp1252", "euc_jp"])


@given(st.text(min_size=1, max_size=200), _CODECS)
def test_text_in_its_declared_charset_comes_back_exactly(text: str, codec: str) -> None:
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        return
    if any(c in text for c in "\r\x00") or sum(not c.isprintable() for c in text) > 8:
        return
    meta = f'<meta charset="{codec}">'.encode("ascii")
    # As the codec itself reads it back (Shift_JIS maps "¥" to the byte of "\\").
    expected = data.decode(codec)
    if codec == "cp1252" and not data.isascii():
        # Declared Latin, valid UTF-8: read as UTF-8 (charset.py's publishing-slip rule), so
        # "Â\xa0" written in cp1252 is the bytes of a UTF-8 no-break space, and reads as one.
        with contextlib.suppress(UnicodeDecodeError):
            expected = data.decode("utf-8")
    assert decode_text(meta + data, html=True) == meta.decode() + expected


_CODINGS = st.sampled_from(
    ["", "identity", "gzip", "x-gzip", "deflate", "br", "zstd", "gzip, gzip", "deflate, gzip",
     "GZIP", " gzip ", "compress", "gzip,"]
)  # fmt: skip


def _encode(body: bytes, coding: str) -> bytes:
    name = coding.strip().strip(",").strip().lower()
    if name in ("gzip", "x-gzip"):
        return gzip.compress(body)
    if name == "deflate":
        return zlib.compress(body)
    return body


@given(st.binary(max_size=3000), _CODINGS, st.integers(1, 4000), st.data())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_bodies_decode_exactly_within_the_cap_or_are_refused(
    body: bytes, coding: str, limit: int, data: st.DataObject
) -> None:
    wire = _encode(body, coding)
    if data.draw(st.booleans()):  # sometimes corrupt it
        at = data.draw(st.integers(0, max(len(wire) - 1, 0)))
        wire = wire[:at] + bytes([(wire[at] ^ 0x5A) if wire else 0]) + wire[at + 1 :]
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=6)))
    pieces = [wire[a:b] for a, b in zip([0, *cuts], [*cuts, len(wire)], strict=True)]
    try:
        inflate = _Inflater(coding, limit)
        for piece in pieces:
            inflate.feed(piece)
            assert len(inflate.body) <= limit
        out = inflate.finish()
    except FetchError as exc:
        assert str(exc)
        return
    assert len(out) <= limit
    if wire == _encode(body, coding) and coding.strip().strip(",").strip().lower() in (
        "",
        "identity",
        "gzip",
        "x-gzip",
        "deflate",
    ):
        assert out == body


@pytest.mark.server
@given(st.lists(st.one_of(
    st.builds(lambda p, path: f"http://127.0.0.1{p}/{path}", _PORTS, st.text(max_size=12)),
    st.text(max_size=30),
), min_size=1, max_size=5))  # fmt: skip
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_sync_with_any_item_links_indexes_the_healthy_feed(tmp_path_factory, links) -> None:
    from tests.fakes import quick_assistant
    from tests.sources.pages import page, story
    from tests.sources.site import Item, Site, serve

    with serve(Site()) as site, quick_assistant(
        tmp_path_factory.mktemp("fuzz"), fetch_allow_private=True, fetch_delay=0,
        fetch_timeout=1, fetch_deadline=2,
    ) as web:  # fmt: skip
        site.pages["/ok.html"] = page("Fine", story("harbour"))
        items = "".join(f"<item><title>t</title><link>{escape(link)}</link></item>"
                        for link in links)  # fmt: skip
        site.raw["/odd.xml"] = (200, "application/rss+xml",
                                f'<rss version="2.0"><channel><title>o</title>{items}'
                                "</channel></rss>".encode())  # fmt: skip
        site.feeds["/ok.xml"] = ("rss", [Item("/ok.html", "fine")])
        web.add_feed(site.base + "/odd.xml")
        web.add_feed(site.base + "/ok.xml")
        report = web.sync()
        assert f"{site.base}/ok.html" in report.ingest.added
        assert all(why for _, why in report.failed)
        assert report.feeds[1].status == "updated" and report.feeds[1].error is None
