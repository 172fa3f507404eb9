"""The learned reader of timeline questions: its file, its reading, and the shipped model."""

import json

import numpy as np

from rag.news.intent import intent_of
from rag.reader.intent import INTENT_FILE, TimelineModel
from rag.reader.model import Reader, shipped_folder
from rag.training.intent_train import INTENT, labelled_files, questions
from rag.training.readings import files_sha256


def test_a_folder_without_the_file_has_no_timeline_model(tmp_path):
    assert TimelineModel.load(tmp_path) is None


def test_the_model_asks_its_cut_of_the_probability_and_round_trips(tmp_path):
    model = TimelineModel(np.array([1.0, 0.0], np.float32), 0.0, 0.7)
    assert model.asks(np.array([2.0, 0.0]))  # sigmoid(2) = 0.88
    assert not model.asks(np.array([0.0, 3.0]))  # 0.5
    (tmp_path / INTENT_FILE).write_text(json.dumps(model.to_dict()), encoding="utf-8")
    loaded = TimelineModel.load(tmp_path)
    assert loaded is not None and loaded.cut == 0.7
    np.testing.assert_allclose(loaded.probability(np.eye(2)), model.probability(np.eye(2)))


def test_the_shipped_model_matches_its_data_and_its_check_set():
    entry = json.loads((shipped_folder() / "manifest.json").read_text(encoding="utf-8"))
    entry = entry["timeline_intent"]
    assert entry["data_sha256"] == files_sha256(labelled_files())
    assert entry["check_sha256"] == files_sha256([INTENT / "check.jsonl"])
    # the check set, never fitted, read again by the shipped files: the report is theirs
    reader = Reader()
    qs, labels = questions([INTENT / "check.jsonl"])
    said = np.array([intent_of(q, reader.asks_timeline).kind == "timeline" for q in qs])
    patterns = np.array([intent_of(q).kind == "timeline" for q in qs])
    check = entry["report"]["check"]
    assert (said & labels).sum() / labels.sum() == check["recall"]
    assert check["recall"] >= check["recall_patterns"] + 0.15
    assert (said & ~labels).sum() == check["false"] == (patterns & ~labels).sum()
    dev = entry["report"]["reader_dev"]  # no plain question of the reader's dev read as one
    assert dev["timelines"] == dev["timelines_patterns"]
