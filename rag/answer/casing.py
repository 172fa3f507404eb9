"""How an article writes a word: as a name, in lower case, or in a headline's title case.

The sentence's first word is capitalised whatever it is, and a headline capitalises every
word: whether a capitalised run is a name is read from how the rest of the article writes it.
"""

from __future__ import annotations

import re

from rag.text.terms import STOPWORDS


def written_as_name(word: str, article: str) -> bool:
    """Whether ``article`` writes ``word`` capitalised after another word ("… said
    Varadkar"), as a name, and never in lower case ("thus", "even")."""
    inside = re.search(rf"[\w,;:)]\s+{re.escape(word)}(?![\w’'-])", article)
    return inside is not None and not lower_in(word, article)


def lower_in(word: str, article: str) -> bool:
    """Whether ``article`` writes ``word`` in lower case somewhere."""
    return re.search(rf"(?<![\w’'-]){re.escape(word.lower())}(?![\w’'-])", article) is not None


def headline(sentence: str) -> bool:
    """Whether ``sentence`` is written in title case, as a headline is ("Amazon Liable for
    Defective Third-Party Products Rules CA Appellate Court"): its runs of capitalised words
    are no names."""
    long = [w for w in re.findall(r"[A-Za-z][\w’'-]{3,}", sentence) if w not in _SMALL]
    return len(long) >= _HEADLINE_WORDS and all(w[:1].isupper() for w in long)


# A headline has at least this many words of four letters or more, all capitalised but the
# prepositions title case leaves small; a sentence of fewer is often a name alone.
_HEADLINE_WORDS = 4
_SMALL = frozenset("from with into onto over upon than".split())


def capitalised(words: list[str]) -> list[bool]:
    """Whether each of ``words`` may be a word of a name: capitalised and no function word
    ("The", "Of"), or the number of a name that designates by number ("Senate Bill 10",
    "Flight 8501", "Route 66")."""
    return [(w[:1].isupper() and w.lower() not in STOPWORDS)
            or (n > 0 and w[:1].isdigit() and words[n - 1].lower() in _DESIGNATORS)
            for n, w in enumerate(words)]  # fmt: skip


# Nouns that name a thing with a number after them.
_DESIGNATORS = frozenset(
    """bill flight proposition prop route highway interstate amendment article section chapter
    category phase terminal gate district precinct ward platform""".split()
)
