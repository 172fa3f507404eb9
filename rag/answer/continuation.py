"""The sentence after the best one, when it carries its thought on (`continuation`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rag.news.compose import speaker_at
from rag.news.naming import same_speaker
from rag.reader.features import MIN_WORDS
from rag.records import Quote
from rag.text.sentences import split_sentences
from rag.text.terms import terms, words

_CONTINUATION_SHARED = 2  # content terms a next sentence shares with the best one


def continuation(
    quote: Quote, text: str, speaker: Callable[[Quote], str | None], attribution: bool = False
) -> Quote | None:
    """The next sentence of the same paragraph when it carries the thought on.

    News sentences often finish a point across two sentences ("one contentious issue is
    X." then "While A says ..., B says ..."); the second rarely repeats the question's
    words, so the sentence model misses it; it is found by its ties to the first: two or
    more shared content terms (kept from the first reader; on dev it adds fact recall, see
    docs/reader.md). For "what did X say", the speaker going on ("…," she said) carries
    it on too, in the next paragraph as well: news gives a quote a paragraph of its own.

    Args:
        quote: the best sentence.
        text: its article's text.
        speaker: who a quote is attributed to.
        attribution: whether the question asks what someone said.

    Returns:
        The next sentence as a quote, or None.
    """
    # The next sentence's paragraph: this one's rest, or for a quote the next paragraph.
    begin = len(text) - len(text[quote.end :].lstrip()) if attribution else quote.end
    para_end = text.find("\n", begin)
    spans = split_sentences(text, quote.end, len(text) if para_end < 0 else para_end)
    if not spans:
        return None
    start, end = spans[0]
    following = text[start:end]
    if len(words(following)) < MIN_WORDS:
        return None
    who = speaker(quote) if attribution else None
    goes_on = who and same_speaker(speaker_at(text, following, start, end), who)
    shared = len(set(terms(quote.text)) & set(terms(following)))
    if shared < _CONTINUATION_SHARED and not goes_on:
        return None
    return replace(quote, text=following, start=start, end=end)
