"""The cross-encoder the reader was compared with (issue 14): fine-tuned from the bundled MiniLM.

sentence-transformers' `CrossEncoderTrainer` with binary cross-entropy on (query, candidate
sentence) pairs from the reader's training examples; negatives are the other candidates of the
same retrieval, the hard ones the reader meets at ask time. It is trained and scored by
`make reader` for the comparison in the manifest; it does not ship (see docs/reader.md for
how it compares on today's data; with issue 14's ~300 answerable training questions it ranked
the answer sentence first for far fewer questions than the tuned bi-encoder).
"""

from __future__ import annotations

import logging
import random
import shutil
import warnings
from pathlib import Path

import numpy as np

from rag.index.embeddings import bundled_model_path
from rag.index.hf import hub_env, quiet_transformers
from rag.training.dataset import Example
from rag.training.tune import seed_everything, trainer_args

logger = logging.getLogger(__name__)
MAX_LENGTH = 128  # question + sentence tokens; news sentences average ~30 tokens, few pass 100


def pairs(
    examples: list[Example], negatives: int, seed: int
) -> tuple[list[str], list[str], list[float]]:
    """(query, sentence, label) training pairs: every positive and up to ``negatives`` others.

    Half of the negatives are the most similar candidates by cosine (the confusable ones), the
    rest drawn at random; unanswerable questions contribute negatives only, which teaches the
    model that a sentence about the subject is not an answer to a question about its detail.
    """
    rng = random.Random(seed)
    queries: list[str] = []
    sentences: list[str] = []
    labels: list[float] = []
    for e in examples:
        pos = [i for i, y in enumerate(e.labels) if y]
        neg = [i for i, y in enumerate(e.labels) if not y]
        hard = sorted(neg, key=lambda i: -e.cosines[i])[: negatives // 2]
        rest = [i for i in neg if i not in hard]
        chosen = hard + rng.sample(rest, min(len(rest), negatives - len(hard)))
        for i in pos + chosen:
            queries.append(e.query)
            sentences.append(e.cands[i].quote.text)
            labels.append(float(e.labels[i]))
    return queries, sentences, labels


def train(
    examples: list[Example],
    out_dir: Path,
    seed: int = 13,
    epochs: int = 2,
    negatives: int = 6,
    batch_size: int = 32,
    learning_rate: float = 5e-5,
    pos_weight: float | None = None,
) -> Path:
    """Fine-tune a cross-encoder on ``examples``; returns the saved Hugging Face folder.

    The defaults are the span model's (epochs, negatives per question, batch, learning rate),
    so the comparison sets the two heads side by side on the same budget. A folder this
    function wrote for the same pairs and settings is reused (its stamp says so).
    """
    import hashlib
    import json

    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import (
        CrossEncoder,
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

    q, s, y = pairs(examples, negatives, seed)
    config = [q, s, y, seed, epochs, batch_size, learning_rate, pos_weight]
    stamp = hashlib.sha256(json.dumps(config).encode()).hexdigest()
    target = out_dir / "hf"
    if (target / "stamp").exists() and (target / "stamp").read_text() == stamp:
        return target
    seed_everything(seed)
    logger.info("cross-encoder: %d pairs, %d positive", len(y), int(sum(y)))
    data = Dataset.from_dict({"query": q, "sentence": s, "label": y})
    with hub_env(offline=True), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quiet_transformers()
        model = CrossEncoder(str(bundled_model_path()), num_labels=1, max_length=MAX_LENGTH)
        args = CrossEncoderTrainingArguments(
            **trainer_args(out_dir, seed, epochs, batch_size, learning_rate),
            logging_steps=50,
            dataloader_num_workers=0,
        )
        # 4: measured to learn (the class ratio, ~11, left the loss at chance for 2 epochs).
        weight = 4.0 if pos_weight is None else pos_weight
        loss = BinaryCrossEntropyLoss(model, pos_weight=torch.tensor(weight))
        CrossEncoderTrainer(model=model, args=args, train_dataset=data, loss=loss).train()
    model.save_pretrained(str(target))
    (target / "stamp").write_text(stamp)
    shutil.rmtree(out_dir / "checkpoints", ignore_errors=True)
    return target


def logits(hf_dir: Path, examples: list[Example]) -> dict[str, np.ndarray]:
    """The trained cross-encoder's logit for every candidate, by question id."""
    import torch
    from sentence_transformers.cross_encoder import CrossEncoder

    with hub_env(offline=True):
        quiet_transformers()
        model = CrossEncoder(str(hf_dir), max_length=MAX_LENGTH, device="cpu")
    out = {}
    for e in examples:
        pairs = [(e.query, c.quote.text) for c in e.cands]
        out[e.qid] = (
            np.asarray(model.predict(pairs, batch_size=64, activation_fn=torch.nn.Identity()))
            if pairs
            else np.zeros(0)
        )
    return out
