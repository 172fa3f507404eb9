"""Source and date restrictions on retrieval, validated once where they enter."""

from __future__ import annotations

from dataclasses import dataclass

from rag.errors import QueryError
from rag.index.dates import normalize_date

# A source filter is a substring of a doc id, publisher or URL: URLs stay under 200 characters
# in practice (the longest in the shared newspaper corpus is 150), and each item becomes three
# SQL LIKE patterns, so both bounds keep one query cheap (a 100 kB item was a 500 before).
MAX_SOURCE_CHARS = 200
MAX_SOURCES = 50


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to articles whose doc_id/source/url contains one of ``sources``
    and whose date lies in ``[date_from, date_to]`` (ISO dates, inclusive)."""

    sources: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    @classmethod
    def make(
        cls,
        sources: list[str] | tuple[str, ...] | str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> Filters:
        """Validate and normalise filter values.

        Dates keep the precision given: ``date_from="2023-06"`` means from the start of June
        2023, ``date_to="2023"`` up to the end of 2023 (the catalog compares ranges).

        Args:
            sources: substrings of doc ids, sources or URLs; one string counts as one source.
            date_from: earliest date, any precision (``2023``, ``2023-06``, ``June 2023``).
            date_to: latest date, any precision.

        Returns:
            The filters, dates in ISO form and blank sources dropped.

        Raises:
            QueryError: a date that is not one, or too many or too long sources.
        """
        iso_from, iso_to = _iso("date_from", date_from), _iso("date_to", date_to)
        if isinstance(sources, str):
            sources = [sources]
        sources = list(sources or ())
        if len(sources) > MAX_SOURCES:
            raise QueryError(f"at most {MAX_SOURCES} sources may be given, not {len(sources)}")
        for s in sources:
            if not isinstance(s, str):
                raise QueryError(f"each source must be a string, not {type(s).__name__}")
            if len(s) > MAX_SOURCE_CHARS:
                raise QueryError(
                    f"a source filter is {len(s)} characters long; the limit is {MAX_SOURCE_CHARS}"
                )
        return cls(tuple(s for s in sources if s.strip()), iso_from, iso_to)

    @property
    def active(self) -> bool:
        """True when any restriction is set."""
        return bool(self.sources or self.date_from or self.date_to)


def _iso(name: str, value: str | None) -> str | None:
    """A filter date in ISO form, None when not given; `QueryError` when it is no date."""
    iso = normalize_date(value) if value else None
    if value and iso is None:
        shown = repr(value[:40] + "…" if isinstance(value, str) and len(value) > 40 else value)
        raise QueryError(f"{name} must be a date such as 2024-08-19, 2024-08 or 2024, not {shown}")
    return iso
