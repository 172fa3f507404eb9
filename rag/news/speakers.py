"""Who a quoted claim is attributed to: "X said", "said X", "according to X", "X told ...".

A pronoun speaker ("he said") is resolved to the last named speaker of the sentences just
before it in the article, the way a reader does. Hand-written patterns: no attribution or
coreference model ships for this machine (see DEVELOPERS.md), and the patterns are the
reporting conventions of wire copy; tests/news/test_speakers.py holds the forms they cover.
"""

from __future__ import annotations

import re

from rag.news.naming import same_speaker
from rag.news.phrases import (
    _SETTING,
    CLAUSE_OPENERS,
    NAME,
    PRONOUNS,
    is_role,
    noun_phrase_back,
    noun_phrase_forward,
    saying_subject,
    subject_before,
)
from rag.news.roles import BODIES, SAID_VERBS
from rag.text.sentences import split_sentences
from rag.text.terms import STOPWORDS

# "Organisers put the crowd at 40,000", "The office gave a figure of …": the subject's.
_PUT_AT = re.compile(
    r"\bput(?:s|ting)?\s+(?:the|its|their)\s+(?:[\w-]+\s+){0,2}?(?:crowd|toll|number|figure|"
    r"count|turnout|attendance|cost|damage|losses|total|area)(?:\s+of\s+[\w-]+)?\s+at\b"
    r"|\bg(?:ave|ives|iving)\s+(?:a|an|its|their)\s+(?:[\w-]+\s+){0,2}?(?:figure|count|number|"
    r"toll|estimate|tally|total)\b"
)
_VERB = re.compile(rf"\b(?:{SAID_VERBS})\b|{_PUT_AT.pattern}")
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
# "according to a report in the Daily Express": the outlet that reported it.
_REPORT_IN = re.compile(
    r"^(?:an?|the)\s+(?:[\w-]+\s+)?(?:report|statement|study|survey|poll|analysis|article|"
    r"story|interview|post|tweet)\s+(?:in|by|from|on|with|of)\s+"
)
# "local newspapers quote Salinas as saying": the one quoted.
_QUOTED_AS = re.compile(r"\bquot(?:e|es|ed|ing)\s+(.{2,60}?)\s+as\s+say(?:ing|s)\b")
# Naming a thing in quotation marks is a claim of the sentence's subject: 'Green Bay coach
# Mike McCarthy …, going so far as to call Suh's play "ridiculous."', 'Mateen … called the
# massacre "the act of a terrorist."'
_CALLED = re.compile(
    r"\b(?:call(?:s|ed|ing)?|dubb(?:ed|ing)|brand(?:s|ed|ing))\b[^\"“”.]{0,60}[\"“]"
)
# Who speaks for a body: "spokesman Tomas Reil", "its director, Noor Haddad".
_FOR_A_BODY = re.compile(
    r"\b(?:spokes(?:man|woman|person|people|men)|representative|its\s+\w+|company\s+\w+)\b", re.I
)
# Words between a speaker and the verb: "He also conceded", "Fairlie, has told".
# Any adverb in "-ly" ("matter-of-factly"), and when it was said ("James Hansen first warned",
# "Amazon.com Inc., the world's largest online retailer, last year pledged").
_ADVERBS_AT_END = re.compile(
    r"(?:\s+(?:also|later|again|then|still|even|earlier|previously|since|once|further|too|"
    r"first|now|already|[a-z-]+ly|(?:last|this|next)\s+(?:year|week|month)|"
    r"has|had|have|would|will|did))+$"
)
# A verb inside a relative clause about the one before it: "Molloy, who on Saturday".
_RELATIVE = re.compile(r"^(.*?\w),\s+(?:who|which)\b[^,\"“”]*$")
# Sentences a pronoun speaker ("she said") is looked for in before it.
_PRONOUN_BACK = 8
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
_ANYONE = (r"((?:the|a|an|another|one|someone|somebody|some|many|several)\b"
           r"(?:\s+(?!(?:would|will|was|were|is|are|had|has|did|could|should|to)\b)[\w’'-]+){0,5}?)")
