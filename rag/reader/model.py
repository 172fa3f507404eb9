"""The learned reader at ask time: which sentences answer, with which phrase, or none at all.

Two stages, so that ask stays fast (the span model is the only network run per question):
- the first stage, a logistic model over cheap features (`rag.reader.features`, the cosine
  coming from sentence vectors stored at ingest), ranks every candidate sentence;
- the second stage reads the first stage's best ``span_k`` sentences: the reader encoder
  (`rag.reader.encoder`, fine-tuned to put questions next to their answers) gives each a
  cosine, and the span model (`rag.reader.span`) scores the phrase that would answer against
  "no answer here";
- the final sentence model combines both into each candidate's probability of answering;
- two answerability models decide from the best candidates whether the articles answer: one
  tells answerable questions from off-topic ones (nothing in the articles is about it), one
  from near misses (the subject is there, the asked detail is not);
- the pick model (`rag.reader.pick`) chooses the candidate that leads the answer.
Weights are in ``reader.json`` and ``pick.json`` (trained by `make reader`); thresholds were
chosen on the dev split and are recorded in the manifest.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import ModelError
from rag.reader.encoder import ReaderEncoder, load_encoder
from rag.reader.features import (
    FINAL_FEATURES,
    QUESTION_FEATURES,
    SENTENCE_FEATURES,
    Candidate,
    IdfFn,
    question_features,
    read_features,
    sentence_features,
)
from rag.reader.intent import IntentModel
from rag.reader.pick import PickModel
from rag.reader.span import Span, SpanModel, load_span_model
from rag.records import Hit

logger = logging.getLogger(__name__)
_RECORDS: ContextVar[list[Recorded] | None] = ContextVar("reader_records", default=None)


def shipped_folder() -> Path:
    """The folder of the reader model that ships inside the package."""
    return Path(str(resources.files("rag.reader") / "model"))


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic regression: ``sigmoid(((x - mean) / scale) @ coef + bias)``."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    bias: float

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Logistic:
        return cls(tuple(d["features"]), np.array(d["mean"]), np.array(d["scale"]),
                   np.array(d["coef"]), float(d["bias"]))  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "bias": self.bias,
        }

    def proba(self, x: np.ndarray, names: Sequence[str]) -> np.ndarray:
        """Probabilities for rows of ``x`` whose columns are ``names``."""
        cols = [list(names).index(f) for f in self.features]
        z = ((x[:, cols] - self.mean) / self.scale) @ self.coef + self.bias
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Thresholds:
    """Decision points chosen on the dev split (see the manifest's ``chosen_on``)."""

    topic: float  # on-topic probability below which the reader abstains (no evidence)
    detail: float  # has-the-detail probability below which it abstains (detail missing)
    sentence: float  # sentence probability a second or later sentence needs
    relative: float  # ... and this share of the best sentence's probability
    short: float  # span score a short answer needs (the phrase that leads the answer)


@dataclass(frozen=True)
class Reading:
    """The reader's view of one question's candidates."""

    probs: np.ndarray  # per candidate: probability it answers
    topic: float  # probability that the passages are about the question at all
    detail: float  # probability that they give what it asks, not just its subject
    features: np.ndarray  # `FINAL_FEATURES` per candidate
    spans: dict[int, Span]  # the span model's reading of the candidates it read, by index

    def abstains(self, t: Thresholds, override: float | None = None) -> str | None:
        """Why the reader abstains (``no_evidence``, ``detail_missing``), or None to answer."""
        if self.topic < (t.topic if override is None else override):
            return "no_evidence"
        if self.detail < (t.detail if override is None else override):
            return "detail_missing"
        return None


@dataclass(frozen=True)
class Recorded:
    """A reading as the pick model and the near-miss gate are trained on it: before the pick,
    with its candidates."""

    cands: list[Candidate]
    features: np.ndarray  # `FINAL_FEATURES`
    probs: np.ndarray  # the sentence model's
    own: int  # how many candidates, first, are the passages' own
    question: np.ndarray  # `QUESTION_FEATURES` the two gates read (of the ``own`` ones)


@contextmanager
def recording() -> Iterator[list[Recorded]]:
    """Every reading made in the block, in order (`rag.training.pick_train` asks the
    questions the way `ask` does and learns from these)."""
    out: list[Recorded] = []
    token = _RECORDS.set(out)
    try:
        yield out
    finally:
        _RECORDS.reset(token)


class Reader:
    """Scores candidate sentences, their answer spans and answerability with the models."""

    def __init__(self, folder: Path | None = None, span_model: SpanModel | None = None) -> None:
        self.folder = folder or shipped_folder()
        try:
            spec = json.loads((self.folder / "reader.json").read_text(encoding="utf-8"))
            self.first_model = Logistic.from_dict(spec["first"])
            self.sentence_model = Logistic.from_dict(spec["sentence"])
            self.topic_model = Logistic.from_dict(spec["topic"])
            self.detail_model = Logistic.from_dict(spec["detail"])
            self.thresholds = Thresholds(**spec["thresholds"])
            self.span_k = int(spec["span_k"])
            self.span_context = bool(spec.get("span_context", False))
            self.uses_encoder = bool(spec.get("encoder", False))
            self.pick = PickModel.load(self.folder)
            self.intent_model = IntentModel.load(self.folder)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(
                f"cannot read the reader model in {self.folder} (retrain with `make reader`): "
                f"{exc!r}"
            ) from exc
        self._span = span_model
        self._encoder: ReaderEncoder | None = None
        self._load = threading.Lock()

    @property
    def encoder(self) -> ReaderEncoder:
        """The fine-tuned encoder, loaded on first use."""
        if self._encoder is None:
            with self._load:
                if self._encoder is None:
                    self._encoder = load_encoder(self.folder.resolve())
        return self._encoder

    def question_kinds(self, question: str) -> frozenset[str]:
        """The kinds of news question (`rag.reader.intent.KINDS`) the learned reader of
        questions takes ``question`` for; none without such a model."""
        model = self.intent_model
        return frozenset() if model is None else model.kinds(self.encoder.encode_query(question))

    @property
    def span_model(self) -> SpanModel:
        """The span model, loaded on first use (once, even for concurrent questions)."""
        if self._span is None:
            with self._load:
                if self._span is None:
                    self._span = load_span_model(self.folder.resolve(), self.span_context)
        return self._span

    def read(
        self,
        question: str,
        query: str,
        cands: Sequence[Candidate],
        cosines: np.ndarray,
        hits: Sequence[Hit],
        idf: IdfFn,
        doc_length: Callable[[str], int],
        own: int | None = None,
    ) -> Reading:
        """Probabilities for each candidate and for the question being answerable.

        Args:
            question: what the user asked.
            query: the standalone retrieval query.
            cands: candidate sentences of the top passages (then of the best article).
            cosines: their embedding cosine with the query.
            hits: the retrieved passages, best first.
            idf: term weights of the index.
            doc_length: article length by doc_id.
            own: how many of ``cands``, first, are the retrieved passages' own; the rest
                (`rag.reader.features.more_of_top`) are rated too, but answerability is
                judged on those ``own`` alone, as the models were trained (None: all).

        Returns:
            A `Reading`.
        """
        # One lookup per term, not per term and candidate: the query's few terms are asked
        # for every candidate (a tenth of ask's time at 10k chunks before).
        idf = functools.cache(idf)
        own = len(cands) if own is None else own
        x = sentence_features(question, query, cands[:own], cosines[:own], idf, doc_length)
        read: dict[int, tuple[float, Span]] = {}  # each sentence is read once per question
        fx, probs, spans = self._rate(query, cands[:own], x, read)
        q = question_features(query, cands[:own], fx, probs, hits)
        topic = float(self.topic_model.proba(q, QUESTION_FEATURES)[0])
        detail = float(self.detail_model.proba(q, QUESTION_FEATURES)[0])
        if own < len(cands):  # the gaps to the best change: every feature is computed again
            x = sentence_features(question, query, cands, cosines, idf, doc_length)
            fx, probs, spans = self._rate(query, cands, x, read)
        if (records := _RECORDS.get()) is not None:
            records.append(Recorded(list(cands), fx, probs, own, q[0]))
        if self.pick is not None:
            probs = self.pick.lead(fx, probs, own)
        return Reading(probs, topic, detail, fx, spans)

    def _rate(
        self, query: str, cands: Sequence[Candidate], x: np.ndarray,
        read: dict[int, tuple[float, Span]],
    ) -> tuple[np.ndarray, np.ndarray, dict[int, Span]]:  # fmt: skip
        """`FINAL_FEATURES`, the sentence probabilities and the spans read of ``cands``
        (``x``: their `SENTENCE_FEATURES`); ``read`` keeps the encoder's cosine and the span
        of each candidate index read."""
        n = len(cands)
        if not n:
            return np.zeros((0, len(FINAL_FEATURES)), np.float32), np.zeros(0), {}
        first = self.first_model.proba(x, SENTENCE_FEATURES)
        best = np.argsort(-first, kind="stable")[: self.span_k]
        new = [int(i) for i in best if int(i) not in read]
        spans = self.span_model.read(query, [cands[i] for i in new])
        tuned = np.zeros(len(new), np.float32)
        if self.uses_encoder and new:
            tuned = self.encoder.similarities(query, [cands[i].quote.text for i in new])
        read.update({i: (float(t), s) for i, t, s in zip(new, tuned, spans, strict=True)})
        margins = np.array([read[int(i)][1].score for i in best], np.float32)
        cos = np.array([read[int(i)][0] for i in best], np.float32)
        fx = np.hstack([x, read_features(cos, margins, best, n)])
        probs = self.sentence_model.proba(fx, FINAL_FEATURES)
        return fx, probs, {int(i): read[int(i)][1] for i in best}
