"""Stream a finished answer a few words at a time, as pieces or as growing prefixes."""

from __future__ import annotations

import re
from collections.abc import Iterator

STREAM_WORDS = 3  # words per streamed update: small enough to look live, few enough messages
_WORD = re.compile(r"\S+\s*")  # a word with the whitespace after it


def stream_pieces(text: str, words: int = STREAM_WORDS) -> Iterator[str]:
    """Pieces of ``text`` of a few words each, whose concatenation is exactly ``text``.

    Args:
        text: an answer text.
        words: words per piece.

    Returns:
        An iterator of consecutive pieces (each keeps its trailing whitespace).
    """
    tokens = _WORD.findall(text)
    lead = text[: len(text) - len(text.lstrip())]
    for i in range(0, len(tokens), words):
        yield (lead if i == 0 else "") + "".join(tokens[i : i + words])


def stream_prefixes(text: str, words: int = STREAM_WORDS) -> Iterator[str]:
    """Growing prefixes of ``text``, ``words`` words at a time, ending with the whole text.

    Args:
        text: an answer text.
        words: words added per prefix.

    Returns:
        An iterator of prefixes; text without words (empty or blank) comes whole, once.
    """
    prefix = ""
    for piece in stream_pieces(text, words):
        prefix += piece
        yield prefix
    if not prefix:  # a chat message is replaced by each prefix, so it needs at least one
        yield text
