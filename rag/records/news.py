"""Records of what answers know about time and sources: resolved dates, timeline entries and
figures that differ between citations."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Precision = Literal["day", "week", "month", "season", "year"]


@dataclass(frozen=True)
class DateMention:
    """A date a quote names (``quote[start:end] == text``), resolved against its article's
    published date: ISO ``date`` at ``precision`` (a week is its Monday), None when the
    article has no date to resolve a relative mention against. ``dateline``: the date of a
    wire dateline ("LONDON, Jan 14 (Reuters) —"), when the story was filed, not an event."""

    text: str
    start: int
    end: int
    date: str | None
    precision: Precision | None
    dateline: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event of a timeline answer: citation ``marker`` and when it happened.

    ``basis`` says where the date comes from: ``"text"`` (resolved from the quote),
    ``"published"`` (the article's date) or ``"none"`` (neither is known)."""

    date: str | None
    marker: int
    basis: Literal["text", "published", "none"]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FigureValue:
    """A figure as one citation states it: ``value`` of a quantity, in words ``text``."""

    value: float
    text: str
    marker: int
    date: str | None  # when the figure was given: the event date, else the article's

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Verdict = Literal["conflict", "change"]


@dataclass(frozen=True)
class Disagreement:
    """Cited sentences that give different values for one quantity: sources that differ
    (``conflict``) or a figure that moved over time (``change``, values in date order)."""

    quantity: str
    verdict: Verdict
    values: tuple[FigureValue, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"quantity": self.quantity, "verdict": self.verdict,
                "values": [v.to_dict() for v in self.values]}  # fmt: skip
