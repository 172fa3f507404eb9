"""A short answer of the wrong form: the article's figure for a neighbouring attribute.

When an article names the subject but not the detail asked, the reader's best sentence often
holds a value of another form beside the subject, and the span model reads it as the answer:
"93 year-old" for "When is Mugabe's term due to end?", "44-year-old" for "How long has David
Taylor lived in Montreal?", "just one week" for "How many games did Ferguson miss?", "30-20"
(the final score) for "How many touchdown passes did Rodgers throw?" (review round 19: 4 of
its 36 answered near misses; on train's answers, an age for another question: 3 near misses,
no answerable question). A question's form is read from its words, the phrase's from its own;
the answer is abstained on (`rag.answer.extractive`), as for another event's past date
(`rag.answer.when.past_for_future`). A calendar day for "How long …?" is left alone: "at
least July 12" answers "How long has the ransomware been around?" (train).
"""

from __future__ import annotations

import re

from rag.answer.ages import asks_age, gives_age
from rag.answer.kinds import asked_kind, counted_noun, kinds_in
from rag.answer.parts import split_parts
from rag.answer.when import past_for_future
from rag.news.asked import asked_quantity
from rag.news.counts import PEOPLE_STATES, figures_of

# "How long has she lived there?" asks a duration: its answer is no count of anything else.
_HOW_LONG = re.compile(r"\bhow long\b", re.I)
_TIME_UNITS = frozenset(
    """second seconds minute minutes hour hours day days week weeks month months year years
    decade decades century centuries night nights weekend weekends season seasons term terms
    time times""".split()
)
# A stretch of time alone ("just one week", "two years"), no count of anything else.
_DURATION = re.compile(
    r"(?:(?:just|only|about|nearly|almost|more than|less than|over|under|around|some)\s+)*"
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|\d+)\s+"
    r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)",
    re.I,
)
_SCORE = re.compile(r"\d{1,3}-\d{1,3}")  # a match's final score ("30-20")
_SCORED = frozenset("points goals runs votes seats wickets sets games matches".split())


# People in these states may be counted as one another ("How many were injured?" by "20
# remain in hospital"): neither is another state's count for the other.
_KIN_STATES = frozenset({"injured", "in hospital"})
# Being aboard is no fate: "killing all 298 people aboard" counts the dead too (train).
_ABOARD = "aboard"


def misfit(question: str, phrase: str, sentence: str = "") -> bool:
    """Whether the short answer ``phrase`` (of ``sentence``) is of another form than
    ``question`` asks: an age for anything but an age, a duration, a score or a measure for a
    count of something else, a count of people in another state ("12 people" who died for
    "How many people were hurt?") where the sentence counts none in the asked one."""
    if gives_age(phrase) and not asks_age(question):
        return True
    if sentence and _other_state(question, phrase, sentence):
        return True
    if _measure_for_count(question, phrase):
        return True
    counted = counted_noun(question)
    if not counted or counted in _TIME_UNITS or _HOW_LONG.search(question):
        return False
    if _DURATION.fullmatch(phrase.strip()):
        return True
    return bool(_SCORE.fullmatch(phrase.strip())) and counted not in _SCORED


_OF_THEM = re.compile(r"\bhow many of\b", re.I)
# A figure in the phrase: digits or a number in words. Not `forms.NUMBER_WORDS`: `kinds_in`
# reads no teens as a count, and "Fourteen people" (time dev) would be taken for a measure.
_FIGURE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens?)\b", re.I)


def _measure_for_count(question: str, phrase: str) -> bool:
    """Whether ``phrase`` gives a measure (a share, a length, a sum) where a one-part
    ``question`` asks how many things: "20.8 to 23.5 percent" for "How many Indigenous people
    live in intact forest landscapes?", "roughly 6,500 miles" (of sewer lines) for "How many
    sewer line breaks …?" (reader dev: 2 near misses; train: 3, "$500" for "How many Switch
    consoles were sold?"; no answerable one-part question of any suite). "How many of the
    voters …?" may be answered by a share ("52 percent")."""
    return (
        asked_kind(question) == "count"
        and not _OF_THEM.search(question)
        and bool(_FIGURE.search(phrase))
        and "count" not in kinds_in(phrase)
        and len(split_parts(question)) == 1
    )


def _other_state(question: str, phrase: str, sentence: str) -> bool:
    """Whether ``phrase`` counts people in another state than the one ``question`` asks
    about, and ``sentence`` counts none in the asked one (`rag.news.counts`)."""
    asked = asked_quantity(question)
    if asked not in PEOPLE_STATES or asked == _ABOARD:
        return False
    read = figures_of(sentence)
    mine = [f.quantity for f in read if f.text in phrase or phrase in f.text]
    return (
        bool(mine)
        and asked not in {f.quantity for f in read}
        and all(q in PEOPLE_STATES and q != _ABOARD and not {q, asked} <= _KIN_STATES for q in mine)
    )


def another_detail(question: str, phrase: str, sentence: str, published: str | None) -> bool:
    """Whether the short answer ``phrase`` of ``sentence`` is another detail's than
    ``question`` asks: of another form (`misfit`), or a past date for what is to come
    (`past_for_future`; the best sentence's article ``published`` then)."""
    return misfit(question, phrase, sentence) or past_for_future(question, phrase, published)
