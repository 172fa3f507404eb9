"""Optional ONNX Runtime embedding backend, exported offline from the local model weights.

The export (and int8 quantization) happens once and is cached under ``<data_dir>/models``;
encoding then needs only onnxruntime and the tokenizer, no torch forward pass.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import ModelError

_EXPORT_LOCK = threading.Lock()
_OPSET = 17


def _max_length(model_dir: Path) -> int:
    try:
        return int(
            json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"]
        )
    except (OSError, ValueError, KeyError):
        return 256


def export(model_dir: Path, target: Path, quantize: bool) -> Path:
    """Export the transformer of a sentence-transformers folder to ONNX (optionally int8).

    Args:
        model_dir: local sentence-transformers model folder (Transformer + mean pooling).
        target: folder for ``model.onnx``; reused when already there.
        quantize: also apply dynamic int8 quantization of the weights.

    Returns:
        Path of the ONNX file to load.
    """
    final = target / ("model-int8.onnx" if quantize else "model.onnx")
    if final.exists():
        return final
    with _EXPORT_LOCK:
        if final.exists():
            return final
        try:
            import onnx  # noqa: F401  (torch's exporter needs it)
            import torch
            from transformers import AutoModel
        except ImportError:
            raise ModelError(
                "the ONNX embedding backend needs the onnx package: pip install 'newsrag[onnx]'"
            ) from None
        target.mkdir(parents=True, exist_ok=True)
        fp32 = target / "model.onnx"
        if not fp32.exists():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            bert = AutoModel.from_pretrained(str(model_dir)).eval()

            class Hidden(torch.nn.Module):
                def __init__(self) -> None:
                    super().__init__()
                    self.bert = bert  # a submodule, so its weights export as weights

                def forward(
                    self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor
                ) -> Any:
                    # Keyword call: the positional signature differs between versions.
                    out = self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types)
                    return out.last_hidden_state

            model = Hidden().eval()
            ids = torch.ones((2, 16), dtype=torch.long)
            dynamic = {0: "batch", 1: "seq"}
            tmp = target / "model.onnx.tmp"
            with torch.inference_mode(), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # exporter notes; the library never prints
                torch.onnx.export(
                    model,
                    (ids, ids, torch.zeros_like(ids)),
                    str(tmp),
                    input_names=["input_ids", "attention_mask", "token_type_ids"],
                    output_names=["last_hidden_state"],
                    dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic,
                                  "token_type_ids": dynamic, "last_hidden_state": dynamic},
                    opset_version=_OPSET,
                    dynamo=False,
                )  # fmt: skip
            tmp.replace(fp32)  # atomic: a crash never leaves a half-written model in use
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            tmp = target / "model-int8.onnx.tmp"
            logging.disable(logging.WARNING)  # a pre-processing hint on the root logger
            try:
                quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8)
            finally:
                logging.disable(logging.NOTSET)
            tmp.replace(final)
        return final


class OnnxEncoder:
    """Mean-pooled, normalised sentence embeddings computed with ONNX Runtime."""

    def __init__(self, model_dir: Path, onnx_file: Path, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(_max_length(model_dir))
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        self.session = ort.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in input order."""
        # Length-sorted batches waste less work on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 0), dtype=np.float32)
        rows: list[np.ndarray] = []
        for start in range(0, len(order), batch_size):
            batch = [texts[i] for i in order[start : start + batch_size]]
            enc = self.tokenizer.encode_batch(batch)
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            hidden = self.session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            rows.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True).clip(1e-12))
        if rows:
            out = np.empty((len(texts), rows[0].shape[1]), dtype=np.float32)
            out[order] = np.concatenate(rows)
        return out
