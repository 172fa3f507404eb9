import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from rag import Assistant
from rag.config import load_settings
from rag.errors import ConfigError
from rag.index import embeddings as em
from rag.index import onnx as ob
from rag.index.embeddings import Embedder
from tests.conftest import ROOT, SEED_ID, seed_text

SENTENCES = [s for s in seed_text().split("\n") if len(s) > 40]


@pytest.mark.real_model
def test_torch_vectors_are_unit_length_and_cached_for_queries():
    emb = Embedder()
    vecs = emb.encode(SENTENCES)
    assert vecs.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert emb.encode_query("hostages") is emb.encode_query("hostages")
    assert emb.identity == "bundled:torch"


# fp32 ONNX is the same network; int8 weights cost some fidelity (measured: cosine 0.956 at
# worst on these sentences) but not retrieval quality (same hit@5 on both eval suites).
@pytest.mark.real_model
@pytest.mark.parametrize(("backend", "min_cos"), [("onnx", 0.999), ("onnx-int8", 0.95)])
def test_onnx_backends_match_torch(tmp_path, backend, min_cos):
    torch_vecs = Embedder().encode(SENTENCES)
    root_handlers = list(logging.getLogger().handlers)
    onnx = Embedder(backend=backend, cache_dir=tmp_path / "models")
    assert logging.getLogger().handlers == root_handlers  # the quantizer's handler is undone
    vecs = onnx.encode(SENTENCES)
    assert onnx.identity == f"bundled:{backend}"
    assert vecs.shape == torch_vecs.shape
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert (vecs * torch_vecs).sum(axis=1).min() >= min_cos
    exported = {p.name for p in (tmp_path / "models").rglob("*.onnx")}
    assert exported == ({"model.onnx", "model-int8.onnx"} if backend == "onnx-int8"
                        else {"model.onnx"})  # fmt: skip
    assert not list((tmp_path / "models").rglob("*.tmp"))  # no scratch files left behind


@pytest.mark.real_model
def test_default_settings_resolve_to_onnx_int8_in_the_shared_cache(tmp_path):
    cache = Path(os.environ["RAG_MODEL_CACHE"])  # set for the session by conftest
    assistant = Assistant(data_dir=tmp_path)
    assert assistant.settings.embed_backend == "auto"
    assert assistant.settings.model_cache == cache
    assert assistant.index.embedder.backend == "onnx-int8"
    assert assistant.index.embedder.identity == "bundled:onnx-int8"
    vec = assistant.index.embedder.encode_query("hostage deal talks")
    assert vec.shape == (384,)
    torch_vec = Embedder().encode(["hostage deal talks"])[0]
    assert 0.95 <= float(vec @ torch_vec) < 0.9999  # int8 vectors, close to torch's
    assert list(cache.rglob("model-int8.onnx"))
    assert not (tmp_path / "models").exists()


def test_model_cache_defaults_to_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("RAG_MODEL_CACHE")
    assert load_settings(data_dir=tmp_path).model_cache is None
    monkeypatch.setenv("RAG_MODEL_CACHE", "")  # empty means unset, not the working directory
    assert load_settings(data_dir=tmp_path).model_cache is None
    monkeypatch.setenv("RAG_MODEL_CACHE", str(tmp_path / "cache"))
    assert load_settings(data_dir=tmp_path).model_cache == tmp_path / "cache"
    monkeypatch.setattr(em, "_onnx_encoder", lambda name, quantize, cache_dir: cache_dir)
    monkeypatch.delenv("RAG_MODEL_CACHE")
    assert Assistant(data_dir=tmp_path).index.embedder._onnx == tmp_path / "models"


def test_auto_with_a_hub_id_resolves_to_torch():
    hub_id = "sentence-transformers/all-MiniLM-L6-v2"
    assert em.resolve_backend(hub_id, "auto") == "torch"
    emb = Embedder(hub_id, backend="auto")  # no model load, no network: torch loads lazily
    assert emb.backend == "torch" and emb.identity == f"{hub_id}:torch"
    assert em.resolve_backend(hub_id, "onnx-int8") == "onnx-int8"  # explicit stays explicit
    assert em.resolve_backend("bundled", "auto") == "onnx-int8"


