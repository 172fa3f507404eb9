"""PDF articles: the text of every page, under a page count and time limit."""

from __future__ import annotations

import io
import time
from typing import Any

from rag.errors import LoaderError
from rag.index import limits
from rag.index.metadata import bounded_text, build_article, first_line
from rag.records import Article


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


def _pages(data: bytes) -> tuple[list[str], Any]:
    """The stripped text of each page and the document's title metadata, within the limits."""
    from pypdf import PdfReader

    deadline = time.monotonic() + limits.PDF_SECONDS

    def check_deadline(*_: Any) -> None:
        if time.monotonic() > deadline:
            raise _PdfTimeout

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        _decrypt(reader)
    count = len(reader.pages)
    if count > limits.MAX_PDF_PAGES:
        raise LoaderError(f"PDF has {count} pages, over the limit of {limits.MAX_PDF_PAGES}")
    pages = []
    for page in reader.pages:
        check_deadline()
        # Called before every content-stream operator, so a page with hundreds of
        # thousands of them cannot hold the ingest for minutes.
        text = page.extract_text(visitor_operand_before=check_deadline)
        pages.append((text or "").strip())
    return pages, reader.metadata.title if reader.metadata else None


def parse_pdf(doc_id: str, source: str, data: bytes) -> Article:
    """Text of every page of a PDF, pages separated by a blank line.

    Args:
        doc_id: the article's id.
        source: the file it came from.
        data: the file's bytes.

    Returns:
        The article; its title is the PDF's title metadata, else the first line.

    Raises:
        LoaderError: encrypted, too many pages, too slow to extract, or no text.
    """
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        pages, title = _pages(data)
    except LoaderError:
        raise
    except _PdfTimeout:
        raise LoaderError(
            f"PDF text extraction took over {limits.PDF_SECONDS:g} s; "
            "convert the file to text first"
        ) from None
    except (DependencyError, FileNotDecryptedError):
        raise LoaderError("encrypted PDF (cannot be decrypted)") from None
    text = "\n\n".join(p for p in pages if p)
    if not bounded_text(title, limits.MAX_TITLE_CHARS):
        title = first_line(text)[:200]
    return build_article(doc_id, source, text, {"title": title})
