"""Write an eval run's files: results.jsonl, summary.json, report.md and report.html."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rag.errors import EvalError


def write_outputs(
    out: Path, summary: dict[str, Any], rows: dict[str, list[dict[str, Any]]]
) -> None:
    """Write results.jsonl, summary.json, report.md and report.html into ``out``.

    Args:
        out: the run's folder (created when missing).
        summary: the summary.json content.
        rows: results rows per pipeline, main pipeline first.

    Raises:
        EvalError: a file cannot be written.
    """
    # Imported here so that matplotlib loads when a report is written, not with every command.
    from rag.eval.report.html import render_html
    from rag.eval.report.text import render_markdown

    try:
        out.mkdir(parents=True, exist_ok=True)
        with (out / "results.jsonl").open("w", encoding="utf-8") as f:
            for pipeline_rows in rows.values():
                for row in pipeline_rows:
                    f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        (out / "summary.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        (out / "report.md").write_text(render_markdown(summary, rows), encoding="utf-8")
        (out / "report.html").write_text(render_html(summary, rows), encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"cannot write eval outputs to {out}: {exc}") from None
