"""Fine-tune the span model from the bundled MiniLM and export it as ONNX int8.

Training pairs are (question, candidate sentence) from the reader's examples, in the SQuAD 2.0
manner: a gold sentence's target is its short answer (or the whole sentence for why/how
questions), every other sentence's target is "no answer" (the ``[CLS]`` token). The negatives
are the ones the model meets at ask time: the first stage's best-ranked non-answers, every
decoy of a hard near miss (the neighbouring same-type value), and a few at random. Hugging
Face's `Trainer` with `AutoModelForQuestionAnswering`'s start/end cross-entropy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from rag.index.embeddings import bundled_model_path
from rag.index.hf import hub_env, quiet_transformers
from rag.index.onnx import quantize_int8
from rag.reader.span import MAX_LENGTH, SPAN_ONNX, SPAN_TOKENIZER, reading_text
from rag.training.dataset import Example
from rag.training.tune import seed_everything, trainer_args

logger = logging.getLogger(__name__)

Ranker = Callable[[Example], np.ndarray]


def pairs(
    examples: list[Example], rank: Ranker, negatives: int, seed: int, context: bool = False
) -> list[tuple[str, str, int, int]]:
    """``(question, text read, answer start, answer end)``; ``(-1, -1)`` means no answer.

    Args:
        examples: labelled candidates.
        rank: the first stage's score of each candidate (its best non-answers are the hard
            negatives).
        negatives: non-answers per question: half the first stage's best, the rest random
            (decoys always come in addition).
        seed: for the random ones.
        context: read each sentence after its title and the sentence before it
            (`rag.reader.span.reading_text`).
    """
    rng = random.Random(seed)
    out = []
    for e in examples:
        if not len(e.cands):
            continue
        order = [int(i) for i in np.argsort(-rank(e), kind="stable")]
        neg = [i for i in order if not e.labels[i]]
        hard = neg[: negatives // 2]
        decoys = [i for i in neg if e.decoys[i] and i not in hard]
        rest = [i for i in neg if i not in hard and i not in decoys]
        chosen = hard + decoys + rng.sample(rest, min(len(rest), negatives - len(hard)))
        for i in [int(i) for i in np.flatnonzero(e.labels)]:
            text, skip = reading_text(e.cands[i], context)
            a, b = (int(v) for v in e.shorts[i])
            if a < 0:  # a clause answers (why, how): the sentence is the answer
                a, b = 0, len(e.cands[i].quote.text.rstrip(" .!?;:"))
            out.append((e.query, text, a + skip, b + skip))
        out += [(e.query, reading_text(e.cands[i], context)[0], -1, -1) for i in chosen]
    return out


def encode(tokenizer: Any, rows: list[tuple[str, str, int, int]]) -> dict[str, list[Any]]:
    """Token ids and start/end token targets (0, the [CLS], for no answer or a cut answer)."""
    enc = tokenizer([r[0] for r in rows], [r[1] for r in rows], truncation="only_second",
                    max_length=MAX_LENGTH, return_offsets_mapping=True)  # fmt: skip
    starts, ends = [], []
    for n, (_, _, a, b) in enumerate(rows):
        seq = enc.sequence_ids(n)
        offsets = enc["offset_mapping"][n]
        inside = [i for i, sid in enumerate(seq) if sid == 1]
        first = next((i for i in inside if offsets[i][1] > a), None) if a >= 0 else None
        last = next((i for i in reversed(inside) if offsets[i][0] < b), None) if a >= 0 else None
        if first is None or last is None or last < first or offsets[inside[-1]][1] < b:
            first = last = 0  # no answer, or the answer was cut off by truncation
        starts.append(first)
        ends.append(last)
    del enc["offset_mapping"]
    return {**dict(enc), "start_positions": starts, "end_positions": ends}


def train(
    examples: list[Example],
    rank: Ranker,
    out_dir: Path,
    seed: int = 13,
    epochs: int = 2,
    negatives: int = 6,
    learning_rate: float = 5e-5,
    batch_size: int = 32,
    context: bool = False,
) -> Path:
    """Fine-tune the span model on ``examples``; returns its saved Hugging Face folder.

    A folder this function wrote for the same pairs and settings is reused (its stamp says
    so): retraining gives the same model.
    """
    from datasets import Dataset
    from transformers import (
        AutoModelForQuestionAnswering,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
    )

    rows = pairs(examples, rank, negatives, seed, context)
    config = [rows, seed, epochs, negatives, learning_rate, batch_size]
    stamp = hashlib.sha256(json.dumps(config).encode()).hexdigest()
    target = out_dir / "hf"
    if (target / "stamp").exists() and (target / "stamp").read_text() == stamp:
        return target
    seed_everything(seed)
    logger.info("span model: %d pairs, %d with an answer", len(rows),
                sum(r[2] >= 0 for r in rows))  # fmt: skip
    with hub_env(offline=True), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quiet_transformers()
        base = str(bundled_model_path())
        tokenizer = AutoTokenizer.from_pretrained(base)
        data = Dataset.from_dict(encode(tokenizer, rows))
        model = AutoModelForQuestionAnswering.from_pretrained(base)
        args = TrainingArguments(
            **trainer_args(out_dir, seed, epochs, batch_size, learning_rate),
            weight_decay=0.01,
            logging_steps=50,
            dataloader_num_workers=0,
        )
        Trainer(model=model, args=args, train_dataset=data,
                data_collator=DataCollatorWithPadding(tokenizer)).train()  # fmt: skip
    model.save_pretrained(str(target))
    tokenizer.save_pretrained(str(target))
    (target / "stamp").write_text(stamp)
    shutil.rmtree(out_dir / "checkpoints", ignore_errors=True)
    return target


def export_int8(hf_dir: Path, target: Path) -> Path:
    """The span model as ONNX int8 (``span-int8.onnx``) plus its tokenizer, into ``target``."""
    import torch
    from transformers import AutoModelForQuestionAnswering

    stamp = (hf_dir / "stamp").read_text()
    if (target / "stamp").exists() and (target / "stamp").read_text() == stamp:
        return target / SPAN_ONNX
    target.mkdir(parents=True, exist_ok=True)
    with hub_env(offline=True):
        quiet_transformers()
        model = AutoModelForQuestionAnswering.from_pretrained(str(hf_dir)).eval()

    class Logits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> Any:
            out = self.model(input_ids=ids, attention_mask=mask, token_type_ids=types)
            return out.start_logits, out.end_logits

    ids = torch.ones((2, 16), dtype=torch.long)
    dynamic = {0: "batch", 1: "seq"}
    fp32 = target / "span.onnx"
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Logits().eval(), (ids, ids, torch.zeros_like(ids)), str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["start_logits", "end_logits"],
            dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic,
                          "token_type_ids": dynamic, "start_logits": dynamic,
                          "end_logits": dynamic},
            opset_version=17, dynamo=False,
        )  # fmt: skip
    quantize_int8(fp32, target / SPAN_ONNX)
    fp32.unlink()
    shutil.copy(hf_dir / "tokenizer.json", target / SPAN_TOKENIZER)
    (target / "stamp").write_text(stamp)
    return target / SPAN_ONNX


def torch_spans(
    hf_dir: Path, batches: list[tuple[str, list[tuple[str, int]]]]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Span margins and character spans by the trained model in torch (training-time scoring).

    Args:
        hf_dir: a folder `train` wrote.
        batches: per question, the question and each candidate's ``(text read, where the
            sentence starts in it)`` (`rag.reader.span.reading_text`).

    Returns:
        Per question: margins (see `rag.reader.span.best_spans`) and ``(start, end)`` of the
        best span in each sentence.
    """
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from rag.reader.span import best_spans

    with hub_env(offline=True):
        quiet_transformers()
        tokenizer = AutoTokenizer.from_pretrained(str(hf_dir))
        model = AutoModelForQuestionAnswering.from_pretrained(str(hf_dir)).eval()
    out = []
    with torch.inference_mode():
        for question, texts in batches:
            if not texts:
                out.append((np.zeros(0, np.float32), np.zeros((0, 2), np.int32)))
                continue
            enc = tokenizer([question] * len(texts), [t for t, _ in texts],
                            truncation="only_second", max_length=MAX_LENGTH, padding=True,
                            return_tensors="pt", return_offsets_mapping=True)  # fmt: skip
            offsets = enc.pop("offset_mapping").numpy()
            logits = model(**enc)
            skips = np.array([skip for _, skip in texts])
            second = np.array([[sid == 1 for sid in enc.sequence_ids(i)]
                               for i in range(len(texts))])  # fmt: skip
            mask = second & (offsets[:, :, 0] >= skips[:, None])
            margin, first, last = best_spans(
                logits.start_logits.numpy(), logits.end_logits.numpy(), mask
            )
            rows = np.arange(len(texts))
            chars = np.stack([offsets[rows, first, 0], offsets[rows, last, 1]], axis=1)
            chars -= skips[:, None]
            out.append((margin.astype(np.float32), chars.astype(np.int32)))
    return out
