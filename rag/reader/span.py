"""The span model at ask time: which phrase of a sentence answers the question, if any.

A copy of the bundled MiniLM fine-tuned by `make reader` as an extractive reader in the
SQuAD 2.0 manner: it reads ``[CLS] question [SEP] sentence [SEP]`` and scores every token as
the start and the end of the answer, the ``[CLS]`` token standing for "no answer here". A
sentence's score is its best span's start + end score minus the no-answer score: it ranks the
sentences that *state* the asked detail above those that only name its subject, and the span
itself is the short answer. It ships as ONNX int8 and runs with onnxruntime and tokenizers,
offline, without torch.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.errors import ModelError
from rag.reader.features import Candidate
from rag.text.sentences import split_sentences

SPAN_ONNX = "span-int8.onnx"
SPAN_TOKENIZER = "span-tokenizer.json"
MAX_LENGTH = 128  # question + sentence tokens; news sentences average ~30, few pass 100
MAX_ANSWER_TOKENS = 64  # a why or how answer is a whole clause; short answers are cut later
_ALTERNATIVES = 20  # spans kept per sentence for the short answer to choose among


def reading_text(c: Candidate, context: bool) -> tuple[str, int]:
    """What the span model reads for a candidate, and where the sentence starts in it.

    With ``context``, the sentence comes after its article's title and the sentence before it
    in the passage, so that "it" and "the company" point somewhere; answers are only ever
    taken from the sentence itself.
    """
    sentence = c.quote.text
    if not context:
        return sentence, 0
    at = c.passage.find(sentence)
    before = c.passage[:at] if at > 0 else ""
    spans = split_sentences(before)
    previous = before[spans[-1][0] : spans[-1][1]] if spans else ""
    prefix = " ".join(p for p in (c.quote.title.strip().rstrip("."), previous.strip()) if p)
    prefix = f"{prefix}. " if prefix and not prefix.endswith((".", "!", "?")) else f"{prefix} "
    prefix = prefix.lstrip()
    return prefix + sentence, len(prefix)


@dataclass(frozen=True)
class Span:
    """The span model's reading of one sentence."""

    score: float  # best answer score minus the no-answer score (> 0: it answers)
    start: int  # the best span's character offsets inside the sentence
    end: int
    # The next best spans as (score, start, end), best first: the short answer takes the
    # first one of the asked kind when the best span is not (a name for "when …?").
    others: tuple[tuple[float, int, int], ...] = ()


def best_spans(
    start_logits: np.ndarray,
    end_logits: np.ndarray,
    sentence_mask: np.ndarray,
    max_tokens: int = MAX_ANSWER_TOKENS,
    top: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: the best (start, end) token pairs inside the sentence and their margins.

    Args:
        start_logits, end_logits: ``(rows, tokens)`` scores.
        sentence_mask: True for the tokens of the sentence (the second sequence).
        max_tokens: longest span considered.
        top: how many pairs per row, best first.

    Returns:
        ``(margin, start_token, end_token)``, each ``(rows,)`` when ``top`` is 1, else
        ``(rows, top)``; margin = span score - no-answer score.
    """
    rows, length = start_logits.shape
    neg = np.float32(-1e9)
    s = np.where(sentence_mask, start_logits, neg)
    e = np.where(sentence_mask, end_logits, neg)
    # All pairs at once: (rows, start, end), kept where end >= start and within max_tokens.
    total = s[:, :, None] + e[:, None, :]
    offset = np.arange(length)[None, :] - np.arange(length)[:, None]
    total = np.where((offset >= 0) & (offset < max_tokens), total, neg)
    null = start_logits[:, 0] + end_logits[:, 0]
    flat_scores = total.reshape(rows, -1)
    if top == 1:
        flat = flat_scores.argmax(axis=1)
        first, last = np.divmod(flat, length)
        return flat_scores[np.arange(rows), flat] - null, first, last
    picks = np.argsort(-flat_scores, axis=1, kind="stable")[:, :top]
    first, last = np.divmod(picks, length)
    return np.take_along_axis(flat_scores, picks, axis=1) - null[:, None], first, last


class SpanModel:
    """Reads (question, sentence) pairs with the fine-tuned span model (ONNX int8)."""

    def __init__(self, folder: Path, context: bool = False, threads: int | None = None) -> None:
        self.context = context
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            self._tokenizer = Tokenizer.from_file(str(folder / SPAN_TOKENIZER))
            self._tokenizer.enable_truncation(MAX_LENGTH, strategy="only_second")
            self._tokenizer.enable_padding()
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads or os.cpu_count() or 1
            self._session = ort.InferenceSession(
                str(folder / SPAN_ONNX), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime and tokenizers raise their own types
            raise ModelError(f"cannot load the span model from {folder}: {exc}") from exc
        self._lock = threading.Lock()  # the tokenizer's padding state is shared

    def read(self, question: str, cands: list[Candidate]) -> list[Span]:
        """The best answer span of each candidate sentence and how much it beats "no answer".

        Args:
            question: the standalone question.
            cands: candidate sentences (with their passage, for the context).

        Returns:
            One `Span` per candidate, in order; offsets inside the sentence.
        """
        if not cands:
            return []
        texts = [reading_text(c, self.context) for c in cands]
        with self._lock:
            encs = self._tokenizer.encode_batch([(question, t) for t, _ in texts])
        ids = np.array([e.ids for e in encs], np.int64)
        feeds = {
            "input_ids": ids,
            "attention_mask": np.array([e.attention_mask for e in encs], np.int64),
            "token_type_ids": np.array([e.type_ids for e in encs], np.int64),
        }
        start_logits, end_logits = self._session.run(None, feeds)
        mask = np.array([
            [sid == 1 and off[0] >= skip for sid, off in zip(e.sequence_ids, e.offsets,
                                                             strict=True)]
            for e, (_, skip) in zip(encs, texts, strict=True)
        ])  # fmt: skip
        margin, first, last = best_spans(start_logits, end_logits, mask, top=_ALTERNATIVES)
        out = []
        for row, (e, (_, skip)) in enumerate(zip(encs, texts, strict=True)):
            found = [
                (float(m), e.offsets[a][0] - skip, e.offsets[b][1] - skip)
                for m, a, b in zip(margin[row], first[row], last[row], strict=True)
                if m > -1e8  # fewer sentence tokens than pairs asked for
            ]
            out.append(Span(*found[0], others=tuple(found[1:])))
        return out


@lru_cache(maxsize=4)
def load_span_model(folder: Path, context: bool) -> SpanModel:
    """The span model of ``folder``, loaded once per process (ONNX sessions are thread-safe)."""
    return SpanModel(folder, context)
