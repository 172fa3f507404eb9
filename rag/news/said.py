"""Whether a news question asks what someone said, or who said it, and whom it names.

"What did Hamas say about the talks?" asks for Hamas's words; "Who called the plan a
betrayal?" asks for the speaker; "Who called the strike?" asks for neither. Hand-written
patterns widened round by round from check sets written apart (evals/intent/README.md);
tests/news/test_intent.py holds the forms they cover and the ones they must not take.
"""

from __future__ import annotations

import re

_SPEECH = (
    r"say|said|claim|deny|denied|tell|told|announce|report|warn|argue|admit|insist|respond|"
    r"react|describe|explain|confirm|state|suggest|reveal|promise|predict|vow|mean|accuse|declare|"
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
# An "and" before a capital joins two names ("How did Fridays For Future and Extinction
# Rebellion react …?", round 23).
_NOT_WHO = (
    r"(?:have|has|had|if|when|because|while|or|but|will|would|can|could|been|being)\b|"
    r"and\b(?!\s+(?-i:[A-Z]))"
)


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
# A review summed up, a charge pushed back on ("How did Augustus Welby sum up …?", round 23).
_VERB = (
    rf"(?:(?:{_SPEECH})(?!\w*ly\b)\w*(?![’']s\b)|(?:{_WORDED}|sum(?:med)? up|push(?:ed)? back)\b)"
)
# A verb ending in "e" drops it before "-ing" ("accusing", "arguing", "promising": round 23).
_SPEECH_STEMS = re.sub(r"e(?=\||$)", "", _SPEECH)
_SAYING = rf"(?:(?:{_SPEECH_STEMS})\w*|(?:{_WORDED.replace('write', 'writ')}))ing"
# A request before what someone said ("Tell me what …", "Could you summarize what …").
_REQUEST = (
    r"(?:(?:can|could|would) you\s+(?:please\s+|kindly\s+)?|please\s+)?"
    r"(?:(?:tell|show|give|remind) me|summari[sz]e|explain|recap)\s+"
)
_AUX = r"(?:is|are|was|were|did|do|does|has|have|had|will|would|can|could)"
# What figure or target someone gave ("What death toll did Dr Fauci predict?": round 23); not
# a time ("What time did police report the crash?" asks when), and with the speech verbs that
# are not also nouns ("What rate did the Stanford report find?", "the secretary of state").
_NOUN_SPEECH = re.sub(
    r"\b(?:report|state|question|object|answer|mean|make of|made of)\|", "", _SPEECH
)
_WHAT_NOUN = (
    rf"(?:what|which)(?:\s+(?!(?:time|year|day|date|month|hour)s?\b|{_AUX}\b|else\b)[\w’'-]+)"
    r"{1,3}?"
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
    rf"(?:said|says|told|wrote|tweeted|meant|thought|(?:{_SPEECH})\w*)\b|"
    rf"^\s*(?:and\s+|so\s+)?{_WHAT_NOUN}\s+(?:did|does|do|has|have|had)\s+"
    rf"(?P<who8>{_SHORT_WHO})\s+(?:{_NOUN_SPEECH})(?!\w*ly\b)\w*(?![’']s\b)\b|"
    # whether someone has spoken yet asks the present ("Has the company responded yet?")
    rf"^\s*(?:and\s+|so\s+)?(?:did|does|(?:has|have)(?![^?]*\byet\b))\s+"
    rf"(?P<who5>{_SHORT_WHO})\s+"
    r"(?:actually\s+|ever\s+|already\s+|yet\s+)?(?:say|said|comment|respond|admit|deny|denied|"
    r"call(?!\w* off)|tweet|speak|spoke|react|confirm|apologi[sz]e|complain|warn|claim|"
    r"criticis|criticiz|blam|prais|insist|argu|promis|predict)\w*\b|"
    # "Is Facebook saying when the fix is coming?" (round 23)
    rf"^\s*(?:and\s+|so\s+)?(?:is|are)\s+(?P<who6>{_SHORT_WHO})\s+{_SAYING}\s+"
    r"(?:about|that|when|whether|what|how|why|if|anything|something)\b|"
    # why someone says so ("Why does the founder say beauty still matters?", round 23)
    rf"^\s*(?:and\s+|so\s+)?why\s+(?:did|does|do)\s+(?P<who7>{_SHORT_WHO})\s+"
    r"(?:say|said|think|thinks|claim|claims|argue|argues|insist|insists|believe|believes)\b",
    re.IGNORECASE,
)
# "Dimon's comment on …", "the airline's statement about …", "Holtz's exact quote about …"
_SAID_ON = re.compile(
    r"(?P<who>(?i:the)\s+[a-z][\w-]*|[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,4})[’']s\s+"
    r"(?i:(?:exact\s+|latest\s+|official\s+|own\s+)?(?:comments?|statement|line|quotes?|words|"
    r"view|position|stance|reaction|response|argument|take|objections?|theory|verdict|opinion|"
    r"thoughts|criticism|explanation|assessment)\s+(?:on|about|regarding|over|to|"
    r"after))\b"
)
# "What reason did the airline give …?", "What criticism did the opposition make …?"
_WORDS = (
    r"reason|explanation|excuse|justification|comments?|criticism|warning|message|promise|"
    r"assurance|answer|response|reply|objections?|arguments?|demands?|remarks?|statement|"
    r"account|version|defen[cs]e|complaints?|concerns?|view|verdict|assessment|take|"
    r"position|stance|reaction|claims?|testimony|opinion|thoughts|reasoning|pledge|plea|advice|"
    r"theory|theories"
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
    rf"^\s*(?:and\s+)?what(?: was| is| were| are|[’']s|s)\s+"
    # the owner of the words, not a clause ("the segment where Holtz and May's arguments …")
    # nor what is happening ("What's happening with the residents' complaints?")
    r"(?P<who>(?!(?:happening|going|new)\b)(?:(?!\b(?:where|when|which|that|who|whose)\b)"
    r"[^,?])+?)[’']s?\s+"
    rf"(?:{_WORDS})\b|"
    rf"^\s*(?:and\s+)?what (?:was|is|were|are) the (?:{_WORDS}) (?:of|from|by)\s+(?P<who2>[^,?]+)",
    re.IGNORECASE,
)
# "According to whom …?", "Whose figures …?", "Who branded …?" ask who said it.
_WHO_SAID = re.compile(
    rf"^\s*(?:and\s+)?(?:who\s+(?:(?:{_SPEECH})\w*|brand\w*|dub\w*|went public|"
    rf"goes public|(?:wrote|writes|tweeted|posted) that)\b|"
    # "Who's the Vidyard exec quoted talking about …?" (round 23)
    r"who(?:'s|’s| is| was)\s[^?]{0,60}?\bquoted\b|according to whom\b|"
    r"whose (?:figures|data|numbers|estimates?|count|"
    rf"tally|research|study|account|analysis|report)\b)",
    re.IGNORECASE,
)
# "Which official said …?", "What agency warned …?": the question asks for the speaker ("What
# are they accused of?" asks what).
_WHICH_SAID = re.compile(
    rf"^\s*(?:and\s+)?(?:which|what)\s+(?:(?!{_AUX}\b)[\w’'-]+\s+){{1,3}}?(?:said|told|warned|claimed|"
    rf"denied|announced|insisted|admitted|argued|confirmed|accused|blamed|urged|testified|"
    rf"reported|revealed|branded|estimated|predicted|went public|explained|wrote that)\b",
    re.IGNORECASE,
)


# "What does the article say …?" asks what the page says, every sentence of it, no speaker's
# words (round 23: reader dev's "Which famous psychoanalyst does the article say …?" lost its
# fact when read as an attribution to "article"); "the DiEM25 article" names an outlet, as
# "the Telegraph live blog" does.
_THE_ARTICLE = re.compile(
    r"(?:this |that )?(?:article|story|piece|post|column|text|essay|blog|write-?up)",
    re.IGNORECASE,
)


def said_by(question: str) -> tuple[bool, str | None]:
    """Whether ``question`` asks what someone said, and the speaker it names.

    Args:
        question: the user's question.

    Returns:
        ``(True, speaker)`` for "What did X say …?" (the phrase without its article),
        ``(True, None)`` for "Who said …?", which asks for the speaker; ``(False, None)``
        otherwise.
    """
    for pattern in (_WHAT_DID, _WHAT_WORD_DID, _POSSESSIVE, _SAID_ON, _ACCORDING):
        m = pattern.search(question)
        if m:
            found = m.groupdict()
            said = next((v for k, v in found.items() if k.startswith("who") and v), "")
            who = re.sub(r"^(?:the|a|an)\s+", "", said.strip(), flags=re.IGNORECASE)
            return (False, None) if _THE_ARTICLE.fullmatch(who) else (True, who)
    if _WHO_SAID.search(question) or _WHICH_SAID.search(question):
        return True, None
    return False, None
