"""Extractive answers: the learned reader picks the sentences that answer, each one cited.

The reader (`rag.reader`) rates the sentences of the passages and best article and judges
from the passages whether they answer; this module turns its reading into a fitting answer:
- a multi-part question is read part by part, and a part the articles don't give is named;
- an abstention names what the articles mention and what they don't (`rag.answer.abstain`);
- a question asking for a name, number, date or place leads with it ("Letitia James [1].");
- a follow-up prefers sentences not quoted yet; a new question never gets the last answer again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np

from rag.answer.abstain import ABSTAIN_TEXT, abstention
from rag.answer.asks import not_given
from rag.answer.citations import cite
from rag.answer.continuation import continuation
from rag.answer.followup import norm_space, quoted_before, repeats_previous, said_before
from rag.answer.kinds import gate, led_by_asked, led_by_count, stated_at
from rag.answer.misfit import another_detail
from rag.answer.parts import part_query, split_parts
from rag.answer.short import short_span
from rag.answer.speaker_short import speaker_short
from rag.index.embeddings import TextEmbedder, VectorCache
from rag.index.sentences import SentenceKey, unpack
from rag.news.compose import speaker_at
from rag.news.intent import Intent, intent_of
from rag.news.measures import asked_figures
from rag.news.rivals import about_asked, rival_figures
from rag.news.select import chronological, reweigh, timeline_picks
from rag.reader.features import (
    EVIDENCE_HITS,
    Candidate,
    IdfFn,
    asks_itself,
    candidates,
    more_of_top,
    rest_of_articles,
)
from rag.reader.model import Reader, Reading
from rag.reader.relevance import led_by_numbers, unmatched_numbers
from rag.records import Answer, AnswerSentence, Citation, Hit, Quote, Reason, ShortAnswer
from rag.text.similarity import distinct

NOTHING_NEW_TEXT = "The articles add nothing about this beyond the previous answer."
_SIMILAR_SENTENCE = 0.7  # word-set Jaccard above which two sentences say the same thing
# A sentence the conversation already quoted (`quoted_before`) keeps this share of its
# probability; and when the answer would still repeat the previous one word for word, a new
# sentence replaces it only if at least this share as likely.
_REPEAT_FACTOR = 0.5


class ExtractiveAnswerer:
    """Answers from quoted sentences chosen by the learned reader, or abstains with a reason."""

    def __init__(
        self,
        embedder: TextEmbedder,
        article_text: Callable[[str], str | None],
        idf: IdfFn | None = None,
        reader: Reader | None = None,
        threshold: float | None = None,
        max_sentences: int = 4,
        stored: Callable[[list[SentenceKey]], dict[SentenceKey, bytes]] | None = None,
        recency: float = 0.0,
        sentences: Callable[[str], Sequence[tuple[int, int]]] | None = None,
    ) -> None:
        self.reader = reader or Reader()
        self.threshold = threshold  # None: the model's own cuts
        self.max_sentences = max_sentences
        self._embedder = embedder
        self._article_text = article_text
        self._idf: IdfFn = idf or (lambda _term: 1.0)
        # Sentence vectors stored at ingest; those missing (an index written before they were
        # kept, a passage cut otherwise) are embedded here, once.
        self._stored = stored or (lambda _keys: {})
        self._vectors = VectorCache(embedder)
        self._lengths: dict[str, int] = {}
        self.recency = recency  # per-day decay for questions about the present
        self._sentences = sentences or (lambda _doc_id: [])  # an article's, as stored

    def intent(self, question: str) -> Intent:
        """What ``question`` asks for (`rag.news.intent`), learned kinds included."""
        return intent_of(question, self.reader.question_kinds)

    def _speaker(self, quote: Quote) -> str | None:
        return speaker_at(self._article_text(quote.doc_id), quote.text, quote.start, quote.end)

    def _doc_length(self, doc_id: str) -> int:
        if doc_id not in self._lengths:
            self._lengths[doc_id] = len(self._article_text(doc_id) or "")
        return self._lengths[doc_id]

    def _read(self, question: str, query: str, vector: np.ndarray, cands: list[Candidate],
              hits: list[Hit], own: int) -> Reading:  # fmt: skip
        return self.reader.read(question, query, cands, self._cosines(cands, vector), hits,
                                self._idf, self._doc_length, own)  # fmt: skip

    def _cosines(self, cands: list[Candidate], vector: np.ndarray) -> np.ndarray:
        keys = [(c.quote.doc_id, c.quote.start, c.quote.end) for c in cands]
        stored = self._stored(keys)
        missing = [c.quote.text for c, k in zip(cands, keys, strict=True) if k not in stored]
        fresh = iter(self._vectors.get(missing)) if missing else iter(())
        rows = [unpack(stored[k]) if k in stored else next(fresh) for k in keys]
        return np.asarray(np.stack(rows) @ vector, np.float32) if rows else np.zeros(0)

    def _with_continuation(
        self, chosen: list[Quote], said: set[str], attribution: bool = False
    ) -> list[Quote]:
        text = self._article_text(chosen[0].doc_id) if chosen else None
        nxt = continuation(chosen[0], text, self._speaker, attribution) if text else None
        if nxt is None or norm_space(nxt.text) in said or len(chosen) >= self.max_sentences:
            return chosen
        fresh = all((c.doc_id, c.start) != (nxt.doc_id, nxt.start) for c in chosen)
        return [*chosen, nxt] if fresh else chosen

    def _select(
        self, cands: list[Candidate], probs: np.ndarray, limit: int, said: set[str]
    ) -> list[Quote]:
        """The best sentence, then others the sentence model rates nearly as well.

        The best one may have been quoted before (the follow-up asks about it); the others
        must add to what the conversation already said.
        """
        t = self.reader.thresholds
        order = np.argsort(-probs, kind="stable")
        floor = max(t.sentence, t.relative * float(probs[order[0]]))
        above = [int(order[0])] + [
            int(i)
            for i in order[1:]
            if probs[i] >= floor and norm_space(cands[i].quote.text) not in said
        ]
        quotes = [_scored(cands[i].quote, float(probs[i])) for i in above]
        return distinct(quotes, lambda q: q.text, _SIMILAR_SENTENCE, limit)

    def answer(
        self,
        question: str,
        query: str,
        query_vector: np.ndarray,
        hits: list[Hit],
        history: Sequence[dict[str, str]] | None = None,
    ) -> Answer:
        """Build a cited answer from ``hits``, or abstain with a reason.

        Args:
            question: what the user asked (kept in the answer).
            query: the standalone retrieval query used for scoring.
            query_vector: its embedding.
            hits: retrieved chunks, best first.
            history: earlier turns, for the follow-up novelty preference.

        Returns:
            The answer; when ``abstained`` is True, ``reason`` says why.
        """
        cands = [c for c in candidates(hits) if not asks_itself(c.quote.text)]
        retrieved, intent = len(cands), self.intent(question)  # answerability reads these
        if intent.kind != "timeline":  # a timeline's events stay the passages' (round 8)
            cands += more_of_top(hits, cands, self._article_text, self._sentences)
        if not cands:
            return Answer(question, ABSTAIN_TEXT, [], True, query, [], hits, reason="no_evidence")
        said = said_before(history)
        reading = self._read(question, query, query_vector, cands, hits, retrieved)
        quotes = [c.quote for c in cands]
        texts = [q.text for q in quotes]
        if said:
            reading.probs[np.array(quoted_before(question, texts, said))] *= _REPEAT_FACTOR
        parts = [question] if intent.kind == "timeline" else split_parts(question)
        why = gate(reading.abstains(self.reader.thresholds, self.threshold), question,
                   texts[:retrieved], intent.kind == "timeline" or len(parts) > 1)  # fmt: skip
        if (at := stated_at(question, texts)) is not None:  # the article states what is asked
            why, reading.probs[at] = None, 1.0
        # A timeline's year ("… unfold through 2017?") may be anywhere in the articles read.
        docs = {h.doc_id for h in hits[:EVIDENCE_HITS]} if intent.kind == "timeline" else set()
        articles = (self._article_text(d) or "" for d in sorted(docs))
        if why or unmatched_numbers(question, hits[:EVIDENCE_HITS], articles):
            return abstention(question, query, hits, cands, reading.probs)
        # Time and sources weigh the choice, never the decision to answer (made above).
        about = about_asked(question, self._article_text)
        probs = reweigh(intent, quotes, reading.probs, self.recency, self._speaker, about, question)
        missing: list[str] = []
        firsts: list[tuple[str, Quote, Reading]] = []  # each part's best sentence and reading
        if intent.kind == "timeline":
            picks = timeline_picks(quotes, probs)
            chosen = [_scored(quotes[i], float(probs[i])) for i in picks]
        elif len(parts) == 1:
            chosen = self._with_continuation(
                self._select(cands, probs, self.max_sentences, said), said,
                intent.kind == "attribution",
            )  # fmt: skip
            pick = functools.partial(self._select, cands, limit=self.max_sentences, said=said)
            chosen = led_by_asked(question, chosen, texts, probs, pick)
            chosen = led_by_numbers(question, chosen, quotes, probs, self._article_text, pick)
            if not chosen:  # no sentence read holds what is asked: a neighbouring figure
                return abstention(question, query, hits, cands, reading.probs)
        else:
            chosen, missing, firsts = self._by_part(parts, question, cands, hits, said, retrieved)
        # a figure's rivals: the passages' rated sentences, then the rest of their articles
        read, rated, rates = asked_figures(question), quotes[:retrieved], probs[:retrieved]
        wider = rest_of_articles(rated, self._article_text, read) if read else []
        rivals = rival_figures(question, chosen, rated, rates, self._speaker, about, wider)
        pool = [*rated, *wider]
        chosen += [_scored(pool[i], float(probs[i]) if i < retrieved else 0.0) for i in rivals]
        chosen = led_by_count(question, chosen) if rivals and intent.day else chosen  # "51 dead"
        if repeats_previous(chosen, history, question):
            fresh = probs.copy()
            fresh[[norm_space(c.quote.text) in said for c in cands]] = 0.0
            # A new sentence must be at least as likely as the repeat factor lets it win.
            if fresh.max() < _REPEAT_FACTOR * probs.max():
                return Answer(question, NOTHING_NEW_TEXT, [], True, query, [], hits,
                              reason="nothing_new")  # fmt: skip
            chosen = self._select(cands, fresh, self.max_sentences, said)
        best = chosen[0] if chosen else None
        # Read like an article: documents by their best sentence, sentences in article order.
        doc_rank = {q.doc_id: i for i, q in reversed(list(enumerate(chosen)))}
        chosen.sort(key=lambda q: (doc_rank[q.doc_id], q.start))
        if intent.kind == "timeline":  # a timeline reads in the order things happened
            chosen = chronological(chosen, self._article_text)
        text, citations, sentences = cite(chosen)
        if best is not None and len(parts) == 1:
            firsts = [(question, best, reading)]
        found = [self._short(part, q, cands, r, citations) for part, q, r in firsts]
        shorts = list({s.text: s for s in found if s is not None}.values())
        short = shorts[0] if shorts else None
        other = short and best and another_detail(question, short.text, best.text, best.date)
        if other and len(parts) == 1:
            return abstention(question, query, hits, cands, reading.probs)  # another detail's
        if shorts:  # "Letitia James [1].", and each part's for a two-part question
            lead = [AnswerSentence(s.text, (s.marker,)) for s in shorts]
            said_first = "; ".join(f"{s.text} [{s.marker}]" for s in shorts)
            text, sentences = f"{said_first}. {text}", [*lead, *sentences]
        reason: Reason | None = None
        if missing:
            text += "".join(" " + not_given(part) for part in missing)
            reason = "partial"
        return Answer(question, text, citations, False, query, sentences, hits, reason=reason,
                      missing=missing, short=short)  # fmt: skip

    def _short(
        self, question: str, best: Quote, cands: list[Candidate], reading: Reading,
        citations: list[Citation],
    ) -> ShortAnswer | None:  # fmt: skip
        """The phrase of the best sentence that answers a question asking for a name,
        number, date or place, when the span model read it with enough confidence."""
        where = next((i for i, c in enumerate(cands) if (c.quote.doc_id, c.quote.start) ==
                      (best.doc_id, best.start)), None)  # fmt: skip
        span = reading.spans.get(where) if where is not None else None
        asks_who = (intent := self.intent(question)).kind == "attribution" and not intent.speaker
        if asks_who and (named := speaker_short(best, self._speaker(best), citations)):
            return named  # "Who said …?": the speaker's name
        cut, article = self.reader.thresholds.short, self._article_text(best.doc_id)
        found = short_span(question, best.text, span, cut, article)
        marker = next((c.marker for c in citations
                       if (c.doc_id, c.start) == (best.doc_id, best.start)), None)  # fmt: skip
        if not found or marker is None:
            return None
        start, end = best.start + found[0], best.start + found[1]
        return ShortAnswer(best.text[found[0] : found[1]], best.doc_id, start, end, marker)

    def _by_part(
        self, parts: list[str], question: str, cands: list[Candidate], hits: list[Hit],
        said: set[str], retrieved: int,  # how many of cands are the passages' own
    ) -> tuple[list[Quote], list[str], list[tuple[str, Quote, Reading]]]:  # fmt: skip
        """Each part's best sentences; the parts the articles don't answer, as asked; each
        answered part's best sentence and reading (for its short answer)."""
        share = max(1, self.max_sentences // len(parts))
        chosen: list[Quote] = []
        missing = []
        firsts: list[tuple[str, Quote, Reading]] = []
        texts = [c.quote.text for c in cands]
        for part in parts:
            pq = part_query(part, question)
            reading = self._read(part, pq, self._embedder.encode_query(pq), cands, hits, retrieved)
            if (at := stated_at(part, texts)) is not None:
                reading.probs[at] = 1.0  # what is asked, as news states it
            gated = at is None and gate(reading.abstains(self.reader.thresholds, self.threshold),
                                        part, texts[:retrieved])  # fmt: skip
            picked = [] if gated else led_by_asked(
                part, self._select(cands, reading.probs, share, said), texts, reading.probs,
                lambda p: self._select(cands, p, share, said))  # fmt: skip
            if not picked:
                missing.append(part)
                continue
            firsts.append((part, picked[0], reading))
            for q in picked:
                if all((q.doc_id, q.start) != (c.doc_id, c.start) for c in chosen):
                    chosen.append(q)
        if not chosen:  # the whole question passed, no part alone did: answer it whole
            vector = self._embedder.encode_query(question)
            reading = self._read(question, question, vector, cands, hits, retrieved)
            return self._select(cands, reading.probs, self.max_sentences, said), [], []
        return chosen[: self.max_sentences], missing, firsts


def _scored(quote: Quote, score: float) -> Quote:
    return Quote(**{**quote.__dict__, "score": score})
