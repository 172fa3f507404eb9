"""Read article files (.txt .md .html .htm .json .jsonl .pdf) into `Article` records."""

from __future__ import annotations

import datetime as dt
import errno
import io
import json
import logging
import os
import re
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from dateutil.parser import UnknownTimezoneWarning

from rag.errors import LoaderError
from rag.records import Article

TEXT_TYPES = (".txt", ".md", ".markdown")
HTML_TYPES = (".html", ".htm")
JSON_TYPES = (".json", ".jsonl")
PDF_TYPES = (".pdf",)
SUPPORTED = TEXT_TYPES + HTML_TYPES + JSON_TYPES + PDF_TYPES
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_MIN_TEXT_CHARS = 20
# Limits on what one file may cost (module constants so Settings can override them later).
# Front matter holds a handful of fields (a few hundred bytes in every corpus we have seen);
# 64 KB leaves room for long descriptions and bounds what the YAML parser works on.
MAX_FRONT_MATTER_BYTES = 64 * 1024
# The default 5 MB file limit (RAG_MAX_FILE_MB) over a typical article: the shared newspaper
# corpus's texts have a median of 2 KB, ~2.5 KB as a JSON record with metadata -> ~2,000.
# More records than that means tiny or empty ones, each costing a catalog row and an embedding.
MAX_RECORDS_PER_FILE = 2000
# pypdf took ~7 min of CPU on a 4.6 MB PDF with 170k text operators, while a real article
# PDF extracts in well under a second on a 2-core machine; 20 s is generous for books of scans.
PDF_SECONDS = 20.0
# A news article is a few pages; 500 pages is a book, and caps pages walked before extraction.
MAX_PDF_PAGES = 500
# Headlines run to ~100 characters; 500 keeps a title joined with its subtitle whole.
MAX_TITLE_CHARS = 500
# Bylines and outlet names are short; 200 fits several co-authors.
MAX_NAME_CHARS = 200
# The sitemap protocol's limit on URL length (sitemaps.org: "less than 2,048 characters").
MAX_URL_CHARS = 2048
# An id longer than this (JSON "id"/"url" field) is replaced by the record's number: doc ids
# appear in every chunk id, citation and log line.
_MAX_KEY_CHARS = 200
# The longest written dates ("Wednesday, 19 September 2024 10:00:00 +0000 (UTC)") are ~50
# characters; longer strings are not dates and would only cost dateutil time.
_MAX_DATE_CHARS = 64
# Control characters other than tab, newline, form feed and carriage return: binary data.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
# htmldate (inside trafilatura) warns on zone names like "EST"; the date is still right.
warnings.filterwarnings("ignore", category=UnknownTimezoneWarning)

logger = logging.getLogger(__name__)


@dataclass
class Loaded:
    """Articles read from one file, plus per-record failures (for multi-article files)."""

    articles: list[Article] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def iter_files(paths: list[Path]) -> Iterator[tuple[Path, Path]]:
    """Yield ``(root, file)`` for every non-hidden file under each path, in sorted order."""
    for root in paths:
        if root.is_dir():
            # followlinks=False: a symlinked directory loop cannot make the walk endless.
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if not name.startswith("."):
                        yield root, Path(dirpath) / name
        else:
            yield root, root


@lru_cache(maxsize=256)
def _folder_name(root: Path) -> str:
    return root.resolve().name  # resolved once per folder: "." and "../x" get real names


