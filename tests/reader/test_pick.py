"""The pick model: its trees, the lead it gives, and the shipped file."""

import hashlib
import json

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from rag.reader.features import FINAL_FEATURES, QUESTION_FEATURES, Candidate, candidates
from rag.reader.model import Reader, recording, shipped_folder
from rag.reader.pick import PICK_FEATURES, PICK_FILE, PickModel, Trees, pick_features
from rag.records import Hit
from rag.training.pick_train import export_trees, fitted_files, precision_at_1


def _fitted(seed: int = 0) -> tuple[HistGradientBoostingClassifier, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(600, len(PICK_FEATURES))).astype(np.float32)
    x[rng.random(x.shape) < 0.02] = np.nan  # missing values take their learned side
    y = (np.nan_to_num(x[:, 0]) + 0.5 * np.nan_to_num(x[:, 3]) ** 2 > 0.6).astype(int)
    model = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=7, random_state=seed)
    return model.fit(x, y), x


def test_exported_trees_give_the_fitted_probabilities():
    model, x = _fitted()
    trees = export_trees(model)
    assert np.allclose(trees.proba(x), model.predict_proba(x)[:, 1], atol=1e-6)
    again = Trees.from_dict(json.loads(json.dumps(trees.to_dict())))  # as pick.json keeps it
    assert np.allclose(again.proba(x), trees.proba(x))


def test_the_pick_leads_with_its_best_and_keeps_the_other_ratings():
    model, _ = _fitted()
    pick = PickModel(export_trees(model), PICK_FEATURES)
    features = np.zeros((3, len(FINAL_FEATURES)), np.float32)
    features[2, 0] = 3.0  # the trees' favourite: high on the first feature
    probs = np.array([0.9, 0.5, 0.2])
    out = pick.lead(features, probs, own=3)
    assert int(np.argmax(out)) == 2 and out[2] > 0.9
    assert np.array_equal(out[:2], probs[:2])
    assert np.array_equal(pick.lead(features[:1], probs[:1], own=1), probs[:1])  # one: itself


def test_pick_features_mark_the_best_articles_extra_sentences():
    x = pick_features(np.zeros((3, len(FINAL_FEATURES))), np.array([0.2, 0.8, 0.5]), own=2)
    assert x.shape == (3, len(PICK_FEATURES))
    names = {n: i for i, n in enumerate(PICK_FEATURES)}
    assert x[:, names["extra"]].tolist() == [0.0, 0.0, 1.0]
    assert x[:, names["rating_rank"]].tolist() == [2.0, 0.0, 1.0]
    assert x[1, names["rating_gap"]] == 0.0 < x[0, names["rating_gap"]]


def test_the_shipped_pick_model_matches_its_data_and_leads_better_on_dev():
    folder = shipped_folder()
    assert Reader().pick is not None
    pick = json.loads((folder / PICK_FILE).read_text(encoding="utf-8"))
    assert pick["features"] == list(PICK_FEATURES)
    entry = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["pick"]
    assert entry["data_sha256"] == {
        f"{f.parent.name}/{f.name}": hashlib.sha256(f.read_bytes()).hexdigest()
        for f in fitted_files()
    }
    dev = entry["report"]["dev"]
    assert dev["p_at_1_pick"] > dev["p_at_1_sentence_model"]


ARTICLE = (
    "Israel and Hamas resumed talks on Sunday. Blinken arrived in Tel Aviv for his ninth trip. "
    "Israel says 111 hostages are still being held in Gaza, 39 of them presumed dead."
)


def test_readings_are_recorded_before_the_pick_inside_the_block_only():
    hits = [Hit("c1", "doc", "Talks", "src", ARTICLE, 0, len(ARTICLE), 1.0)]
    cands: list[Candidate] = candidates(hits)
    reader, cos = Reader(), np.full(len(cands), 0.3, np.float32)
    args = (lambda _term: 1.0, lambda _doc: len(ARTICLE))
    question = "How many hostages are still held in Gaza?"
    with recording() as records:
        reading = reader.read(question, question, cands, cos, hits, *args)
    reader.read(question, question, cands, cos, hits, *args)
    assert len(records) == 1 and records[0].own == len(cands)
    assert records[0].cands == cands and np.array_equal(records[0].features, reading.features)
    gated = reader.detail_model.proba(records[0].question[None, :], QUESTION_FEATURES)[0]
    assert gated == pytest.approx(reading.detail)  # the gate's input is recorded too
    assert "111 hostages" in cands[int(np.argmax(reading.probs))].quote.text
    labels = np.array(["111" in c.quote.text for c in cands], np.int8)
    assert precision_at_1([(records[0], labels)], None) == 1.0


@pytest.mark.parametrize("bad", [["cosine"], list(PICK_FEATURES[:-1])])
def test_a_pick_file_for_other_features_is_refused(tmp_path, bad):
    model, _ = _fitted()
    (tmp_path / PICK_FILE).write_text(
        json.dumps({"features": bad, "trees": export_trees(model).to_dict()}), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="reads"):
        PickModel.load(tmp_path)
    assert PickModel.load(tmp_path / "none") is None  # no file: the sentence model leads
