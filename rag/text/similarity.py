"""Word-set similarity used to spot near-duplicate passages and sentences."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Set
from typing import TypeVar

from rag.text.facts import fact_tokens
from rag.text.terms import words

T = TypeVar("T")


def jaccard(a: Set[str], b: Set[str]) -> float:
    """``|a ∩ b| / |a ∪ b|``; 0.0 when either set is empty."""
    return len(a & b) / len(a | b) if a and b else 0.0


def similar_to_any(words: Set[str], others: Iterable[Set[str]], threshold: float) -> bool:
    """True when ``words`` has a Jaccard similarity of at least ``threshold`` with one of
    ``others``."""
    return any(jaccard(words, other) >= threshold for other in others)


def distinct(
    items: Iterable[T], text: Callable[[T], str], threshold: float, limit: int | None = None
) -> list[T]:
    """``items`` in order, without those whose words nearly equal an earlier kept item's
    and whose figures, dates and names are the same (rag.text.facts): two notes that differ
    only in a number are both kept.

    Args:
        items: best first; read lazily, so later items are never tokenised once ``limit`` is hit.
        text: the text of an item.
        threshold: word-set Jaccard similarity at which an item counts as a duplicate.
        limit: stop once this many items are kept.

    Returns:
        The kept items, in their order.
    """
    kept: list[T] = []
    kept_words: list[tuple[set[str], frozenset[str]]] = []
    for item in items:
        if limit is not None and len(kept) >= limit:
            break
        body = text(item)
        w, facts = set(words(body)), fact_tokens(body)
        if any(f == facts and jaccard(w, other) >= threshold for other, f in kept_words):
            continue
        kept.append(item)
        kept_words.append((w, facts))
    return kept
