"""What one sentence says of who speaks: "X said", "said X", "according to X", "X told …",
and where its quotation marks open and close.

The sentence alone: `rag.news.speakers` reads the article around it (a quotation that runs
on, "he said"). Hand-written patterns of wire copy's reporting conventions (no attribution
model ships for this machine); tests/news/test_speakers.py holds the forms they cover.
"""

from __future__ import annotations

import re

from rag.news.dates import WEEKDAYS
from rag.news.phrases import (
    NAME,
    PRONOUNS,
    is_role,
    noun_phrase_back,
    noun_phrase_forward,
    saying_subject,
    subject_before,
)
from rag.news.roles import SAID_VERBS
from rag.text.facts import DATELINE
from rag.text.terms import STOPWORDS

# "Organisers put the crowd at 40,000", "The office gave a figure of …": the subject's.
_PUT_AT = re.compile(
    r"\bput(?:s|ting)?\s+(?:the|its|their)\s+(?:[\w-]+\s+){0,2}?(?:crowd|toll|number|figure|"
    r"count|turnout|attendance|cost|damage|losses|total|area)(?:\s+of\s+[\w-]+)?\s+at\b"
    r"|\bg(?:ave|ives|iving)\s+(?:a|an|its|their)\s+(?:[\w-]+\s+){0,2}?(?:figure|count|number|"
    r"toll|estimate|tally|total)\b"
)
# "Netanyahu’s office released a statement reiterating …", "Amazon issued a separate
# statement saying …": the statement's words are its issuer's.
_STATEMENT = (
    r"\b(?:released|releases|issued|issues|put\s+out|puts\s+out)\s+(?:a|an|its|their)\s+"
    r"(?:[\w-]+\s+){0,2}?statement\b"
)
_VERB = re.compile(rf"\b(?:{SAID_VERBS})\b|{_PUT_AT.pattern}|{_STATEMENT}")
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
# "according to a report in the Daily Express", "according to data compiled by Bloomberg":
# the outlet that reported it, who compiled the figures.
_REPORT_IN = re.compile(
    r"^(?:(?:an?|the)\s+(?:[\w-]+\s+)?(?:report|statement|study|survey|poll|analysis|article|"
    r"story|interview|post|tweet)\s+(?:in|by|from|on|with|of)\s+"
    r"|(?:the\s+)?(?:[\w-]+\s+)?(?:data|figures|statistics|numbers|estimates|records)\s+"
    r"(?:(?:compiled|released|published|collected|gathered|provided|kept)\s+)?(?:by|from)\s+)"
)
# "local newspapers quote Salinas as saying": the one quoted.
_QUOTED_AS = re.compile(r"\bquot(?:e|es|ed|ing)\s+(.{2,60}?)\s+as\s+say(?:ing|s)\b")
# Naming a thing in quotation marks is a claim of the sentence's subject: 'Green Bay coach
# Mike McCarthy …, going so far as to call Suh's play "ridiculous."', 'Mateen … called the
# massacre "the act of a terrorist."'
_CALLED = re.compile(
    r"\b(?:call(?:s|ed|ing)?|dubb(?:ed|ing)|brand(?:s|ed|ing))\b[^\"“”.]{0,60}[\"“]"
)
# A day is when something was said, never who said it ("The World Health Organization on
# Monday said …", '"…," Rene, 37, said Wednesday.').
_WEEKDAY = "(?:" + "|".join(day.title() for day in WEEKDAYS) + ")"
# Words between a speaker and the verb: "He also conceded", "Fairlie, has told".
# Any adverb in "-ly" ("matter-of-factly"), and when it was said ("James Hansen first warned",
# "Amazon.com Inc., the world's largest online retailer, last year pledged").
_ADVERBS_AT_END = re.compile(
    r"(?:\s+(?:also|later|again|then|still|even|earlier|previously|since|once|further|too|"
    r"first|now|already|[a-z-]+ly|(?:last|this|next)\s+(?:year|week|month)|"
    rf"has|had|have|would|will|did|yesterday|today|(?:late\s+|early\s+)?on\s+{_WEEKDAY}))+$"
)
# A verb inside a relative clause about the one before it: "Molloy, who on Saturday".
_RELATIVE = re.compile(r"^(.*?\w),\s+(?:who|which)\b[^,\"“”]*$")
# A reporting verb used otherwise: "added a new level of complexity", "the figures reported
# by the companies" (a passive: what follows is no claim of the subject's).
_PASSIVE = re.compile(r"\s+by\b")
_ADDED_THING = re.compile(
    r"\s+(?:a|an|the|more|about|some|nearly|around|almost|roughly|another|its|their|his|her|"
    r"new|\d)\b"
)
# "the Senate confirmed Prelogar by a vote of 53-36": a person confirmed in office.
_CONFIRMED_ONE = re.compile(r"\s+[A-Z][\w’'-]+\s+(?:as|by|to|in)\b")
# A speaker who is no name or role, right before or after the verb of a quotation's
# attribution: '"…," said another person.', '"…," said one person during public comment.',
# '"Are you OK?" the voice asked.', '"…," the Berlin wine merchant said'.
_ANYONE = (
    r"((?:the|a|an|another|one|someone|somebody|some|many|several)\b"
    r"(?:\s+(?!(?:would|will|was|were|is|are|had|has|did|could|should|to)\b)[\w’'-]+){0,5}?)"
)
_ANYONE_AFTER = re.compile(rf"\s+{_ANYONE}\s*[.,;]", re.IGNORECASE)
_ANYONE_BEFORE = re.compile(rf"[,?!][\"”]\s+{_ANYONE}$", re.IGNORECASE)
# A reporting verb's participle used as an adjective follows a determiner or a preposition
# ("of predicted white Christmases", "the reported figures", "an estimated 12,000").
_DETERMINER_BEFORE = re.compile(
    r"\b(?:of|the|a|an|its|their|his|her|our|these|those|for|with|than)$", re.IGNORECASE
)
# A listener, never the speaker: '"…," told X' is no attribution ("X told reporters" is).
_TO_A_LISTENER = {"told", "tells"}


