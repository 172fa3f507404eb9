"""Evidence choice for timelines: which events, and in what order (rag.news.select)."""

from __future__ import annotations

import numpy as np

from rag.news.select import chronological, clock_minutes, timeline_picks
from rag.records import Quote


def _quote(text: str, doc: str = "a", date: str | None = "2025-03-12") -> Quote:
    return Quote(doc, doc, doc, text, 0, len(text), 0.0, date, None)


def test_a_timeline_prefers_sentences_that_date_their_event() -> None:
    quotes = [_quote("The ferry was old."), _quote("The ferry sank on Monday."),
              _quote("Divers found the hull on Tuesday."), _quote("Nothing here.")]  # fmt: skip
    picks = timeline_picks(quotes, np.array([0.9, 0.8, 0.5, 0.1]))
    assert picks == [1, 2, 0]  # dated first (best first), then the rest above the floor


def test_credit_lines_and_related_links_are_no_events() -> None:
    quotes = [_quote("— Stansted Airport (@STN_Airport) December 22, 2014"),
              _quote("Power was restored at about 5:30 p.m. on Monday."),
              _quote("- Lena (@lenanix) December 22, 2014"),
              _quote("• AirAsia plane found in Java Sea, in pictures"),
              _quote("(AirAsia Flight 8501: What we know so far about the plane’s loss)"),
              _quote("• Divers reached the hull on Tuesday.")]  # fmt: skip
    # (a bulleted sentence is an event; a bulleted headline or a bracketed link is not)
    assert timeline_picks(quotes, np.array([0.9, 0.8, 0.7, 0.7, 0.7, 0.6])) == [1, 5]


def test_one_article_may_give_the_whole_timeline() -> None:
    one = [_quote(f"Event {n} happened on Monday.") for n in range(6)]
    assert len(timeline_picks(one, np.full(6, 0.9))) == 6
    # with several articles each gives at most its share
    many = [_quote(f"Event {n} happened on Monday.", doc="ab"[n % 2]) for n in range(12)]
    many += [_quote(f"Event {n} happened on Monday.", doc=f"d{n}") for n in range(2)]
    picks = timeline_picks(many, np.full(14, 0.9))
    assert len(picks) == 8 and sum(many[i].doc_id == "a" for i in picks) == 3


def test_a_day_s_events_follow_their_clock_times() -> None:
    quotes = [_quote("14.07 Officials cast doubt on the report."),
              _quote("06.48 The agency says a body was found."),
              _quote("The search went on all day."),
              _quote("At 9:24 p.m. the last boat came in.")]  # fmt: skip
    assert [clock_minutes(q.text) for q in quotes] == [847, 408, 24 * 60, 21 * 60 + 24]
    ordered = [q.text[:5] for q in chronological(quotes)]
    assert ordered == ["06.48", "14.07", "At 9:", "The s"]
    assert clock_minutes("12.5 percent of homes flooded.") == 24 * 60
