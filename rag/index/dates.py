"""Publication dates in ISO form, at the precision the source gave."""

from __future__ import annotations

import datetime as dt
import logging
import re
import warnings
from typing import Any

from dateutil.parser import UnknownTimezoneWarning

from rag.index import limits

logger = logging.getLogger(__name__)

# Two defaults that differ in every field: what dateutil fills in from them was not given.
_DATE_DEFAULTS = (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))
_YEAR_MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?")


def normalize_date(value: Any) -> str | None:
    """The date in ISO form at the precision given: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

    A partial date is kept partial (never completed from today's date, which would make the
    stored date depend on the ingest day); a value without a year, or unparseable, is None.

    Args:
        value: a date, datetime, year number or text as found in metadata or a filter.

    Returns:
        The ISO date or prefix, or None.
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
    if not text or len(text) > limits.MAX_DATE_CHARS:
        return None
    partial = _YEAR_MONTH.fullmatch(text)
    if partial:
        year, month = int(partial[1]), partial[2]
        valid = year >= 1 and (month is None or 1 <= int(month) <= 12)
        return text if valid else None
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        pass  # not ISO: written dates ("19 June 2023") are dateutil's work below
    return _written_date(text)


def _written_date(text: str) -> str | None:
    """A written date parsed by dateutil, at the precision it gives, else None."""
    from dateutil import parser

    try:
        # A zone name dateutil does not know ("EST") only costs the offset, not the date.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnknownTimezoneWarning)
            first, second = (parser.parse(text, default=d) for d in _DATE_DEFAULTS)
    except (ValueError, OverflowError, TypeError, LookupError) as exc:  # dateutil's "no"
        logger.debug("not a date: %r (%s)", text, exc.__class__.__name__)
        return None
    if first.year != second.year:
        return None
    if first.month != second.month:
        return f"{first.year:04d}"
    if first.day != second.day:
        return f"{first.year:04d}-{first.month:02d}"
    return first.date().isoformat()
