"""What the reader knows about a candidate sentence: cheap signals computed per question.

The same numbers feed the trained models at ask time and when `make reader` trains them, so
the feature lists below are part of the shipped model's contract (its manifest records them).
`SENTENCE_FEATURES` are cheap (the first stage ranks every candidate with them);
`READ_FEATURES` come from the reader encoder and the span model, run on the first stage's
best few only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from rag.reader.relevance import answer_pattern, rare_term_coverage
from rag.records import Hit, Quote
from rag.text.sentences import split_sentences
from rag.text.terms import proper_nouns, terms, words

IdfFn = Callable[[str], float]

EVIDENCE_HITS = 8  # sentences are drawn from this many top hits (the answering sentence is
# inside the top-8 passages for 27 of 28 questions in issue 14's probe)
MIN_WORDS = 4  # bylines and section labels are not answers

SENTENCE_FEATURES = (
    "cosine",  # cosine by the retrieval embedder (sentence vectors stored at ingest)
    "cosine_gap",
    "coverage",  # IDF-weighted share of the query's terms in the sentence
    "coverage_gap",
    "context_coverage",  # ... in the sentence, its passage and the title
    "names_found",  # share of the question's proper nouns in the sentence
    "asks_type",  # the question asks for a number, time or amount
    "type_found",  # ... and the sentence has one
    "has_number",
    "hit_rank",
    "hit_score",
    "position",  # sentence start / article length
    "log_words",
)
READ_FEATURES = (
    "tuned",  # cosine by the reader's fine-tuned encoder (`rag.reader.encoder`)
    "tuned_gap",  # its distance to the best candidate's
    "span",  # the span model's best answer score minus its no-answer score
    "span_gap",  # its distance to the best candidate's
    "span_rank",  # rank by it among the candidates read
)
FINAL_FEATURES = SENTENCE_FEATURES + READ_FEATURES


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage that might answer the question."""

    quote: Quote
    rank: int  # rank of the hit it comes from
    hit_score: float
    passage: str  # the hit's text, for context features


def candidates(hits: Sequence[Hit], limit: int = EVIDENCE_HITS) -> list[Candidate]:
    """Every distinct sentence of the top ``limit`` hits, with the rank of its hit."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for rank, hit in enumerate(hits[:limit]):
        for a, b in split_sentences(hit.text):
            start, end = hit.start + a, hit.start + b
            text = hit.text[a:b]
            key = (hit.doc_id, start, end)
            if key in seen or len(words(text)) < MIN_WORDS or text.strip() == hit.title.strip():
                continue
            seen.add(key)
            quote = Quote(hit.doc_id, hit.title, hit.source, text, start, end, 0.0, hit.date,
                          hit.url)  # fmt: skip
            out.append(Candidate(quote, rank, hit.score, hit.text))
    return out


def more_of_top(
    hits: Sequence[Hit], cands: Sequence[Candidate], article: Callable[[str], str | None],
    sentences: Callable[[str], Sequence[tuple[int, int]]],
) -> list[Candidate]:  # fmt: skip
    """The best hit's article's other sentences (as ingest stored them), after ``cands``.

    The answering sentence is often in the best article but in none of the passages read:
    for 36 of dev's 137 misses (docs/reader.md, round 8). Each counts as one more hit after
    the last read, at the lowest score read: the models were trained on the passages' own
    sentences, and one of the rest must out-read them on its own words. Its passage is its
    paragraph.
    """
    if not hits:
        return []
    top, n = hits[0], min(len(hits), EVIDENCE_HITS)
    low = min(h.score for h in hits[:n])
    text = article(top.doc_id) or ""
    seen = {(c.quote.doc_id, c.quote.start) for c in cands}
    out = []
    for a, b in sentences(top.doc_id):
        if (top.doc_id, a) in seen or len(words(text[a:b])) < MIN_WORDS or asks_itself(text[a:b]):
            continue
        end = text.find("\n", b)
        para = text[text.rfind("\n", 0, a) + 1 : end if end >= 0 else len(text)]
        quote = Quote(top.doc_id, top.title, top.source, text[a:b], a, b, 0.0, top.date, top.url)
        out.append(Candidate(quote, n, low, para))
    return out


def rest_of_articles(
    quotes: Sequence[Quote], article: Callable[[str], str | None], holds: Callable[[str], object]
) -> list[Quote]:
    """The sentences of the ``quotes``' articles that are not among them, in the paragraphs
    where ``holds`` finds something (the figures asked for): where a rival figure far from the
    retrieved passages is (`rag.news.rivals`). Splitting whole articles into sentences took 74
    ms a figure question (80 reader test questions profiled); reading a paragraph's figures
    first, a tenth of that."""
    seen = {(q.doc_id, q.start) for q in quotes}
    out: list[Quote] = []
    for q in {q.doc_id: q for q in reversed(quotes)}.values():  # one per article
        text = article(q.doc_id) or ""
        for para in re.finditer(r"[^\n]+", text):
            if not holds(para[0]):
                continue
            for a, b in split_sentences(text, para.start(), para.end()):
                if (q.doc_id, a) not in seen and len(words(text[a:b])) >= MIN_WORDS:
                    out.append(replace(q, text=text[a:b], start=a, end=b, score=0.0))
    return out


# A question an article asks itself is a heading or a rhetorical turn, never the answer: an
# explainer's "How much have farmers lost?" and a live blog's "12:30 — How many people were on
# the slope?" matched the asked question best and were quoted (evals/time round 11). A
# question longer than this, or inside a quotation, may carry the answer ("Would you expect to
# hear that 16 million of the country's 24 million people are malnourished?"): the 16 gold
# sentences of the evals that end in "?" all have a quotation mark or 16 words or more.
QUESTION_WORDS = 15
_QUOTE_MARKS = frozenset('"“”')


def asks_itself(sentence: str) -> bool:
    """Whether ``sentence`` is a short question of the article's own, not an answer."""
    text = sentence.strip()
    return (
        text.endswith("?") and not _QUOTE_MARKS & set(text) and len(words(text)) <= QUESTION_WORDS
    )


