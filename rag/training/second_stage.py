"""`make reader`'s second stage: what the span model and the reader encoder read.

At ask time they read the first stage's best ``span_k`` candidates; here the same readings are
computed for training (out of fold, so the models on top learn from scores like those at ask
time) and for the held-out splits (by the exported ONNX models, as shipped).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.reader.encoder import ReaderEncoder
from rag.reader.model import Logistic
from rag.reader.span import reading_text
from rag.training import span_train
from rag.training.compare import first_scores
from rag.training.dataset import Example


def read_spans(hf_dir: Path, exs: list[Example], first: Logistic, k: int, context: bool) -> None:
    """Fill each example's span reading of its first stage's best ``k`` candidates.

    Cached beside the model (by its stamp, ``k`` and the questions): re-running `make reader`
    to change what sits on top of the span model does not read every question again.
    """
    rank = first_scores(first)
    reads = [np.argsort(-rank(e), kind="stable")[:k] for e in exs]
    key = hashlib.sha256(json.dumps(
        [(hf_dir / "stamp").read_text(), k, context,
         [(e.qid, r.tolist()) for e, r in zip(exs, reads, strict=True)]]
    ).encode()).hexdigest()[:16]  # fmt: skip
    cache = hf_dir / f"spans-{key}.json"
    if cache.exists():
        scored = [(np.array(m, np.float32), np.array(c, np.int32).reshape(-1, 2))
                  for m, c in json.loads(cache.read_text())]  # fmt: skip
    else:
        batches = [
            (e.query, [reading_text(e.cands[int(i)], context) for i in r])
            for e, r in zip(exs, reads, strict=True)
        ]
        scored = span_train.torch_spans(hf_dir, batches)
        cache.write_text(json.dumps([(m.tolist(), c.tolist()) for m, c in scored]))
    for e, r, (margins, chars) in zip(exs, reads, scored, strict=True):
        e.read, e.margins, e.span_chars = r.astype(np.int64), margins, chars


@dataclass(frozen=True)
class SpanSetup:
    """How the span model is trained (the manifest records it)."""

    epochs: int = 2
    negatives: int = 6
    context: bool = False  # read each sentence after its title and the previous sentence
    learning_rate: float = 5e-5


def train_span_model(
    train: list[Example], first: Logistic, folder: Path, seed: int, setup: SpanSetup
) -> Path:
    """Step 4: the span model on ``train`` (a Hugging Face folder)."""
    return span_train.train(train, first_scores(first), folder, seed, setup.epochs,
                            setup.negatives, setup.learning_rate,
                            context=setup.context)  # fmt: skip


def train_encoder(train: list[Example], folder: Path, seed: int) -> Path:
    """Step 4: the reader encoder (a sentence-transformers folder)."""
    from rag.training import tune

    return tune.train(train, folder, seed, 2)


def encoder_similarities(st_dir: Path, exs: list[Example]) -> None:
    """Fill each example's tuned cosine of the candidates it read, by the encoder in torch."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(st_dir), device="cpu")
    for e in exs:
        texts = [e.query] + [e.cands[int(i)].quote.text for i in e.read]
        v = model.encode(texts, normalize_embeddings=True)
        e.tuned = np.asarray(v[1:] @ v[0], np.float32)


def out_of_fold_reading(
    train: list[Example], first: Logistic, k: int, work: Path, seed: int, setup: SpanSetup,
    folds: int,
) -> None:  # fmt: skip
    """Step 5: train's span scores and tuned cosines from models trained on the other folds.

    In-sample scores would be better than any the models give at ask time, and the models on
    top would trust them too much.
    """
    for f in range(folds):
        held = [e for i, e in enumerate(train) if i % folds == f]
        seen = [e for i, e in enumerate(train) if i % folds != f]
        hf = train_span_model(seen, first, work / f"span-fold{f}", seed, setup)
        read_spans(hf, held, first, k, setup.context)
        encoder_similarities(train_encoder(seen, work / f"bi-fold{f}", seed), held)


def onnx_similarities(onnx: Path, exs: list[Example]) -> None:
    """Fill the tuned cosines of what each example read, by the shipped ONNX int8 encoder."""
    encoder = ReaderEncoder(onnx.parent)
    for e in exs:
        texts = [e.cands[int(i)].quote.text for i in e.read]
        e.tuned = encoder.similarities(e.query, texts) if texts else np.zeros(0, np.float32)
