"""Sentence vectors stored at ingest: the reader's candidates are not embedded at ask time."""

from __future__ import annotations

import numpy as np

from rag.index.sentences import article_sentences, chunk_sentences, pack, unpack
from rag.reader.features import candidates
from tests.conftest import ROOT, SEED_ID
from tests.fakes import FakeEmbedder, quick_assistant


def test_every_candidate_sentence_has_a_stored_vector(tmp_path):
    with quick_assistant(tmp_path / "data") as asst:
        asst.ingest([ROOT / "corpus"])
        hits = asst.retrieve("What is disputed about the Philadelphi Corridor?", top_k=8)
        keys = [(c.quote.doc_id, c.quote.start, c.quote.end) for c in candidates(hits)]
        stored = asst.index.catalog.sentences.vectors(keys)
        assert keys and set(stored) == set(keys)
        text = asst.document_text(SEED_ID)
        for doc_id, start, end in keys[:5]:
            want = FakeEmbedder().encode([text[start:end]])[0]
            assert np.allclose(unpack(stored[(doc_id, start, end)]), want, atol=2e-3)


def test_ask_embeds_only_the_question(tmp_path, monkeypatch):
    with quick_assistant(tmp_path / "data") as asst:
        asst.ingest([ROOT / "corpus"])
        asst.ask("warm up")
        calls: list[int] = []
        encode = FakeEmbedder.encode

        def counted(self: FakeEmbedder, texts: list[str]) -> np.ndarray:
            calls.append(len(texts))
            return encode(self, texts)

        monkeypatch.setattr(FakeEmbedder, "encode", counted)
        answer = asst.ask("What is disputed about the Philadelphi Corridor?")
        assert answer.citations
        assert calls == [1]  # the question; every candidate's vector was stored at ingest


def test_an_index_from_before_gets_its_sentence_vectors_on_the_next_ingest(tmp_path):
    with quick_assistant(tmp_path / "data") as asst:
        asst.ingest([ROOT / "corpus"])
        with asst.index.catalog._lock:  # an index written before sentence vectors were kept
            asst.index.catalog._db.execute("DELETE FROM sentences")
        assert asst.index.catalog.sentences.missing() == [SEED_ID]
        report = asst.ingest([ROOT / "corpus"])
        assert report.unchanged == [SEED_ID] and asst.index.catalog.sentences.missing() == []


def test_sentences_are_cut_as_the_reader_cuts_passages():
    from rag.index.chunking import chunk_text

    text = "One sentence here. Another one follows! A third? Yes.\nNew paragraph starts."
    chunks = chunk_text("d", text, max_chars=40, overlap=1)
    got = article_sentences(chunks)
    assert [t for _, _, t in got] == [text[a:b] for a, b, _ in got]
    for c in chunks:
        assert set(chunk_sentences(c.text, c.start)) <= {(a, b) for a, b, _ in got}
    v = np.linspace(-1, 1, 384).astype(np.float32)
    assert np.allclose(unpack(pack(v)), v, atol=1e-3) and len(pack(v)) == 768
