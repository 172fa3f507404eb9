"""Which character encoding a page's bytes are in: its declaration, else UTF-8, else cp1252.

Order as browsers (WHATWG "encoding sniffing"): a byte-order mark, then the HTTP header's
``charset``, then a ``<meta charset>`` / ``<meta http-equiv="Content-Type">`` near the top of
an HTML page. Written here rather than taken from charset-normalizer (installed with the
project): that library guesses from byte statistics and does not read declarations, while a
declared charset is the publisher's word and needs no guess.
"""

from __future__ import annotations

import codecs
import re

# WHATWG prescans 1024 bytes; real pages put long scripts and styles before their <meta>.
_PRESCAN_BYTES = 8192
_META = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]{1,40})""", re.I)
_HEADER = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]{1,40})""", re.I)
# Labels Python doesn't know by these names (WHATWG's label table), and labels that mean
# windows-1252 on the web, which is what publishers of "latin1" pages actually write.
_ALIASES = {
    "x-sjis": "shift_jis", "ms_kanji": "shift_jis", "windows-31j": "cp932",
    "x-euc-jp": "euc_jp", "x-mac-cyrillic": "mac_cyrillic", "x-cp1251": "cp1251",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "l1": "cp1252", "ascii": "cp1252",
    "us-ascii": "cp1252", "iso8859-1": "cp1252", "iso_8859-1": "cp1252",
}  # fmt: skip
# Declarations that are often wrong on UTF-8 pages: valid UTF-8 with non-ASCII bytes wins.
_LATIN = {"cp1252", "latin_1", "ascii"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))  # fmt: skip


def codec_name(label: str | None) -> str | None:
    """Python's codec for a charset label, or None when the label names no text codec."""
    if not label:
        return None
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):  # unknown, or not even a name (a NUL in it)
        return None
    # A page cannot be UTF-16 by its own <meta> (the tag itself would be unreadable), and
    # codecs like base64 or rot13 are not character encodings.
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return "utf-8"
    # Python's "undefined" codec is a text codec that refuses every byte (found by fuzzing).
    if name == "undefined":
        return None
    return name if codecs.lookup(name)._is_text_encoding else None


def header_charset(content_type: str | None) -> str | None:
    """The ``charset`` of a Content-Type header value, as given."""
    match = _HEADER.search(content_type or "")
    return match.group(1) if match else None


def meta_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` near its top, as given."""
    match = _META.search(data[:_PRESCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def declared_encoding(data: bytes, declared: str | None = None, html: bool = False) -> str | None:
    """The codec the bytes say they are in: BOM, then ``declared`` (HTTP), then ``<meta>``.

    Args:
        data: the raw bytes.
        declared: the charset of the HTTP Content-Type header, if any.
        html: look for a ``<meta>`` declaration too.

    Returns:
        A Python codec name, or None when nothing usable is declared.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    name = codec_name(declared) or (codec_name(meta_charset(data)) if html else None)
    if name in _LATIN and not data.isascii():
        try:
            data.decode("utf-8")
            return "utf-8"  # declared Latin-1, written in UTF-8: a common publishing slip
        except UnicodeDecodeError:
            pass
    return name
