"""Answers that understand time and sources: dated, attributed citations, "As of", timelines
and figures that differ, added to an answer without altering any quote."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from rag.news.asked import asked_quantity
from rag.news.counts import Figure
from rag.news.dates import SEASON_OF, base_date, resolve_dates
from rag.news.events import event_date
from rag.news.figures import disagreements
from rag.news.given import given_at
from rag.news.intent import Intent
from rag.news.measures import asked_measures, measured, measures_of
from rag.news.people import body_named, introduced
from rag.news.select import NO_TIME, entry_minutes, live_blog
from rag.news.speakers import speaker_of
from rag.records import Answer, AnswerSentence, Citation
from rag.records.news import Disagreement, TimelineEntry

# How much article text around a quote is read for its speaker: about three sentences of wire
# copy before it (to resolve "he said"; the resolver looks back at most three) and after it
# (a body's spokesman quoted next).
_CONTEXT_CHARS = 1200


def spoken_date(date: str | None, precision: str | None = "day") -> str:
    """An ISO date as people write it: "30 December 2014", "December 2014", "2014", and a
    season's ("1986-03" at precision "season") "spring 1986"."""
    if not date:
        return "undated"
    if precision == "season" and len(date) == 7 and (name := SEASON_OF.get(int(date[5:]))):
        return f"{name} {date[:4]}"
    try:
        if len(date) == 4:
            return date
        if len(date) == 7:
            return dt.date.fromisoformat(date + "-01").strftime("%B %Y")
        day = dt.date.fromisoformat(date[:10])
    except ValueError:
        return date
    text = f"{day.day} {day:%B %Y}"
    if len(date) > 10:  # a live-blog entry's time ("2026-01-12T14:30")
        text += f", {date[11:16].replace(':', '.')}"
    return f"week of {text}" if precision == "week" else text


def speaker_at(article_text: str | None, quote: str, start: int, end: int) -> str | None:
    """Who the sentence ``quote`` at ``start:end`` of the article attributes its claim to,
    read with the text around it ("he said" before, a body's spokesman after) and named as
    the article introduced them."""
    text = article_text or ""
    who = speaker_of(quote, text[max(0, start - _CONTEXT_CHARS) : start],
                     text[end : end + _CONTEXT_CHARS])  # fmt: skip
    # "the airline" → "Bluecrest Airlines"; "Osk" → "Mira Osk, the operator's chief executive"
    return body_named(text, start, who) or introduced(who, article_text)


def annotate(citation: Citation, article_text: str | None) -> Citation:
    """``citation`` with the dates its quote names and the speaker its claim is attributed to."""
    return replace(
        citation,
        dates=resolve_dates(citation.quote, citation.date),
        speaker=speaker_at(article_text, citation.quote, citation.start, citation.end),
    )


def when(citation: Citation) -> tuple[str | None, str]:
    """When the cited event happened (see `event_date`)."""
    return event_date(citation.dates, citation.date, citation.quote)


def event_label(entry: TimelineEntry, citation: Citation) -> str:
    """A timeline entry's date as people write it, at the precision of the mention that
    gave it ("spring 1986", not "March 1986")."""
    precision = next((d.precision for d in citation.dates if d.date == entry.date), "day")
    return spoken_date(entry.date, precision if entry.basis == "text" else "day")


def _said_at(citation: Citation, article: str | None) -> str | None:
    """When the cited figure was given: its event date, with the time of its live-blog entry
    ("2026-01-12T14:30"), so that a figure a live blog updates through the day is a change."""
    date = when(citation)[0]
    if date and len(date) == 10 and article and live_blog(article):
        minutes = entry_minutes(citation.quote, citation.start, article)
        if minutes != NO_TIME:
            date += f"T{minutes // 60:02d}:{minutes % 60:02d}"
    return date


def _as_of(citations: list[Citation]) -> str | None:
    days = [d for c in citations if (d := base_date(c.date))]
    return max(days).isoformat() if days else None


# Quantities said otherwise than "the number of <key>": people in a state ("injured" → "the
# number injured"), a toll, a crowd ("The sources differ on injured" was no English).
_SPOKEN = {"aboard": "the number of people aboard", "deaths": "the death toll",
           "injured": "the number injured", "missing": "the number missing",
           "trapped": "the number trapped", "in hospital": "the number in hospital",
           "people evacuated": "the number evacuated",
           "crowd": "the size of the crowd"}  # fmt: skip
_MEASURE_SPOKEN = {"percent": "the percentage", "metres": "the figure in metres",
                   "feet": "the figure in feet", "km": "the distance",
                   "miles": "the distance"}  # fmt: skip


