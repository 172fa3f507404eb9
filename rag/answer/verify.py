"""Check an LLM's answer against its sources: per-sentence support and exact-quote citations.

The model writes ``[n]`` markers that point at numbered sources (retrieved chunks). Nothing the
model says is trusted: each sentence is scored against the sentences of the chunks it cites with
the offline support scorer, markers that point at no source are dropped, and every citation in
the result is an exact span of its article (``quote == article_text[start:end]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.support import SupportScorer
from rag.index.embeddings import TextEmbedder
from rag.records import Answer, AnswerSentence, Citation, Hit
from rag.text.markers import LEADING_MARKERS, markers, strip_markers
from rag.text.sentences import split_sentences
from rag.text.terms import words

# "The articles don't say", "the sources do not mention ...": the model declining to answer.
REFUSAL = re.compile(
    r"\b(articles?|sources?|passages?|context|texts?)\s+(do|does|did)\s*(not|n't|n’t)\s+"
    r"(say|mention|answer|contain|provide|state|include|specify|discuss)",
    re.IGNORECASE,
)
# Small models write "[1, 2]", "[Source 1]" or "【1】"; all mean markers [1][2].
_LIST_MARKER = re.compile(
    r"[\[【]\s*(?:sources?\s*)?(\d+(?:\s*[,;]\s*(?:sources?\s*)?\d+)*)\s*[\]】]", re.IGNORECASE
)
_DECORATION = re.compile(r"^\s*(?:[-*•]+|\d+[.)])\s+|\*\*|__")


@dataclass(frozen=True)
class Claim:
    """One generated sentence without its markers, and the source numbers it cites."""

    text: str
    markers: tuple[int, ...]


@dataclass(frozen=True)
class Span:
    """An exact span of an article taken from a retrieved chunk."""

    hit: Hit
    start: int  # article offsets
    end: int

    @property
    def text(self) -> str:
        return self.hit.text[self.start - self.hit.start : self.end - self.hit.start]


@dataclass(frozen=True)
class Checked:
    """A claim after verification: valid sources kept, their quotes, and the verdict."""

    claim: Claim
    quotes: tuple[Span, ...]  # one per kept source, in marker order
    dropped: tuple[int, ...]  # markers that pointed at no source
    supported: bool
    score: float
    repaired: bool = False  # the model cited nothing; the supporting source was found for it


def normalize_markers(text: str) -> str:
    """Rewrite ``[1, 2]``, ``[Source 1]`` and ``【1】`` as ``[1][2]`` / ``[1]``."""
    return _LIST_MARKER.sub(
        lambda m: "".join(f"[{n}]" for n in re.findall(r"\d+", m.group(1))), text
    )


def split_claims(text: str) -> list[Claim]:
    """Sentences of a generated answer with the markers each one carries.

    Args:
        text: the model's answer, e.g. ``"A happened [1]. B followed. [2]"``.

    Returns:
        Claims in order; markers written after a sentence's full stop belong to that sentence.
    """
    text = normalize_markers(text)
    claims: list[Claim] = []
    for a, b in split_sentences(text):
        piece = text[a:b]
        lead = LEADING_MARKERS.match(piece)
        if lead and claims:
            prev = claims[-1]
            merged = tuple(dict.fromkeys(prev.markers + tuple(markers(lead.group()))))
            claims[-1] = Claim(prev.text, merged)
            piece = piece[lead.end() :]
        body = _DECORATION.sub("", strip_markers(piece)).strip()
        if words(body):
            claims.append(Claim(body, tuple(dict.fromkeys(markers(piece)))))
    return claims


def is_refusal(text: str) -> bool:
    """True when a sentence says the sources don't answer."""
    return bool(REFUSAL.search(text))


def verifier_for(embedder: TextEmbedder, model: str) -> Verifier:
    """The verifier of an index whose embedder is ``embedder`` (settings ``embed_model``)."""
    # The support threshold is calibrated on the bundled model (torch; onnx-int8 scores the
    # labelled pairs as well: tests/answer/test_support.py), so share the loaded embedder.
    return Verifier(SupportScorer(embedder) if model == "bundled" else SupportScorer())


