"""Extractive answers: pick the retrieved sentences that answer the question, cite each one."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from rag.answer.citations import Quote, cite
from rag.answer.relevance import IdfFn, has_expected_answer, rare_term_coverage
from rag.index.embeddings import TextEmbedder, VectorCache
from rag.records import Answer, Hit
from rag.text.sentences import split_sentences
from rag.text.similarity import distinct
from rag.text.terms import terms, words

ABSTAIN_TEXT = "The articles don't say. None of the retrieved passages answers this question."
_MIN_WORDS = 4  # bylines and section labels are not answers
_SIMILAR_SENTENCE = 0.7  # word-set Jaccard above which two sentences say the same thing
_EVIDENCE_HITS = 8  # sentences are drawn from this many top hits
_CONTINUATION_SHARED = 2  # content terms a next sentence shares with a chosen one
_MISSING_ANSWER_TYPE = 0.6  # score factor for "how many" answered without any number
_PARAPHRASE_COSINE = 0.6  # evidence this close in meaning needs no shared rare terms
_MIN_RARE_COVERAGE = 0.4  # else this share of the question's IDF mass must appear


def _candidates(hits: list[Hit]) -> list[tuple[Quote, int]]:
    """Every distinct sentence of the top hits, with the rank of the hit it came from."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for rank, hit in enumerate(hits[:_EVIDENCE_HITS]):
        for a, b in split_sentences(hit.text):
            start, end = hit.start + a, hit.start + b
            text = hit.text[a:b]
            key = (hit.doc_id, start, end)
            if key in seen or len(words(text)) < _MIN_WORDS or text.strip() == hit.title.strip():
                continue
            seen.add(key)
            quote = Quote(hit.doc_id, hit.title, hit.source, text, start, end, 0.0, hit.date,
                          hit.url)  # fmt: skip
            out.append((quote, rank))
    return out


class ExtractiveAnswerer:
    """Scores candidate sentences by meaning and wording, abstains when evidence is weak."""

    def __init__(
        self,
        embedder: TextEmbedder,
        article_text: Callable[[str], str | None],
        idf: IdfFn | None = None,
        threshold: float = 0.4,
        max_sentences: int = 4,
    ) -> None:
        self.threshold = threshold
        self.max_sentences = max_sentences
        self._article_text = article_text
        self._idf: IdfFn = idf or (lambda _term: 1.0)
        self._vectors = VectorCache(embedder)

    def _continuation(self, quote: Quote) -> Quote | None:
        """The next sentence of the same paragraph when it carries the thought on.

        News sentences often finish a point across two sentences ("one contentious issue is
        X." then "While A says ..., B says ..."); the second rarely repeats the question's
        words, so it is found by its ties to the first: two or more shared content terms.
        """
        text = self._article_text(quote.doc_id)
        if not text:
            return None
        para_end = text.find("\n", quote.end)
        spans = split_sentences(text, quote.end, len(text) if para_end < 0 else para_end)
        if not spans:
            return None
        start, end = spans[0]
        following = text[start:end]
        if len(words(following)) < _MIN_WORDS:
            return None
        if len(set(terms(quote.text)) & set(terms(following))) < _CONTINUATION_SHARED:
            return None
        return Quote(quote.doc_id, quote.title, quote.source, following, start, end,
                     quote.score, quote.date, quote.url)  # fmt: skip

    def score(self, query: str, query_vector: np.ndarray, quotes: list[Quote]) -> list[float]:
        """Support of each sentence for the query, in [0, 1].

        Meaning (cosine) and wording (IDF-weighted share of the query's terms in the sentence),
        discounted when the question asks for a number, time or amount the sentence lacks.
        """
        if not quotes:
            return []
        cos = self._vectors.get([q.text for q in quotes]) @ query_vector
        return [
            float(
                (0.7 * max(c, 0.0) + 0.3 * rare_term_coverage(query, [q.text], self._idf))
                * (1.0 if has_expected_answer(query, q.text) else _MISSING_ANSWER_TYPE)
            )
            for c, q in zip(cos, quotes, strict=True)
        ]

    def _off_topic(
        self, query: str, query_vector: np.ndarray, best: Quote, hits: list[Hit]
    ) -> bool:
        """True when the evidence misses the question's rare terms and is not a close paraphrase.

        A question about "Neptune's moons" retrieves the nearest article about space; its
        sentences score well on meaning, but "Neptune" is nowhere in them.
        """
        if float(self._vectors.get([best.text])[0] @ query_vector) >= _PARAPHRASE_COSINE:
            return False
        context = [h.text for h in hits if h.doc_id == best.doc_id] + [best.title]
        return rare_term_coverage(query, context, self._idf) < _MIN_RARE_COVERAGE

    def answer(
        self, question: str, query: str, query_vector: np.ndarray, hits: list[Hit]
    ) -> Answer:
        """Build a cited answer from ``hits``, or abstain.

        Args:
            question: what the user asked (kept in the answer).
            query: the standalone retrieval query used for scoring.
            query_vector: its embedding.
            hits: retrieved chunks, best first.

        Returns:
            The answer; ``abstained`` is True and there are no citations when evidence is weak.
        """
        pairs = _candidates(hits)
        scores = self.score(query, query_vector, [q for q, _ in pairs])
        # A small preference for sentences from better-ranked hits breaks near-ties sensibly.
        ranked = sorted(
            (
                (s - 0.01 * rank, Quote(**{**q.__dict__, "score": s}))
                for (q, rank), s in zip(pairs, scores, strict=True)
            ),
            key=lambda x: -x[0],
        )
        if (
            not ranked
            or ranked[0][1].score < self.threshold
            or self._off_topic(query, query_vector, ranked[0][1], hits)
        ):
            return Answer(question, ABSTAIN_TEXT, [], True, query, [], hits)
        best = ranked[0][1].score
        floor = max(self.threshold, 0.75 * best)
        above = itertools.takewhile(lambda q: q.score >= floor, (q for _, q in ranked))
        chosen = distinct(above, lambda q: q.text, _SIMILAR_SENTENCE, self.max_sentences)
        for quote in list(chosen[:1]):
            nxt = self._continuation(quote)
            if (
                nxt
                and len(chosen) < self.max_sentences
                and all((c.doc_id, c.start) != (nxt.doc_id, nxt.start) for c in chosen)
            ):
                chosen.append(nxt)
        # Read like an article: documents by their best sentence, sentences in article order.
        doc_rank = {q.doc_id: i for i, q in reversed(list(enumerate(chosen)))}
        chosen.sort(key=lambda q: (doc_rank[q.doc_id], q.start))
        text, citations, sentences = cite(chosen)
        return Answer(question, text, citations, False, query, sentences, hits)
