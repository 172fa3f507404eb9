"""What a news question asks for: the latest state, a timeline, or what someone said
(`rag.news.said`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rag.news.given import asked_day
from rag.news.said import said_by

Kind = Literal["recency", "timeline", "attribution", "plain"]

# Words of a question about the present state of a story (issue 23's list, plus their forms
# and the other ways English asks for the state of things as they stand: "thus far", "at last
# count", "where do the talks stand", "the status of", "remain"...).
_RECENCY = re.compile(
    r"\b(?:latest|now|still|currently|current|so far|to date|most recent|as of|at present|"
    r"these days|any longer|anymore|yet|update (?:me |us )?on|thus far|at last count|last count|"
    r"as (?:things|it) stands?|(?:at|by) this (?:point|stage|time)|right now|today|tonight|"
    r"newest|up[- ]to[- ]date|recent (?:developments?|news|updates?|figures?)|"
    r"last reported|latest reported|(?-i:state|status|situation) (?:of|in|at|with)(?! emergency)|"
    r"what(?:'s| is) (?:new|happening))\b|"
    r"\bwhere (?:do|does|is|are) .{1,80}? stand\b(?! on\b)|"
    # "remain" as a verb of the present state; "the remains of the plane" is a noun
    r"\bremain(?:s|ing)? (?:missing|without|unaccounted|in|at|under|on|closed|open|stranded|"
    r"trapped|displaced|homeless|hospitali[sz]ed|detained|held|captive|unknown|unclear)\b|"
    r"\bhow many\b.{0,60}\bremain\b|"
    # round 22, from the first check set's misses: where a story is at ("Where's the review
    # at?"), what a count is up to or a price trading at, what is going on, any word on it,
    # how someone is getting on
    r"\bwhere(?:'s|’s| is| are)\b.{0,80}?\bat(?:\s+with\b|\s*[?.!]?\s*$)|"
    r"\b(?:tally|toll|count|total|number|figure|score|price)\b.{0,60}?\bup to\s*[?.!]?\s*$|"
    r"\b(?:is|are|'s|’s)\b.{0,60}?\b(?:trading (?:at|this|today|now)|(?:sitting|hovering) at)\b|"
    r"\bwhat(?:'s|’s| is) (?:going on|the score)\b|"
    r"\bany (?:word|news|updates?|sign) (?:on|of|about)\b|"
    r"\bhow(?:'s|’s| is| are) .{1,80}? (?:getting on|getting along|holding up|coming along|"
    r"looking)\b|"
    # round 23, from the second check set's misses: the newest or updated figures, where a
    # thing stands ("Tell me where US carbon emissions stand this year"; "Where does the
    # senator stand on abortion?" asks a view), and chat's "atm" and "rn" ending a question
    r"\b(?:newest|updated|most up-to-date) (?:figures?|data|numbers?|count|tally|total|"
    r"estimates?|statistics|stats)\b|\bat this point\b|"
    r"\bwhere\b[^?]{1,80}?\bstands?(?=\s*(?:[?.,!]|$|now\b|today\b|this\b|right now\b))|"
    r"(?-i:\b(?:atm|rn))\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# Questions about the state of things without a recency word: present-tense yes/no questions
# ("Is power back at Stansted?", "Have searchers found the fuselage?"), "at the moment", "going
# to", "how is X doing"; past-tense ones ("Did …", "Was …") ask about an event.
_PRESENT = re.compile(
    r"^\s*(?:and\s+)?(?:is|are|has|have)\s|\bat the moment\b|\bgoing to\b|"
    r"\bhow (?:is|are) .{1,80}? doing\b",
    re.IGNORECASE,
)
# The verb of "how did X develop?" ends its clause: in "How did Hamas respond to claims of
# progress …?" the word is a noun (the seed suite's question was answered as a timeline).
_ENDS = (
    r"(?=\s*[?,.;—–:]|\s*$|\s+(?:over|after|since|from|through|during|between|until|across|"
    r"in\s+the\s+(?:days|weeks|months|years|hours|run-up|wake|aftermath)|once|when|as|before|"
    r"following|so\s+far)\b)"
)
_TIMELINE = re.compile(
    r"\b(?:unfold(?:ed|ing)?|timeline|chronolog\w*|sequence of events|"
    r"what happened (?:after|since|next|then|before|following|in the days)|"
    r"(?:events|days) (?:leading|that led) (?:up )?to|"
    rf"how did .{{1,80}}? (?:develop|evolve|progress|play out){_ENDS}|"
    # how something moved over time, and what became of it after an event
    r"how did .{1,80}? (?:change|rise|grow|fall|build up|come together|escalate|shift|"
    r"increase|decrease|climb|drop|spread|worsen|improve|sour|deteriorate|unravel|"
    rf"fall apart|break down|move){_ENDS}|"
    # the same asked in the perfect ("How have the protests evolved since last year?") and
    # as a passage from one state to another ("How did X go from A to B?"): round 22, from
    # the first check set's misses
    r"how (?:has|have|had) .{1,80}? (?:changed|risen|grown|fallen|escalated|shifted|moved|"
    rf"increased|decreased|climbed|dropped|spread|worsened|improved|deteriorated){_ENDS}|"
    r"how did .{1,80}? (?:go|move|turn|grow) from\b|\bfrom .{1,40}? (?:to|until|till) "
    r"(?:now|today|date)\b|what came (?:next|after|then)\b|"
    # what became of people "from the night of the slide on"
    r"\bfrom (?:the|that|then)\b.{0,60}?\bon(?=\s*\??\s*$)|"
    r"what (?:has |had )?happened (?:with|to|over|during|in) .{0,80}?\b(?:after|since|following|"
    r"during|over)|in the (?:days|weeks|hours|months) (?:after|before|following|since)|"
    # the course of a process ("What happened in the search for the fishermen?"), what
    # someone did after an event, how a state of things came about
    r"what (?:has |had )?happened in the (?:search|investigation|inquiry|trial|case|talks|"
    r"negotiations|hunt|rescue|siege|stand-?off|row|dispute)\b|"
    r"what (?:did|has|have|had) .{1,60}? (?:do|done) (?:after|since|following|in the days)|"
    r"how did .{1,80}? (?:come about|get (?:\w+er|worse)|end up)\b|"
    # the steps taken after an event, and a process so far ("What has happened so far in the
    # inquiry into …?")
    r"what steps (?:did|have|has|had|were) .{1,60}? tak(?:e|en)\b|"
    r"what (?:has |had )?happened so far (?:in|with)\b|"
    # what happened over a span of days ("… on the weekend the two officers were killed?")
    r"what (?:has |had )?happened\b.{0,60}?\b(?:on|over|during|across|in) the "
    r"(?:weekend|week|days|weeks|months)|"
    # the events of one day ("What happened on Monday, the third day of the blackout?")
    # ("What happened to the plane on Sunday?" asks one thing)
    r"what (?:has |had )?happened (?:in [\w’' -]{1,40}? )?(?:on|during) (?:the (?:\w+ ){0,2})?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|day)\b|"
    r"schedule for|"
    # the other ways of asking for the events in order ("key events", "walk me through",
    # "what has happened since", "a rundown", "day by day", "the stages of")
    r"(?:key|main|major|biggest) (?:events|developments|milestones|moments|turning points)|"
    r"turning points|progression|(?:walk|take|talk|step)(?: me| us)? (?:through|thru)|"
    r"run (?:me|us) (?:through|thru)|"
    # round 23, from the second check set's misses: how something went or grew from one
    # point to another ("How did the Vision Pro demo go, from the face scan to …?", "what
    # happened with the pool from when it reopened in June up to tonight"), one thing after
    # another, the lead-up to an event, a story pieced together or laid out
    r"how\b[^?]{0,100}?\b(?:go|went|gone|develop\w*|unfold\w*|evolv\w*|progress\w*|"
    r"mov\w* along|buil\w* up|grow\w*|grew|grown|c[ao]me together|bec[ao]me|happen\w*|"
    r"turn\w* out|play\w* out|shap\w* up)\b[^?]{0,100}?\bfrom\b[^?]{1,100}?\b(?:up to|to|"
    r"through|toward|towards|till|until)\b|"
    r"what (?:has |had )?happened (?:with|to|in|at)\b[^?]{1,80}?\bfrom\b[^?]{1,80}?\b"
    r"(?:up to|to|through|till|until)\b|"
    r"one after (?:another|the other)|what (?:has |had )?happened along the way|leading up to|"
    r"(?:lead|run)-?up to|time ?l?ine|timline|piece together|"
    r"(?:lay out|tell me|give me|recount) the (?:whole |full )?story of|(?:the )?sequence of|"
    r"the steps (?:in how|that led|leading)\b|"
    r"how .{1,80}? developed on\b|"
    r"order of events|in the order (?:it|they|things|events) happened|(?:from )?start to finish|"
    r"successive (?:developments|events|steps)|build-?up (?:of|to)|how (?:did|has|have) .{1,80}? "
    r"play(?:ed)? out\b|(?:what|everything that) (?:has |had )?happened since|"
    r"what (?:has |had )?happened (?:in|with) .{1,80}? so far|run-?down|recap|"
    r"led up to|in what order|on each day|"
    # one step of the story at a time: "day by day", "stage by stage", "blow-by-blow"
    r"(?P<unit>stage|step|day|week|month|year|decade|hour|minute|moment|round|lap|wicket|inning|"
    r"quarter|phase|session|blow)s?[- ]by[- ](?P=unit)|"
    r"(?:course|stages|chain) of (?:events|the)|"
    rf"how (?:has|have|had) .{{1,80}}? (?:developed|evolved|progressed|played out){_ENDS}|"
    # a story told from its start: "the story so far", "the backstory of", "trace X's career",
    # "over the years", "the milestones in", "the history of", "…, in order?"
    r"story so far|back-?story|^\s*trace\b|(?:over|through) the (?:years|decades)|"
    r"(?:the )?milestones (?:in|of)|history of|sequence of (?:developments|steps|moves)|"
    r"in (?:chronological |date |time |historical )?order(?! to)|in sequence)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Intent:
    """The kind of a news question; for an attribution, the speaker asked about (None for
    "Who said ...?", which asks for the speaker); the day it asks about, if any."""

    kind: Kind
    speaker: str | None = None
    day: str | None = None  # the day asked about ("as of Wednesday"), see `rag.news.given`


def intent_of(question: str, learned: Callable[[str], frozenset[str]] | None = None) -> Intent:
    """The kind of ``question``: ``timeline``, ``attribution``, ``recency`` or ``plain``.

    Args:
        question: the user's question.
        learned: a learned reader of the question (`Reader.question_kinds`), asked where the
            patterns read no kind: readers word a timeline or the present in more ways than
            any list, and where a pattern speaks, it is the surer reading.

    Returns:
        Its `Intent`; a timeline wins over recency ("How has the search unfolded so far?").
    """
    if _TIMELINE.search(question):
        return Intent("timeline")
    day = asked_day(question)
    asked, who = said_by(question)
    if asked:
        return Intent("attribution", who, day)
    # "as of Wednesday", "still … on Monday afternoon": the asked day, not the newest news
    if (_RECENCY.search(question) or _PRESENT.search(question)) and not day:
        return Intent("recency")
    kinds = learned(question) if learned is not None else frozenset()
    if "timeline" in kinds:
        return Intent("timeline", None, day)
    if "recency" in kinds and not day:
        return Intent("recency")
    return Intent("plain", None, day)