class Verifier:
    """Scores claims against the chunks they cite and picks exact supporting quotes.

    Args:
        scorer: the offline support scorer (its threshold decides "supported").
    """

    def __init__(self, scorer: SupportScorer) -> None:
        self.scorer = scorer

    def _supported(self, claim: str, spans: list[Span]) -> tuple[bool, float]:
        score = self.scorer.support(claim, [s.text for s in spans])
        return score >= self.scorer.threshold, score

    def best_span(self, claim: str, hit: Hit) -> Span:
        """The chunk's best-supporting sentence, widened to two sentences or the chunk if needed.

        Args:
            claim: the generated sentence.
            hit: a cited chunk.

        Returns:
            An exact span of the chunk's article.
        """
        spans = [Span(hit, hit.start + a, hit.start + b) for a, b in split_sentences(hit.text)]
        spans = [s for s in spans if words(s.text)] or [Span(hit, hit.start, hit.end)]
        scores = [self.scorer.support(claim, [s.text]) for s in spans]
        i = max(range(len(spans)), key=scores.__getitem__)
        if scores[i] >= self.scorer.threshold:
            return spans[i]
        # A paraphrase often spans two sentences; the whole chunk is the last exact resort.
        wider = [Span(hit, spans[j].start, spans[j + 1].end) for j in (i - 1, i)
                 if 0 <= j < len(spans) - 1]  # fmt: skip
        wider.append(Span(hit, spans[0].start, spans[-1].end))
        for span in wider:
            if self._supported(claim, [span])[0]:
                return span
        return spans[i]

    def check(
        self, claim: Claim, hits: list[Hit], prune: bool = True, repair: bool = True
    ) -> Checked:
        """Verify one claim against the sources it cites.

        Args:
            claim: a generated sentence and its markers (1-based source numbers).
            hits: the numbered sources, in prompt order.
            prune: drop cited sources that add nothing (each citation should be needed).
            repair: for a sentence citing no valid source, look for one source that supports
                it (small models often copy a sentence and forget the marker).

        Returns:
            The `Checked` claim.
        """
        valid = tuple(n for n in claim.markers if 1 <= n <= len(hits))
        dropped = tuple(n for n in claim.markers if n not in valid)
        if not valid:
            if repair:
                for n, hit in enumerate(hits, 1):
                    span = self.best_span(claim.text, hit)
                    ok, score = self._supported(claim.text, [span])
                    if ok:
                        return Checked(Claim(claim.text, (n,)), (span,), dropped, True, score, True)
            return Checked(Claim(claim.text, ()), (), dropped, False, 0.0)
        quotes = [self.best_span(claim.text, hits[n - 1]) for n in valid]
        ok, score = self._supported(claim.text, quotes)
        if ok and prune and len(quotes) > 1:
            alone = [self._supported(claim.text, [q])[0] for q in quotes]
            keep = [
                i for i, q in enumerate(quotes)
                if alone[i] or not self._supported(claim.text, quotes[:i] + quotes[i + 1 :])[0]
            ]  # fmt: skip
            if keep:
                valid, quotes = tuple(valid[i] for i in keep), [quotes[i] for i in keep]
        return Checked(Claim(claim.text, valid), tuple(quotes), dropped, ok, score)


def assemble(
    question: str, query: str, hits: list[Hit], checked: list[Checked], draft: str
) -> Answer:
    """An LLM `Answer` from checked claims: markers renumbered 1.. by first use, exact quotes.

    Args:
        question: what the user asked.
        query: the standalone retrieval query.
        hits: the retrieved chunks.
        checked: the claims to keep, in order.
        draft: the model's raw text.

    Returns:
        The answer (``mode="llm"``); ``sentences[i].supported`` carries each verdict.
    """
    numbers: dict[tuple[str, int, int], int] = {}
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    for c in checked:
        marks = []
        for q in c.quotes:
            key = (q.hit.doc_id, q.start, q.end)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                h = q.hit
                citations.append(Citation(
                    marker=numbers[key], doc_id=h.doc_id, title=h.title, source=h.source,
                    quote=q.text, start=q.start, end=q.end, score=round(c.score, 4),
                    date=h.date, url=h.url,
                ))  # fmt: skip
            if numbers[key] not in marks:
                marks.append(numbers[key])
        sentences.append(AnswerSentence(c.claim.text, tuple(marks), c.supported))
    text = " ".join(f"{s.text} {''.join(f'[{m}]' for m in s.markers)}".strip() for s in sentences)
    return Answer(question, text, citations, False, query, sentences, hits, mode="llm",
                  draft=draft)  # fmt: skip