def spoken_quantity(d: Disagreement) -> str:
    """What the figures of ``d`` count or measure, as a sentence says it ("the number of
    bodies", "the death toll", "the percentage")."""
    if measured(d.quantity):  # "metres (peak)": said by its unit
        return _MEASURE_SPOKEN.get(d.quantity.split(" (")[0], "the amount")
    return _SPOKEN.get(d.quantity, f"the number of {d.quantity}")


def _figures_text(d: Disagreement) -> str:
    what = spoken_quantity(d)
    if d.verdict == "change":
        steps = ", then ".join(f"{v.text} [{v.marker}] on {spoken_date(v.date)}"
                               for v in d.values)  # fmt: skip
        return f"{what[0].upper()}{what[1:]} changed over time: {steps}."
    rivals = "; ".join(f"{v.text} [{v.marker}]" for v in d.values)
    return f"The sources differ on {what}: {rivals}."


def news_answer(
    answer: Answer, intent: Intent, article_text: Callable[[str], str | None], write: bool = True
) -> Answer:  # fmt: skip
    """``answer`` made to understand time and sources.

    Every citation gets its resolved dates and speaker; a question about the present says
    "As of" the newest cited article's date; a timeline question lists its events by date;
    cited figures that differ are named as a conflict or a change.

    Args:
        answer: an extractive or LLM answer (its quotes are left as they are).
        intent: what the question asks (`rag.news.intent.intent_of`).
        article_text: an article's text by doc id.
        write: False to leave ``text`` and ``sentences`` as they are (an LLM answer already
            streamed) and fill in the fields only.

    Returns:
        The answer with ``citations``, ``as_of``, ``timeline``, ``disagreements`` and
        ``text``/``sentences`` extended accordingly.
    """
    if answer.abstained or not answer.citations:
        return answer
    texts = {c.doc_id: article_text(c.doc_id) for c in answer.citations}  # one read per article
    citations = [annotate(c, texts[c.doc_id]) for c in answer.citations]
    text, sentences = answer.text, list(answer.sentences)
    timeline: list[TimelineEntry] = []
    if intent.kind == "timeline":
        for c in citations:
            date, basis = when(c)
            timeline.append(TimelineEntry(date, c.marker, basis))  # type: ignore[arg-type]
        timeline.sort(key=lambda t: (t.date is None, t.date or "", t.marker))
    cited = [(c.marker, c.quote, _said_at(c, texts[c.doc_id])) for c in citations]
    sources = {c.marker: (c.doc_id, c.speaker) for c in citations}
    wanted = asked_measures(answer.question)

    def asked_measures_of(sentence: str) -> list[Figure]:
        return [f for f in measures_of(sentence) if measured(f.quantity) in wanted]

    pairs = zip(citations, cited, strict=True)
    dated = {marker: given_at(c.dates, c.quote, said, c.date) for c, (marker, _, said) in pairs}
    asked = asked_quantity(answer.question)
    differ = disagreements(cited, asked, sources, asked_measures_of, dated)
    if asked is None and not wanted:
        # Figures nobody asked for, of articles with no date, are as likely two events' as a
        # dispute (the four officers of an October attack beside the two killed in December).
        differ = [d for d in differ if any(v.date for v in d.values)]
    as_of = _as_of(citations) if intent.kind == "recency" else None
    if write:
        text, sentences = _written(text, sentences, citations, timeline, differ, as_of)
    return replace(answer, citations=citations, text=text, sentences=sentences, as_of=as_of,
                   timeline=timeline, disagreements=differ)  # fmt: skip


def _written(
    text: str, sentences: list[AnswerSentence], citations: list[Citation],
    timeline: list[TimelineEntry], differ: list[Disagreement], as_of: str | None,
) -> tuple[str, list[AnswerSentence]]:  # fmt: skip
    """The answer's text and sentences as a timeline, with figure notes and "As of"."""
    if timeline:
        by_marker = {c.marker: c for c in citations}
        lines = [f"{event_label(t, by_marker[t.marker])}: {by_marker[t.marker].quote} [{t.marker}]"
                 for t in timeline]  # fmt: skip
        text = "\n".join(f"- {line}" for line in lines)
        sentences = [AnswerSentence(by_marker[t.marker].quote, (t.marker,)) for t in timeline]
    for d in differ:
        note = _figures_text(d)
        text += ("\n" if timeline else " ") + note
        sentences.append(AnswerSentence(note, tuple(v.marker for v in d.values)))
    if as_of:
        text = f"As of {spoken_date(as_of)}: {text}"
    return text, sentences