def inside_quote(before: str) -> bool:
    """Whether a quotation opened in ``before`` is still open (curly or straight quotes)."""
    curly = before.count("“") - before.count("”")
    if curly:
        return curly > 0  # a lone closing mark: the quote began in the sentence before
    last = before.rfind('"')
    # A straight mark after a word or punctuation closes a quote ('…a stronger future," she');
    # one at the start or after a space opens one. Counting them took a quote split over two
    # sentences for one still open and lost "she said".
    return last >= 0 and (last == 0 or before[last - 1].isspace() or before[last - 1] in "([")


def attributed(sentence: str) -> str | None:
    """The speaker as ``sentence`` names it (possibly a pronoun), or None when unattributed."""
    sentence = DATELINE.sub("", sentence, count=1)  # "SEOUL, Aug. 20 (Yonhap) --" filed it
    m = _ACCORDING.search(sentence)
    if m:
        rest = sentence[m.end() :]
        return noun_phrase_forward(rest[len(r[0]) :] if (r := _REPORT_IN.match(rest)) else rest)
    if m := _QUOTED_AS.search(sentence):
        return noun_phrase_forward(m[1])
    for m in _VERB.finditer(sentence):
        before = sentence[: m.start()].rstrip()
        if inside_quote(before):  # '"I told Galih …," said Budi': the quote's own verb
            continue
        if (
            _PASSIVE.match(sentence, m.end())
            or (m[0] in ("added", "adds") and _ADDED_THING.match(sentence, m.end()))
            or (m[0] in ("confirmed", "confirms") and _CONFIRMED_ONE.match(sentence, m.end()))
        ):
            continue  # "the figures reported by the companies", "added a new level of …"
        if _DETERMINER_BEFORE.search(before):
            continue  # "an animation of predicted white Christmases": a participle, no verb
        if " " not in before and before not in PRONOUNS and (
                before.lower() in STOPWORDS or before.endswith("ly")):  # fmt: skip
            continue  # "All told", "Be warned", "Eventually recalled": no one speaks
        # A relative clause's verb ("Molloy, who on Saturday said …, said on Monday …"):
        # said by the one the clause describes, never by the words inside it ("Saturday").
        if (rel := _RELATIVE.search(before)) and (described := noun_phrase_back(rel[1])):
            return described
        # Inverted after a quote or clause: '..., said Bambang Soelistyo, head of ...'
        inverted = m[0] not in _TO_A_LISTENER and before.endswith((",", '"', "”", "’"))
        if inverted or not before:
            after = noun_phrase_forward(sentence[m.end() :].lstrip(), whole=True)
            if (after and after not in PRONOUNS and not re.fullmatch(_WEEKDAY, after)
                    and (after[:1].isupper() or " " in after)):  # fmt: skip
                return after
            if before.endswith(('"', "”")) and (anyone := _ANYONE_AFTER.match(sentence, m.end())):
                return anyone[1]  # '"…," said another person.'
        # '"Are you OK?" the voice asked.': whoever the few words after the quotation name.
        if (anyone := _ANYONE_BEFORE.search(before)) and not inside_quote(
            before[: anyone.start(1)]
        ):
            return anyone[1]
        # "He also conceded", "She has since denied": the subject before the adverbs.
        before = _ADVERBS_AT_END.sub("", before)
        # Appositives between speaker and verb: 'Soelistyo, head of the agency, said'
        if before.endswith(",") and (subject := subject_before(before)):
            return subject
        last = before.split()[-1] if before.split() else ""
        if last in PRONOUNS:
            return last
        if last == "and":  # "The coast guard put the number at seven, and said …": the subject
            subject = noun_phrase_forward(sentence) or ""
            roles = is_role(subject)
            if roles or subject in PRONOUNS or NAME.fullmatch(subject):
                # "The mayor of Surabaya, Tri Rismaharini, comforted … and urged": the name.
                rest = sentence[sentence.find(subject) + len(subject) :]
                apposed = re.match(r",\s*([^,]{3,40}),", rest)
                if roles and apposed and NAME.fullmatch(apposed[1]):
                    return f"{subject} {apposed[1]}"
                return subject
        named = noun_phrase_back(before)
        if named:
            return named
    namer = noun_phrase_forward(sentence) if _CALLED.search(sentence) else None
    if namer and (NAME.search(namer) or is_role(namer)):
        return namer
    return saying_subject(sentence)


