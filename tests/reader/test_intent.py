"""The learned reader of question kinds: its file, its reading, and the shipped model."""

import json

import numpy as np
import pytest

from rag.news.intent import intent_of
from rag.reader.intent import INTENT_FILE, KINDS, Head, IntentModel
from rag.reader.model import Reader, shipped_folder
from rag.training.intent_train import check_files, labelled_files, questions
from rag.training.readings import files_sha256


def test_a_folder_without_the_file_has_no_model(tmp_path):
    assert IntentModel.load(tmp_path) is None


def test_each_head_reads_its_cut_of_the_probability_and_the_model_round_trips(tmp_path):
    model = IntentModel({"timeline": Head(np.array([1.0, 0.0], np.float32), 0.0, 0.7),
                         "recency": Head(np.array([0.0, 1.0], np.float32), 0.0, 0.9)})  # fmt: skip
    assert model.kinds(np.array([2.0, 0.0])) == {"timeline"}  # sigmoid(2) = 0.88
    assert model.kinds(np.array([2.0, 2.0])) == {"timeline"}  # 0.88 is under recency's 0.9
    assert model.kinds(np.array([0.0, 3.0])) == {"recency"}  # 0.95
    (tmp_path / INTENT_FILE).write_text(json.dumps(model.to_dict()), encoding="utf-8")
    loaded = IntentModel.load(tmp_path)
    assert loaded is not None and loaded.heads.keys() == {"timeline", "recency"}
    assert loaded.kinds(np.array([0.0, 3.0])) == {"recency"}


@pytest.mark.parametrize("kind", KINDS)
def test_the_shipped_head_matches_its_data_and_its_check_set(kind):
    manifest = json.loads((shipped_folder() / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["intent"][kind]
    assert entry["data_sha256"] == files_sha256(labelled_files(kind))
    assert entry["check_sha256"] == files_sha256(list(check_files(kind).values()))
    # the check set, never fitted, read again with the shipped files: the report is theirs
    reader = Reader()
    qs, labels = questions([check_files(kind)["check"]], kind)
    said = np.array([intent_of(q, reader.question_kinds).kind == kind for q in qs])
    patterns = np.array([intent_of(q).kind == kind for q in qs])
    check = entry["report"]["check"]
    assert round((said & labels).sum() / labels.sum(), 3) == check["recall"]
    # the head reads more than the patterns out of fold; on round 23's check the patterns
    # read as many of the recency questions as the head and patterns together (92 of 100)
    fold = entry["report"]["out_of_fold"]
    assert fold["recall"] > fold["recall_patterns"]
    assert check["recall"] >= check["recall_patterns"]
    assert (said & ~labels).sum() == check["false"]
    assert (patterns & ~labels).sum() == check["false_patterns"]
    # no head reads more than one of the check's 100 others as its kind (round 23: none)
    assert check["false"] - check["false_patterns"] <= 1
    assert entry["report"]["reader_dev"]["read"] <= 1  # of the reader's ~550 plain questions
