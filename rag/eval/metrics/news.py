"""Time-and-sources metrics: timeline order, figure verdicts, speakers and "as of" dates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scipy.stats import kendalltau

from rag.eval.metrics.core import Score, ok, unscorable
from rag.news.naming import same_speaker
from rag.records import Answer, Citation


def _overlaps(span: dict[str, Any], c: Citation) -> bool:
    return span["doc_id"] == c.doc_id and span["start"] < c.end and c.start < span["end"]


def cited_span(span: dict[str, Any], citations: Sequence[Citation]) -> Citation | None:
    """The citation whose quote overlaps a gold span, or None."""
    return next((c for c in citations if _overlaps(span, c)), None)


def timeline_scores(events: list[dict[str, Any]], answer: Answer) -> tuple[Score, Score]:
    """Kendall tau of the answer's order of the gold events it cites, and the share it cites.

    Args:
        events: gold event spans in chronological order.
        answer: the answer; its ``timeline`` gives its order.

    Returns:
        ``(tau, event_recall)``; tau is unscorable when fewer than two gold events are cited,
        and 0 for an answer that is not a timeline.
    """
    if not events:
        return unscorable("no gold events"), unscorable("no gold events")
    if answer.abstained:
        why = "abstained on a timeline question"
        return ok(0.0, why), ok(0.0, why)
    position = {t.marker: i for i, t in enumerate(answer.timeline)}
    found: list[tuple[int, int]] = []
    for gold_rank, span in enumerate(events):
        c = cited_span(span, answer.citations)
        if c is not None and c.marker in position:
            found.append((gold_rank, position[c.marker]))
    recall = ok(len(found) / len(events))
    if not answer.timeline:
        return ok(0.0, "the answer is not a timeline"), recall
    if len(found) < 2:
        return unscorable("fewer than two gold events in the timeline"), recall
    gold, mine = zip(*found, strict=True)
    tau = kendalltau(gold, mine).statistic
    return ok(1.0 if tau != tau else float(tau)), recall  # NaN: all tied, read as in order


def verdict_of(answer: Answer) -> str:
    """The answer's verdict on its figures: ``conflict``, ``change`` or ``agree`` (none)."""
    verdicts = {d.verdict for d in answer.disagreements}
    return "conflict" if "conflict" in verdicts else "change" if "change" in verdicts else "agree"


def verdict_score(gold: str | None, answer: Answer) -> Score:
    """1 when the answer's verdict on its figures is the gold one."""
    if gold is None:
        return unscorable("no gold verdict")
    if answer.abstained:
        return ok(0.0, "abstained on a figure question")
    got = verdict_of(answer)
    return ok(float(got == gold), None if got == gold else f"said {got}, gold {gold}")


def conflict_scores(pairs: Sequence[tuple[bool, bool]]) -> tuple[Score, Score]:
    """Conflict detection precision and recall over ``(flagged, gold_conflict)`` pairs."""
    flagged = sum(f for f, _ in pairs)
    gold = sum(g for _, g in pairs)
    both = sum(f and g for f, g in pairs)
    precision = ok(both / flagged) if flagged else unscorable("no conflict flagged")
    recall = ok(both / gold) if gold else unscorable("no gold conflict")
    return precision, recall


def speaker_score(gold: str | None, spans: list[dict[str, Any]], answer: Answer) -> Score:
    """1 when the citation of the gold statement (else the first) names the gold speaker."""
    if gold is None:
        return unscorable("no gold speaker")
    if answer.abstained or not answer.citations:
        return ok(0.0, "abstained on an attribution question")
    c = next((x for s in spans if (x := cited_span(s, answer.citations))), answer.citations[0])
    hit = same_speaker(c.speaker, gold)
    return ok(float(hit), None if hit else f"speaker {c.speaker!r}, gold {gold!r}")


def as_of_score(gold: str | None, answer: Answer) -> Score:
    """1 when a recency answer says "As of" the gold date."""
    if gold is None:
        return unscorable("no gold as-of date")
    if answer.abstained:
        return ok(0.0, "abstained on a recency question")
    hit = answer.as_of == gold
    return ok(float(hit), None if hit else f"as of {answer.as_of}, gold {gold}")
