"""Answers that understand time and sources, composed from cited quotes (rag.news.compose)."""

from __future__ import annotations

import pytest

from rag.news.compose import news_answer, spoken_date, spoken_quantity
from rag.news.intent import intent_of
from rag.news.notes import citation_notes
from rag.records import Answer, AnswerSentence, Citation
from rag.records.news import Disagreement
from rag.ui.sources import render_sources, render_timeline

ARTICLES = {
    "a": "Flight QZ8501 lost contact on Sunday. The navy said 40 bodies had been recovered.",
    "b": "Debris was spotted on Tuesday. Bambang Soelistyo said three bodies had been recovered.",
    "c": "The search resumed on Wednesday. He told reporters the sea was calm.",
}
DATES = {"a": "2014-12-30", "b": "2014-12-30", "c": "2014-12-31"}


def _cite(marker: int, doc: str, sentence: int) -> Citation:
    text = ARTICLES[doc]
    start = 0 if sentence == 0 else text.index(". ") + 2
    end = text.index(".", start) + 1
    return Citation(marker, doc, doc.upper(), "test", text[start:end], start, end, 0.9,
                    DATES[doc])  # fmt: skip


def _answer(question: str, cites: list[Citation]) -> Answer:
    text = " ".join(f"{c.quote} [{c.marker}]" for c in cites)
    sentences = [AnswerSentence(c.quote, (c.marker,)) for c in cites]
    return Answer(question, text, cites, False, question, sentences)


def _compose(question: str, cites: list[Citation]) -> Answer:
    return news_answer(_answer(question, cites), intent_of(question), ARTICLES.get)


def test_citations_carry_resolved_dates_and_quotes_stay_exact() -> None:
    out = _compose("When did the plane lose contact?", [_cite(1, "a", 0)])
    [c] = out.citations
    assert ARTICLES["a"][c.start : c.end] == c.quote
    assert [(d.text, d.date) for d in c.dates] == [("on Sunday", "2014-12-28")]
    assert out.to_dict()["citations"][0]["dates"][0]["date"] == "2014-12-28"


def test_a_pronoun_speaker_is_named_from_the_text_before() -> None:
    text = "Bambang Soelistyo said the search would resume. He told reporters the sea was calm."
    ARTICLES["d"], DATES["d"] = text, "2014-12-31"
    out = _compose("What did Soelistyo say?", [_cite(1, "d", 1)])
    assert out.citations[0].speaker == "Bambang Soelistyo"


def test_a_question_about_the_present_says_as_of_the_newest_cited_date() -> None:
    out = _compose("What is the latest on the search?", [_cite(1, "a", 1), _cite(2, "c", 0)])
    assert out.as_of == "2014-12-31"
    assert out.text.startswith("As of 31 December 2014: ")


def test_a_timeline_lists_events_by_their_resolved_dates() -> None:
    cites = [_cite(1, "c", 0), _cite(2, "b", 0), _cite(3, "a", 0)]
    out = _compose("How did the search unfold?", cites)
    assert [(t.date, t.marker, t.basis) for t in out.timeline] == [
        ("2014-12-28", 3, "text"),
        ("2014-12-30", 2, "text"),
        ("2014-12-31", 1, "text"),
    ]
    first = "- 28 December 2014: Flight QZ8501 lost contact on Sunday. [3]"
    assert out.text.splitlines()[0] == first
    panel = render_sources(out)
    assert (
        panel.index("28 December 2014")
        < panel.index("30 December 2014")
        < panel.index("31 December 2014</time>")
    )


def test_conflicting_counts_are_named_and_marked_in_the_sources_panel() -> None:
    out = _compose("How many bodies have been recovered?", [_cite(1, "a", 1), _cite(2, "b", 1)])
    [d] = out.disagreements
    assert d.verdict == "conflict" and d.quantity == "bodies"
    said = "The sources differ on the number of bodies: 40 bodies [1]; three bodies [2]."
    assert said in out.text
    assert out.sentences[-1].markers == (1, 2)
    notes = citation_notes(out.citations[0], out)
    assert "⚠ sources differ on the number of bodies: 40 bodies [1] vs three bodies [2]" in notes
    assert render_sources(out).count("rag-source rag-disputed") == 2


