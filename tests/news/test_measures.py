"""Measures (money, percentages, lengths) by what they measure, and their disagreements."""

from __future__ import annotations

import pytest

from rag.news.figures import disagreements
from rag.news.measures import asked_measures, measured, measures_of

AGENCY = "It peaked at 6.1 metres at Aske Bridge, the National Environment Agency said."
COUNCIL = "Dunmarrow council says the River Aske peaked at 5.8 metres on Sunday."
GAUGE = "The river stood at 5.4 metres at the gauge on Saturday morning."


@pytest.mark.parametrize(
    ("sentence", "measures"),
    [
        (AGENCY, [(6.1, "metres (peak)")]),
        (GAUGE, [(5.4, "metres (river)")]),  # "stood at" links; the river is what stood
        ("Turnout was 61.2 percent, the commission said.", [(61.2, "percent (turnout)")]),
        ("The deal is worth $4.2bn.", [(4.2e9, "dollars (worth)")]),
        ("Shares rose 3% to £12.50.", [(3.0, "percent (rose)"), (12.5, "pounds (rose)")]),
        # nothing before the figure says what it measures
        ("Or 1.5% of it.", []),
    ],
)
def test_measures_of(sentence: str, measures: list[tuple[float, str]]) -> None:
    got = sorted((f.value, f.quantity) for f in measures_of(sentence))
    assert got == sorted(measures)


def test_only_a_question_about_a_measure_asks_for_one() -> None:
    assert {"peak", "river"} <= asked_measures("How high did the River Aske peak?")
    assert "turnout" in asked_measures("What was turnout in the election?")
    assert asked_measures("Who won the election?") == frozenset()
    assert measured("metres (peak)") == "peak" and measured("bodies") is None


def _asked(question: str):
    wanted = asked_measures(question)
    return lambda s: [f for f in measures_of(s) if measured(f.quantity) in wanted]


def test_two_sources_giving_different_peaks_the_same_day_conflict() -> None:
    cited = [(1, AGENCY, "2025-04-06"), (2, COUNCIL, "2025-04-06"), (3, GAUGE, "2025-04-05")]
    sources = {1: ("a.md", "the agency"), 2: ("b.md", "council"), 3: ("c.md", None)}
    [d] = disagreements(cited, None, sources, _asked("How high did the river peak?"))
    assert (d.quantity, d.verdict) == ("metres (peak)", "conflict")
    assert sorted(v.value for v in d.values) == [5.8, 6.1]  # the level on Saturday is apart
    # Another question: the peaks are not compared at all.
    assert disagreements(cited, None, sources, _asked("Who runs the agency?")) == []