def _model_folder(root: Path, pooling: dict[str, bool], model_type: str = "bert") -> Path:
    """A stand-in sentence-transformers folder: the bundled model's files, other settings."""
    bundled = em.bundled_model_path()
    root.mkdir()
    for name in ("modules.json", "tokenizer.json", "sentence_bert_config.json"):
        (root / name).symlink_to(bundled / name)
    config = json.loads((bundled / "config.json").read_text())
    (root / "config.json").write_text(json.dumps({**config, "model_type": model_type}))
    (root / "1_Pooling").mkdir()
    (root / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    return root


@pytest.mark.parametrize(
    ("pooling", "model_type", "backend"),
    [
        ({"pooling_mode_mean_tokens": True, "pooling_mode_cls_token": False}, "bert", "onnx-int8"),
        ({"pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}, "bert", "torch"),
        ({"pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": True}, "bert", "torch"),
        ({"pooling_mode_mean_tokens": True}, "mpnet", "torch"),
    ],
)
def test_auto_uses_onnx_only_for_folders_it_reproduces(tmp_path, pooling, model_type, backend):
    folder = _model_folder(tmp_path / "model", pooling, model_type)
    assert em.resolve_backend(str(folder), "auto") == backend


@pytest.mark.real_model
def test_two_assistants_share_one_export(monkeypatch, tmp_path):
    cache = tmp_path / "cache"
    monkeypatch.setenv("RAG_MODEL_CACHE", str(cache))
    calls: list[Path] = []
    real_export = ob._export

    def counting(model_dir: Path, target: Path, final: Path, quantize: bool) -> Path:
        calls.append(final)
        return real_export(model_dir, target, final, quantize)

    monkeypatch.setattr(ob, "_export", counting)
    first = Assistant(data_dir=tmp_path / "a").index.embedder
    (model,) = cache.rglob("model-int8.onnx")
    before = model.stat()
    em._onnx_encoder.cache_clear()  # as in a new process: only the files on disk are shared
    second = Assistant(data_dir=tmp_path / "b").index.embedder
    assert len(calls) == 1 and calls[0] == model
    after = model.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert first.identity == second.identity == "bundled:onnx-int8"
    assert np.array_equal(first.encode(SENTENCES[:3]), second.encode(SENTENCES[:3]))
    assert not (tmp_path / "a" / "models").exists() and not (tmp_path / "b" / "models").exists()


@pytest.mark.real_model
def test_concurrent_processes_export_once(tmp_path):
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from rag.index import onnx as ob
        from rag.index.embeddings import bundled_model_path

        calls = []
        real = ob._export
        ob._export = lambda *args: calls.append(1) or real(*args)
        path = ob.export(bundled_model_path(), Path(sys.argv[1]), quantize=False)
        print(len(calls), path)
        """
    )
    target = tmp_path / "models"
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(target)], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert [err for _, err in results] == ["", ""]  # the library never prints, even exporting
    outputs = [out.split() for out, _ in results]
    assert sorted(int(o[0]) for o in outputs) == [0, 1]  # one exported, one waited and reused
    assert {o[1] for o in outputs} == {str(target / "model.onnx")}
    assert sorted(p.name for p in target.iterdir()) == [".export.lock", "model.onnx"]
    vecs = ob.OnnxEncoder(em.bundled_model_path(), target / "model.onnx").encode(SENTENCES[:2])
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


@pytest.mark.real_model
def test_a_failed_export_leaves_no_file(monkeypatch, tmp_path):
    import torch

    def broken(*args, **kwargs):
        Path(args[2]).write_bytes(b"half a model")  # the exporter dies mid-write
        raise RuntimeError("exporter crashed")

    monkeypatch.setattr(torch.onnx, "export", broken)
    from rag.errors import ModelError

    with pytest.raises(ModelError, match="cannot export .* exporter crashed"):
        ob.export(em.bundled_model_path(), tmp_path, quantize=False)
    assert [p.name for p in tmp_path.iterdir()] == [".export.lock"]


@pytest.mark.real_model
def test_changing_backend_reembeds_the_index(tmp_path):
    Assistant(data_dir=tmp_path, embed_backend="torch").ingest()
    report = Assistant(data_dir=tmp_path, embed_backend="onnx-int8").ingest()
    assert report.updated == [SEED_ID] and report.chunks > 0


@pytest.mark.real_model
def test_auto_keeps_the_backend_an_existing_index_was_built_with(tmp_path):
    Assistant(data_dir=tmp_path, embed_backend="torch").ingest()
    kept = Assistant(data_dir=tmp_path)  # default "auto", as after an upgrade
    assert kept.index.embedder.identity == "bundled:torch"
    report = kept.ingest()
    assert report.updated == [] and report.added == [] and report.unchanged == [SEED_ID]
    hits = kept.retrieve("Who did Blinken meet?")
    assert hits and hits[0].doc_id == SEED_ID
    # Another model's index is re-embedded anyway, so auto takes the default backend again.
    other = Assistant(data_dir=tmp_path, embed_model=str(em.bundled_model_path()))
    assert other.index.embedder.backend == "onnx-int8"


def test_bad_backend_names_the_choices(tmp_path):
    with pytest.raises(
        ConfigError, match="embed_backend must be one of auto, torch, onnx, onnx-int8"
    ):
        Assistant(data_dir=tmp_path, embed_backend="tpu")
    with pytest.raises(ValueError, match="backend must be one of auto, torch, onnx, onnx-int8"):
        Embedder(backend="tpu")