_ANYONE_AFTER = re.compile(rf"\s+{_ANYONE}\s*[.,;]", re.IGNORECASE)
_ANYONE_BEFORE = re.compile(rf"[,?!][\"”]\s+{_ANYONE}$", re.IGNORECASE)
# A listener, never the speaker: '"…," told X' is no attribution ("X told reporters" is).
_TO_A_LISTENER = {"told", "tells"}


def _inside_quote(before: str) -> bool:
    """Whether a quotation opened in ``before`` is still open (curly or straight quotes)."""
    curly = before.count("“") - before.count("”")
    if curly:
        return curly > 0  # a lone closing mark: the quote began in the sentence before
    last = before.rfind('"')
    # A straight mark after a word or punctuation closes a quote ('…a stronger future," she');
    # one at the start or after a space opens one. Counting them took a quote split over two
    # sentences for one still open and lost "she said".
    return last >= 0 and (last == 0 or before[last - 1].isspace() or before[last - 1] in "([")


def _attributed(sentence: str) -> str | None:
    """The speaker as ``sentence`` names it (possibly a pronoun), or None when unattributed."""
    m = _ACCORDING.search(sentence)
    if m:
        rest = sentence[m.end() :]
        return noun_phrase_forward(rest[len(r[0]) :] if (r := _REPORT_IN.match(rest)) else rest)
    if m := _QUOTED_AS.search(sentence):
        return noun_phrase_forward(m[1])
    for m in _VERB.finditer(sentence):
        before = sentence[: m.start()].rstrip()
        if _inside_quote(before):  # '"I told Galih …," said Budi': the quote's own verb
            continue
        if _PASSIVE.match(sentence, m.end()) or (
                m[0] in ("added", "adds") and _ADDED_THING.match(sentence, m.end())) or (
                m[0] in ("confirmed", "confirms") and _CONFIRMED_ONE.match(sentence, m.end())):
            continue  # "the figures reported by the companies", "added a new level of …"
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
            if after and after not in PRONOUNS and (after[:1].isupper() or " " in after):
                return after
            if before.endswith(('"', "”")) and (anyone := _ANYONE_AFTER.match(sentence, m.end())):
                return anyone[1]  # '"…," said another person.'
        # '"Are you OK?" the voice asked.': whoever the few words after the quotation name.
        if (anyone := _ANYONE_BEFORE.search(before)) and not _inside_quote(before[: anyone.start(1)]):
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


def _through(who: str, after: str) -> str:
    """``who``, with who spoke for them when the next sentence quotes their representative.

    "Bluewater Sound Lines denied that any complaint had been made." then '"We have no
    record …," spokesman Tomas Reil told the Herald.': the company, through its spokesman.
    """
    spans = split_sentences(after)
    rep = _attributed(after[spans[0][0] : spans[0][1]]) if spans else None
    speaks_for = rep and _FOR_A_BODY.search(rep) and NAME.search(rep)
    return f"{who} ({rep})" if speaks_for and not same_speaker(rep, who) else who


# "It's said that …", "It is claimed …": said by no one in particular.
# The reader ("You say that …" in an interview's question) or the writer ("I’ve said it too")
# is no one a citation can name.
_IMPERSONAL = {"It’s", "It's", "it’s", "it's", "You", "you", "I’ve", "I've", "I’m", "I'm",
               "We’ve", "We've"}  # fmt: skip
# Sentences a quotation runs on over before its speaker is named: news quotes mostly run on
# for one or two sentences before "…," she said; a judge's or a minister's remarks run longer
# (Alito's in the dev article newspaper4k-003: seven). The mark that ends the search must close
# the quote, not open another.
_QUOTE_RUNS_ON = 8