def test_an_abstention_is_left_alone() -> None:
    empty = Answer("What is the latest?", "The articles don't say.", [], True, "q")
    assert news_answer(empty, intent_of(empty.question), ARTICLES.get) is empty


def test_spoken_date() -> None:
    assert spoken_date("2014-12-22", "week") == "week of 22 December 2014"
    assert (spoken_date("2014-10"), spoken_date("2014"), spoken_date(None)) == (
        "October 2014", "2014", "undated")  # fmt: skip


def test_a_count_a_live_blog_updates_through_the_day_is_a_change() -> None:
    blog = ("19.10 The utility says 190,000 households are still without power.\n"
            "14.30 The utility says 210,000 households are without power.\n"
            "09.15 Police say lights are out at 200 junctions.\n"
            "07.40 The utility says 230,000 households are without power.")  # fmt: skip
    texts = {"blog": blog}
    cites = []
    for marker, line in enumerate(blog.splitlines()[:2], 1):
        start = blog.index(line)
        cites.append(Citation(marker, "blog", "Blog", "test", line, start, start + len(line),
                              0.9, "2026-01-12"))  # fmt: skip
    question = "How many households are without power?"
    out = news_answer(_answer(question, cites), intent_of(question), texts.get)
    [d] = out.disagreements
    assert d.verdict == "change" and [v.date for v in d.values] == [
        "2026-01-12T14:30", "2026-01-12T19:10"]  # fmt: skip
    assert "210,000 households [2] on 12 January 2026, 14.30, then 190,000" in out.text


def _own(doc: str, text: str, date: str) -> Citation:
    ARTICLES[doc], DATES[doc] = text, date
    return Citation(len(doc), doc, doc.upper(), "test", text, 0, len(text), 0.9, date)


def test_a_figure_is_dated_by_the_nearest_date_its_sentence_names() -> None:
    # Thursday is when the fire broke out; its 4,200 hectares were measured on Saturday.
    fire = _own("f1", "A fire that broke out on Thursday afternoon had burned 4,200 hectares by "
                "Saturday morning.", "2025-08-09")  # fmt: skip
    later = _own("f22", "The fire has burned 11,800 hectares, officials said on Monday.",
                 "2025-08-11")  # fmt: skip
    out = _compose("How many hectares has the fire burned?", [fire, later])
    [d] = out.disagreements
    assert d.verdict == "change"
    assert [(v.value, v.date) for v in d.values] == [(4200, "2025-08-09"), (11800, "2025-08-11")]
    # A record set years ago is no rival of this week's demand.
    record = _own("r333", "Demand reached 4,610 megawatts on Sunday, beating the previous "
                  "record of 4,390 megawatts set in August 2022.", "2025-07-21")  # fmt: skip
    peak = _own("p4444", "Demand peaked at 4,870 megawatts on Tuesday.", "2025-07-25")
    [d] = _compose("What was the peak demand?", [record, peak]).disagreements
    assert d.verdict == "change"
    # (and, dated years before, it is another event's figure: left out)
    assert [(v.value, v.date) for v in d.values] == [(4610, "2025-07-20"), (4870, "2025-07-22")]


def test_a_total_counted_since_a_date_is_as_of_its_article() -> None:
    first = _own("h1", "Hospitals admitted 436 people between Thursday and Sunday night.",
                 "2025-07-21")  # fmt: skip
    total = _own("h22", "The board said 1,690 people had been admitted since July 17.",
                 "2025-07-30")  # fmt: skip
    out = _compose("How many people were admitted to hospital?", [first, total])
    [d] = out.disagreements
    assert d.verdict == "change"
    assert [(v.value, v.date) for v in d.values] == [(436, "2025-07-20"), (1690, "2025-07-30")]


