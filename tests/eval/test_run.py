"""The eval harness end to end on the seed article: reports, baseline diff, gating, CLI codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from rag import Assistant
from rag.errors import EvalError
from rag.eval.baseline import diff
from rag.eval.cli import register
from rag.eval.run import EvalRun, evaluate, parse_thresholds
from rag.eval.score import QUESTION_METRICS
from rag.eval.suite import load_suite
from tests.conftest import ROOT
from tests.fakes import quick_assistant

CASES = [
    {
        "id": "tone",
        "question": "How did Netanyahu describe his meeting with <Blinken>?",
        "facts": ["positive"],
        "sources": ["netanyahu-blinken"],
        "tags": ["fact"],
        "answer": "Netanyahu called the meeting positive and conducted in good spirit.",
    },
    {
        "id": "killed",
        "question": "How many people were killed in the October 7 attack?",
        "facts": ["1,200"],
        "sources": ["netanyahu-blinken"],
        "tags": ["number"],
    },
    {
        "id": "followup",
        "question": "How many prisoners were released in exchange?",
        "facts": ["240"],
        "sources": ["netanyahu-blinken"],
        "tags": ["followup"],
        "history": [
            {"role": "user", "content": "What happened in the November ceasefire deal?"},
            {"role": "assistant", "content": "105 hostages were released by Hamas."},
        ],
    },
    {
        "id": "weather",
        "question": "What will the weather be in Tel Aviv tomorrow?",
        "unanswerable": True,
        "tags": ["unanswerable"],
    },
]


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("suite") / "tiny.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in CASES), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def first_run(seeded: Assistant, suite: Path, tmp_path_factory: pytest.TempPathFactory) -> EvalRun:
    out = tmp_path_factory.mktemp("run1")
    return evaluate(suite, seeded, out, compare=["vanilla"], fail_under=["hit_rate=0.5"])


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a callback keeps `eval` a subcommand, as in the real CLI
        """Test app."""

    register(app)
    return app


def test_load_suite_jsonl_yaml_and_errors(tmp_path: Path) -> None:
    yml = tmp_path / "s.yaml"
    yml.write_text("cases:\n  - question: Who?\n    facts: [x]\n  - id: b\n    question: What?\n")
    cases = load_suite(yml)
    assert [c.id for c in cases] == ["q1", "b"] and cases[0].facts == ["x"]
    bad = tmp_path / "bad.jsonl"
    for line, message in [
        ('{"question": ""}', "non-empty"),
        ('{"question": "q", "facts": ["("]}', "not a valid regex"),
        ('{"question": "q", "colour": 1}', "unknown field"),
        ("{not json", "invalid JSON"),
        ('{"id": "a", "question": "q"}\n{"id": "a", "question": "r"}', "used twice"),
    ]:
        bad.write_text(line + "\n")
        with pytest.raises(EvalError, match=message):
            load_suite(bad)
    with pytest.raises(EvalError, match="not found"):
        load_suite(tmp_path / "missing.jsonl")


def test_shipped_suites_are_valid() -> None:
    seed = load_suite(ROOT / "evals" / "suites" / "seed.jsonl")
    assert len(seed) >= 25 and sum(c.unanswerable for c in seed) >= 5
    assert any(c.history for c in seed) and any("synthesis" in c.tags for c in seed)
    news = load_suite(ROOT / "evals" / "suites" / "newspaper.jsonl")
    assert len(news) >= 40 and sum(c.unanswerable for c in news) >= 5
    assert any(len(c.sources) >= 2 and "multi-doc" in c.tags for c in news)


def test_newspaper_sources_name_real_articles(newspaper: Path) -> None:
    names = [p.name for p in (newspaper / "html").iterdir()]
    for case in load_suite(ROOT / "evals" / "suites" / "newspaper.jsonl"):
        for source in case.sources:
            assert any(source in n for n in names), f"{case.id}: no article matches {source!r}"


def test_parse_thresholds() -> None:
    assert parse_thresholds(["mrr=0.8", "hit_rate = 0.9"]) == {"mrr": 0.8, "hit_rate": 0.9}
    for bad, message in [
        (["mrr"], "METRIC=VALUE"),
        (["nope=1"], "unknown metric"),
        (["mrr=high"], "not a number"),
    ]:
        with pytest.raises(EvalError, match=message):
            parse_thresholds(bad)


@pytest.mark.real_model
def test_report_files_hold_real_values(first_run: EvalRun) -> None:
    out = first_run.out_dir
    for name in ("results.jsonl", "summary.json", "report.md", "report.html"):
        assert (out / name).stat().st_size > 0
    summary = json.loads((out / "summary.json").read_text())
    rows = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 2 * len(CASES)  # ours + vanilla
    assert {r["pipeline"] for r in rows} == {"ours", "vanilla"}
    metrics = summary["metrics"]
    assert metrics["hit_rate"]["value"] == 1.0 and metrics["hit_rate"]["n"] == 3
    assert metrics["hit_rate"]["unscorable"] == 1  # the unanswerable case
    assert 0 < metrics["fact_recall"]["value"] <= 1
    assert metrics["abstention_recall"]["value"] == 1.0
    assert metrics["latency_p50"]["value"] > 0
    assert summary["pipelines"]["vanilla"]["metrics"]["abstention_recall"]["value"] == 0.0
    man = summary["manifest"]
    assert man["corpus"]["documents"] == 1 and len(man["corpus"]["sha256"]) == 64
    assert man["packages"]["chromadb"] and man["settings"]["top_k"] == 5
    assert summary["fail_under"] == [
        {"metric": "hit_rate", "threshold": 0.5, "value": 1.0, "passed": True}
    ]
    for row in rows:
        for name in QUESTION_METRICS:
            entry = row["metrics"][name]
            assert entry["status"] in ("ok", "unscorable")
            assert entry["status"] == "ok" or entry["reason"]  # never a silent 0
    md = (out / "report.md").read_text()
    assert "| hit_rate | 1.000" in md and "vanilla" in md
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 2
    assert "&lt;Blinken&gt;" in html and "<Blinken>" not in html


@pytest.mark.real_model
def test_same_inputs_give_identical_numbers(
    first_run: EvalRun, seeded: Assistant, suite: Path, tmp_path: Path
) -> None:
    again = evaluate(
        suite, Assistant(data_dir=seeded.data_dir), tmp_path / "run2", compare=["vanilla"]
    )

    def numbers(run: EvalRun) -> dict[str, Any]:
        return {
            p: {k: v for k, v in s["metrics"].items() if not k.startswith("latency")}
            for p, s in run.summary["pipelines"].items()
        }

    assert numbers(again) == numbers(first_run)


@pytest.mark.real_model
def test_baseline_diff_against_itself(
    first_run: EvalRun, seeded: Assistant, suite: Path, tmp_path: Path
) -> None:
    run = evaluate(suite, seeded, tmp_path / "run3", baseline=first_run.out_dir)
    d = run.summary["baseline"]
    assert d["metrics"]["mrr"]["delta"] == 0 and d["metrics"]["mrr"]["p_value"] == 1.0
    assert d["flipped"] == [] and d["only_current"] == [] and d["only_baseline"] == []
    assert "Compared with baseline" in (tmp_path / "run3" / "report.md").read_text()


def _row(qid: str, value: float, passed: bool) -> dict[str, Any]:
    metrics = {n: {"status": "unscorable", "value": None, "reason": "x"} for n in QUESTION_METRICS}
    metrics["mrr"] = {"status": "ok", "value": value}
    return {
        "id": qid,
        "question": qid,
        "metrics": metrics,
        "passed": passed,
        "failing_checks": [] if passed else ["retrieval"],
    }


def test_baseline_diff_deltas_and_flips() -> None:
    base = [_row("a", 0.0, False), _row("b", 1.0, True), _row("gone", 1.0, True)]
    now = [_row("a", 1.0, True), _row("b", 1.0, True), _row("new", 0.0, False)]
    d = diff({"metrics": {"mrr": {"value": 1.0}}}, now, {"metrics": {"mrr": {"value": 0.5}}}, base)
    assert d["metrics"]["mrr"]["delta"] == 0.5
    assert d["metrics"]["mrr"]["n_paired"] == 2
    # Differences (1, 0): sign flips give |means| 0.5, 0.5, 0.5, 0.5 -> p = 1.
    assert d["metrics"]["mrr"]["p_value"] == 1.0
    assert [(f["id"], f["was"], f["now"]) for f in d["flipped"]] == [("a", "fail", "pass")]
    assert d["only_current"] == ["new"] and d["only_baseline"] == ["gone"]


def test_llm_mode_and_bad_compare_raise(
    fake_seeded: Assistant, suite: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RAG_LLM", raising=False)
    with pytest.raises(EvalError, match="no LLM backend configured; set RAG_LLM"):
        evaluate(suite, fake_seeded, tmp_path, mode="llm")
    with pytest.raises(EvalError, match="unknown --compare"):
        evaluate(suite, fake_seeded, tmp_path, compare=["bm25"])


def test_empty_index_is_an_error(suite: Path, tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="empty"):
        evaluate(suite, quick_assistant(tmp_path / "data"), tmp_path / "out")


@pytest.mark.real_model
def test_cli_exit_codes(seeded: Assistant, suite: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    app = _app()
    base = ["eval", str(suite), "--data-dir", str(seeded.data_dir)]
    ok = runner.invoke(app, [*base, "--out", str(tmp_path / "a"), "--fail-under", "hit_rate=0.9"])
    assert ok.exit_code == 0, ok.output
    assert "hit_rate" in ok.output and (tmp_path / "a" / "report.html").exists()
    gated = runner.invoke(
        app,
        [
            *base,
            "--out",
            str(tmp_path / "b"),
            "--fail-under",
            "mrr=1.01",
            "--baseline",
            str(tmp_path / "a"),
        ],
    )
    assert gated.exit_code == 1, gated.output
    assert "FAIL" in gated.output and "Δ baseline" in gated.output
    for extra in (["--fail-under", "nope=1"], ["--mode", "llm"]):
        bad = runner.invoke(app, [*base, "--out", str(tmp_path / "c"), *extra])
        assert bad.exit_code == 2, bad.output
    missing = runner.invoke(
        app, ["eval", str(tmp_path / "none.jsonl"), "--data-dir", str(seeded.data_dir)]
    )
    assert missing.exit_code == 2


@pytest.mark.real_model
def test_cli_corpus_ingests_first(suite: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(),
        [
            "eval",
            str(suite),
            "--data-dir",
            str(tmp_path / "data"),
            "--corpus",
            str(ROOT / "corpus"),
            "--out",
            str(tmp_path / "out"),
            "--top-k",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["k"] == 3 and summary["manifest"]["ingest"]["counts"]["added"] == 1


@pytest.mark.real_model
def test_score_case_catches_unsupported_and_fake_quotes(seeded: Assistant) -> None:
    # What an LLM answer could get wrong: a changed number, and a quote not in the article.
    from rag.answer.support import default_scorer
    from rag.eval.score import Judge, score_case
    from rag.eval.suite import Case
    from rag.records import Answer, AnswerSentence, Citation

    text = seeded.document_text("corpus/netanyahu-blinken-talks.txt") or ""
    real = "Approximately 1,200 people were killed, and 251 were taken hostage"
    start = text.index(real)
    good = Citation(
        1, "corpus/netanyahu-blinken-talks.txt", "t", "s", real, start, start + len(real), 1.0
    )
    fake = Citation(
        2, "corpus/netanyahu-blinken-talks.txt", "t", "s", "Hamas freed everyone.", 0, 21, 1.0
    )
    sentences = [
        AnswerSentence("About 1,200 people were killed and 251 taken hostage.", (1,)),
        AnswerSentence("About 9,999 people were killed in the attack.", (1,)),
        AnswerSentence("Hamas freed everyone.", (2,)),
    ]
    answer = Answer(
        "q",
        " ".join(s.text for s in sentences),
        [good, fake],
        False,
        "q",
        sentences,
        [],
        mode="llm",
    )
    case = Case(id="x", question="How many were killed?", facts=["1,200"], sources=["netanyahu"])
    row = score_case(case, answer, 0.1, 5, Judge(default_scorer(), seeded.document_text))
    metrics = row["metrics"]
    assert metrics["citation_recall"]["value"] == pytest.approx(2 / 3)  # fake quote "supports"
    assert metrics["faithfulness"]["value"] == pytest.approx(1 / 3)  # but is not in the article
    assert metrics["citation_precision"]["value"] == pytest.approx(2 / 3)
    assert metrics["hit_rate"]["value"] == 0.0  # no hits were retrieved
    assert not row["passed"] and any("faithfulness" in c for c in row["failing_checks"])


def test_short_answer_exact_match_and_f1() -> None:
    from rag.eval.score import _short
    from rag.eval.suite import Case
    from rag.records import Answer, ShortAnswer

    case = Case(id="x", question="When is the film due in cinemas?", facts=["December"],
                short=[{"text": "in December"}], answer_type="date")  # fmt: skip

    def scores(short: str | None) -> tuple[float | None, float | None]:
        given = ShortAnswer(short, "d", 0, len(short), 1) if short else None
        answer = Answer("q", "a", [], False, "q", [], [], short=given)
        exact, f1 = _short(case, answer)
        return exact.value, f1.value

    assert scores("in December") == (1.0, 1.0)
    assert scores("December") == (0.0, pytest.approx(2 / 3))  # the writer's edge differs
    assert scores("January") == (0.0, 0.0)
    assert scores(None) == (0.0, 0.0)
    asked_nothing = Case(id="y", question="Why?", facts=["x"])
    assert all(
        s.status == "unscorable"
        for s in _short(asked_nothing, Answer("q", "a", [], False, "q", [], []))
    )
