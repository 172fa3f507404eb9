"""The short answer to "Who said …?": the speaker's name as the answer's sentences write it."""

from __future__ import annotations

import re

from rag.answer.forms import POSSESSIVE, TITLES
from rag.records import Citation, Quote, ShortAnswer
from rag.text.terms import STOPWORDS, words

# A name as a sentence writes it, with a title before it ("Dr. Shadlen", "Sen. Jim Davis")
# and its initials ("John W. Houston").
_NAME_RUN = re.compile(
    r"(?:\b(?:Dr|Mr|Mrs|Ms|Sen|Rep|Gov|Gen|Prof|Sgt|Lt|Col)\.\s+)?"
    r"\b[A-Z][\w’'-]*(?:\s+(?:[A-Z]\.(?=\s+[A-Z])|[A-Z][\w’'-]*"
    r"|(?:(?:de|van|von|bin|al|der|du|la)\s+)+[A-Z][\w’'-]*))*"
)
# A body's name that joins its words with "and" or "of" ("Customs and Border Protection").
_BODY_NAME = re.compile(r"[A-Z][\w’'-]*(?:\s+(?:(?:and|of|for|the|&)\s+)*[A-Z][\w’'-]*)+")
_DESCRIBED = re.compile(r"(?:the|a|an|its|their)\s(?!.*[A-Z][\w’'-]*\s+[A-Z])", re.I)
_BODY = re.compile(r"\s(?:of|for|at|from)\s|[,(]")


def _names(segments: list[str]) -> list[list[str]]:
    """Each segment's runs of capitalised words that are no role ("Chief Financial Officer")."""
    return [[m.group() for m in _NAME_RUN.finditer(seg) if words(m.group())[-1:] and
             words(m.group())[-1] not in TITLES] for seg in segments]  # fmt: skip


def speaker_in(sentence: str, speaker: str | None) -> tuple[int, int] | None:
    """Where ``sentence`` names ``speaker``, for a question that asks who said something.

    Args:
        sentence: the best sentence of the answer.
        speaker: who it is attributed to (`rag.news.compose.speaker_at`): "Mira Osk, the
            operator's chief executive", "Throgs Neck resident Dennise Laboy".

    Returns:
        ``(start, end)`` of the person's name as the sentence writes it ("Osk", "Dennise
        Laboy"), or None when the sentence does not name them ("he said").
    """
    if not speaker or _DESCRIBED.match(speaker):
        return None  # "the Government", "a senior official": no name to give
    body = _BODY_NAME.fullmatch(speaker) and not any(map(POSSESSIVE.search, speaker.split()))
    if body and not set(words(speaker)) & TITLES and (at := sentence.find(speaker)) >= 0:
        return at, at + len(speaker)  # a body named in full, not its last words
    main, _, rep = speaker.partition("(")
    segments = [_BODY.split(seg, maxsplit=1)[0] for seg in main.split(",")]
    runs = _names(segments)
    if not any(runs):  # "Chief Financial Officer of Super Value Debra Symonette": after "of"
        runs = _names(main.split(","))
    # The name: the last run of two or more words of the first part that has one ("Throgs
    # Neck resident Dennise Laboy", "The operator's chief executive, Mira Osk"; not the body
    # of "Mira Osk, Tarrow Valley Railways' chief executive"), else a lone capitalised word
    # ("Woodard"); then the representative of a body ("Bluewater Sound Lines (spokesman
    # Tomas Reil)").
    multi = [[r for r in seg if len(r.split()) > 1] for seg in runs]
    full = next((m for m in multi if m), [])
    names = full[-1:] or (runs[0][-1:] if runs else [])
    names += [m.group() for m in _NAME_RUN.finditer(rep)][-1:]
    for key in [words(name)[-1] for name in names if words(name)]:
        for m in _NAME_RUN.finditer(sentence):
            run = m.group().removesuffix("’s").removesuffix("'s")
            owner = re.search(r"[’']s\s+", run)  # "Morningstar's Karin Anderson": the person
            at = m.start() + (owner.end() if owner else 0)
            run = run[owner.end() :] if owner else run
            if key in words(run) and run.lower() not in STOPWORDS:
                return at, at + len(run)
    return None


def speaker_short(
    best: Quote, speaker: str | None, citations: list[Citation]
) -> ShortAnswer | None:
    """The short answer to "Who said …?": the speaker's name where the answer's best sentence
    names them, else where another cited sentence of its article does ('"It doesn't take a
    genius." [1] "It just doesn't," said Jeff Miller [2]').

    Args:
        best: the best sentence of the answer.
        speaker: who it is attributed to.
        citations: the answer's citations.

    Returns:
        The name with its offsets in the article, or None when no cited sentence names them.
    """
    mine = [c for c in citations if c.doc_id == best.doc_id]
    mine.sort(key=lambda c: c.start != best.start)  # the best sentence first
    for c in mine:
        if at := speaker_in(c.quote, speaker):
            return ShortAnswer(c.quote[at[0] : at[1]], c.doc_id, c.start + at[0],
                               c.start + at[1], c.marker)  # fmt: skip
    return None
