"""Answer metrics: fact recall, token F1, similarity, ALCE citation scores, faithfulness."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from rag.eval.metrics.core import Entails, Score, ok, unscorable
from rag.text.markers import strip_markers
from rag.text.terms import words

_ARTICLES = frozenset({"a", "an", "the"})


def fact_scores(text: str, facts: Sequence[str]) -> tuple[Score, Score, list[str]]:
    """Fact recall and all-facts accuracy: facts are case-insensitive regexes.

    Args:
        text: the answer (markers may stay; they never match a fact by accident).
        facts: regexes a correct answer must contain.

    Returns:
        ``(fact_recall, all_facts, missing_facts)``.
    """
    if not facts:
        reason = "case lists no facts"
        return unscorable(reason), unscorable(reason), []
    missing = [f for f in facts if not re.search(f, text, flags=re.IGNORECASE)]
    why = f"missing: {'; '.join(missing)}" if missing else None
    recall = (len(facts) - len(missing)) / len(facts)
    return ok(recall, why), ok(0.0 if missing else 1.0, why), missing


def exact_match(prediction: str, gold: Sequence[str]) -> float:
    """SQuAD exact match: 1.0 when the prediction equals one gold answer once lowercased,
    without punctuation, articles and [n] markers."""
    return float(any(_answer_tokens(prediction) == _answer_tokens(g) for g in gold))


def _answer_tokens(text: str) -> list[str]:
    return [w for w in words(strip_markers(text, " ")) if w not in _ARTICLES]


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 (lowercase, no punctuation, no articles, no [n] markers).

    Args:
        prediction: the answer.
        reference: the reference answer.

    Returns:
        F1 of the token multisets, 0 when either side has no tokens.
    """
    pred, ref = _answer_tokens(prediction), _answer_tokens(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two vectors (0 when either is all zeros)."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    return float(np.dot(a, b) / (na * nb)) if na and nb else 0.0


# --- citations (ALCE) ----------------------------------------------------------------------


def citation_scores(
    sentences: Sequence[tuple[str, Sequence[str]]], entails: Entails
) -> tuple[Score, Score]:
    """ALCE citation precision and recall (Gao et al., 2023) with any entailment judge.

    Recall: share of sentences whose cited passages, together, support them. Precision: share
    of citations that are needed: a citation is imprecise when the sentence is unsupported, or
    when it supports nothing alone and the other citations still support the sentence.

    Args:
        sentences: ``(sentence, [cited passage, ...])`` per answer sentence.
        entails: ``entails(claim, passages) -> bool``.

    Returns:
        ``(citation_precision, citation_recall)``.
    """
    if not sentences:
        reason = "answer has no sentences"
        return unscorable(reason), unscorable(reason)
    supported = precise = n_cites = 0
    for claim, passages in sentences:
        cited = list(passages)
        n_cites += len(cited)
        joint = bool(cited) and entails(claim, cited)
        supported += joint
        if not joint:
            continue
        if len(cited) == 1:
            precise += 1
            continue
        for i, passage in enumerate(cited):
            alone = entails(claim, [passage])
            rest = cited[:i] + cited[i + 1 :]
            precise += alone or not entails(claim, rest)
    recall = ok(supported / len(sentences))
    if not n_cites:
        return unscorable("answer cites nothing"), recall
    return ok(precise / n_cites), recall


def faithfulness(sentences: Sequence[tuple[str, Sequence[str], bool]], entails: Entails) -> Score:
    """Share of answer sentences supported by their citations' verified quotes.

    Args:
        sentences: ``(sentence, [quote, ...], quotes_verified)``; a quote that is not exactly
            the article's text at its offsets backs nothing.
        entails: ``entails(claim, passages) -> bool``.

    Returns:
        The share, unscorable for an answer without sentences.
    """
    if not sentences:
        return unscorable("answer has no sentences")
    good = sum(
        bool(quotes) and verified and entails(claim, list(quotes))
        for claim, quotes, verified in sentences
    )
    bad = len(sentences) - good
    return ok(good / len(sentences), f"{bad} unsupported sentence(s)" if bad else None)