def _first_mark(sentence: str) -> int:
    """Where the first quotation mark of ``sentence`` is, or -1."""
    return min((i for i in (sentence.find(m) for m in '"“”') if i >= 0), default=-1)


def _closes(sentence: str) -> bool:
    """Whether the first quotation mark of ``sentence`` closes a quote (the one that ran on)
    rather than opening another."""
    at = _first_mark(sentence)
    if at < 0 or sentence[at] == "“":
        return False
    return sentence[at] == "”" or (at > 0 and not sentence[at - 1].isspace())


def _after_close(sentence: str) -> str:
    """``sentence`` after the mark that closes a quote run on from before it (the quote's
    own "They told us …" is no attribution), else all of it."""
    return sentence[_first_mark(sentence) + 1 :] if _closes(sentence) else sentence


# A sentence that opens with a quotation, after a live blog's time stamp if any ("08:50 — ").
_OPENS = re.compile(r"\s*(?:\d{1,2}[:.]\d{2}\s*[—–-]+\s*)?[\"“]")


def _whole(sentence: str) -> bool:
    """Whether ``sentence`` is one quotation from its first mark to its last."""
    s = sentence.strip()
    if opens := _OPENS.match(s):
        s = s[opens.end() - 1 :]  # from the opening mark, past a time stamp
    inner = s[1:-1]
    return len(s) > 2 and s[-1] in '"”' and not any(m in inner for m in '"“”')


# A sentence that names who spoke the quotation just before it: '"A city that …" That was
# the verdict of Wendell Amari, …', 'The words were those of Ruth Abernethy', 'Those were the
# only words Colonel Matthias Geer … offered reporters'.
_NAMES_PREVIOUS = re.compile(
    r"^\s*(?:That|This|Those|These|Such|The words?)\b[^\"“”]{0,40}?\b(?:was|were|came)\b"
)


def _named_here(sentence: str) -> str | None:
    """The name a `_NAMES_PREVIOUS` sentence gives, or None."""
    if not _NAMES_PREVIOUS.match(sentence):
        return None
    names = [n for name in NAME.findall(sentence) if (n := _without_lead(name))]
    return names[0] if names else None


def _named_after(sentence: str, after: str) -> str | None:
    """Who a quotation unattributed where it closes is given to by the sentence after it."""
    spans = split_sentences(after)[: _QUOTE_RUNS_ON + 1]
    if not _inside_quote(sentence):  # it closes in ``sentence`` itself
        return _named_here(after[spans[0][0] : spans[0][1]]) if spans else None
    for i, (a, b) in enumerate(spans[:-1]):
        if '"' in after[a:b] or "”" in after[a:b]:  # where it closes
            nxt = spans[i + 1]
            return _named_here(after[nxt[0] : nxt[1]])
    return None


def _speaker_next(sentence: str, after: str) -> str | None:
    """The named speaker of the sentence after a closed quotation, in its paragraph, when that
    sentence opens with no quotation of its own ('"We rang the number twice." Marianne Hollis,
    58, said nobody came.'); None for a pronoun, a quote still open or a new paragraph."""
    if _inside_quote(sentence):
        return None
    spans = split_sentences(after)
    if not spans or "\n" in after[: spans[0][0]]:
        return None
    nxt = after[spans[0][0] : spans[0][1]]
    if nxt[:1] in '"“”':  # another quotation
        return None
    who = _attributed(nxt)
    return who if who and NAME.search(who) else None


def _where_closes(after: str) -> str | None:
    """The speaker named where a quotation still open before ``after`` closes in it."""
    for a, b in split_sentences(after)[:_QUOTE_RUNS_ON]:
        if '"' in after[a:b] or "”" in after[a:b]:
            closing = after[a:b]
            if _closes(closing):
                return _attributed(_after_close(closing)) or _speaker_next(closing, after[b:])
            return None
    return None


