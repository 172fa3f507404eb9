"""What makes two near-identical passages different stories: their figures, dates and names.

Copies of a story, follow-ups and one-line notes share almost every word; what tells them
apart is a death toll (12 → 45), a duration ("three-hour" → "ten-hour"), a date or a name.
Near-duplicate rules (collapsing hits, keeping one copy of a syndicated passage, naming the
outlets that carried a quote) use these helpers so that such a difference is never hidden.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text.sentences import split_sentences

_TOKEN = re.compile(r"\w+(?:[.,]\d+)*", re.UNICODE)
_NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred thousand million billion trillion dozen dozens half quarter first second
    third fourth fifth sixth seventh eighth ninth tenth once twice""".split()
)
_DATE_WORDS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
    friday saturday sunday yesterday today tomorrow tonight""".split()
)
_WORD = re.compile(r"\w+", re.UNICODE)
# A wire copy's dateline, "GENEVA (Reuters) -" or "(AP) —": where the copy was filed, put in
# front of the original's first sentence; not a fact of the story.
DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z.'’/-]+(?: [A-Z][A-Z.'’/-]+)*(?:,(?: [A-Za-z0-9.]+){1,3})?\s*"
    r"(?:\([^()]{1,40}\)\s*)?|\([^()]{1,40}\)\s*)[-–—]{1,2}(?:\s+|$)"
)


def fact_tokens(text: str) -> frozenset[str]:
    """The tokens that carry a passage's facts: numbers (also spelt out), dates, names.

    Args:
        text: a passage or sentence.

    Returns:
        Lowercased tokens: those with a digit, number and date words, capitalised words.
    """
    out = set()
    for token in _TOKEN.findall(text):
        low = token.lower()
        if any(c.isdigit() for c in token) or low in _NUMBER_WORDS or low in _DATE_WORDS:
            out.add(low.replace(",", ""))
        elif token[0].isupper():
            out.add(low)
    return frozenset(out)


def normalized(text: str) -> str:
    """``text`` as its lowercased words joined by single spaces, padded with a space on each
    side (so that a containment test matches whole words only)."""
    return " " + " ".join(_WORD.findall(text.lower())) + " "


@lru_cache(maxsize=64)
def _normalized_cached(text: str) -> str:
    return normalized(text)


def holds(container: str, passage: str, headline: str = "") -> bool:
    """True when ``container`` holds every sentence of ``passage`` word for word.

    Punctuation, case, spacing and a wire dateline in front aside, each sentence must occur
    as it is: a copy that changed one figure, date or name in a sentence does not hold it.

    Args:
        container: an article's text (another outlet's copy).
        passage: a quote or a retrieved passage.
        headline: the passage's own article's title, left out when the passage starts with
            it (outlets retitle the stories they carry).

    Returns:
        Whether every sentence of the passage is in the container.
    """
    return held_in(container, passage_pieces(passage, headline))


def passage_pieces(passage: str, headline: str = "") -> tuple[str, ...]:
    """The normalised sentences `holds` looks for, to test one passage against many copies
    without splitting it again for each (see `holds` for ``headline``)."""
    if headline and passage.startswith(headline):
        passage = passage[len(headline) :]
    pieces = [passage[s:e] for s, e in split_sentences(passage)] or [passage]
    pieces[0] = DATELINE.sub("", pieces[0], count=1)
    return tuple(normalized(piece) for piece in pieces if piece.strip())


def held_in(container: str, pieces: tuple[str, ...]) -> bool:
    """Whether ``container`` holds every one of `passage_pieces`' sentences."""
    # Each piece's longest word must be in the raw text first: a cheap test that rules out
    # most copies before normalising them (a story of 150 copies cost 10 ms a query).
    low = container.lower()
    if not all(max(piece.split(), key=len, default="") in low for piece in pieces):
        return False
    whole = _normalized_cached(container)
    return all(piece in whole for piece in pieces)
