"""Sentence-aware chunking that keeps exact character offsets."""

from __future__ import annotations

import hashlib

from rag.records import Chunk
from rag.text.sentences import split_sentences, strip_span


def _split_long(text: str, span: tuple[int, int], limit: int) -> list[tuple[int, int]]:
    """Cut a span longer than ``limit`` at whitespace so no chunk grows unbounded."""
    start, end = span
    pieces = []
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        if cut <= start:
            cut = start + limit
        pieces.append(strip_span(text, start, cut))
        start = cut
    pieces.append(strip_span(text, start, end))
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
