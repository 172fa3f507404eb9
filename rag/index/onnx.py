"""ONNX Runtime embedding backend, exported offline from the local model weights.

The export (and int8 quantization) happens once and is cached in a folder (``RAG_MODEL_CACHE``,
default ``<data_dir>/models``) that any number of processes may share; encoding then needs only
onnxruntime and the tokenizer, no torch forward pass.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import ModelError
from rag.index.hf import hub_env, quiet_transformers

logger = logging.getLogger(__name__)
_EXPORT_LOCK = threading.Lock()
_OPSET = 17
_SUPPORTED_MODULES = (
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
)


def _max_length(model_dir: Path) -> int:
    try:
        return int(
            json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"]
        )
    except (OSError, ValueError, KeyError) as exc:
        # sentence-transformers' own default when the folder does not say.
        logger.debug("no max_seq_length in %s (%s); using 256", model_dir, exc)
        return 256


def exportable(model_dir: Path) -> bool:
    """True when `OnnxEncoder` reproduces this sentence-transformers folder's embeddings.

    That is a local BERT model (the export feeds token type ids; the tokenizer pads with id 0)
    followed only by mean pooling and normalisation: what the bundled model is. Anything else
    (CLS pooling, a Dense layer, RoBERTa-style position ids) would silently give other vectors.
    """
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
        types = [m["type"] for m in modules]
        config = json.loads((model_dir / "config.json").read_text())
        pooling = next(m["path"] for m in modules if m["type"].endswith(".Pooling"))
        modes = json.loads((model_dir / pooling / "config.json").read_text())
    except (OSError, ValueError, KeyError, TypeError, StopIteration) as exc:
        logger.debug("%s is not a folder the ONNX backend reproduces: %r", model_dir, exc)
        return False
    mean_only = modes.get("pooling_mode_mean_tokens") is True and not any(
        value for key, value in modes.items() if key.startswith("pooling_mode_") and
        key != "pooling_mode_mean_tokens"
    )  # fmt: skip
    return (
        (model_dir / "tokenizer.json").is_file()
        and config.get("model_type") == "bert"
        and types[:2] == list(_SUPPORTED_MODULES[:2])
        and modules[0].get("path") == ""  # the transformer's weights sit in the folder itself
        and set(types) <= set(_SUPPORTED_MODULES)
        and mean_only
    )


@contextmanager
def _removed_on_error(path: Path) -> Iterator[None]:
    """Delete a half-written temporary file when the block fails."""
    try:
        yield
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _scratch(final: Path) -> Path:
    """A temporary name next to ``final`` that no other process or thread will pick."""
    return final.with_name(f".{final.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")


def export(model_dir: Path, target: Path, quantize: bool) -> Path:
    """Export the transformer of a sentence-transformers folder to ONNX (optionally int8).

    Files appear under their final names only once complete (written to a unique temporary
    name, then renamed), and a lock file in ``target`` makes concurrent processes export once:
    the others wait, then load the finished file.

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
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot create the model cache {target}: {exc}") from None
    from filelock import FileLock

    with _EXPORT_LOCK, FileLock(str(target / ".export.lock")):
        if final.exists():  # another process finished it while this one waited
            return final
        try:
            return _export(model_dir, target, final, quantize)
        except ModelError:
            raise
        except Exception as exc:  # exporter and quantizer raise many types
            raise ModelError(f"cannot export {model_dir} to ONNX: {exc}") from exc


def _export(model_dir: Path, target: Path, final: Path, quantize: bool) -> Path:
    try:
        # Imported here only to turn a missing package into one clear message.
        import onnx  # noqa: F401  (torch's exporter needs it)
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        raise ModelError(
            "the ONNX embedding backend needs the onnx package, a dependency of newsrag: "
            "pip install 'onnx>=1.15' (or reinstall newsrag)"
        ) from None
    fp32 = target / "model.onnx"
    if not fp32.exists():
        _export_fp32(model_dir, fp32)
    if quantize:
        quantize_int8(fp32, final)
    return final


def _export_fp32(model_dir: Path, fp32: Path) -> None:
    """The BERT encoder's last hidden state as an ONNX graph with dynamic batch and length."""
    import torch
    from transformers import AutoModel

    with hub_env(offline=True):
        quiet_transformers()
        bert = AutoModel.from_pretrained(str(model_dir)).eval()

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert  # a submodule, so its weights export as weights

        def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> Any:
            # Keyword call: the positional signature differs between versions.
            out = self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types)
            return out.last_hidden_state

    model = Hidden().eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    dynamic = {0: "batch", 1: "seq"}
    tmp = _scratch(fp32)
    with _removed_on_error(tmp), torch.inference_mode(), warnings.catch_warnings():
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


def quantize_int8(fp32: Path, final: Path) -> None:
    """Dynamic int8 quantization of the weights of ``fp32`` into ``final``."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = _scratch(final)
    # The quantizer logs a pre-processing hint and installs a stderr handler on the root
    # logger; the library never prints, so both are undone.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    logging.disable(logging.WARNING)
    try:
        with _removed_on_error(tmp):
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8)
    finally:
        logging.disable(logging.NOTSET)
        root.handlers[:] = handlers
        root.setLevel(level)
    tmp.replace(final)


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
