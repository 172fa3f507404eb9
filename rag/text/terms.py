"""Word-level analysis shared by BM25, sentence scoring and follow-up rewriting."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

# Short English stopword list; question words are stopwords too, since "what"/"who" carry no
# topic and would otherwise make every question match every sentence.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves said says say tell told according mr mrs ms""".split()
)
_WORD = re.compile(r"\w+", re.UNICODE)
_STEMMER = Stemmer.Stemmer("english")


def ascii_fold(text: str) -> str:
    """``text`` without accents or other non-ASCII letters ("Müller" → "Muller")."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def words(text: str) -> list[str]:
    """Lowercased word tokens, stopwords kept."""
    return [w.lower() for w in _WORD.findall(text)]


def terms(text: str) -> list[str]:
    """Stemmed content terms (no stopwords, no 1-letter tokens), in order, repeats kept."""
    return [_stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def proper_nouns(text: str) -> list[str]:
    """Capitalised words that are not sentence-initial stopwords, in order of appearance."""
    found = []
    for match in re.finditer(r"\b[A-Z][\w’'-]*[\w]", text):
        word = match.group(0)
        if word.lower() not in STOPWORDS:
            found.append(word)
    return found
