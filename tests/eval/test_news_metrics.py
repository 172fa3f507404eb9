"""Time-and-sources metrics against hand-computed values (rag.eval.metrics.news)."""

from __future__ import annotations

import pytest

from rag.eval.metrics import news
from rag.records import Answer, Citation
from rag.records.news import Disagreement, FigureValue, TimelineEntry


def _cite(marker: int, start: int, speaker: str | None = None) -> Citation:
    return Citation(marker, "d", "T", "s", "q", start, start + 10, 1.0, speaker=speaker)


def _span(start: int) -> dict:
    return {"doc_id": "d", "start": start, "end": start + 10}


def _answer(**kw) -> Answer:
    return Answer("q", "a", kw.pop("citations", []), kw.pop("abstained", False), "q", **kw)


EVENTS = [_span(0), _span(100), _span(200), _span(300)]


def test_timeline_in_gold_order_scores_one_and_reversed_minus_one() -> None:
    cites = [_cite(1, 0), _cite(2, 100), _cite(3, 200)]
    right = _answer(citations=cites, timeline=[TimelineEntry("2014", m, "text") for m in (1, 2, 3)])
    tau, recall = news.timeline_scores(EVENTS, right)
    assert (tau.value, recall.value) == (1.0, 0.75)
    wrong = _answer(citations=cites, timeline=[TimelineEntry("2014", m, "text") for m in (3, 2, 1)])
    assert news.timeline_scores(EVENTS, wrong)[0].value == -1.0


def test_timeline_with_one_swap_of_three() -> None:
    cites = [_cite(1, 0), _cite(2, 100), _cite(3, 200)]
    ans = _answer(citations=cites, timeline=[TimelineEntry("x", m, "text") for m in (2, 1, 3)])
    assert news.timeline_scores(EVENTS, ans)[0].value == pytest.approx(1 / 3)


def test_a_non_timeline_answer_scores_zero_and_too_few_events_is_unscorable() -> None:
    assert news.timeline_scores(EVENTS, _answer(citations=[_cite(1, 0)]))[0].value == 0.0
    one = _answer(citations=[_cite(1, 0)], timeline=[TimelineEntry("x", 1, "text")])
    assert news.timeline_scores(EVENTS, one)[0].value is None


def _differ(verdict: str) -> Disagreement:
    return Disagreement("bodies", verdict, (FigureValue(40, "40", 1, None),
                                            FigureValue(3, "3", 2, None)))  # fmt: skip


def test_verdicts() -> None:
    assert news.verdict_score("conflict", _answer(disagreements=[_differ("conflict")])).value == 1
    assert news.verdict_score("agree", _answer(disagreements=[_differ("change")])).value == 0
    assert news.verdict_score("agree", _answer()).value == 1
    assert news.verdict_score(None, _answer()).value is None


def test_conflict_precision_and_recall() -> None:
    p, r = news.conflict_scores([(True, True), (True, False), (False, True), (False, False)])
    assert (p.value, r.value) == (0.5, 0.5)
    assert news.conflict_scores([(False, False)])[0].value is None


def test_speaker_of_the_gold_statement_is_checked() -> None:
    cites = [_cite(1, 0, "the Indonesian navy"), _cite(2, 100, "Bambang Soelistyo")]
    ans = _answer(citations=cites)
    assert news.speaker_score("Soelistyo", [_span(100)], ans).value == 1.0
    assert news.speaker_score("Soelistyo", [_span(500)], ans).value == 0.0  # first citation
    assert news.speaker_score("navy", [], ans).value == 1.0


def test_as_of() -> None:
    assert news.as_of_score("2014-12-31", _answer(as_of="2014-12-31")).value == 1.0
    assert news.as_of_score("2014-12-31", _answer(as_of="2014-12-30")).value == 0.0
    assert news.as_of_score("2014-12-31", _answer(abstained=True)).value == 0.0
