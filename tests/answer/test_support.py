"""The offline support scorer: accuracy on hand-labelled pairs and the calibrated threshold."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rag.answer import support as sp
from rag.errors import EvalError
from rag.index.embeddings import Embedder
from tests.fakes import FakeEmbedder

PAIRS = Path(__file__).parent / "data" / "support_pairs.jsonl"


@pytest.fixture(scope="module")
def scorer() -> sp.SupportScorer:
    return sp.default_scorer()


@pytest.fixture(scope="module")
def labelled(scorer: sp.SupportScorer) -> list[tuple[float, bool]]:
    return [(scorer.support(c, ev), lab) for c, ev, lab in sp.load_pairs(PAIRS)]


def test_pairs_file_is_balanced_and_large_enough() -> None:
    pairs = sp.load_pairs(PAIRS)
    positives = sum(lab for _, _, lab in pairs)
    assert len(pairs) >= 30
    assert 10 <= positives <= len(pairs) - 10


@pytest.mark.real_model
def test_accuracy_on_labelled_pairs(labelled: list[tuple[float, bool]]) -> None:
    correct = sum((s >= sp.THRESHOLD) == lab for s, lab in labelled)
    assert correct / len(labelled) >= 0.9


@pytest.mark.real_model
def test_threshold_is_the_calibrated_one(labelled: list[tuple[float, bool]]) -> None:
    threshold, accuracy = sp.calibrate([s for s, _ in labelled], [lab for _, lab in labelled])
    # The shipped constant must sit in the same gap as a fresh calibration.
    at_constant = sum((s >= sp.THRESHOLD) == lab for s, lab in labelled) / len(labelled)
    assert at_constant == pytest.approx(accuracy)
    assert abs(threshold - sp.THRESHOLD) < 0.1


def test_exact_quote_is_fully_supported() -> None:
    scorer = sp.SupportScorer(FakeEmbedder())  # same vector, all terms: 1 whatever the model
    quote = "Approximately 1,200 people were killed, and 251 were taken hostage."
    assert scorer.support(quote, [quote]) == pytest.approx(1.0, abs=1e-5)
    assert scorer.is_supported(quote, [quote])


@pytest.mark.real_model
def test_changed_number_is_not_supported(scorer: sp.SupportScorer) -> None:
    quote = "Approximately 1,200 people were killed, and 251 were taken hostage."
    detail = scorer.detail(
        "Approximately 1,200 people were killed, and 215 were taken hostage.", [quote]
    )
    assert detail.missing_numbers == ("215",)
    assert detail.score < sp.THRESHOLD


def test_spelled_numbers_count() -> None:
    assert sp._numbers("a dozen planes and three hours") == {"12", "3"}
    assert sp._numbers("40,000 people") == {"40000"}


@pytest.mark.real_model
def test_evidence_split_across_quotes(scorer: sp.SupportScorer) -> None:
    claim = "1,200 were killed and over 40,000 have died in Gaza since."
    ev = ["Approximately 1,200 people were killed.", "Over 40,000 people have died in Gaza."]
    assert scorer.is_supported(claim, ev)
    assert not scorer.is_supported(claim, ev[:1])


def test_empty_inputs_score_zero(scorer: sp.SupportScorer) -> None:
    assert scorer.support("", ["x"]) == 0.0
    assert scorer.support("claim", []) == 0.0
    assert scorer.support("claim", ["  "]) == 0.0


def test_threshold_override() -> None:
    assert sp.SupportScorer(FakeEmbedder(), threshold=0.0).is_supported("Gaza", ["Gaza"])
    assert not sp.SupportScorer(FakeEmbedder(), threshold=1.01).is_supported("Gaza", ["Gaza"])


def test_load_pairs_rejects_bad_rows(tmp_path: Path) -> None:
    bad = tmp_path / "p.jsonl"
    bad.write_text(json.dumps({"claim": "x"}) + "\n")
    with pytest.raises(EvalError, match="p.jsonl:1"):
        sp.load_pairs(bad)


def test_calibrate() -> None:
    assert sp.calibrate([0.1, 0.2, 0.8, 0.9], [False, False, True, True]) == (0.5, 1.0)
    with pytest.raises(EvalError, match="no labelled pairs to calibrate on"):
        sp.calibrate([], [])


@pytest.mark.real_model
def test_onnx_int8_keeps_the_calibration(labelled: list[tuple[float, bool]]) -> None:
    # The assistant's verifier shares its embedder, onnx-int8 by default; the threshold was
    # calibrated with torch vectors, so it must separate the pairs as well with int8 ones.
    cache = Path(os.environ["RAG_MODEL_CACHE"])  # the session's, from conftest
    int8 = sp.SupportScorer(Embedder(backend="onnx-int8", cache_dir=cache))
    assert int8.embedder.identity == "bundled:onnx-int8"
    scored = [(int8.support(c, ev), lab) for c, ev, lab in sp.load_pairs(PAIRS)]
    at_constant = sum((s >= sp.THRESHOLD) == lab for s, lab in scored) / len(scored)
    torch_accuracy = sum((s >= sp.THRESHOLD) == lab for s, lab in labelled) / len(labelled)
    assert at_constant >= torch_accuracy
    threshold, accuracy = sp.calibrate([s for s, _ in scored], [lab for _, lab in scored])
    assert at_constant == pytest.approx(accuracy)
    assert abs(threshold - sp.THRESHOLD) < 0.1
    drift = max(abs(a - b) for (a, _), (b, _) in zip(labelled, scored, strict=True))
    assert 0 < drift < 0.05  # other vectors, nearly the same scores
