"""Offline support scorer: does evidence text back a claim? Lexical + embedding, no LLM.

Used by the eval harness for citation precision/recall and faithfulness, and meant to be reused
by anything that must check a generated sentence against its quotes (e.g. LLM answers).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.errors import EvalError
from rag.index.embeddings import BUNDLED, Embedder, TextEmbedder, VectorCache
from rag.text.terms import terms, words

# Calibrated on tests/answer/data/support_pairs.jsonl with `calibrate` (bundled model, torch
# backend); tests keep accuracy on those pairs honest, for onnx-int8 too, whenever the formula
# or the model changes.
THRESHOLD = 0.645

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "without",
        "denied",
        "denies",
        "deny",
    }
)
# Spelled-out numbers count as numbers, so "five-hour" vs "three-hour" is a changed fact.
_CARDINALS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
# "first" is left out: it is far more often an order of events than a count.
_ORDINALS = (
    "",
    "",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
)
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(_CARDINALS)}
_NUMBER_WORDS.update({w: str(i) for i, w in enumerate(_ORDINALS) if w})
_NUMBER_WORDS.update({"dozen": "12", "hundred": "100", "thousand": "1000"})
# A missing number is strong evidence of a changed fact; a negation mismatch a weaker one.
_NUMBER_PENALTY = 0.5
_NEGATION_PENALTY = 0.75


@dataclass(frozen=True)
class SupportDetail:
    """The parts of a support score, for reports and debugging."""

    score: float
    cosine: float
    coverage: float
    missing_numbers: tuple[str, ...]
    negation_mismatch: bool


def _numbers(text: str) -> set[str]:
    # "40,000" and "40000" are the same number; trailing separators belong to the sentence.
    found = {m.replace(",", "").rstrip(".") for m in _NUMBER.findall(text)}
    return found | {_NUMBER_WORDS[w] for w in words(text) if w in _NUMBER_WORDS}


def _negated(text: str) -> bool:
    toks = words(text)
    return any(t in _NEGATIONS or t.endswith("n't") for t in toks) or "n't" in text.lower()


class SupportScorer:
    """Scores how well evidence passages support a claim, in [0, 1].

    Args:
        embedder: the sentence embedder (default: the bundled model, loaded once per process).
        threshold: score at or above which a claim counts as supported.
    """

    def __init__(self, embedder: TextEmbedder | None = None, threshold: float = THRESHOLD) -> None:
        self.embedder = embedder or Embedder(BUNDLED)
        self.threshold = threshold
        self._vectors = VectorCache(self.embedder, size=20_000).get

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two texts' embeddings (0 when either vector is all zeros)."""
        va, vb = self.embedder.encode([a, b])
        na, nb = float(np.linalg.norm(va)), float(np.linalg.norm(vb))
        return float(np.dot(va, vb) / (na * nb)) if na and nb else 0.0

    def detail(self, claim: str, evidence: Sequence[str]) -> SupportDetail:
        """Score ``claim`` against ``evidence`` and return every component.

        Args:
            claim: one sentence to check.
            evidence: passages (e.g. cited quotes); together they must back the claim.

        Returns:
            A `SupportDetail`; ``score`` is 0 when claim or evidence is empty.
        """
        passages = [e for e in evidence if e and e.strip()]
        if not claim.strip() or not passages:
            return SupportDetail(0.0, 0.0, 0.0, (), False)
        joined = " ".join(passages)
        vecs = self._vectors([claim, joined, *passages])
        # Joined evidence catches claims spread over quotes; single passages avoid dilution.
        cosine = float(max(0.0, float(np.max(vecs[1:] @ vecs[0]))))
        claim_terms = set(terms(claim))
        coverage = (
            len(claim_terms & set(terms(joined))) / len(claim_terms) if claim_terms else cosine
        )
        missing = tuple(sorted(_numbers(claim) - _numbers(joined)))
        best = passages[int(np.argmax(vecs[2:] @ vecs[0]))]
        mismatch = _negated(claim) != _negated(best) and _negated(claim) != _negated(joined)
        score = 0.5 * cosine + 0.5 * coverage
        if missing:
            score *= _NUMBER_PENALTY
        if mismatch:
            score *= _NEGATION_PENALTY
        return SupportDetail(
            round(score, 6), round(cosine, 6), round(coverage, 6), missing, mismatch
        )

    def support(self, claim: str, evidence: Sequence[str]) -> float:
        """How well ``evidence`` supports ``claim``, in [0, 1].

        Args:
            claim: one sentence.
            evidence: passages that should back it.

        Returns:
            The support score; compare with ``threshold`` or use `is_supported`.
        """
        return self.detail(claim, evidence).score

    def is_supported(self, claim: str, evidence: Sequence[str]) -> bool:
        """True when the support score reaches the calibrated threshold.

        Args:
            claim: one sentence.
            evidence: passages that should back it.

        Returns:
            Whether ``evidence`` supports ``claim``.
        """
        return self.support(claim, evidence) >= self.threshold


_default: SupportScorer | None = None
_default_lock = threading.Lock()


def default_scorer() -> SupportScorer:
    """The process-wide scorer on the bundled model (created on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = SupportScorer()
        return _default


def load_pairs(path: str | Path) -> list[tuple[str, list[str], bool]]:
    """Read labelled ``{"claim", "evidence" (str or list), "label" (bool)}`` JSONL pairs.

    Args:
        path: the JSONL file.

    Returns:
        ``(claim, evidence, label)`` triples.
    """
    pairs = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            ev = row["evidence"]
            pairs.append(
                (str(row["claim"]), [ev] if isinstance(ev, str) else list(ev), bool(row["label"]))
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{n}: bad support pair: {exc}") from None
    return pairs


def calibrate(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """The threshold that best separates labelled scores (midpoint between neighbours).

    Args:
        scores: support scores.
        labels: True for supported pairs.

    Returns:
        ``(threshold, accuracy)``; ties go to the lowest threshold, so results are stable.
    """
    if not scores:
        raise EvalError("no labelled pairs to calibrate on")
    ordered = sorted(set(scores))
    cuts = [ordered[0] - 1e-6]
    cuts += [(a + b) / 2 for a, b in zip(ordered, ordered[1:], strict=False)]
    cuts.append(ordered[-1] + 1e-6)
    best = (cuts[0], -1.0)
    for cut in cuts:
        acc = sum((s >= cut) == lab for s, lab in zip(scores, labels, strict=True)) / len(scores)
        if acc > best[1]:
            best = (cut, acc)
    return round(best[0], 4), best[1]
