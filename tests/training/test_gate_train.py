"""The near-miss gate's fit (`rag.training.gate_train`) and the gate that ships."""

import hashlib
import json
import shutil

import numpy as np

from rag.reader.features import FINAL_FEATURES, QUESTION_FEATURES, Candidate
from rag.reader.model import Reader, Recorded, shipped_folder
from rag.training.gate_train import (
    CUT_GRID,
    GateRows,
    check_files,
    choose_cut,
    fit_detail,
    refit,
    worded_files,
)
from rag.training.readings import round3_files
from rag.training.scores import FALSE_ABSTENTION_BUDGET

COVERAGE = QUESTION_FEATURES.index("best_context_coverage")
BEST = QUESTION_FEATURES.index("best")


def _recorded(question: np.ndarray) -> Recorded:
    cands: list[Candidate] = []
    return Recorded(cands, np.zeros((0, len(FINAL_FEATURES))), np.zeros(0), 0, question)


def test_rows_keep_the_questions_read_with_their_kind():
    q = np.arange(len(QUESTION_FEATURES), dtype=np.float64)
    read = [
        ({"question": "a", "tags": ["factoid"]}, _recorded(q)),
        ({"question": "b", "unanswerable": True, "tags": ["near-miss", "hard"]}, _recorded(q + 1)),
        ({"question": "c", "unanswerable": True, "tags": ["off-corpus"]}, None),  # nothing read
    ]
    rows = GateRows.of(read)
    assert rows.x.shape == (2, len(QUESTION_FEATURES)) and rows.x[1, 0] == 1.0
    assert rows.answerable.tolist() == [True, False]
    assert rows.kind.tolist() == ["factoid", "near-miss"] and rows.hard.tolist() == [False, True]
    assert GateRows.of([]).x.shape == (0, len(QUESTION_FEATURES))


def test_the_cut_abstains_on_as_much_as_the_budget_allows():
    answerable = np.array([True] * 100 + [False] * 20)
    detail = np.concatenate([np.linspace(0.0, 0.99, 100), np.full(20, 0.02)])
    on_topic = np.ones(120, bool)
    on_topic[[50, 60]] = False  # the topic gate already abstains on two answerable ones
    cut = choose_cut(on_topic, detail, answerable)
    abstains = ~on_topic | (detail < cut)
    assert abstains[answerable].sum() <= FALSE_ABSTENTION_BUDGET * 100 == 5
    higher = CUT_GRID[cut < CUT_GRID][0]  # the next cut would abstain on one too many
    assert (~on_topic | (detail < higher))[answerable].mean() > FALSE_ABSTENTION_BUDGET
    assert cut == 0.03 and abstains[~answerable].all()


def test_worded_answerable_questions_stop_the_gate_reading_the_wording():
    rng = np.random.default_rng(3)
    width = len(QUESTION_FEATURES)

    def rows(n: int, coverage: float, best: float, answerable: bool, kind: str) -> GateRows:
        x = rng.normal(0.5, 0.05, size=(n, width))
        x[:, COVERAGE] = rng.normal(coverage, 0.08, n)
        x[:, BEST] = rng.normal(best, 0.1, n)
        return GateRows(x, np.full(n, answerable), np.full(n, kind), np.zeros(n, bool))

    # As the reader splits are written: answerable questions paraphrase (low coverage of the
    # best sentence), near misses reuse the article's words; the evidence (best) tells them
    # apart too. Off-corpus questions are the topic gate's and must not be fitted.
    para, near = rows(300, 0.5, 0.9, True, "factoid"), rows(150, 0.75, 0.6, False, "near-miss")
    off = rows(40, 0.99, 0.99, False, "off-corpus")
    base = GateRows(*(np.concatenate([getattr(g, f) for g in (para, near, off)])
                      for f in ("x", "answerable", "kind", "hard")))  # fmt: skip
    worded = rows(60, 0.9, 0.9, True, "factoid")
    alone, _ = fit_detail(base, rows(0, 0.9, 0.9, True, "factoid"), seed=0)
    both, weight = fit_detail(base, worded, seed=0)
    assert weight == 300 / 60  # the two wordings weigh the same in total
    cov = alone.features.index("best_context_coverage")
    assert alone.coef[cov] < 0 and both.coef[cov] > alone.coef[cov]
    asked_in_its_words = both.proba(worded.x, QUESTION_FEATURES).mean()
    assert asked_in_its_words > alone.proba(worded.x, QUESTION_FEATURES).mean()
    assert both.proba(near.x, QUESTION_FEATURES).mean() < 0.5 < asked_in_its_words


def test_the_shipped_gate_matches_its_data_and_does_not_read_the_wording():
    folder = shipped_folder()
    entry = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["detail_gate"]
    fitted = [*round3_files(), *worded_files()]
    assert entry["data_sha256"] == {
        f"{f.parent.name}/{f.name}": hashlib.sha256(f.read_bytes()).hexdigest() for f in fitted
    }
    assert not set(check_files()) & set(fitted)  # the check set is never fitted
    reader = Reader()
    assert reader.thresholds.detail == entry["cut"] and entry["chosen_on"] == "dev"
    assert reader.detail_model.features == QUESTION_FEATURES
    dev = entry["report"]["dev"]
    wrong, answerable = dev["false_abstention"]
    assert answerable > 300 and wrong <= FALSE_ABSTENTION_BUDGET * answerable
    assert dev["near_miss_caught"][0] > 0.25 * dev["near_miss_caught"][1]
    # Questions in the article's words, never fitted, are abstained on no more often than
    # dev's paraphrased ones (the gate before round 13: 10 of 159 against 18 of 402).
    check_wrong, check_n = entry["report"]["check"]["false_abstention"]
    assert check_n > 150 and check_wrong / check_n <= wrong / answerable


def test_refit_writes_the_gate_and_its_entry_into_the_model_folder(tmp_path):
    for name in ("reader.json", "manifest.json", "pick.json"):
        shutil.copy(shipped_folder() / name, tmp_path / name)
    rng = np.random.default_rng(5)
    width = len(QUESTION_FEATURES)

    def split(n: int) -> list:
        rows = []
        for i in range(n):
            near = i % 3 == 0
            x = rng.normal(0.8, 0.1, width)
            x[BEST] = rng.normal(0.6 if near else 0.95, 0.05)
            row = {"question": f"q{i}", "unanswerable": near,
                   "tags": ["near-miss"] if near else ["factoid"]}  # fmt: skip
            rows.append((row, _recorded(x)))
        return rows

    read = {"r3": split(120), "dev": split(90), "worded": split(30), "check": split(30)}
    entry = refit(tmp_path, read, seed=0)
    spec = json.loads((tmp_path / "reader.json").read_text(encoding="utf-8"))
    assert spec["thresholds"]["detail"] == entry["cut"] > 0
    assert (
        spec["detail"]["coef"]
        != json.loads((shipped_folder() / "reader.json").read_text(encoding="utf-8"))["detail"][
            "coef"
        ]
    )
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["detail_gate"] == entry and "pick" in manifest  # the rest is kept
    dev = entry["report"]["dev"]
    assert dev["false_abstention"][0] <= FALSE_ABSTENTION_BUDGET * dev["false_abstention"][1]
    assert dev["near_miss_caught"][0] > 0
    assert Reader(tmp_path).thresholds.detail == entry["cut"]  # the reader loads it
