"""Choose the time-and-sources settings on dev, and print the per-kind table of eval runs.

    # choose RAG_RECENCY and the shares of rag/news/select.py on dev (never on test)
    .venv/bin/python evals/time/measure.py tune --data-dir .rag/eval-time
    # the per-kind table of `rag eval` runs of evals/time/{dev,test}.jsonl
    .venv/bin/python evals/time/measure.py table evals/runs/time-dev evals/runs/time-test

``tune`` asks every dev case of a kind once per candidate value of the setting that kind
depends on and prints the kind's metrics per value; the index must hold the suite's corpora
(ingest them with `rag eval ... --corpus` first, see evals/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from rag import Assistant  # noqa: E402
from rag.eval import metrics as m  # noqa: E402
from rag.eval.metrics import news  # noqa: E402
from rag.eval.suite import Case, load_suite  # noqa: E402
from rag.news import given, rivals, select  # noqa: E402
from rag.records import Answer  # noqa: E402
from rag.text.markers import strip_markers  # noqa: E402

KINDS = ("recency", "timeline", "conflict", "attribution")
METRICS = ("all_facts", "exact_quotes", "as_of_correct", "timeline_tau", "timeline_events",
           "figures_verdict", "speaker_correct")  # fmt: skip


def case_scores(case: Case, answer: Answer) -> dict[str, float | None]:
    """The kind's metrics of one answer (None where a metric does not apply)."""
    facts = m.fact_scores(strip_markers(answer.text), case.facts)[1] if case.facts else None
    if answer.abstained and case.facts:
        facts = m.ok(0.0)
    tau, events = news.timeline_scores(case.events, answer)
    return {
        "all_facts": facts.value if facts else None,
        "as_of_correct": news.as_of_score(case.as_of, answer).value,
        "timeline_tau": tau.value,
        "timeline_events": events.value,
        "figures_verdict": news.verdict_score(case.verdict, answer).value,
        "speaker_correct": news.speaker_score(case.speaker, case.gold, answer).value,
        "conflict_flagged": float(news.verdict_of(answer) == "conflict"),
    }


def _mean(values: list[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return round(sum(got) / len(got), 3) if got else None


# The setting each kind depends on, with the values tried (the current default among them).
GRID: dict[str, tuple[str, list[float]]] = {
    "recency": ("RAG_RECENCY", [0.0, 0.01, 0.03, 0.1, 0.3, 1.0]),
    "timeline": ("TIMELINE_SHARE", [0.1, 0.2, 0.3, 0.5]),
    "conflict": ("RIVAL_SHARE", [0.05, 0.1, 0.2, 0.4, 1.01]),
    "attribution": ("OTHER_SPEAKER", [1.0, 0.5, 0.25, 0.1]),
    "day": ("OTHER_DAY", [1.0, 0.5, 0.25, 0.1]),  # the cases, of any kind, that ask for a day
    "story": ("STORY_SHARE", [0.0, 0.05, 0.1, 0.2, 0.3]),  # the recency cases again
}


def _apply(name: str, value: float) -> None:
    if name == "RAG_RECENCY":  # a setting, read when an Assistant opens its reader
        os.environ[name] = str(value)
    else:
        setattr(next(m for m in (given, select, rivals) if hasattr(m, name)), name, value)


def _of_kind(case: Case, kind: str) -> bool:
    """Whether ``case`` is one ``kind`` tunes on ("day": any kind's that asks for a day;
    "story": the recency cases)."""
    if kind == "day":
        return bool(given.asked_day(case.question))
    return case.tags[0] == ("recency" if kind == "story" else kind)


def tune(data_dir: Path, only: str | None = None) -> dict[str, Any]:
    cases = load_suite(HERE / "dev.jsonl")
    out: dict[str, Any] = {}
    for kind, (name, values) in GRID.items():
        if only and kind != only:
            continue
        mine = [c for c in cases if _of_kind(c, kind)]
        rows = []
        for value in values:
            _apply(name, value)
            asst = Assistant(data_dir=data_dir)
            scored = [case_scores(c, asst.ask(c.question)) for c in mine]
            rows.append({name: value, **{k: _mean([s[k] for s in scored]) for k in scored[0]}})
            print(json.dumps({"kind": kind, "n": len(mine), **rows[-1]}), flush=True)
        out[kind] = rows
    return out


def table(runs: list[Path]) -> None:
    """Markdown per-kind table of ``rag eval`` result folders."""
    cols = ("n", *METRICS)
    print("| run | kind | " + " | ".join(cols) + " |")
    print("|" + " --- |" * (len(cols) + 2))
    for run in runs:
        rows = [json.loads(x) for x in (run / "results.jsonl").read_text().splitlines() if x]
        rows = [r for r in rows if r.get("pipeline", "ours") == "ours"]
        summary = json.loads((run / "summary.json").read_text())
        for kind in (*KINDS, "all"):
            mine = [r for r in rows if kind == "all" or r["tags"][0] == kind]
            vals: list[Any] = [len(mine)]
            for metric in METRICS:
                vals.append(_mean([r["metrics"][metric]["value"] for r in mine]))
            print(f"| {run.name} | {kind} | " + " | ".join(_cell(v) for v in vals) + " |")
        ours = summary.get("pipelines", {}).get("ours", summary)["metrics"]
        pr = {k: ours[k]["value"] for k in ("conflict_precision", "conflict_recall")}
        print(f"| {run.name} | conflict detection | precision {pr['conflict_precision']}, "
              f"recall {pr['conflict_recall']} |" + " |" * (len(cols) - 1))  # fmt: skip


def _cell(v: Any) -> str:
    return "–" if v is None else str(v)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tune")
    t.add_argument("--data-dir", type=Path, required=True)
    t.add_argument("--kind", choices=list(GRID), help="tune this kind's setting only")
    f = sub.add_parser("table")
    f.add_argument("runs", nargs="+", type=Path)
    a = ap.parse_args(argv)
    run: Callable[[], Any] = (lambda: tune(a.data_dir, a.kind)) if a.cmd == "tune" else (
        lambda: table(a.runs))  # fmt: skip
    run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
