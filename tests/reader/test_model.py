"""The shipped reader model: its manifest matches the data in the repo, and it loads offline."""

import hashlib
import json

import numpy as np

from rag.reader.encoder import ONNX_FILE, ReaderEncoder
from rag.reader.features import (
    FINAL_FEATURES,
    QUESTION_FEATURES,
    SENTENCE_FEATURES,
    Candidate,
    candidates,
)
from rag.reader.model import Reader, Reading, Thresholds, shipped_folder
from rag.reader.span import SPAN_ONNX, SpanModel
from rag.records import Hit, Quote
from rag.training.train import data_sha256

FOLDER = shipped_folder()
MANIFEST = json.loads((FOLDER / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_matches_the_labelled_data_in_the_repo():
    # Changing a split without `make reader` would ship a model trained on other data.
    assert MANIFEST["data_sha256"] == data_sha256()
    assert MANIFEST["data_sha256"]["test.jsonl"] == (
        "dfc8597ade89b709f3c9635e1c15bc36fd37ca7d0a419211cf577754c4a52dd6"
    )
    assert MANIFEST["data_sha256"]["test2.jsonl"] == (
        "f61a9ae63b803b097ed7fe5b4ca2287352db371d44a5606edefc1979d4db5649"
    )
    assert MANIFEST["chosen_on"] == "dev"


def test_manifest_matches_the_shipped_files_and_feature_lists():
    for name in (SPAN_ONNX, ONNX_FILE):
        onnx = (FOLDER / name).read_bytes()
        assert hashlib.sha256(onnx).hexdigest() == MANIFEST["model_sha256"][name]
        assert len(onnx) < 30 * 1024 * 1024  # int8: small enough to ship in the repo
    assert MANIFEST["sentence_features"] == list(SENTENCE_FEATURES)
    assert MANIFEST["final_features"] == list(FINAL_FEATURES)
    assert MANIFEST["question_features"] == list(QUESTION_FEATURES)
    spec = json.loads((FOLDER / "reader.json").read_text(encoding="utf-8"))
    assert set(spec["first"]["features"]) <= set(SENTENCE_FEATURES)
    assert set(spec["sentence"]["features"]) <= set(FINAL_FEATURES)
    for model in ("topic", "detail"):
        assert set(spec[model]["features"]) <= set(QUESTION_FEATURES)
    for name in ("topic", "detail", "sentence", "relative"):
        assert 0.0 <= spec["thresholds"][name] <= 1.0, name
    assert spec["span_k"] == MANIFEST["span_k"] >= 4


def test_manifest_reports_dev_and_both_tests_per_kind():
    for split in ("dev", "test", "test2"):
        kinds = MANIFEST["metrics"][split]
        assert {"all", "near-miss", "off-corpus", "paraphrase", "two-part"} <= set(kinds)
        assert 0.0 <= kinds["all"]["false_abstention"] <= 1.0
        compared = MANIFEST["comparison"][split]
        assert {"heuristic", "embedder_cosine", "first_stage", "span_model", "reader"} <= set(
            compared
        )
        assert {"exact_match", "f1"} <= set(compared["reader"])
    # The shipped sentence model ranks best on dev of what `make reader` compares.
    dev = MANIFEST["comparison"]["dev"]
    assert dev["reader"]["p_at_1"] >= max(v["p_at_1"] for v in dev.values())


ARTICLE = (
    "Israel and Hamas resumed talks on Sunday. Blinken arrived in Tel Aviv for his ninth trip. "
    "Israel says 111 hostages are still being held in Gaza, 39 of them presumed dead. "
    "The talks on the Philadelphi Corridor have stalled."
)


def test_the_span_model_reads_the_asked_figure():
    hits = [Hit("c1", "doc", "Talks", "src", ARTICLE, 0, len(ARTICLE), 1.0)]
    cands = candidates(hits)
    spans = SpanModel(FOLDER).read("How many hostages are still held in Gaza?", cands)
    best = int(np.argmax([s.score for s in spans]))
    quote = cands[best].quote.text
    assert "111 hostages" in quote
    # A figure of that sentence ("111 hostages" or "39 presumed dead"): which of its two
    # counts was asked is the figure reader's part (`asked_figure`, tests/answer).
    assert any(ch.isdigit() for ch in quote[spans[best].start : spans[best].end])


def test_reader_encoder_prefers_the_answering_sentence():
    encoder = ReaderEncoder(FOLDER)
    sims = encoder.similarities(
        "How many hostages are still being held in Gaza?",
        ARTICLE.split(". ")[1:],
    )
    assert sims.shape == (3,) and np.isfinite(sims).all() and int(np.argmax(sims)) == 1


def test_a_sentence_has_one_vector_whatever_is_encoded_with_it():
    # The int8 graph quantizes activations per run: batched, a sentence's vector moved with
    # its batch-mates, and a cache of it made answers depend on earlier questions.
    encoder = ReaderEncoder(FOLDER)
    sentence = "The operator's chief executive, Mira Osk, apologised to the families."
    alone = encoder.encode([sentence])[0]
    beside = encoder.encode(["Short one.", sentence, "A far longer sentence " * 8])[1]
    assert np.array_equal(alone, beside)


def test_reader_loads_the_shipped_model_offline():
    reader = Reader()
    assert reader.uses_encoder and reader.span_k >= 4
    assert 0.0 < reader.thresholds.topic < 1.0 and 0.0 < reader.thresholds.detail < 1.0


def test_abstention_reasons_follow_the_two_models():
    t = Thresholds(topic=0.4, detail=0.5, sentence=0.9, relative=0.9, short=0.0)

    def read(topic: float, detail: float) -> Reading:
        return Reading(np.zeros(1), topic, detail, np.zeros((1, 1)), {})

    assert read(0.1, 0.9).abstains(t) == "no_evidence"  # nothing is about it
    assert read(0.9, 0.2).abstains(t) == "detail_missing"  # the subject, not the detail
    assert read(0.9, 0.9).abstains(t) is None
    assert read(0.45, 0.9).abstains(t, override=0.5) == "no_evidence"  # RAG_ABSTAIN_THRESHOLD


def test_answerability_is_judged_on_the_retrieved_passages_alone():
    # More sentences of the best article (`more_of_top`) may be quoted, but the models were
    # trained on the passages' own: the decision to answer stays theirs.
    hits = [Hit("c1", "doc", "Talks", "src", ARTICLE, 0, len(ARTICLE), 1.0)]
    cands = candidates(hits)
    later = "The next round of talks will be held in Cairo on Thursday."
    at = len(ARTICLE) + 1
    extra = Candidate(Quote("doc", "Talks", "src", later, at, at + len(later), 0.0), 1, 1.0, later)
    question = "Where will the next round of talks be held?"
    reader, cos = Reader(), np.full(len(cands) + 1, 0.3, np.float32)
    args = (lambda _term: 1.0, lambda _doc: 2 * len(ARTICLE))
    alone = reader.read(question, question, cands, cos[:-1], hits, *args)
    more = reader.read(question, question, [*cands, extra], cos, hits, *args, own=len(cands))
    assert (more.topic, more.detail) == (alone.topic, alone.detail)
    assert len(more.probs) == len(cands) + 1 and int(np.argmax(more.probs)) == len(cands)
    assert len(cands) in more.spans  # the span model read it