def _share(wanted: list[str], text: str) -> float:
    if not wanted:
        return 1.0
    low = text.lower()
    return sum(w.lower() in low for w in wanted) / len(wanted)


def sentence_features(
    question: str,
    query: str,
    cands: Sequence[Candidate],
    cosines: np.ndarray,
    idf: IdfFn,
    doc_length: Callable[[str], int],
) -> np.ndarray:
    """One row of `SENTENCE_FEATURES` per candidate.

    Args:
        question: what the user asked (its wording decides the answer type).
        query: the standalone retrieval query (carries names for follow-ups).
        cands: candidate sentences.
        cosines: embedding cosine of each candidate with the query.
        idf: term weights of the index.
        doc_length: article length by doc_id (for the position feature).

    Returns:
        A float32 array of shape ``(len(cands), len(SENTENCE_FEATURES))``.
    """
    n = len(cands)
    if not n:
        return np.zeros((0, len(SENTENCE_FEATURES)), np.float32)
    pattern = answer_pattern(question)
    names = proper_nouns(query)
    cov = np.array([rare_term_coverage(query, [c.quote.text], idf) for c in cands])
    rows = []
    for i, c in enumerate(cands):
        text = c.quote.text
        rows.append(
            [
                cosines[i],
                cosines.max() - cosines[i],
                cov[i],
                cov.max() - cov[i],
                rare_term_coverage(query, [text, c.passage, c.quote.title], idf),
                _share(names, text),
                float(pattern is not None),
                float(pattern is not None and pattern.search(text) is not None),
                float(any(ch.isdigit() for ch in text)),
                float(c.rank),
                c.hit_score,
                c.quote.start / max(doc_length(c.quote.doc_id), 1),
                math.log1p(len(words(text))),
            ]
        )
    return np.asarray(rows, np.float32)


def read_features(tuned: np.ndarray, spans: np.ndarray, read: np.ndarray, n: int) -> np.ndarray:
    """`READ_FEATURES` for ``n`` candidates, of which those at ``read`` were read.

    Args:
        tuned: the reader encoder's cosine of each candidate read.
        spans: the span model's score of each candidate read.
        read: their indices among the ``n`` candidates.
        n: candidates in all.

    Returns:
        ``(n, len(READ_FEATURES))``. Candidates not read get the lowest scores given (and the
        last rank): the first stage judged them less likely than every one it read.
    """
    out = np.zeros((n, len(READ_FEATURES)), np.float32)
    if not len(read):
        return out
    rank = np.full(n, float(len(read)), np.float32)
    rank[read[np.argsort(-spans, kind="stable")]] = np.arange(len(read), dtype=np.float32)
    for col, values in ((0, tuned), (2, spans)):
        score = np.full(n, float(values.min()), np.float32)
        score[read] = values
        out[:, col], out[:, col + 1] = score, score.max() - score
    out[:, 4] = rank
    return out


QUESTION_FEATURES = (
    "best",  # the final sentence model's best probability
    "second",
    "top3_mean",
    "best_cosine",
    "best_tuned",  # the reader encoder's best cosine
    "best_span",  # the span model's best answer-over-no-answer score
    "second_span",
    "best_context_coverage",
    "names_in_hits",  # share of the question's proper nouns anywhere in the top passages
    "terms_in_hits",  # share of its content terms anywhere in the top passages
    "asks_type",
    "best_type_found",
    "top_hit_score",
)


def question_features(
    query: str,
    cands: Sequence[Candidate],
    sentence_x: np.ndarray,
    probs: np.ndarray,
    hits: Sequence[Hit],
) -> np.ndarray:
    """One row of `QUESTION_FEATURES`: does the evidence answer the question at all?

    ``sentence_x`` holds `FINAL_FEATURES` and ``probs`` the final sentence model's output.
    """
    top = " ".join(h.text + " " + h.title for h in hits[:EVIDENCE_HITS]).lower()
    names = proper_nouns(query)
    wanted = set(terms(query))
    found = wanted & set(terms(top)) if wanted else set()
    col = FINAL_FEATURES.index
    if len(cands):
        order = np.argsort(-probs)
        best = int(order[0])
        p = probs[order]
        spans = np.sort(sentence_x[:, col("span")])[::-1]
        row = [
            p[0],
            p[1] if len(p) > 1 else 0.0,
            float(p[:3].mean()),
            float(sentence_x[:, col("cosine")].max()),
            float(sentence_x[:, col("tuned")].max()),
            float(spans[0]),
            float(spans[1]) if len(spans) > 1 else float(spans[0]),
            float(sentence_x[:, col("context_coverage")].max()),
            _share(names, top),
            len(found) / len(wanted) if wanted else 1.0,
            float(sentence_x[best, col("asks_type")]),
            float(sentence_x[best, col("type_found")]),
            hits[0].score if hits else 0.0,
        ]
    else:
        row = [0.0] * len(QUESTION_FEATURES)
    return np.asarray([row], np.float32)
