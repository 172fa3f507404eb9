"""Who a quoted claim is attributed to, read in its article: a quotation's speaker named
where it opens or closes, a pronoun speaker ("he said") resolved to whom the sentences before
it name, the way a reader does.

What one sentence says is `rag.news.attribution`'s. Hand-written: no attribution or
coreference model ships for this machine (see DEVELOPERS.md); evals/speakers measures it on
real articles, tests/news/test_speakers.py holds the forms it covers.
"""

from __future__ import annotations

import re

from rag.news.attribution import (
    OPENS_QUOTE,
    after_close,
    attributed,
    closes_quote,
    inside_quote,
    open_quote,
    whole_quote,
)
from rag.news.naming import same_speaker
from rag.news.phrases import (
    NAME,
    PRONOUNS,
    noun_phrase_forward,
    without_lead,
)
from rag.news.referents import referent
from rag.text.sentences import split_sentences

# Who speaks for a body: "spokesman Tomas Reil", "its director, Noor Haddad".
_FOR_A_BODY = re.compile(
    r"\b(?:spokes(?:man|woman|person|people|men)|representative|its\s+\w+|company\s+\w+)\b", re.I
)


def _through(who: str, after: str) -> str:
    """``who``, with who spoke for them when the next sentence quotes their representative.

    "Bluewater Sound Lines denied that any complaint had been made." then '"We have no
    record …," spokesman Tomas Reil told the Herald.': the company, through its spokesman.
    """
    spans = split_sentences(after)
    rep = attributed(after[spans[0][0] : spans[0][1]]) if spans else None
    speaks_for = rep and _FOR_A_BODY.search(rep) and NAME.search(rep)
    return f"{who} ({rep})" if speaks_for and not same_speaker(rep, who) else who


# "It's said that …", "It is claimed …": said by no one in particular.
# The reader ("You say that …" in an interview's question) or the writer ("I’ve said it too")
# is no one a citation can name.
# So is a "we" outside quotation marks: the publication ("As we said in our review, …").
_IMPERSONAL = {"It’s", "It's", "it’s", "it's", "You", "you", "I’ve", "I've", "I’m", "I'm",
               "We’ve", "We've", "We", "we"}  # fmt: skip
# Sentences a quotation runs on over before its speaker is named: news quotes mostly run on
# for one or two sentences before "…," she said; a judge's or a minister's remarks run longer
# (Alito's in the dev article newspaper4k-003: seven). The mark that ends the search must close
# the quote, not open another.
_QUOTE_RUNS_ON = 8


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
    names = [n for name in NAME.findall(sentence) if (n := without_lead(name))]
    return names[0] if names else None


def _named_after(sentence: str, after: str) -> str | None:
    """Who a quotation unattributed where it closes is given to by the sentence after it."""
    spans = split_sentences(after)[: _QUOTE_RUNS_ON + 1]
    if not inside_quote(sentence):  # it closes in ``sentence`` itself
        return _named_here(after[spans[0][0] : spans[0][1]]) if spans else None
    at = _closing(spans, after)
    if at is None or at + 1 >= len(spans):
        return None
    return _named_here(after[spans[at + 1][0] : spans[at + 1][1]])


def _closing(spans: list[tuple[int, int]], after: str) -> int | None:
    """Which of the first `_QUOTE_RUNS_ON` sentences of ``after`` holds the mark that closes a
    quotation still open before it."""
    marks = (
        i for i, (a, b) in enumerate(spans[:_QUOTE_RUNS_ON]) if any(m in after[a:b] for m in '"”')
    )
    return next(marks, None)


