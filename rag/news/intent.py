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
    r"these days|any longer|anymore|yet|update (?:me |us )?on|thus far|at last count|last count|"
    r"as (?:things|it) stands?|(?:at|by) this (?:point|stage|time)|right now|today|tonight|"
    r"newest|up[- ]to[- ]date|recent (?:developments?|news|updates?|figures?)|"
    r"last reported|latest reported|(?-i:state|status|situation) (?:of|in|at|with)(?! emergency)|"
    r"what(?:'s| is) (?:new|happening))\b|"
    r"\bwhere (?:do|does|is|are) .{1,80}? stand\b|"
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
    r"looking)\b",
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


def _speaker_phrase(words: int) -> str:
    """A speaker phrase of one to ``words`` words (see above)."""
    word = rf"(?!{_NOT_WHO})[^\s,?]+"
    return rf"(?:(?:the|a|an)\s+)?{word}(?:\s+{word}){{0,{words - 1}}}?"


_WHO = _speaker_phrase(8)
# A yes/no question's speaker is a short phrase ("Did the head of Halvard know about the
# miners' complaints?" asks no speaker's words).
_SHORT_WHO = _speaker_phrase(4)
# A speech verb's forms, not an adverb made of it ("allegedly abduct" is no allegation) nor
# a noun's possessive ("walking into the state's courthouse"); and words written or shouted,
# or a view talked about (round 22, the first attribution check's misses: "What did Tony
# Fernandes tweet …?", "How did Paltrow talk about Affleck?"), in their base form and -ing
# only ("the talks", "calls for" are nouns) and never after "Who" ("Who wrote …?" asks for
# an author, "Who called …?" for a caller).
_WORDED = r"comment|tweet|yell|shout|call|talk|write|view|speak"
_VERB = rf"(?:(?:{_SPEECH})(?!\w*ly\b)\w*(?![’']s\b)|(?:{_WORDED})\b)"
_SAYING = rf"(?:(?:{_SPEECH})\w*|(?:{_WORDED.replace('write', 'writ')}))ing"
# A request before what someone said ("Tell me what …", "Could you summarize what …").
_REQUEST = (
    r"(?:(?:can|could|would) you\s+(?:please\s+|kindly\s+)?|please\s+)?"
    r"(?:(?:tell|show|give|remind) me|summari[sz]e|explain|recap)\s+"
)
# The question may open with a request or a clause naming the story ("Mayor Rismaharini —
# what did she tell …?", "Holtz complained, what did he say?"). After "was/were/is" only the
# -ing form is a speaker's act ("What was Hamas saying …?"; "What was the last reported toll?"
# is a passive, no speaker asked about). A request may also ask what someone said in their
# words' order ("Tell me what Dawn Addiego said about Christie."), and a yes/no question
# whether someone spoke ("Did Google comment on the outage?").
_WHAT_DID = re.compile(
    rf"^\s*(?:(?:and|so|ok|okay|please)[,\s]+)?(?:[^?]{{0,100}}?(?:—|–|\s-\s|,|:)\s*)?"
    rf"(?:{_REQUEST})?(?:what|how|whom|who)\s+(?:(?:did|does|do|has|have|had)\s+"
    rf"(?P<who>{_WHO})(?:\s+(?:have|has|had)\s+to)?\s+(?:exactly\s+|actually\s+)?{_VERB}|"
    rf"(?:was|were|is|are)\s+(?P<who2>{_WHO})\s+{_SAYING}|"
    rf"(?P<who3>{_WHO})\s+(?:is|are|was|were|has been)\s+{_SAYING})\b|"
    rf"^\s*{_REQUEST}what\s+(?P<who4>{_WHO})\s+(?:has\s+|had\s+)?"
    r"(?:said|says|told|wrote|tweeted|claimed|denied|argued|meant|thinks|thought)\b|"
    rf"^\s*(?:and\s+|so\s+)?(?:did|does)\s+(?P<who5>{_SHORT_WHO})\s+"
    r"(?:actually\s+|ever\s+|already\s+)?(?:say|comment|respond|admit|deny|denied|call|tweet|"
    r"speak|spoke|react|confirm|apologi[sz]e|complain|warn|claim)\w*\b",
    re.IGNORECASE,
)
# "Dimon's comment on …", "the airline's statement about …", "Holtz's exact quote about …"
_SAID_ON = re.compile(
    r"(?P<who>(?i:the)\s+[a-z][\w-]*|[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,4})[’']s\s+"
    r"(?i:(?:exact\s+|latest\s+|official\s+|own\s+)?(?:comments?|statement|line|quotes?|words|"
    r"view|position|stance|reaction|response|argument|take)\s+(?:on|about|regarding|over|to|"
    r"after))\b"
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
    for pattern in (_WHAT_DID, _WHAT_WORD_DID, _POSSESSIVE, _SAID_ON, _ACCORDING):
        m = pattern.search(question)
        if m:
            found = m.groupdict()
            said = next((v for k, v in found.items() if k.startswith("who") and v), "")
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
