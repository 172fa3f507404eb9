"""What a citation says about time and sources, in words: one wording for the CLI and the app."""

from __future__ import annotations

from rag.news.compose import spoken_date, spoken_quantity
from rag.records import Answer, Citation
from rag.records.news import Disagreement


def disputes(answer: Answer, marker: int) -> list[Disagreement]:
    """The answer's disagreements that citation ``marker`` takes part in."""
    return [d for d in answer.disagreements if any(v.marker == marker for v in d.values)]


def dispute_text(d: Disagreement) -> str:
    """``sources differ on the number of bodies: 40 bodies [1] vs three bodies [2]`` or a dated
    change."""
    if d.verdict == "change":
        steps = " → ".join(f"{v.text} [{v.marker}] ({spoken_date(v.date)})" for v in d.values)
        return f"{spoken_quantity(d)} changed over time: {steps}"
    rivals = " vs ".join(f"{v.text} [{v.marker}]" for v in d.values)
    return f"sources differ on {spoken_quantity(d)}: {rivals}"


def citation_notes(c: Citation, answer: Answer) -> list[str]:
    """Lines under a cited quote: published date, resolved dates, speaker, outlets, disputes.

    Args:
        c: the citation.
        answer: its answer (for the disagreements it takes part in).

    Returns:
        Plain-text lines (callers escape them for their medium).
    """
    lines = [f"published: {spoken_date(c.date)}" if c.date else "published: no date given"]
    if c.dates:
        resolved = "; ".join(
            f"“{d.text}” = {spoken_date(d.date, d.precision)}" if d.date
            else f"“{d.text}” (no article date to resolve it against)"
            for d in c.dates
        )  # fmt: skip
        lines.append(f"dates: {resolved}")
    if c.speaker:
        lines.append(f"said by: {c.speaker}")
    if c.also_reported_by:
        names = ", ".join(o.label for o in c.also_reported_by)
        lines.append(f"reported by {c.outlets} outlets (also: {names})")
    lines += [f"⚠ {dispute_text(d)}" for d in disputes(answer, c.marker)]
    return lines
