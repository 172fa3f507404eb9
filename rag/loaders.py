"""Read article files (.txt .md .html .htm .json .jsonl .pdf) into `Article` records."""

from __future__ import annotations

import datetime as dt
import errno
import io
import json
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

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
# Control characters other than tab, newline, form feed and carriage return: binary data.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
# htmldate (inside trafilatura) warns on zone names like "EST"; the date is still right.
warnings.filterwarnings("ignore", category=UnknownTimezoneWarning)


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


def normalize_date(value: Any) -> str | None:
    """ISO ``YYYY-MM-DD`` for a date, datetime or parseable string; None when unknown."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            from dateutil import parser

            try:
                return parser.parse(value, fuzzy=False).date().isoformat()
            except (ValueError, OverflowError):
                return None
    return None


def _clean(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


def _article(doc_id: str, source: str, text: str, meta: dict[str, Any]) -> Article:
    if len(text.strip()) < _MIN_TEXT_CHARS:
        raise LoaderError("no article text found")
    return Article(
        doc_id=doc_id,
        text=text,
        source=source,
        title=_clean(meta.get("title")) or "",
        date=normalize_date(meta.get("date")),
        url=_clean(meta.get("url")),
        author=_clean(meta.get("author")),
        publisher=_clean(meta.get("source") or meta.get("publisher") or meta.get("sitename")),
    )


def parse_text(doc_id: str, source: str, text: str, markdown: bool) -> Article:
    """A plain or markdown article with optional YAML front matter; title from the first line."""
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            raise LoaderError(f"invalid YAML front matter: {exc.__class__.__name__}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise LoaderError("front matter must be a YAML mapping")
        meta = loaded or {}
        text = text[match.end() :]
    if not meta.get("title"):
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


def parse_json(doc_id: str, source: str, text: str, lines: bool) -> Loaded:
    """One article per record; a bad record is reported and the others are kept."""
    out = Loaded()
    records: list[tuple[str, Any]] = []
    if lines:
        for n, line in enumerate(text.split("\n"), 1):
            if line.strip():
                try:
                    records.append((f"line {n}", json.loads(line)))
                except json.JSONDecodeError as exc:
                    out.failed.append((f"{source}:{n}", f"invalid JSON: {exc.msg}"))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoaderError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
        items = data if isinstance(data, list) else [data]
        records = [(f"record {n}", item) for n, item in enumerate(items, 1)]
    seen: set[str] = set()
    for n, (where, rec) in enumerate(records, 1):
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            out.failed.append((f"{source} ({where})", "record has no 'text' string"))
            continue
        key = rec.get("id") or rec.get("url") or n
        rid = f"{doc_id}#{key}"
        if rid in seen:
            rid = f"{doc_id}#{n}"
        seen.add(rid)
        try:
            out.articles.append(_article(rid, str(rec.get("url") or source), rec["text"], rec))
        except LoaderError as exc:
            out.failed.append((f"{source} ({where})", str(exc)))
    if not out.articles and not out.failed:
        raise LoaderError("no records")
    return out


def parse_pdf(doc_id: str, source: str, data: bytes) -> Article:
    """Text of every page of a PDF, pages separated by a blank line."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        raise LoaderError(f"cannot read PDF: {exc.__class__.__name__}") from None
    text = "\n\n".join(p for p in pages if p)
    if not title:
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