def test_a_figure_beside_a_clause_s_date_is_as_of_its_article() -> None:
    # Monday is when the 17 were found; the 34 still missing are Tuesday's count.
    rescued = _own("m1", "The coast guard said 158 people had been rescued, including 17 who "
                   "were found alive on Monday on the rocks, and 34 were still missing.",
                   "2025-03-11")  # fmt: skip
    monday = _own("m22", "Coast guard commander Ines Varga said 68 were still unaccounted for.",
                  "2025-03-10")  # fmt: skip
    [d] = _compose("How many people are missing?", [rescued, monday]).disagreements
    assert d.verdict == "change"
    assert [(v.value, v.date) for v in d.values] == [(68, "2025-03-10"), (34, "2025-03-11")]


def test_a_date_of_the_event_s_own_clause_does_not_date_its_count() -> None:
    # Both counts were given on Wednesday: the crash's Tuesday night dates the crash.
    wire = _own("d1", "At least nine people were killed when an express train left the tracks "
                "on Tuesday night.", "2026-03-11")  # fmt: skip
    railway = _own("d22", "In a statement on Wednesday morning, the railway said seven "
                   "passengers had died.", "2026-03-11")  # fmt: skip
    [d] = _compose("How many people died in the derailment?", [wire, railway]).disagreements
    assert d.verdict == "conflict"
    assert [(v.value, v.date) for v in d.values] == [(9, "2026-03-11"), (7, "2026-03-11")]


def test_a_season_is_said_as_a_season_in_notes_and_timelines() -> None:
    assert spoken_date("1986-03", "season") == "spring 1986"
    assert spoken_date("1986-03", "month") == "March 1986"
    text = "She raised her concerns in the spring of 1986. GCSEs came in September 1986."
    texts = {"t": text}
    first, second = text.split(". ")
    cites = [
        Citation(1, "t", "T", "test", second, len(first) + 2, len(text), 0.9, "2014-12-29"),
        Citation(2, "t", "T", "test", first + ".", 0, len(first) + 1, 0.9, "2014-12-29"),
    ]
    question = "How did the introduction of GCSEs unfold?"
    out = news_answer(_answer(question, cites), intent_of(question), texts.get)
    assert [t.date for t in out.timeline] == ["1986-03", "1986-09"]  # the season first
    assert out.text.startswith("- spring 1986: She raised her concerns")
    assert "\n- September 1986: GCSEs came in September 1986. [1]" in out.text
    assert '<time datetime="1986-03">spring 1986</time>' in render_timeline(out)


def test_unasked_figures_of_undated_articles_are_no_dispute() -> None:
    texts = {
        "x": "The man who attacked four NYPD officers in October had adopted another name.",
        "y": "The vigil followed the murder of two officers in Bed-Stuy on Saturday.",
    }
    cites = [Citation(n, doc, doc, "test", t, 0, len(t), 0.9, None)
             for n, (doc, t) in enumerate(texts.items(), 1)]  # fmt: skip
    question = "Who shot the two NYPD officers?"
    assert news_answer(_answer(question, cites), intent_of(question), texts.get).disagreements == []
    # asked for, the figures are compared
    question = "How many officers were attacked?"
    out = news_answer(_answer(question, cites), intent_of(question), texts.get)
    assert [d.verdict for d in out.disagreements] == ["conflict"]


@pytest.mark.parametrize(
    ("quantity", "said"),
    [
        ("injured", "the number injured"),  # was "The sources differ on injured"
        ("deaths", "the death toll"),
        ("bodies", "the number of bodies"),
        ("aboard", "the number of people aboard"),
        ("people arrested", "the number of people arrested"),
        ("percent (turnout)", "the percentage"),
        ("litres (spill)", "the amount"),
    ],
)
def test_what_is_counted_is_said_as_a_sentence_says_it(quantity: str, said: str) -> None:
    assert spoken_quantity(Disagreement(quantity, "conflict", ())) == said
