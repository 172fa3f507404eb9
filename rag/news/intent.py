"""What a news question asks for: the latest state, a timeline, or what someone said."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rag.news.given import asked_day

Kind = Literal["recency", "timeline", "attribution", "plain"]

# Words of a question about the present state of a story (issue 23's list, plus their forms
# and the other ways English asks for the state of things as they stand: "thus far", "at last
# count", "where do the talks stand", "the status of", "remain"...).
_RECENCY = re.compile(
    r"\b(?:latest|now|still|currently|current|so far|to date|most recent|as of|at present|"
    r"these days|any longer|anymore|yet|update on|thus far|at last count|last count|"
    r"as (?:things|it) stands?|at this (?:point|stage|time)|right now|today|tonight|"
    r"newest|up[- ]to[- ]date|recent (?:developments?|news|updates?|figures?)|"
    r"last reported|latest reported|(?-i:state|status|situation) (?:of|in|at|with)(?! emergency)|"
    r"what(?:'s| is) (?:new|happening))\b|"
    r"\bwhere (?:do|does|is|are) .{1,80}? stand\b|"
    # "remain" as a verb of the present state; "the remains of the plane" is a noun
    r"\bremain(?:s|ing)? (?:missing|without|unaccounted|in|at|under|on|closed|open|stranded|"
    r"trapped|displaced|homeless|hospitali[sz]ed|detained|held|captive|unknown|unclear)\b|"
    r"\bhow many\b.{0,60}\bremain\b",
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
    r"(?=\s*[?,.;]|\s*$|\s+(?:over|after|since|from|through|during|between|until|across|"
    r"in\s+the\s+(?:days|weeks|months|years|hours|run-up|wake|aftermath)|once|when|as|before|"
    r"following|so\s+far)\b)"
)
_TIMELINE = re.compile(
    r"\b(?:unfold(?:ed|ing)?|timeline|chronolog\w*|sequence of events|step by step|"
    r"what happened (?:after|since|next|then|before|following|in the days)|"
    r"(?:events|days) (?:leading|that led) (?:up )?to|"
    rf"how did .{{1,80}}? (?:develop|evolve|progress|play out){_ENDS}|"
    # how something moved over time, and what became of it after an event
    r"how did .{1,80}? (?:change|rise|grow|fall|build up|come together|escalate|shift|"
    r"increase|decrease|climb|drop|spread|worsen|improve|sour|deteriorate|unravel|"
    rf"fall apart|break down){_ENDS}|"
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
    r"walk (?:me|us) through|(?:what|everything that) (?:has |had )?happened since|"
    r"what (?:has |had )?happened (?:in|with) .{1,80}? so far|run-?down|recap|"
    r"led up to|in what order|day[- ]by[- ]day|hour[- ]by[- ]hour|on each day|"
    r"(?:course|stages|chain) of (?:events|the)|"
    rf"how has .{{1,80}}? (?:developed|evolved|progressed|played out){_ENDS}|"
    # a story told from its start: "the story so far", "the backstory of", "trace X's career",
    # "over the years", "the milestones in", "the history of", "…, in order?"
    r"story so far|back-?story|^\s*trace\b|(?:over|through) the (?:years|decades)|"
    r"year by year|(?:the )?milestones (?:in|of)|history of|in (?:chronological )?order(?! to))\b",
    re.IGNORECASE,
)
_SPEECH = (
    r"say|said|claim|deny|denied|tell|told|announce|report|warn|argue|admit|insist|respond|"
    r"react|describe|explain|confirm|state|suggest|reveal|promise|predict|vow|mean|accuse|"
    # what a speaker holds or asks for is known from what they said
    r"think|believe|want|demand|blame|conclude|recommend|concede|acknowledge|allege|urge|"
    r"estimate|complain|criticis|criticiz|praise|dismiss|reject|defend|testify|stress|emphasi|"
    # an opinion asked for ("What does X make of Y?"), an answer to a charge, a pledge
    r"make of|made of|answer|pledge|"
    # a challenge is said ("Who questioned the turnout figure?", "Who objected to …?")
    r"question|object|dispute"
)
# The speaker is a phrase of one to eight words without a comma, a verb or a conjunction,
# after an optional article ("What does the report say …?" names "report", not "the"; "What
# did a source close to the investigation tell …?" names the source; "What does Yahoo have to
# pay Verizon if investors reject …?" names no one); "have to say" is saying.
_NOT_WHO = r"(?:have|has|had|if|when|because|while|and|or|but|will|would|can|could)\b"
_WHO = rf"(?:(?:the|a|an)\s+)?(?!{_NOT_WHO})[^\s,?]+(?:\s+(?!{_NOT_WHO})[^\s,?]+){{0,7}}?"
# A speech verb's forms, not an adverb made of it ("allegedly abduct" is no allegation) nor
# a noun's possessive ("walking into the state's courthouse").
_VERB = rf"(?:{_SPEECH})(?!\w*ly\b)\w*(?![’']s\b)"
# After "was/were/is" only the -ing form is a speaker's act ("What was Hamas saying …?");
# "What was the last reported toll?" is a passive, no speaker asked about.
_WHAT_DID = re.compile(
    rf"^\s*(?:and\s+)?(?:what|how|whom|who)\s+(?:(?:did|does|do|has|have|had)\s+(?P<who>{_WHO})"
    rf"(?:\s+(?:have|has|had)\s+to)?\s+{_VERB}|"
    rf"(?:was|were|is|are)\s+(?P<who2>{_WHO})\s+(?:{_SPEECH})\w*ing)\b",
    re.IGNORECASE,
)
# "What reason did the airline give …?", "What criticism did the opposition make …?"
_WORDS = (
    r"reason|explanation|excuse|justification|comments?|criticism|warning|message|promise|"
    r"assurance|answer|response|reply|objections?|arguments?|demands?|remarks?|statement|"
    r"account|version|defen[cs]e|complaints?|concerns?|view|verdict|assessment|take|"
    r"position|stance|reaction|claims?|testimony|opinion|thoughts|reasoning|pledge|plea|advice"
)
_WHAT_WORD_DID = re.compile(
    rf"^\s*(?:and\s+)?(?:what|which)\s+(?:{_WORDS})(?:\s+and\s+(?:{_WORDS}))?\s+"
    rf"(?:did|does|do|has|have|had)\s+"
    rf"(?P<who>{_WHO})\s+(?:give|offer|make|provide|issue|send|have|voice|raise|put forward)\b",
    re.IGNORECASE,
)
_ACCORDING = re.compile(
    r"\baccording to\s+(?!whom\b)(?P<who>[^,?]+?)(?:,|\?|$| (?:what|how|who|when))", re.IGNORECASE
)
_POSSESSIVE = re.compile(
    rf"^\s*(?:and\s+)?what (?:was|is|were|are)\s+(?P<who>.+?)[’']s?\s+(?:{_WORDS})\b|"
    rf"^\s*(?:and\s+)?what (?:was|is|were|are) the (?:{_WORDS}) (?:of|from|by)\s+(?P<who2>[^,?]+)",
    re.IGNORECASE,
)
# "According to whom …?", "Whose figures …?", "Who branded …?" ask who said it.
_WHO_SAID = re.compile(
    rf"^\s*(?:and\s+)?(?:who\s+(?:(?:{_SPEECH})\w*|brand\w*|dub\w*|went public|"
    rf"goes public)\b|according to whom\b|whose (?:figures|data|numbers|estimates?|count|"
    rf"tally|research|study|account|analysis|report)\b)",
    re.IGNORECASE,
)
# "Which official said …?", "What agency warned …?": the question asks for the speaker ("What
# are they accused of?" asks what).
_AUX = r"(?:is|are|was|were|did|do|does|has|have|had|will|would|can|could)"
_WHICH_SAID = re.compile(
    rf"^\s*(?:and\s+)?(?:which|what)\s+(?:(?!{_AUX}\b)[\w’'-]+\s+){{1,3}}?(?:said|told|warned|claimed|"
    rf"denied|announced|insisted|admitted|argued|confirmed|accused|blamed|urged|testified|"
    rf"reported|revealed|branded|estimated|predicted|went public)\b",
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
    for pattern in (_WHAT_DID, _WHAT_WORD_DID, _POSSESSIVE, _ACCORDING):
        m = pattern.search(question)
        if m:
            said = m["who"] or m.groupdict().get("who2") or ""
            who = re.sub(r"^(?:the|a|an)\s+", "", said.strip(), flags=re.IGNORECASE)
            return Intent("attribution", who, day)
    if _WHO_SAID.search(question) or _WHICH_SAID.search(question):
        return Intent("attribution", None, day)
    # "as of Wednesday", "still … on Monday afternoon": the asked day, not the newest news
    if (_RECENCY.search(question) or _PRESENT.search(question)) and not day:
        return Intent("recency")
    kinds = learned(question) if learned is not None else frozenset()
    if "timeline" in kinds:
        return Intent("timeline", None, day)
    if "recency" in kinds and not day:
        return Intent("recency")
    return Intent("plain", None, day)
