"""Fitting the timeline reader: labels, and the choice of strength and cut within the budget."""

import numpy as np
import pytest

from rag.training.intent_train import BUDGET, TIME_DEV, choose, label, questions


def test_labels_come_from_the_time_kind_or_the_label(tmp_path):
    assert label(TIME_DEV, {"tags": ["timeline", "ferry"]}, "timeline")
    assert not label(TIME_DEV, {"tags": ["recency", "ferry"]}, "timeline")
    assert label(TIME_DEV, {"tags": ["recency", "ferry"]}, "recency")
    assert label(tmp_path / "t.jsonl", {"question": "Lay it out", "label": "timeline"}, "timeline")
    assert not label(tmp_path / "t.jsonl", {"question": "x", "label": "other"}, "recency")


def test_a_question_without_a_kind_is_none_of_it_unless_a_pattern_reads_it_so(tmp_path):
    path = tmp_path / "train.jsonl"  # a reader question carries no kind
    assert label(path, {"question": "Who won the vote?"}, "recency") is False
    assert label(path, {"question": "Is power back at Stansted?"}, "recency") is None
    assert label(path, {"question": "Is power back at Stansted?"}, "timeline") is False


def test_a_question_is_read_once_with_its_first_label(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text('{"question": "How did it unfold?", "label": "timeline"}\n', encoding="utf-8")
    b.write_text('{"question": "How did it unfold?"}\n{"question": "Who won?"}\n'
                 '{"question": "When was the timeline of the talks published?"}\n',
                 encoding="utf-8")  # fmt: skip
    qs, y = questions([a, b], "timeline")  # the last, read as one by the patterns, is left out
    assert qs == ["How did it unfold?", "Who won?"] and y.tolist() == [True, False]


def test_the_choice_catches_most_within_the_budget_and_prefers_the_weaker_model():
    y = np.array([True] * 10 + [False] * 2000)
    patterns = np.zeros(len(y), bool)
    patterns[:5] = True
    weak, strong = np.zeros(len(y)), np.zeros(len(y))
    weak[5:9], strong[5:9] = 0.95, 0.95  # both catch four more at 0.95
    weak[10:12] = 0.93  # two false timelines (the budget allows two of 2,000) below 0.95
    strong[10:15] = 0.99  # five false ones even at the highest cut
    strong[9] = 0.99
    assert int(BUDGET * 2000) == 2
    free = ~patterns
    assert choose({1.0: weak, 16.0: strong}, y, patterns, free) == (1.0, 0.95)
    with pytest.raises(ValueError, match="budget"):
        choose({16.0: np.where(~y, 1.0, 0.0)}, y, patterns, free)
    # where the patterns read another kind, the head is not asked: its false reads cost nothing
    free[10:15] = False
    assert choose({1.0: weak, 16.0: strong}, y, patterns, free) == (16.0, 0.95)
