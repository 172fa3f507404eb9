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
from rag.text.terms import STOPWORDS, proper_nouns, words

# Words that point back into the conversation ("he", "that deal", "there").
_ANAPHORA = frozenset(
    "he she it they him her them his hers its their theirs this that these those there "
    "then such former latter".split()
)
_MAX_CARRIED = 8


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
    """True when the question leans on earlier turns: pronouns, or too little of its own."""
    tokens = words(question)
    content = [t for t in tokens if t not in STOPWORDS]
    return any(t in _ANAPHORA for t in tokens) or len(content) <= 2


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

    # The latest user turn says what the conversation is about; names from the answer
    # resolve pronouns ("he" -> "Blinken"). Older turns fill in if room is left.
    users = [t["content"] for t in turns if t["role"] == "user"]
    answers = [strip_markers(t["content"]) for t in turns if t["role"] == "assistant"]
    if users:
        last = users[-1]
        carry(proper_nouns(last))
        carry([w for w in re.findall(r"\w+", last) if len(w) > 3])
    if answers and not (users and proper_nouns(users[-1])):
        # Only when the user named nobody: the answer's first names are the likely referents;
        # more would drown the question.
        carry(proper_nouns(answers[-1])[:2])
    for older in reversed(users[:-1]):
        carry(proper_nouns(older)[:2])
    return f"{question} {' '.join(carried)}".strip() if carried else question


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
