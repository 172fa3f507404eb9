"""The shipped reader model: its manifest matches the data in the repo, and it loads offline."""

import hashlib
import json

import numpy as np

from rag.reader.encoder import ONNX_FILE, ReaderEncoder
from rag.reader.features import QUESTION_FEATURES, SENTENCE_FEATURES
from rag.reader.model import Reader, shipped_folder
from rag.reader.train import data_sha256

FOLDER = shipped_folder()
MANIFEST = json.loads((FOLDER / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_matches_the_labelled_data_in_the_repo():
    # Changing a split without `make reader` would ship a model trained on other data.
    assert MANIFEST["data_sha256"] == data_sha256()
    assert MANIFEST["data_sha256"]["test.jsonl"] == (
        "dfc8597ade89b709f3c9635e1c15bc36fd37ca7d0a419211cf577754c4a52dd6"
    )
    assert MANIFEST["chosen_on"] == "dev"


def test_manifest_matches_the_shipped_files_and_feature_lists():
    onnx = (FOLDER / ONNX_FILE).read_bytes()
    assert hashlib.sha256(onnx).hexdigest() == MANIFEST["model_sha256"]
    assert len(onnx) < 30 * 1024 * 1024  # int8: small enough to ship in the repo
    assert MANIFEST["sentence_features"] == list(SENTENCE_FEATURES)
    assert MANIFEST["question_features"] == list(QUESTION_FEATURES)
    spec = json.loads((FOLDER / "reader.json").read_text(encoding="utf-8"))
    assert set(spec["sentence"]["features"]) <= set(SENTENCE_FEATURES)
    for model in ("topic", "detail"):
        assert set(spec[model]["features"]) <= set(QUESTION_FEATURES)
    for name, value in spec["thresholds"].items():
        assert 0.0 <= value <= 1.0, name


def test_manifest_reports_dev_and_test_per_kind():
    for split in ("dev", "test"):
        kinds = MANIFEST["metrics"][split]
        assert {"all", "near-miss", "off-corpus", "paraphrase", "two-part"} <= set(kinds)
        assert 0.0 <= kinds["all"]["false_abstention"] <= 1.0
    for split in ("dev", "test"):
        compared = MANIFEST["comparison"][split]
        assert {"heuristic", "embedder_cosine", "features", "cross", "tuned"} <= set(compared)
    # The shipped sentence model is the one that ranked best on dev, never chosen on test.
    dev = MANIFEST["comparison"]["dev"]
    assert dev["reader"]["p_at_1"] >= max(dev[m]["p_at_1"] for m in dev if m != "tuned")


def test_reader_encoder_prefers_the_answering_sentence():
    encoder = ReaderEncoder(FOLDER)
    query = "How many hostages are still being held in Gaza?"
    sentences = [
        "Blinken arrived in Tel Aviv on Sunday for his ninth trip to the region.",
        "Israel says 111 hostages are still being held in Gaza, 39 of them presumed dead.",
        "The talks on the Philadelphi Corridor have stalled.",
    ]
    sims = encoder.similarities(query, sentences)
    assert sims.shape == (3,) and np.isfinite(sims).all() and (np.abs(sims) <= 1.001).all()
    assert int(np.argmax(sims)) == 1


def test_reader_loads_the_shipped_model_offline():
    reader = Reader()
    assert reader.uses_encoder
    assert 0.0 < reader.thresholds.topic < 1.0 and 0.0 < reader.thresholds.detail < 1.0


def test_abstention_reasons_follow_the_two_models():
    from rag.reader.model import Reading, Thresholds

    t = Thresholds(topic=0.4, detail=0.5, sentence=0.9, relative=0.9)
    read = lambda topic, detail: Reading(np.zeros(1), topic, detail, np.zeros((1, 1)))  # noqa: E731
    assert read(0.1, 0.9).abstains(t) == "no_evidence"  # nothing is about it
    assert read(0.9, 0.2).abstains(t) == "detail_missing"  # the subject, not the detail
    assert read(0.9, 0.9).abstains(t) is None
    assert read(0.45, 0.9).abstains(t, override=0.5) == "no_evidence"  # RAG_ABSTAIN_THRESHOLD
