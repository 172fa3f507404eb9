"""Markdown eval report, plus the table helpers the HTML report shares."""

from __future__ import annotations

from typing import Any

from rag.eval.score import ALL_METRICS

EXTRACTIVE_NOTE = (
    "In extractive mode every answer sentence is a verbatim quote, so citation precision/recall "
    "and faithfulness mainly confirm that quotes exist at their offsets; they discriminate when "
    "answers are generated."
)
VANILLA_NOTE = (
    "Vanilla: llama-index VectorStoreIndex over the same Chroma collection, dense top-k, the one "
    "sentence closest to the question as the answer; it ignores history, never abstains and "
    "re-embeds candidate sentences on every question (no cache), which shows in its latency."
)


# The quality metrics reports chart and tabulate (latency is shown apart).
CHART_METRICS = (
    "hit_rate",
    "mrr",
    "ndcg",
    "fact_recall",
    "all_facts",
    "citation_precision",
    "citation_recall",
    "faithfulness",
    "abstention_precision",
    "abstention_recall",
    "exact_quotes",
)


def notes(summary: dict[str, Any]) -> list[str]:
    """Caveats a reader needs to read the summary table right."""
    out = [EXTRACTIVE_NOTE] if summary["mode"] == "extractive" else []
    return out + ([VANILLA_NOTE] if "vanilla" in summary["pipelines"] else [])


TAG_COLUMNS = ("hit_rate", "mrr", "fact_recall", "all_facts", "faithfulness", "abstention_correct")


def fmt(value: Any, digits: int = 3) -> str:
    """A metric value for display; unscorable values show as an en dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def metric_cell(entry: dict[str, Any]) -> str:
    """``value [ci_low, ci_high]`` for a summary metric entry."""
    text = fmt(entry.get("value"))
    if entry.get("ci_low") is not None:
        text += f" [{fmt(entry['ci_low'])}, {fmt(entry['ci_high'])}]"
    return text


def summary_table(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the main table: one row per metric, one column per pipeline."""
    names = list(summary["pipelines"])
    header = ["metric", *[f"{n} (95% CI)" for n in names], "n", "unscorable"]
    rows = []
    for metric in ALL_METRICS:
        main = summary["metrics"][metric]
        cells = [metric_cell(summary["pipelines"][n]["metrics"][metric]) for n in names]
        rows.append([metric, *cells, str(main["n"]), str(main["unscorable"])])
    return header, rows


def baseline_table(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the baseline diff (empty rows when there is no baseline)."""
    header = ["metric", "baseline", "current", "delta", "paired n", "p-value", "significant"]
    diff = summary.get("baseline")
    if not diff:
        return header, []
    rows = []
    for metric, d in diff["metrics"].items():
        delta = d["delta"]
        sign = "" if delta is None or delta <= 0 else "+"
        rows.append(
            [
                metric,
                fmt(d["baseline"]),
                fmt(d["current"]),
                "–" if delta is None else f"{sign}{delta:.3f}",
                str(d["n_paired"]),
                fmt(d["p_value"], 4),
                "yes" if d["significant"] else "",
            ]
        )
    return header, rows


def tag_table(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the per-tag breakdown of the main pipeline."""
    header = ["tag", "n", "passed", *TAG_COLUMNS]
    rows = [
        [tag, str(e["n"]), str(e["passed"]), *[fmt(e[c]) for c in TAG_COLUMNS]]
        for tag, e in summary["by_tag"].items()
    ]
    return header, rows


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_text(text: str) -> str:
    # List items need no pipe escaping; a newline would end the item early.
    return " ".join(text.split())


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def render_markdown(summary: dict[str, Any], rows: dict[str, list[dict[str, Any]]]) -> str:
    """The whole report as Markdown.

    Args:
        summary: the summary.json content.
        rows: results rows per pipeline.

    Returns:
        Markdown text.
    """
    man = summary["manifest"]
    lines = [
        f"# Eval report: {summary['suite']}",
        "",
        f"- questions: {summary['n']}, passed all checks: {summary['passed']}",
        f"- mode: {summary['mode']}, top-k: {summary['k']}, wall time: {summary['wall_s']} s",
        f"- git: {man['git_sha'] or 'unknown'}{' (dirty)' if man['git_dirty'] else ''}, "
        f"corpus: {man['corpus']['documents']} documents ({man['corpus']['sha256'][:12]}), "
        f"model: {man['model']['name']}",
        "",
        "## Summary",
        "",
        *_md_table(*summary_table(summary)),
    ]
    for note in notes(summary):
        lines += [f"_{note}_", ""]
    lines += _md_thresholds(summary) + _md_baseline(summary)
    if summary["by_tag"]:
        lines += ["## By tag", "", *_md_table(*tag_table(summary))]
    for name, pipeline_rows in rows.items():
        lines += _md_failing(name, pipeline_rows)
    return "\n".join(lines)


def _md_thresholds(summary: dict[str, Any]) -> list[str]:
    if not summary["fail_under"]:
        return []
    gates = [
        [g["metric"], fmt(g["threshold"]), fmt(g["value"]), "pass" if g["passed"] else "FAIL"]
        for g in summary["fail_under"]
    ]
    return [
        "## Thresholds (--fail-under)",
        "",
        *_md_table(["metric", "minimum", "value", "result"], gates),
    ]


def _md_baseline(summary: dict[str, Any]) -> list[str]:
    diff = summary.get("baseline")
    if not diff:
        return []
    flips = [
        f"- `{f['id']}` {f['was']} → {f['now']}: {_md_text(f['question'])}" for f in diff["flipped"]
    ]
    return [
        f"## Compared with baseline {diff['dir']}",
        "",
        *_md_table(*baseline_table(summary)),
        "### Flipped questions",
        "",
        *(flips or ["None."]),
        "",
    ]


def _md_failing(name: str, rows: list[dict[str, Any]]) -> list[str]:
    failing = [r for r in rows if not r["passed"]]
    lines = [f"## Failing questions ({name}): {len(failing)}", ""]
    for r in failing:
        lines.append(f"- `{r['id']}` {_md_text(r['question'])}")
        lines += [f"  - {_md_text(c)}" for c in r["failing_checks"]]
        lines.append(f"  - answer: {_md_text(r['answer'][:300])}")
    return lines + [""]
