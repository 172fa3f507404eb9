"""Read article files (.txt .md .html .htm .json .jsonl .pdf) into `Article` records.

This module finds files, reads their bytes safely and picks the parser by suffix; the parsers
live in `rag.index.formats`, the limits in `rag.index.limits`.
"""

from __future__ import annotations

import errno
import logging
import os
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from rag.errors import LoaderError
from rag.index import limits
from rag.index.formats.charset import declared_encoding
from rag.index.formats.html import parse_html
from rag.index.formats.json_records import parse_json
from rag.index.formats.pdf import parse_pdf
from rag.index.formats.text import parse_text
from rag.index.metadata import Loaded

TEXT_TYPES = (".txt", ".md", ".markdown")
HTML_TYPES = (".html", ".htm")
JSON_TYPES = (".json", ".jsonl")
PDF_TYPES = (".pdf",)
SUPPORTED = TEXT_TYPES + HTML_TYPES + JSON_TYPES + PDF_TYPES
# Control characters other than tab, newline, form feed and carriage return: binary data.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")

logger = logging.getLogger(__name__)


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
        return LoaderError(f"{limits.too_big(size, max_bytes)} (RAG_MAX_FILE_MB)")

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


def decode_text(data: bytes, declared: str | None = None, html: bool = False) -> str:
    """Decode text in its declared charset, else UTF-8 (with or without BOM), else
    Windows-1252; reject binary data.

    Args:
        data: the bytes.
        declared: the charset an HTTP header gave, if any.
        html: an HTML page, whose ``<meta>`` may declare its charset.

    Returns:
        The text with ``\\n`` line ends.

    Raises:
        LoaderError: binary content, or bytes that no candidate encoding reads.
    """
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoaderError("binary content, not text")
    named = declared_encoding(data, declared, html)
    for encoding in dict.fromkeys(e for e in (named, "utf-8-sig", "cp1252") if e):
        try:
            text = data.decode(encoding)
        except UnicodeError:  # UnicodeDecodeError, or a codec that refuses outright
            continue  # the next encoding; the last one failing is the reason below
        # Many control characters means binary data that happened to decode.
        head = text[:65536]
        # A regex counts in C: a per-character generator was 10 % of HTML ingest CPU.
        if len(_CONTROLS.findall(head)) > max(8, len(head) // 100):
            raise LoaderError("binary content, not text")
        return text.replace("\r\n", "\n").replace("\r", "\n")
    tried = f"{named} (declared), UTF-8" if named else "UTF-8"
    raise LoaderError(f"undecodable: neither {tried} nor Windows-1252 text")


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
    text = decode_text(data, html=ext in HTML_TYPES)
    if ext in HTML_TYPES:
        return Loaded([parse_html(doc_id, source, text)])
    if ext in JSON_TYPES:
        return parse_json(doc_id, source, text, lines=ext == ".jsonl")
    return Loaded([parse_text(doc_id, source, text, markdown=ext != ".txt")])
