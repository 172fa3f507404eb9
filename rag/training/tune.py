"""Fine-tune the reader encoder from the bundled MiniLM and export it as ONNX int8.

sentence-transformers' trainer with MultipleNegativesRankingLoss on (query, answer sentence,
hard negative) triplets: the hard negatives are the candidates of the same retrieval that the
untuned model finds most similar, the confusions the reader must learn to undo; the other
triplets of a batch serve as easy negatives. Also the trainer setup `make reader`'s other
trainers share.
"""

from __future__ import annotations

import random
import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from rag.index.embeddings import bundled_model_path
from rag.index.hf import hub_env, quiet_transformers
from rag.index.onnx import export
from rag.reader.encoder import ONNX_FILE, TOKENIZER_FILES
from rag.training.dataset import Example


def triplets(examples: list[Example], negatives: int) -> dict[str, list[str]]:
    """Each gold sentence paired with each of the ``negatives`` most similar non-answers."""
    out: dict[str, list[str]] = {"anchor": [], "positive": [], "negative": []}
    for e in examples:
        pos = [i for i, y in enumerate(e.labels) if y]
        neg = sorted((i for i, y in enumerate(e.labels) if not y), key=lambda i: -e.cosines[i])
        for i in pos:
            for j in neg[:negatives]:
                out["anchor"].append(e.query)
                out["positive"].append(e.cands[i].quote.text)
                out["negative"].append(e.cands[j].quote.text)
    return out


def seed_everything(seed: int) -> None:
    """Python, numpy and torch seeded alike, so a retrain gives the same model."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def trainer_args(
    out_dir: Path, seed: int, epochs: int, batch_size: int, learning_rate: float
) -> dict[str, Any]:
    """The training arguments both of `make reader`'s trainers share: CPU, seeded, no saves."""
    return {
        "output_dir": str(out_dir / "checkpoints"),
        "num_train_epochs": epochs,
        "per_device_train_batch_size": batch_size,
        "learning_rate": learning_rate,
        "warmup_steps": 0.1,  # a float below 1 is a share of the steps (transformers 5)
        "seed": seed,
        "data_seed": seed,
        "save_strategy": "no",
        "report_to": "none",
        "use_cpu": True,
    }


def train(
    examples: list[Example],
    out_dir: Path,
    seed: int = 13,
    epochs: int = 2,
    negatives: int = 3,
    learning_rate: float = 3e-5,
    batch_size: int = 32,
) -> Path:
    """Fine-tune a copy of the bundled encoder on ``examples``; returns its saved folder.

    A folder this function wrote for the same questions and settings is reused (its stamp
    says so): retraining gives the same model and costs minutes.
    """
    import hashlib
    import json

    from datasets import Dataset
    from sentence_transformers import (
        SentenceTransformer,
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    from sentence_transformers.losses import MultipleNegativesRankingLoss

    data_dict = triplets(examples, negatives)
    config = [data_dict, seed, epochs, negatives, learning_rate, batch_size]
    stamp = hashlib.sha256(json.dumps(config).encode()).hexdigest()
    target = out_dir / "st"
    if (target / "stamp").exists() and (target / "stamp").read_text() == stamp:
        return target
    seed_everything(seed)
    data = Dataset.from_dict(data_dict)
    with hub_env(offline=True), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quiet_transformers()
        model = SentenceTransformer(str(bundled_model_path()), device="cpu")
        args = SentenceTransformerTrainingArguments(
            **trainer_args(out_dir, seed, epochs, batch_size, learning_rate),
            logging_steps=20,
            batch_sampler="no_duplicates",  # a repeated sentence in a batch is no negative
        )
        loss = MultipleNegativesRankingLoss(model)
        SentenceTransformerTrainer(model=model, args=args, train_dataset=data, loss=loss).train()
    model.save(str(target))
    (target / "stamp").write_text(stamp)
    shutil.rmtree(out_dir / "checkpoints", ignore_errors=True)
    return target


def export_int8(st_dir: Path, target: Path) -> Path:
    """The tuned encoder as ONNX int8 plus the tokenizer files, into ``target``."""
    stamp = (st_dir / "stamp").read_text()
    if (target / "stamp").exists() and (target / "stamp").read_text() == stamp:
        return target / ONNX_FILE
    target.mkdir(parents=True, exist_ok=True)
    onnx = export(st_dir, target / "export", quantize=True)
    shutil.move(str(onnx), str(target / ONNX_FILE))
    shutil.rmtree(target / "export", ignore_errors=True)
    for name in TOKENIZER_FILES:
        shutil.copy(st_dir / name, target / name)
    (target / "stamp").write_text(stamp)
    return target / ONNX_FILE
