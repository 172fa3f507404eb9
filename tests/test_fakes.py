"""The fake embedder of the fast tier keeps `Embedder`'s contract and ranks by shared words."""

from __future__ import annotations

import numpy as np

from tests.fakes import DIM, FakeEmbedder


def test_fake_vectors_are_unit_length_float32_and_deterministic() -> None:
    texts = ["The harbour reopened on Tuesday.", "", "the of and", "内塔尼亚胡"]
    vecs = FakeEmbedder().encode(texts)
    assert vecs.shape == (len(texts), DIM) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-6)
    assert np.array_equal(vecs, FakeEmbedder().encode(texts))  # no per-process salt
    assert FakeEmbedder().encode([]).shape == (0, 0)
    query = FakeEmbedder().encode_query("harbour")
    assert not query.flags.writeable and FakeEmbedder().identity == "fake:fake-hash-384"


def test_shared_words_rank_above_unrelated_text() -> None:
    emb = FakeEmbedder()
    query = emb.encode_query("When did the harbour reopen?")
    near, far = emb.encode(["The harbour reopened on Tuesday.", "Rates rose by half a point."])
    # Unrelated text stays below the cosine at which the answerer takes a paraphrase on trust.
    assert float(near @ query) > 0.8 and float(far @ query) < 0.6
