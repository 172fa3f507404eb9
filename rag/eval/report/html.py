"""Self-contained HTML eval report: tables, matplotlib charts inlined as PNG, drill-down."""

from __future__ import annotations

import base64
import io
from html import escape
from typing import Any

from matplotlib.figure import Figure

from rag.eval.report.text import CHART_METRICS, baseline_table, fmt, notes, summary_table, tag_table
from rag.eval.score import QUESTION_METRICS

_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}.fail{color:#b00020}.pass{color:#1b7f3b}
details{margin:.4rem 0;border:1px solid #ddd;padding:.4rem}summary{cursor:pointer}
blockquote{margin:.3rem 0 .3rem 1rem;color:#444}img{max-width:100%}small{color:#666}"""


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    # No timestamp/software metadata, so the same run renders byte-identical images.
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="chart" src="data:image/png;base64,{data}">'


def _metric_chart(summary: dict[str, Any]) -> str:
    names = list(summary["pipelines"])
    fig = Figure(figsize=(10, 3.6))
    ax = fig.add_subplot()
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        values = [summary["pipelines"][name]["metrics"][m]["value"] or 0.0 for m in CHART_METRICS]
        xs = [x + i * width for x in range(len(CHART_METRICS))]
        ax.bar(xs, values, width=width, label=name)
    ax.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(CHART_METRICS))])
    ax.set_xticklabels(CHART_METRICS, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title("Metrics by pipeline (unscorable shown as 0)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _png(fig)


def _latency_chart(rows: dict[str, list[dict[str, Any]]]) -> str:
    fig = Figure(figsize=(6, 3))
    ax = fig.add_subplot()
    for name, pipeline_rows in rows.items():
        ax.hist([r["latency_s"] for r in pipeline_rows], bins=20, alpha=0.6, label=name)
    ax.set_xlabel("seconds per question")
    ax.set_ylabel("questions")
    ax.set_title("Latency")
    ax.legend()
    return _png(fig)


def _tag_chart(summary: dict[str, Any]) -> str:
    tags = list(summary["by_tag"])
    fig = Figure(figsize=(max(6, len(tags) * 0.7), 3.2))
    ax = fig.add_subplot()
    for i, metric in enumerate(("hit_rate", "fact_recall")):
        values = [summary["by_tag"][t][metric] or 0.0 for t in tags]
        ax.bar([x + i * 0.4 for x in range(len(tags))], values, width=0.4, label=metric)
    ax.set_xticks([x + 0.2 for x in range(len(tags))])
    ax.set_xticklabels(tags, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title("By tag (ours)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _png(fig)


def _delta_chart(summary: dict[str, Any]) -> str:
    diff = summary["baseline"]["metrics"]
    names = [m for m in QUESTION_METRICS if diff[m]["delta"] is not None]
    fig = Figure(figsize=(8, 3))
    ax = fig.add_subplot()
    deltas = [diff[m]["delta"] for m in names]
    ax.bar(names, deltas, color=["#1b7f3b" if d >= 0 else "#b00020" for d in deltas])
    ax.axhline(0, color="#444", linewidth=0.8)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_title("Change vs baseline")
    return _png(fig)


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _question(r: dict[str, Any]) -> str:
    cls, verdict = ("pass", "pass") if r["passed"] else ("fail", "FAIL")
    parts = [
        f'<details><summary><span class="{cls}">{verdict}</span> '
        f"<code>{escape(r['id'])}</code> {escape(r['question'])}</summary>"
    ]
    if r["history"]:
        turns = "".join(
            f"<li><b>{escape(t['role'])}</b>: {escape(t['content'])}</li>" for t in r["history"]
        )
        parts.append(f"<p>History:</p><ul>{turns}</ul>")
    if r["failing_checks"]:
        items = "".join(f"<li>{escape(c)}</li>" for c in r["failing_checks"])
        parts.append(f'<p class="fail">Failing checks:</p><ul class="fail">{items}</ul>')
    parts.append(
        f"<p><b>Answer</b>{' (abstained)' if r['abstained'] else ''}: {escape(r['answer'])}</p>"
    )
    if r.get("reference"):
        parts.append(f"<p><b>Reference</b>: {escape(r['reference'])}</p>")
    for c in r["citations"]:
        parts.append(
            f"<p>[{c['marker']}] <code>{escape(c['doc_id'])}</code> "
            f"<small>chars {c['start']}-{c['end']}</small></p>"
            f"<blockquote>{escape(c['quote'])}</blockquote>"
        )
    metric_rows = [
        [name, v["status"], fmt(v["value"]), v.get("reason", "")]
        for name, v in r["metrics"].items()
    ]
    parts.append(_table(["metric", "status", "value", "note"], metric_rows))
    hits = [[str(h["rank"]), h["doc_id"], fmt(h["score"], 4), h["text"][:160]] for h in r["hits"]]
    parts.append(_table(["rank", "doc_id", "score", "text"], hits))
    parts.append(
        f"<small>expected sources: {escape(', '.join(r['expected_sources']) or '–')}; "
        f"latency {r['latency_s']} s</small></details>"
    )
    return "".join(parts)


def render_html(summary: dict[str, Any], rows: dict[str, list[dict[str, Any]]]) -> str:
    """The whole report as one HTML page (no external files; all text escaped).

    Args:
        summary: the summary.json content.
        rows: results rows per pipeline.

    Returns:
        HTML text.
    """
    man = summary["manifest"]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Eval report: {escape(summary['suite'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>Eval report: {escape(summary['suite'])}</h1>",
        f"<p>{summary['n']} questions, {summary['passed']} passed all checks; mode "
        f"{escape(summary['mode'])}, top-k {summary['k']}, wall time {summary['wall_s']} s.<br>"
        f"git {escape(str(man['git_sha']))}{' (dirty)' if man['git_dirty'] else ''}; corpus "
        f"{man['corpus']['documents']} documents <code>{escape(man['corpus']['sha256'][:12])}"
        f"</code>; model {escape(man['model']['name'])}.</p>",
        "<h2>Summary</h2>",
        _table(*summary_table(summary)),
        "".join(f"<p><small>{escape(note)}</small></p>" for note in notes(summary)),
        _metric_chart(summary),
        _latency_chart(rows),
    ]
    if summary["fail_under"]:
        gates = [
            [g["metric"], fmt(g["threshold"]), fmt(g["value"]), "pass" if g["passed"] else "FAIL"]
            for g in summary["fail_under"]
        ]
        parts += ["<h2>Thresholds</h2>", _table(["metric", "minimum", "value", "result"], gates)]
    if summary.get("baseline"):
        diff = summary["baseline"]
        parts += [
            f"<h2>Compared with baseline {escape(diff['dir'])}</h2>",
            _table(*baseline_table(summary)),
            _delta_chart(summary),
            "<h3>Flipped questions</h3>",
        ]
        flips = "".join(
            f"<li><code>{escape(f['id'])}</code> {escape(f['was'])} → "
            f"{escape(f['now'])}: {escape(f['question'])}</li>"
            for f in diff["flipped"]
        )
        parts.append(f"<ul>{flips}</ul>" if flips else "<p>None.</p>")
    if summary["by_tag"]:
        parts += ["<h2>By tag</h2>", _table(*tag_table(summary)), _tag_chart(summary)]
    for name, pipeline_rows in rows.items():
        failing = sum(not r["passed"] for r in pipeline_rows)
        parts.append(f"<h2>Questions ({escape(name)}): {failing} failing</h2>")
        # Failing questions first: they are what a reader opens the report for.
        ordered = sorted(pipeline_rows, key=lambda r: r["passed"])
        parts += [_question(r) for r in ordered]
    parts.append("</body></html>")
    return "\n".join(parts)
