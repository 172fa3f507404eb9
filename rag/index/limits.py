"""Limits on what one file may cost to read, and the message for a file over the size limit.

Module constants, read at call time (``limits.NAME``), so settings or tests can change them.
"""

from __future__ import annotations

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
MAX_KEY_CHARS = 200
# The longest written dates ("Wednesday, 19 September 2024 10:00:00 +0000 (UTC)") are ~50
# characters; longer strings are not dates and would only cost dateutil time.
MAX_DATE_CHARS = 64

_MB = 1048576


def too_big(size: int, max_bytes: int) -> str:
    """The reason a file of ``size`` bytes is refused under a ``max_bytes`` limit.

    Args:
        size: the file's size in bytes.
        max_bytes: the limit it is over.

    Returns:
        ``"file is 7.2 MB, over the 5 MB limit"``.
    """
    return f"file is {size / _MB:.1f} MB, over the {max_bytes / _MB:g} MB limit"
