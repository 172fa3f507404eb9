"""Sentence splitting and sentence-aware chunking that keep exact character offsets."""

from __future__ import annotations

import hashlib
import re

from rag.records import Chunk

# Words that end with a period without ending a sentence ("U.S. officials", "Mr. Netanyahu").
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st gen col lt sgt capt cmdr adm sen rep gov pres supt
    inc corp co ltd llc vs etc jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.k u.n e.g i.e a.m p.m ft mt ave blvd dept est approx fig vol op rev
    d.c u.s.a""".split()
)
# Sentence-final punctuation, then closing quotes/brackets, then the whitespace that follows.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
# CJK full stops end sentences without a following space.
_CJK_BOUNDARY = re.compile(r"[。！？]+[」』”）]*")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial."""
    match = _WORD_BEFORE.search(text, 0, dot)
    if not match:
        return False
    word = match.group(1).lower().strip(".")
    if word in _ABBREVIATIONS:
        return True
    # Single-letter initials ("John F. Kennedy"), but not a lone sentence-ending "I".
    return len(word) == 1 and word.isalpha() and word != "i"


def _is_number_sign(text: str, dot: int, nxt: int) -> bool:
    """ "No. 5" and "Nos. 3" abbreviate "number" only when a digit follows."""
    return text[nxt].isdigit() and re.search(r"\b[Nn]os?$", text[max(0, dot - 4) : dot]) is not None


def _line_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one line of ``text`` (no newlines between start and end)."""
    spans: list[tuple[int, int]] = []
    cut = start
    candidates = sorted(
        [(m.end(), m.start(), True) for m in _BOUNDARY.finditer(text, start, end)]
        + [(m.end(), m.start(), False) for m in _CJK_BOUNDARY.finditer(text, start, end)]
    )
    for stop, punct, needs_check in candidates:
        if stop <= cut:
            continue
        if needs_check:
            nxt = stop
            while nxt < end and text[nxt].isspace():
                nxt += 1
            if nxt >= end:
                continue
            if text[punct] == "." and (
                _is_abbreviation(text, punct) or _is_number_sign(text, punct, nxt)
            ):
                continue
            # A lowercase continuation ("the U.S. expressed") is not a new sentence.
            if text[nxt].islower():
                continue
        spans.append((cut, stop))
        cut = stop
    spans.append((cut, end))
    return [s for s in (_strip(text, a, b) for a, b in spans) if s[1] > s[0]]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences.

    Args:
        text: the article text.
        start: where to begin (offsets stay relative to ``text``).
        end: where to stop; defaults to the end of ``text``.

    Returns:
        ``(start, end)`` spans, whitespace-trimmed, in order; every line break ends a sentence.
    """
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text[start:stop]):
        a, b = _strip(text, start + line.start(), start + line.end())
        if b > a:
            spans.extend(_line_sentences(text, a, b))
    return spans


def _split_long(text: str, span: tuple[int, int], limit: int) -> list[tuple[int, int]]:
    """Cut a span longer than ``limit`` at whitespace so no chunk grows unbounded."""
    start, end = span
    pieces = []
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        if cut <= start:
            cut = start + limit
        pieces.append(_strip(text, start, cut))
        start = cut
    pieces.append(_strip(text, start, end))
    return [p for p in pieces if p[1] > p[0]]


def chunk_id(doc_id: str, start: int, end: int) -> str:
    """Deterministic id, so a re-run writes the same ids and never duplicates a chunk."""
    return hashlib.sha1(f"{doc_id}\x00{start}\x00{end}".encode()).hexdigest()


def chunk_text(doc_id: str, text: str, max_chars: int = 700, overlap: int = 1) -> list[Chunk]:
    """Pack whole sentences into chunks of about ``max_chars``, sharing ``overlap`` sentences.

    Args:
        doc_id: the article's id, part of every chunk id.
        text: the article text.
        max_chars: target chunk length; a single longer sentence is cut at whitespace.
        overlap: how many trailing sentences of a chunk start the next one.

    Returns:
        Chunks in article order with ``text[chunk.start:chunk.end] == chunk.text``.
    """
    sentences: list[tuple[int, int]] = []
    for span in split_sentences(text):
        sentences.extend(_split_long(text, span, max_chars))
    chunks: list[Chunk] = []
    i = 0
    while i < len(sentences):
        j = i + 1
        while j < len(sentences) and sentences[j][1] - sentences[i][0] <= max_chars:
            j += 1
        start, end = sentences[i][0], sentences[j - 1][1]
        chunks.append(Chunk(chunk_id(doc_id, start, end), doc_id, text[start:end], start, end))
        if j >= len(sentences):
            break
        # Step back `overlap` sentences, but always move forward.
        i = max(j - overlap, i + 1)
    return chunks