def _first_mark(sentence: str) -> int:
    """Where the first quotation mark of ``sentence`` is, or -1."""
    return min((i for i in (sentence.find(m) for m in '"“”') if i >= 0), default=-1)


def closes_quote(sentence: str) -> bool:
    """Whether the first quotation mark of ``sentence`` closes a quote (the one that ran on)
    rather than opening another."""
    at = _first_mark(sentence)
    if at < 0 or sentence[at] == "“":
        return False
    return sentence[at] == "”" or (at > 0 and not sentence[at - 1].isspace())


def after_close(sentence: str) -> str:
    """``sentence`` after the mark that closes a quote run on from before it (the quote's
    own "They told us …" is no attribution), else all of it."""
    return sentence[_first_mark(sentence) + 1 :] if closes_quote(sentence) else sentence


# A sentence that opens with a quotation, after a live blog's time stamp if any ("08:50 — ").
OPENS_QUOTE = re.compile(r"\s*(?:\d{1,2}[:.]\d{2}\s*[—–-]+\s*)?[\"“]")


def whole_quote(sentence: str) -> bool:
    """Whether ``sentence`` is one quotation from its first mark to its last."""
    s = sentence.strip()
    if opens := OPENS_QUOTE.match(s):
        s = s[opens.end() - 1 :]  # from the opening mark, past a time stamp
    inner = s[1:-1]
    return len(s) > 2 and s[-1] in '"”' and not any(m in inner for m in '"“”')


def open_quote(before: str) -> int | None:
    """Where the quotation still open at the end of ``before`` opens, in its last paragraph;
    None when no quotation is open there."""
    start = before.rfind("\n") + 1
    paragraph = before[start:]
    if not inside_quote(paragraph):
        return None
    at = max(paragraph.rfind("“"), paragraph.rfind('"'))
    return start + at if at >= 0 else None