def doc_id_for(root: Path, path: Path) -> str:
    """Stable id: ``<folder name>/<path inside it>`` for folders, the file name for a file."""
    if root == path:
        return path.name
    prefix, full = str(root) + os.sep, str(path)
    # Plain string work: Path.relative_to was a third of checking a 28k-file folder.
    inner = full[len(prefix) :] if full.startswith(prefix) else str(path.relative_to(root))
    return f"{_folder_name(root)}/{inner.replace(os.sep, '/')}"


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read a file, turning every OS-level problem into a `LoaderError` with a plain reason."""

    def too_big(size: int) -> LoaderError:
        return LoaderError(
            f"file is {size / 1048576:.1f} MB, over the {max_bytes / 1048576:g} MB limit "
            "(RAG_MAX_FILE_MB)"
        )

    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise too_big(size)
        # Read at most one byte past the limit: a file that grows after the size check (a log
        # being written, an article being saved) must not be read whole into memory.
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise too_big(max(path.stat().st_size, len(data)))
    except PermissionError:
        raise LoaderError("permission denied") from None
    except FileNotFoundError:
        raise LoaderError("file not found (removed or a broken link)") from None
    except IsADirectoryError:
        raise LoaderError("is a directory") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoaderError("symbolic link loop") from None
        raise LoaderError(f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise LoaderError("empty file")
    return data


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), falling back to Windows-1252; reject binary data."""
    if b"\x00" in data[:65536]:
        raise LoaderError("binary content, not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Many control characters means binary data that happened to decode.
        head = text[:65536]
        # A regex counts in C: a per-character generator was 10 % of HTML ingest CPU.
        if len(_CONTROLS.findall(head)) > max(8, len(head) // 100):
            raise LoaderError("binary content, not text")
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise LoaderError("undecodable: neither UTF-8 nor Windows-1252 text")


# Two defaults that differ in every field: what dateutil fills in from them was not given.
_DATE_DEFAULTS = (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))
_YEAR_MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?")


def normalize_date(value: Any) -> str | None:
    """The date in ISO form at the precision given: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

    A partial date is kept partial (never completed from today's date, which would make the
    stored date depend on the ingest day); a value without a year, or unparseable, is None.
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # YAML reads `date: 2023` as a number
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > _MAX_DATE_CHARS:
        return None
    partial = _YEAR_MONTH.fullmatch(text)
    if partial:
        year, month = int(partial[1]), partial[2]
        valid = year >= 1 and (month is None or 1 <= int(month) <= 12)
        return text if valid else None
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        pass
    from dateutil import parser

    try:
        first, second = (parser.parse(text, default=d) for d in _DATE_DEFAULTS)
    except (ValueError, OverflowError, TypeError, LookupError):  # dateutil's ways of saying no
        return None
    if first.year != second.year:
        return None
    if first.month != second.month:
        return f"{first.year:04d}"
    if first.day != second.day:
        return f"{first.year:04d}-{first.month:02d}"
    return first.date().isoformat()


def _clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    # Cut at the last space unless that would lose most of the text (one giant "word").
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _scalar(value: Any, limit: int) -> str | None:
    """A metadata value as bounded text: scalars as text, lists of scalars joined; else None.

    Lists and mappings are never turned into text whole: a crafted value could be megabytes.
    """
    if isinstance(value, (list, tuple)):
        parts: list[str] = []
        for item in value:
            part = _scalar(item, limit) if not isinstance(item, (list, tuple)) else None
            if part:
                parts.append(part)
            if sum(len(p) + 2 for p in parts) > limit:
                break
        return _clip(", ".join(parts), limit) if parts else None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, dt.date)):
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    text = " ".join(text[: limit * 4].split())  # newlines and runs of spaces in a field
    return _clip(text, limit) if text else None


def _web_url(value: Any) -> str | None:
    """An http(s) URL of sane length, else None: other schemes (``javascript:``, ``data:``,
    ``file:``) would reach users as clickable citations."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_URL_CHARS or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _article(doc_id: str, source: str, text: str, meta: dict[str, Any]) -> Article:
    if len(text.strip()) < _MIN_TEXT_CHARS:
        raise LoaderError("no article text found")
    publisher = meta.get("source") or meta.get("publisher") or meta.get("sitename")
    return Article(
        doc_id=doc_id,
        text=text,
        source=source,
        title=_scalar(meta.get("title"), MAX_TITLE_CHARS) or "",
        date=normalize_date(meta.get("date")),
        url=_web_url(meta.get("url")),
        author=_scalar(meta.get("author"), MAX_NAME_CHARS),
        publisher=_scalar(publisher, MAX_NAME_CHARS),
    )


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader without aliases: ``*ref`` lets a few hundred bytes expand exponentially
    ("billion laughs"), and article metadata has no use for them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise LoaderError("YAML front matter uses aliases (&/*), which are not allowed")
        return super().compose_node(parent, index)


def _front_matter(block: str) -> dict[str, Any]:
    size = len(block.encode("utf-8"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise LoaderError(
            f"YAML front matter is {size / 1024:.0f} KB, over the "
            f"{MAX_FRONT_MATTER_BYTES // 1024} KB limit"
        )
    try:
        loaded = yaml.load(block, Loader=_NoAliasLoader)  # a SafeLoader: no Python objects
    except LoaderError:
        raise
    except yaml.YAMLError as exc:
        raise LoaderError(f"invalid YAML front matter: {exc.__class__.__name__}") from None
    except RecursionError:
        raise LoaderError("YAML front matter nested too deeply") from None
    except Exception as exc:  # e.g. ValueError for an integer of 5,000 digits
        raise LoaderError(f"invalid YAML front matter: {exc.__class__.__name__}") from None
    if loaded is not None and not isinstance(loaded, dict):
        raise LoaderError("front matter must be a YAML mapping")
    return loaded or {}


def parse_text(doc_id: str, source: str, text: str, markdown: bool) -> Article:
    """A plain or markdown article with optional YAML front matter; title from the first line."""
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        meta = _front_matter(match.group(1))
        text = text[match.end() :]
    if not _scalar(meta.get("title"), MAX_TITLE_CHARS):
        first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
        if markdown and first.startswith("#"):
            meta["title"] = first.lstrip("#").strip()
        elif len(first) <= 200 and not first.endswith((".", "!", "?")):
            meta["title"] = first
    return _article(doc_id, source, text, meta)


def parse_html(doc_id: str, source: str, html: str) -> Article:
    """Main text and metadata of a news page, extracted with trafilatura."""
    import trafilatura
    from trafilatura.settings import set_date_params

    try:
        # htmldate's extensive search runs dateparser over every text node in ~200 locales:
        # 30 % of extraction CPU. Markup and URL dates come first; only pages without one pay.
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            date_extraction_params=set_date_params(extensive=False),
        )
        data = None if doc is None else doc if isinstance(doc, dict) else doc.as_dict()
        if data is not None and not data.get("date"):
            data["date"] = _extensive_date(html)
    except Exception as exc:  # trafilatura raises many types on malformed markup
        raise LoaderError(f"cannot parse HTML: {exc.__class__.__name__}") from None
    if data is None:
        raise LoaderError("no article text found in the HTML page")
    text = (data.get("text") or "").strip()
    meta = {
        "title": data.get("title"),
        "date": data.get("date"),
        "url": data.get("url"),
        "author": data.get("author"),
        "publisher": data.get("sitename") or data.get("hostname"),
    }
    return _article(doc_id, source, text, meta)


def _extensive_date(html: str) -> str | None:
    """The publication date found by htmldate's slow full-text search, as trafilatura would."""
    from htmldate import find_date
    from trafilatura.settings import set_date_params

    found = find_date(html, **set_date_params(extensive=True))
    return str(found) if found else None


def _too_many_records(count: int) -> None:
    if count > MAX_RECORDS_PER_FILE:
        raise LoaderError(
            f"{count} records, over the limit of {MAX_RECORDS_PER_FILE} per file; split the file"
        )


def _record_key(rec: dict[str, Any], n: int) -> str | int:
    """The record's "id" (else "url") when it is a short string or number, else its number."""
    for key in (rec.get("id"), rec.get("url")):
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            continue
        text = str(key).strip()
        if text and len(text) <= _MAX_KEY_CHARS:
            return text if isinstance(key, str) else key
    return n


def _json_value(text: str) -> Any:
    """``json.loads`` with its non-syntax failures turned into plain reasons."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:  # "[[[[..." a hundred thousand deep
        raise LoaderError("JSON nested too deeply") from None
    except ValueError:  # an integer longer than Python's 4,300-digit conversion limit
        raise LoaderError("JSON holds a number too long to read") from None


def parse_json(doc_id: str, source: str, text: str, lines: bool) -> Loaded:
    """One article per record; a bad record is reported and the others are kept."""
    out = Loaded()
    records: list[tuple[str, Any]] = []
    if lines:
        rows = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
        _too_many_records(len(rows))  # before parsing any: a rejected file costs no parse
        for n, line in rows:
            try:
                records.append((f"line {n}", _json_value(line)))
            except json.JSONDecodeError as exc:
                out.failed.append((f"{source}:{n}", f"invalid JSON: {exc.msg}"))
            except LoaderError as exc:
                out.failed.append((f"{source}:{n}", str(exc)))
    else:
        try:
            data = _json_value(text)
        except json.JSONDecodeError as exc:
            raise LoaderError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
        items = data if isinstance(data, list) else [data]
        _too_many_records(len(items))
        records = [(f"record {n}", item) for n, item in enumerate(items, 1)]
    seen: set[str] = set()
    for n, (where, rec) in enumerate(records, 1):
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            out.failed.append((f"{source} ({where})", "record has no 'text' string"))
            continue
        rid = f"{doc_id}#{_record_key(rec, n)}"
        if rid in seen:
            rid = f"{doc_id}#{n}"
        seen.add(rid)
        try:
            # The source is always the file: the API deletes an article's file by its source,
            # so a record's "url" must never be able to name another file.
            out.articles.append(_article(rid, source, rec["text"], rec))
        except LoaderError as exc:
            out.failed.append((f"{source} ({where})", str(exc)))
    if not out.articles and not out.failed:
        raise LoaderError("no records")
    return out


class _PdfTimeout(Exception):
    """Raised from pypdf's operator callback once a file's extraction deadline has passed."""


def _decrypt(reader: Any) -> None:
    """Open an encrypted PDF with the empty user password (what viewers do), or refuse it."""
    from pypdf import PasswordType
    from pypdf.errors import DependencyError

    try:
        if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise LoaderError("encrypted PDF (a password is required)")
    except DependencyError:
        raise LoaderError("encrypted PDF (its cipher needs a crypto library)") from None


def parse_pdf(doc_id: str, source: str, data: bytes) -> Article:
    """Text of every page of a PDF, pages separated by a blank line."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    deadline = time.monotonic() + PDF_SECONDS

    def check_deadline(*_: Any) -> None:
        if time.monotonic() > deadline:
            raise _PdfTimeout

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt(reader)
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise LoaderError(f"PDF has {count} pages, over the limit of {MAX_PDF_PAGES}")
        pages = []
        for page in reader.pages:
            check_deadline()
            # Called before every content-stream operator, so a page with hundreds of
            # thousands of them cannot hold the ingest for minutes.
            text = page.extract_text(visitor_operand_before=check_deadline)
            pages.append((text or "").strip())
        title = reader.metadata.title if reader.metadata else None
    except LoaderError:
        raise
    except _PdfTimeout:
        raise LoaderError(
            f"PDF text extraction took over {PDF_SECONDS:g} s; convert the file to text first"
        ) from None
    except (DependencyError, FileNotDecryptedError):
        raise LoaderError("encrypted PDF (cannot be decrypted)") from None
    text = "\n\n".join(p for p in pages if p)
    if not _scalar(title, MAX_TITLE_CHARS):
        title = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")[:200]
    return _article(doc_id, source, text, {"title": title})


def load_file(path: Path, doc_id: str, max_bytes: int, data: bytes | None = None) -> Loaded:
    """Read one file into articles.

    Args:
        path: the file.
        doc_id: the id its article gets (records of a JSON file get ``doc_id#key``).
        max_bytes: size limit; larger files are rejected before reading.
        data: the file's bytes, when the caller has read them already.

    Returns:
        The articles, and failures of single records inside the file.

    Raises:
        LoaderError: the whole file is unusable; the message says why.
    """
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        kind = f"'{ext}'" if ext else "without an extension"
        raise LoaderError(f"unsupported file type {kind} (supported: {', '.join(SUPPORTED)})")
    if data is None:
        data = read_bytes(path, max_bytes)
    kinds = {PDF_TYPES: "PDF", HTML_TYPES: "HTML", JSON_TYPES: "JSON"}
    kind = next((name for types, name in kinds.items() if ext in types), "text")
    try:
        return _parse(path, ext, doc_id, data)
    except LoaderError:
        raise
    except RecursionError:
        raise LoaderError(f"{kind} nested too deeply") from None
    except Exception as exc:
        # Parsers fail on hostile input in many ways (pypdf alone raises TypeError,
        # AssertionError, AttributeError...): every one is this file's rejection, never the
        # end of an ingest. The traceback is kept for whoever debugs the parser.
        logger.debug("%s parser failed on %s", kind, path, exc_info=True)
        raise LoaderError(f"cannot read {kind}: {exc.__class__.__name__}") from None


def _parse(path: Path, ext: str, doc_id: str, data: bytes) -> Loaded:
    source = str(path)
    if ext in PDF_TYPES:
        if not data.startswith(b"%PDF"):
            raise LoaderError("not a PDF file")
        return Loaded([parse_pdf(doc_id, source, data)])
    text = decode_text(data)
    if ext in HTML_TYPES:
        return Loaded([parse_html(doc_id, source, text)])
    if ext in JSON_TYPES:
        return parse_json(doc_id, source, text, lines=ext == ".jsonl")
    return Loaded([parse_text(doc_id, source, text, markdown=ext != ".txt")])
