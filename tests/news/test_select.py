"""Evidence choice for timelines: which events, and in what order (rag.news.select)."""

from __future__ import annotations

from typing import Any

import numpy as np

from rag.news.given import OTHER_DAY
from rag.news.intent import intent_of
from rag.news.rivals import about_asked, rival_figures
from rag.news.select import (
    OTHER_SPEAKER,
    chronological,
    clock_minutes,
    entry_minutes,
    reweigh,
    timeline_picks,
)
from rag.records import Quote


def _quote(text: str, doc: str = "a", date: str | None = "2025-03-12", start: int = 0) -> Quote:
    return Quote(doc, doc, doc, text, start, start + len(text), 0.0, date, None)


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


def _nobody(_: Quote) -> str | None:
    return None


def _no_article(_: str) -> str | None:
    return None


def _rivals(question: str, chosen: list[Quote], quotes: list[Quote], probs: list[float],
            speaker: Any = _nobody, article: Any = _no_article) -> list[int]:  # fmt: skip
    about = about_asked(question, article)
    return rival_figures(question, chosen, quotes, np.array(probs), speaker, about)


def test_a_measure_question_gets_another_source_s_value() -> None:
    question = "What was turnout in the governor election?"
    chosen = [_quote("Clean Ballot put turnout at 58.2 percent.", doc="a")]
    quotes = [_quote("Lasko put preliminary turnout at 61.4 percent.", doc="b"),
              _quote("Turnout was 55 percent four years ago, she said.", doc="a", start=90),
              _quote("Dallin won 50.8 percent of the vote.", doc="c")]  # fmt: skip
    probs = np.array([0.5, 0.6, 0.9])
    # another article's turnout, not a share of the vote, not the same article's old figure
    about = about_asked(question, _no_article)
    assert rival_figures(question, chosen, quotes, probs, _nobody, about) == [0]


def test_a_rival_measure_of_the_same_article_needs_another_named_speaker() -> None:
    question = "How much did the bank earn?"
    chosen = [_quote("The bank earned $4.9 billion in the quarter.")]
    quotes = [_quote("The bank earned $39.7 billion over two years, the analyst said.", start=90)]
    assert _rivals(question, chosen, quotes, [0.8]) == []

    def named(q: Quote) -> str | None:
        return "the analyst" if "analyst" in q.text else "the bank"

    assert _rivals(question, chosen, quotes, [0.8], named) == [0]
    # counts name what they count: one article's two counts are compared
    counts = [_quote("The manifest listed 212 people aboard the ferry."),
              _quote("As many as 240 people may have boarded the ferry.", start=60)]  # fmt: skip
    how_many = "How many people were aboard the ferry?"
    assert _rivals(how_many, counts[:1], counts[1:], [0.8]) == [0]


def test_a_live_blog_s_sentences_take_their_entry_s_time() -> None:
    blog = "\n".join(["14.07 An official cast doubt on the claim.",
                      '"No victim wore a life jacket," he said.',
                      "06.48 The agency says a body wore a life jacket.",
                      "06.25 He spoke to the search chief.",
                      "He is not aware of any bodies in life jackets."])  # fmt: skip

    def at(text: str) -> Quote:
        return _quote(text, doc="blog", start=blog.index(text))

    said, unaware = at('"No victim wore a life jacket," he said.'), at("He is not aware")
    assert [entry_minutes(q.text, q.start, blog) for q in (said, unaware)] == [847, 385]
    quotes = [said, at("06.48 The agency"), unaware]
    ordered = chronological(quotes, {"blog": blog}.get)
    assert [q.text[:8] for q in ordered] == ["He is no", "06.48 Th", '"No vict']
    # without the article, or in a page with no entries, a sentence has no time of its own
    once = "A day.\n14.07 Once."
    assert entry_minutes(said.text, 0, None) == entry_minutes(said.text, 20, once) == 24 * 60


def test_a_rival_measure_is_of_what_the_answer_s_figure_is_about() -> None:
    question = "How much did the bank earn in its latest quarter?"
    chosen = [_quote("The bank earned $4.9 billion in its latest quarter.", doc="a")]
    quotes = [
        _quote("The retailer earned $2 billion last year.", doc="b"),
        _quote("Analysts said the bank earned $5.1 billion in the quarter.", doc="c"),
    ]
    # the retailer's earnings share only the measured word with the question
    assert _rivals(question, chosen, quotes, [0.9, 0.5]) == [1]


