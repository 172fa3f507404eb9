"""Turn a follow-up question into a standalone retrieval query, offline."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rag.config import ROLES
from rag.errors import QueryError
from rag.records import Quote
from rag.text.markers import strip_markers
from rag.text.sentences import split_sentences
from rag.text.terms import STOPWORDS, proper_nouns, terms, words

# Words that point back into the conversation ("he", "that deal", "there").
_ANAPHORA = frozenset(
    "he she it they him her them his hers its their theirs this that these those there "
    "then such former latter".split()
)
_MAX_CARRIED = 8
# A question that opens this way continues the conversation even when it names things of
# its own ("And what's the running total under the current mayor?", "What about Alienware's
# machine?"). With the rules below: dev follow-ups 17 → 19 of 28 answered with all facts,
# train's 80 → 86 of 115 (docs/reader.md, round 10; the words are English's, not tuned).
# ("Also …" and "Then …" are caught by `_ALSO` and `_ANAPHORA` wherever they stand.)
_CONTINUES = re.compile(r"^\s*(?:and|but|so|plus|or|what about|how about|what of)\b",
                        re.IGNORECASE)  # fmt: skip
# Words that add to what was said before ("Did the rest of the family approve, too?").
_ALSO = re.compile(r"\b(?:too|also|else|either|as well)\b", re.IGNORECASE)
# An answer that leads with a phrase this short and names nobody ("The wall-mounted
# hairdryer.") is what "that" or "it" of the next question points to: its words are carried
# (a lead that names someone gives its names). Eight words hold a thing with its article and
# two modifiers, not a clause; set by hand, not tuned.
_SHORT_LEAD = 8


def check_history(history: Sequence[Any] | None) -> list[dict[str, str]]:
    """Validate ``[{"role": "user"|"assistant", "content": str}, ...]``; raise `QueryError`."""
    turns = []
    for n, turn in enumerate(history or [], 1):
        if not isinstance(turn, dict) or not isinstance(turn.get("content"), str):
            raise QueryError(f"history turn {n} must be a mapping with a 'content' string")
        role = turn.get("role")
        if role not in ROLES:
            raise QueryError(f"history turn {n} has role {role!r}; valid roles: {', '.join(ROLES)}")
        turns.append({"role": str(role), "content": turn["content"]})
    return turns


def needs_context(question: str) -> bool:
    """True when the question leans on earlier turns: it opens with "And …" or "What about …",
    adds "too" or "else", has pronouns, or has too little of its own.

    A question that names nothing is not taken for one by that alone: "What is the recipe for
    banana bread?" after a turn about Gaza is a new subject, and is asked as such.
    """
    tokens = words(question)
    content = [t for t in tokens if t not in STOPWORDS]
    return bool(
        _CONTINUES.match(question)
        or _ALSO.search(question)
        or any(t in _ANAPHORA for t in tokens)
        or len(content) <= 2
    )


def condense(question: str, history: Sequence[Any] | None) -> str:
    """A standalone query: the question plus salient names and terms from recent turns.

    Args:
        question: the latest user message.
        history: earlier turns, oldest first.

    Returns:
        ``question`` unchanged when it stands alone, else the question followed by carried terms.
    """
    turns = check_history(history)
    if not turns or not needs_context(question):
        return question
    own = {w.lower() for w in words(question)}
    carried: list[str] = []

    def carry(candidates: list[str]) -> None:
        for term in candidates:
            key = term.lower()
            if key not in own and key not in STOPWORDS and len(carried) < _MAX_CARRIED:
                own.add(key)
                carried.append(term)

    # The latest user turn says what the conversation is about; the answer's first names and
    # a short lead resolve pronouns ("he" -> "Blinken", "that" -> "hairdryer"); then the
    # user's other words. Older turns fill in if room is left.
    users = [t["content"] for t in turns if t["role"] == "user"]
    answers = [strip_markers(t["content"]) for t in turns if t["role"] == "assistant"]
    if users:
        carry(proper_nouns(users[-1]))
    if answers:
        carry(proper_nouns(answers[-1])[:2])  # more would drown the question
        lead = _lead(answers[-1])
        if len(words(lead)) <= _SHORT_LEAD and not proper_nouns(lead):
            carry([w for w in re.findall(r"\w+", lead) if len(w) > 2])
    if users:
        carry([w for w in re.findall(r"\w+", users[-1]) if len(w) > 3])
    for older in reversed(users[:-1]):
        carry(proper_nouns(older)[:2])
    return f"{question} {' '.join(carried)}".strip() if carried else question


def _lead(answer: str) -> str:
    """The first sentence of an answer."""
    spans = split_sentences(answer)
    return answer[spans[0][0] : spans[0][1]] if spans else answer


def answer_sentences(answer: str) -> set[str]:
    """The sentences of an earlier answer, markers removed, whitespace normalised."""
    text = strip_markers(answer)
    return {norm_space(text[a:b]) for a, b in split_sentences(text)}


def said_before(history: Sequence[dict[str, str]] | None) -> set[str]:
    """Sentences of earlier assistant turns, for the novelty preference."""
    out: set[str] = set()
    for turn in history or []:
        if turn.get("role") == "assistant":
            out |= answer_sentences(turn.get("content", ""))
    return out


def _last_turn(history: Sequence[dict[str, str]] | None, role: str) -> str | None:
    turns = [t.get("content", "") for t in history or [] if t.get("role") == role]
    return turns[-1] if turns else None


def repeats_previous(
    chosen: list[Quote], history: Sequence[dict[str, str]] | None, question: str
) -> bool:
    """True when ``chosen`` would say the previous answer again, word for word, for a new
    question (quoting one sentence of a longer previous answer is a fair, narrower answer)."""
    previous = _last_turn(history, "assistant")
    if previous is None or (_last_turn(history, "user") or "").strip() == question.strip():
        return False
    return answer_sentences(previous) == {norm_space(q.text) for q in chosen}


def norm_space(text: str) -> str:
    """``text`` with runs of whitespace as single spaces (to compare quoted sentences)."""
    return " ".join(text.split())


def quoted_before(question: str, texts: Sequence[str], said: set[str]) -> list[bool]:
    """Which of ``texts`` the conversation already quoted that hold fewer than half of
    ``question``'s own content words: the condensed query carries the earlier question's
    words, which would otherwise pull the earlier answer back."""
    own = set(terms(question)) or {""}
    return [norm_space(t) in said and 2 * len(own & set(terms(t))) < len(own) for t in texts]
