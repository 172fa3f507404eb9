"""A question's parts ("how many X, and what Y?") and the subject the articles mention.

Both feed the answer's wording: a multi-part question is answered part by part, and an
abstention names what the articles mention (what they don't give: `rag.answer.asks`).
"""

from __future__ import annotations

import re

from rag.answer.forms import nationality_adjective
from rag.text.terms import STOPWORDS, proper_nouns, words

# A new part starts at "and"/"but"/";"/"?" followed by a question word or an auxiliary: "how
# many died, and what did the army say?" but not "Israel and Hamas" or "talks and a deal".
_ASKS = (
    r"what|which|who|whom|whose|when|where|why|how|did|does|do|is|was|were|are|has|have|had|"
    r"can|could|will|would|should"
)
_SPLIT = re.compile(rf"(?:,?\s+(?:and|but|also)\s+|;\s*|\?\s+)(?=(?:{_ASKS})\b)", re.IGNORECASE)
_MIN_PART_WORDS = 2  # "and why?" alone is too short to retrieve or judge on its own
# Words that say how a question asks, not what about.
_ASKING = frozenset("many much old long far big large often happen happened give gave".split())
_POSSESSIVE = re.compile(r"['’]s?$")
# A name: capitalised words, with "of"/"de" … between them ("Bank of Japan", "Tour de
# France", "Basket of Wild Strawberries") and dots inside them ("Parse.ly", "A.V. Club").
_CAP_WORD = r"[A-Z][\w’'.-]*\w(?:\.(?=\s+[A-Z]))?"
_CONNECTORS = ("of the", "of", "de", "du", "del", "des", "la", "le", "van", "von")
_NAME = re.compile(rf"\b{_CAP_WORD}(?:\s+(?:(?:{'|'.join(_CONNECTORS)})\s+)?{_CAP_WORD})*")


def split_parts(question: str) -> list[str]:
    """The sub-questions of ``question``; a single-part question comes back alone."""
    pieces = [p.strip(" ,;?") for p in _SPLIT.split(question) if p and p.strip(" ,;?")]
    parts = [p for p in pieces if len(words(p)) >= _MIN_PART_WORDS]
    return parts if len(parts) > 1 else [question.strip()]


def part_query(part: str, question: str) -> str:
    """``part`` with the question's names it lacks ("what is its high" + "SandRidge")."""
    own = part.lower()
    missing = [n for n in proper_nouns(question) if n.lower() not in own]
    return f"{part} {' '.join(missing)}".strip()


def subject(question: str, evidence: str) -> str:
    """What of the question the evidence mentions: its names, else most of its words.

    Empty when the question names someone or something the evidence never mentions, or when
    fewer than half of its content words are there: the articles are about something else.
    """
    low = set(words(evidence))
    # Names ("Antony Blinken"), minus a leading question word; a name counts by the words of
    # it the evidence has ("Blinken").
    names = _NAME.findall(question)
    if any(w.lower() not in STOPWORDS for m in names for w in m.split()):
        named = [_named(m, low, question) for m in names]
        # One name inside another ("Seth Rogen" and "Rogen") is said once.
        kept = [n for n in dict.fromkeys(named) if n and not any(
            n != m and f" {n} " in f" {m} " for m in named)]  # fmt: skip
        return " and ".join(kept)
    content = [w for w in words(question) if w not in STOPWORDS and w not in _ASKING and len(w) > 3]
    found = [w for w in content if w in low]
    if not 2 * len(found) >= len(content) > 0:
        return ""
    # Found words next to each other in the question are one phrase ("satin ribbon").
    phrases = re.findall(rf"\b{_alternatives(found[:3])}(?:\s+{_alternatives(found[:3])})*\b",
                         question.lower())  # fmt: skip
    return " and ".join(dict.fromkeys(phrases))


def _alternatives(found: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in found) + ")"


# Heads that name nothing without the words before them ("Kangaroo Island" → "Island").
_GENERIC_HEADS = frozenset(
    """island islands prize club bank reef hospital university street party house office court
    city state county center centre museum school college airport station bridge park river
    lake company group council committee ministry department award awards cup league festival
    war day times post news central capital king queen""".split()
)


def _named(name: str, low: set[str], question: str) -> str:
    """The part of a ``name`` of the question that the evidence (its words ``low``) has,
    when it still names something: a surname ("Antony Blinken" → "Blinken"), not "Grand" of
    "Grand Central", "Island" of "Kangaroo Island" or "British" of "British poultry farms"."""
    # A possessive names its owner ("Netanyahu's office" → "Netanyahu"): "The articles
    # mention Netanyahu's" is not English; inside a name it stays ("Nolan's Dunkirk").
    name = _POSSESSIVE.sub("", name)
    run = [w for w in name.split() if w.lower() not in STOPWORDS and w not in _CONNECTORS]
    found = [w for w in run if set(words(_POSSESSIVE.sub("", w))) <= low]
    if not found:
        return ""
    if len(run) == 1 and nationality_adjective(run[0], question):
        return ""  # an adjective of nationality before a noun names no one
    if found == run:
        # The whole name, as the question writes it; a lone generic head names nothing
        # ("Capital" of "European Green Capital" cut by a lower-case word, "Club").
        whole = name.split()
        whole = whole[whole.index(run[0]) :]  # without a leading "The"
        return "" if len(run) == 1 and run[0].lower() in _GENERIC_HEADS else " ".join(whole)
    # Only a last part names the same thing ("Blinken"), and not across "of"/"de" ("France"
    # of "Tour de France", "Japan" of "Bank of Japan").
    if found != run[-len(found) :] or len(name.split()) > len(run):
        return ""
    if len(found) == 1 and found[0].lower() in _GENERIC_HEADS:
        return ""
    found = [_POSSESSIVE.sub("", w) for w in found]
    return " ".join(found)