def _open_quote(before: str) -> int | None:
    """Where the quotation still open at the end of ``before`` opens, in its last paragraph;
    None when no quotation is open there."""
    start = before.rfind("\n") + 1
    paragraph = before[start:]
    if not _inside_quote(paragraph):
        return None
    at = max(paragraph.rfind("“"), paragraph.rfind('"'))
    return start + at if at >= 0 else None


def _where_opened(before: str, opened: int) -> str | None:
    """The speaker of a quotation that opens at ``opened`` of ``before``: named before the
    mark in its sentence ('Alito asked: "…'), or by the sentence before it when the
    quotation goes on from an attributed one ('"A," Holtz said. "B. C."')."""
    spans = split_sentences(before)
    at = next((i for i, (a, b) in enumerate(spans) if a <= opened < b), None)
    if at is None:
        return None
    lead = before[spans[at][0] : opened].strip()
    if lead:
        return _attributed(lead) or _colon_subject(lead)
    if at == 0:
        return None
    if "\n" in before[spans[at - 1][1] : spans[at][0]]:
        # A new paragraph carries on only a quotation left open at the end of the one before
        # it, as news writes a quotation over paragraphs (no closing mark, then an opening).
        end = spans[at - 1][1]
        earlier = _open_quote(before[:end])
        return _where_opened(before[:end], earlier) if earlier is not None else None
    last = before[spans[at - 1][0] : spans[at - 1][1]]
    return _attributed(_after_close(last)) if any(m in last for m in '"“”') or len(
        last.split()) <= _BARE_ATTRIBUTION else None  # fmt: skip


# A sentence this short before a quotation is an attribution on its own ("Rothman said."),
# split from the quotation it closes.
_BARE_ATTRIBUTION = 4
# "Not satisfied, Alito continued: “…": whoever the clause before a colon names.
_COLON = re.compile(r"^(?:[^,:]*,\s*)?(.+?)\s+\w+(?:\s+\w+)?\s*:$")


def _colon_subject(lead: str) -> str | None:
    """The subject of a clause that introduces a quotation with a colon, when it is a name."""
    m = _COLON.match(lead)
    subject = noun_phrase_forward(m[1]) if m else None
    return subject if subject and (NAME.search(subject) or subject[:1].isupper()) else None


def _a_person(phrase: str) -> bool:
    """Whether a speaker phrase can be "he" or "she": a name, or a singular role."""
    last = phrase.split()[-1].lower().strip(",.")
    plural = last.endswith("s") and not last.endswith("ss")
    return bool(NAME.search(phrase)) or not (plural or last in BODIES)


_NAME_THEN_VERB = re.compile(rf"\b([A-Z][\w’'-]+)\s+(?:{SAID_VERBS})\b")


def _person_speaking(sentence: str) -> str | None:
    """The last capitalised name right before a reporting verb of ``sentence`` that can be
    "he" or "she" ("Officials said …, but Achterberg warned …" → "Achterberg")."""
    found = [m[1] for m in _NAME_THEN_VERB.finditer(sentence)]
    people = [n for n in found if n not in PRONOUNS | CLAUSE_OPENERS and _a_person(n)]
    return people[-1] if people else None


def _without_lead(name: str) -> str | None:
    """``name`` without a capitalised function word before it ("For Ingrid Sola" → "Ingrid
    Sola"); None when no two-word name is left."""
    words = name.split()
    while words and words[0].lower() in STOPWORDS:
        words.pop(0)
    return " ".join(words) if len(words) >= 2 else None


