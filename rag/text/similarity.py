"""Word-set similarity used to spot near-duplicate passages and sentences."""

from __future__ import annotations

from collections.abc import Iterable, Set


def jaccard(a: Set[str], b: Set[str]) -> float:
    """``|a ∩ b| / |a ∪ b|``; 0.0 when either set is empty."""
    return len(a & b) / len(a | b) if a and b else 0.0


def similar_to_any(words: Set[str], others: Iterable[Set[str]], threshold: float) -> bool:
    """True when ``words`` has a Jaccard similarity of at least ``threshold`` with one of
    ``others``."""
    return any(jaccard(words, other) >= threshold for other in others)