def test_a_rival_comes_from_an_article_that_names_the_asked_subject() -> None:
    question = "How many people were killed in the Bardo's museum attack?"
    chosen = [_quote("Gunmen opened fire at the museum, killing at least 19 people.", doc="a")]
    quotes = [_quote("Approximately 1,200 people were killed in the initial attack.", doc="b"),
              _quote("At least 20 people were killed, officials said.", doc="c")]  # fmt: skip
    texts = {
        "a": "The Bardo museum …",
        "b": "Hamas attacked Israel …",
        "c": "In Tunis, the Bardo …",
    }
    assert _rivals(question, chosen, quotes, [0.8, 0.7], article=texts.get) == [1]


def test_an_answer_without_the_asked_count_gets_the_best_sentence_with_one() -> None:
    question = "How many people were on board the plane?"
    chosen = [_quote("Three people killed on the flight were found holding hands.", doc="a")]
    quotes = [_quote('A pilot said: "There are seven to eight people."', doc="b"),
              _quote("The plane was carrying 162 people.", doc="c"),
              _quote("The airline flies 20 million passengers a year.", doc="d")]  # fmt: skip
    assert _rivals(question, chosen, quotes, [0.9, 0.5, 0.04]) == [1]  # 0.04: below the floor
    assert _rivals(question, chosen, quotes[:1], [0.9]) == []


def test_who_said_prefers_someone_s_words() -> None:
    quotes = [_quote("The line reopened on Saturday."),
              _quote('Tess Maguire called the decision "reckless".')]  # fmt: skip
    speakers = {quotes[1].text: "Tess Maguire"}
    out = reweigh(intent_of("Who objected to reopening the line?"), quotes,
                  np.array([0.9, 0.8]), 0.1, lambda q: speakers.get(q.text))  # fmt: skip
    assert out.tolist() == [0.9 * OTHER_SPEAKER, 0.8]


def test_a_question_asking_a_day_prefers_what_was_given_that_day() -> None:
    thursday = _quote("Police said on Thursday that 12 people had died.", date="2026-03-12")
    quotes = [thursday, _quote("On Wednesday, the railway said seven had died.", date="2026-03-11")]
    out = reweigh(intent_of("How many had died as of Wednesday?"), quotes,
                  np.array([0.9, 0.8]), 0.1, lambda q: None)  # fmt: skip
    assert out.tolist() == [0.9 * OTHER_DAY, 0.8]


def test_the_first_count_found_gets_its_rival_and_only_of_the_asked_day() -> None:
    question = "How many miners were trapped on Monday?"
    chosen = [_quote("Eight of the miners are alive.", doc="a")]
    quotes = [_quote("On Monday, eleven miners were trapped, the company said.", doc="b",
                     date="2025-11-03"),
              _quote("Fourteen men were still trapped on Monday, the union said.", doc="b",
                     date="2025-11-03", start=80),
              _quote("Eight men were still trapped on Wednesday.", doc="c",
                     date="2025-11-05")]  # fmt: skip
    assert _rivals(question, chosen, quotes, [0.9, 0.8, 0.85]) == [0, 1]


def test_a_rival_beyond_the_passages_read_is_another_named_source_s() -> None:
    question = "How many people died in the crush?"
    chosen = [_quote("Police said nine people died in the crush.", doc="a")]
    wider = [
        _quote("Nine people died in the crush, the paper said again.", doc="a", start=50),
        _quote("Twelve people died in the crush, a doctor said.", doc="a", start=99),
        _quote("The crush killed 12 people, according to the mayor.", doc="a", start=150),
    ]

    def named(q: Quote) -> str | None:
        return "the mayor" if "mayor" in q.text else "Police" if "Police" in q.text else None

    # indexes past the candidates are the wider sentences'; one with no named source is none
    about = about_asked(question, _no_article)
    got = rival_figures(question, chosen, [], np.array([]), named, about, wider)
    assert got == []  # no candidate was rated: nothing to weigh them against
    quotes = [_quote("The festival was cancelled.", doc="a", start=300)]
    got = rival_figures(question, chosen, quotes, np.array([0.9]), named, about, wider)
    assert got == [3]


def test_an_earlier_event_s_figure_is_no_answer_to_set_rivals_against() -> None:
    question = "How many people died in the Kovrin earthquake?"
    chosen = [_quote("An earthquake in the same valley in 1978 left 23 dead.", date="2026-02-02")]
    quotes = [
        _quote("The Kovrin quake killed at least 38 people.", doc="b", date="2026-02-02"),
        _quote("A quake in 1978 killed 23 people in Kovrin.", doc="c", date="2026-02-03"),
        _quote("The governor said 51 had died in Kovrin.", doc="d", date="2026-02-02"),
    ]
    # the story's first count is taken as the answer's, and its rival; 1978's are left out
    assert _rivals(question, chosen, quotes, [0.9, 0.8, 0.5]) == [0, 2]
