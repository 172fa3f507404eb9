import numpy as np
import pytest

from rag import Assistant
from rag.embeddings import Embedder
from tests.conftest import seed_text

SENTENCES = [s for s in seed_text().split("\n") if len(s) > 40]


def test_torch_vectors_are_unit_length_and_cached_for_queries():
    emb = Embedder()
    vecs = emb.encode(SENTENCES)
    assert vecs.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert emb.encode_query("hostages") is emb.encode_query("hostages")
    assert emb.identity == "bundled:torch"


@pytest.mark.parametrize(("backend", "min_cos"), [("onnx", 0.999), ("onnx-int8", 0.9)])
def test_onnx_backends_match_torch(tmp_path, backend, min_cos):
    pytest.importorskip("onnx", reason="onnx not installed (extra [onnx])")
    torch_vecs = Embedder().encode(SENTENCES)
    onnx = Embedder(backend=backend, cache_dir=tmp_path / "models")
    vecs = onnx.encode(SENTENCES)
    assert (vecs * torch_vecs).sum(axis=1).min() >= min_cos
    exported = {p.name for p in (tmp_path / "models").rglob("*.onnx")}
    assert exported == ({"model.onnx", "model-int8.onnx"} if backend == "onnx-int8"
                        else {"model.onnx"})  # fmt: skip


def test_changing_backend_reembeds_the_index(tmp_path):
    pytest.importorskip("onnx", reason="onnx not installed (extra [onnx])")
    Assistant(data_dir=tmp_path).ingest()
    report = Assistant(data_dir=tmp_path, embed_backend="onnx-int8").ingest()
    assert report.updated == ["corpus/netanyahu-blinken-talks.txt"] and report.chunks > 0


def test_bad_backend_names_the_choices(tmp_path):
    from rag.errors import ConfigError

    with pytest.raises(ConfigError, match="embed_backend must be one of torch, onnx, onnx-int8"):
        Assistant(data_dir=tmp_path, embed_backend="tpu")