def _speaker_next(sentence: str, after: str) -> str | None:
    """The named speaker of the sentence after a closed quotation, in its paragraph, when that
    sentence opens with no quotation of its own ('"We rang the number twice." Marianne Hollis,
    58, said nobody came.'); None for a pronoun, a quote still open or a new paragraph."""
    if inside_quote(sentence):
        return None
    spans = split_sentences(after)
    if not spans or "\n" in after[: spans[0][0]]:
        return None
    nxt = after[spans[0][0] : spans[0][1]]
    if nxt[:1] in '"“”':  # another quotation
        return None
    who = attributed(nxt)
    return who if who and NAME.search(who) else None


def _where_closes(after: str) -> str | None:
    """The speaker named where a quotation still open before ``after`` closes in it."""
    spans = split_sentences(after)
    if (at := _closing(spans, after)) is None:
        return None
    a, b = spans[at]
    if not closes_quote(after[a:b]):
        return None
    return attributed(after_close(after[a:b])) or _speaker_next(after[a:b], after[b:])


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
        return attributed(lead) or _colon_subject(lead)
    if at == 0:
        return None
    if "\n" in before[spans[at - 1][1] : spans[at][0]]:
        # A new paragraph carries on only a quotation left open at the end of the one before
        # it, as news writes a quotation over paragraphs (no closing mark, then an opening).
        end = spans[at - 1][1]
        earlier = open_quote(before[:end])
        return _where_opened(before[:end], earlier) if earlier is not None else None
    last = before[spans[at - 1][0] : spans[at - 1][1]]
    return attributed(after_close(last)) if _goes_on_from(last) else None


# A sentence this short before a quotation is an attribution on its own ("Rothman said."),
# split from the quotation it closes.
_BARE_ATTRIBUTION = 4


def _goes_on_from(last: str) -> bool:
    """Whether a quotation right after ``last`` goes on with its speaker: ``last`` quotes
    too ('"A," Holtz said.') or is an attribution on its own ("Rothman said.")."""
    return any(m in last for m in '"“”') or len(last.split()) <= _BARE_ATTRIBUTION


# "Not satisfied, Alito continued: “…": whoever the clause before a colon names.
_COLON = re.compile(r"^(?:[^,:]*,\s*)?(.+?)\s+\w+(?:\s+\w+)?\s*:$")


def _colon_subject(lead: str) -> str | None:
    """The subject of a clause that introduces a quotation with a colon, when it is a name."""
    m = _COLON.match(lead)
    subject = noun_phrase_forward(m[1]) if m else None
    return subject if subject and (NAME.search(subject) or subject[:1].isupper()) else None


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
    who = attributed(after_close(sentence))
    # Inside a quotation opened in a sentence before it ('"No. 1 the Big Ten … chance. Both
    # times he ruled against me."'): the quotation's speaker, wherever it is named.
    opened = open_quote(before)
    if who is None and (
        inside_quote(sentence)
        or (opened is not None and not closes_quote(sentence) and not OPENS_QUOTE.match(sentence))
    ):
        # '"People are sleeping in their cars.' then 'Shelter is the most urgent need," its
        # director, Leyla Tamar, said.': a quote runs on, its speaker named where it closes.
        who = _where_closes(after)
    if who is None and opened is not None:
        who = _where_opened(before, opened)
    quoted = bool(OPENS_QUOTE.match(sentence)) and (inside_quote(sentence) or whole_quote(sentence))
    if who is None and (quoted or closes_quote(sentence)):
        who = _speaker_next(sentence, after)
    if who is None and quoted:
        # '"A," says Michael Litt. "B. C."' or '"B."': a quotation that opens right after an
        # attributed one, and is attributed nowhere, goes on with the same speaker's words.
        spans = split_sentences(before)
        last = before[spans[-1][0] : spans[-1][1]] if spans else ""
        if _goes_on_from(last):
            who = attributed(last)
    if who is None and (quoted or inside_quote(sentence) or closes_quote(sentence)):
        who = _named_after(sentence, after)
    if who is None:
        who = _named_here(sentence)
    if who is None or who in _IMPERSONAL:
        return None
    if who not in PRONOUNS:
        return _through(who, after)
    return referent(who, before, sentence)