def speaker_of(sentence: str, before: str = "", after: str = "") -> str | None:
    """Who ``sentence`` attributes its claim to, as the text names them.

    Args:
        sentence: the quoted sentence.
        before: the article text just before it, to resolve "he said" to a name.
        after: the article text just after it, where a body's representative may speak on.

    Returns:
        The speaker ("Bambang Soelistyo", "the Indonesian navy", "Bluewater Sound Lines
        (spokesman Tomas Reil)"), or None when the claim is not attributed or a pronoun
        cannot be resolved.
    """
    who = _attributed(_after_close(sentence))
    # Inside a quotation opened in a sentence before it ('"No. 1 the Big Ten … chance. Both
    # times he ruled against me."'): the quotation's speaker, wherever it is named.
    opened = _open_quote(before)
    if who is None and (_inside_quote(sentence) or (opened is not None and not _closes(sentence)
                                                    and not _OPENS.match(sentence))):
        # '"People are sleeping in their cars.' then 'Shelter is the most urgent need," its
        # director, Leyla Tamar, said.': a quote runs on, its speaker named where it closes.
        who = _where_closes(after)
    if who is None and opened is not None:
        who = _where_opened(before, opened)
    quoted = bool(_OPENS.match(sentence)) and (_inside_quote(sentence) or _whole(sentence))
    if who is None and (quoted or _closes(sentence)):
        who = _speaker_next(sentence, after)
    if who is None and quoted:
        # '"A," says Michael Litt. "B. C."' or '"B."': a quotation that opens right after an
        # attributed one, and is attributed nowhere, goes on with the same speaker's words.
        spans = split_sentences(before)
        last = before[spans[-1][0] : spans[-1][1]] if spans else ""
        if any(mark in last for mark in '"“”') or len(last.split()) <= _BARE_ATTRIBUTION:
            who = _attributed(last)
    if who is None and (quoted or _inside_quote(sentence) or _closes(sentence)):
        who = _named_after(sentence, after)
    if who is None:
        who = _named_here(sentence)
    if who is None or who in _IMPERSONAL:
        return None
    if who not in PRONOUNS:
        return _through(who, after)
    return _referent(who, before)


def _referent(pronoun: str, before: str) -> str | None:
    """Who a pronoun speaker is: going back from the nearest sentence before it, the one a
    sentence attributes its claim to, the name or role its subject is, else the last full
    name it gives outside quotations; a sentence whose subject is the same pronoun ("As a
    teen she entered state pageants") or that lies inside a quotation only passes the chain
    on. "He" and "she" are a person, not "Officials" or "the ministry"."""
    spans = split_sentences(before)[-_PRONOUN_BACK:]
    personal = pronoun.lower() in ("he", "she")
    for a, b in reversed(spans):
        earlier = before[a:b]
        named = _attributed(earlier)
        if named and personal and not _a_person(named):
            named = _person_speaking(earlier)
        if named and named not in PRONOUNS:
            return named
        if _open_quote(before[:a]) is not None:  # words inside a quotation: not narration
            close = max(earlier.find("”"), earlier.find('"'))
            earlier = earlier[close + 1 :] if close >= 0 else ""
        outside = _QUOTED.sub(" ", earlier)
        main = _SETTING.sub("", outside.strip())
        if re.match(rf"(?:\w+\s+){{0,3}}?{pronoun}\b", main, re.IGNORECASE):
            continue  # "As a teen she entered …": the same one, named further back
        subject = noun_phrase_forward(main)
        lead = subject.split()[0] if subject else ""
        if subject and lead.lower() not in STOPWORDS - {"the", "a", "an"} and (
                NAME.match(subject) or is_role(subject)) and (
                not personal or _a_person(subject)):  # fmt: skip
            return subject
        names = [n for name in NAME.findall(outside)
                 if (n := _without_lead(name)) and not _PLACED.search(outside, 0, outside.find(n))]
        if names:
            return names[-1]
    return None


# Words in a quotation are no speaker of the sentences after it ("… than Pinot Noir," he says),
# nor is a place ("a data scientist in Montreal").
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
_PLACED = re.compile(r"\b(?:in|at|from|near|across|around|outside|inside|of|to)\s+(?:the\s+)?$")
