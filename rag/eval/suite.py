"""Eval suites: JSONL (one case a line) or YAML (a list of cases), validated into `Case`s."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from rag.errors import EvalError

_FIELDS = {
    "id", "question", "history", "answer", "facts", "sources", "unanswerable", "tags", "gold",
    "short", "answer_type", "decoy", "missing", "events", "figures", "verdict", "speaker",
    "as_of",
}  # fmt: skip
VERDICTS = ("conflict", "change", "agree")
ANSWER_TYPES = ("name", "number", "date", "place", "other")


@dataclass(frozen=True)
class Case:
    """One eval question and what a right answer must contain and cite."""

    id: str
    question: str
    history: list[dict[str, str]] = field(default_factory=list)
    answer: str | None = None
    facts: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    unanswerable: bool = False
    tags: list[str] = field(default_factory=list)
    # The sentences that answer it: {"doc_id", "start", "end", "text"} spans of the article text.
    gold: list[dict[str, Any]] = field(default_factory=list)
    # The exact answer phrase(s) inside the gold sentences (one per asked part), and its type.
    short: list[dict[str, Any]] = field(default_factory=list)
    answer_type: str | None = None
    # Near misses: the sentence(s) holding a same-type value for a neighbouring attribute.
    decoy: list[dict[str, Any]] = field(default_factory=list)
    missing: str | None = None  # a two-part question's part the articles don't give
    # Time and sources (evals/time): a timeline's events in order (spans with a "date"), the
    # sentences giving a figure (spans with "value", "quantity") and how they relate, the
    # speaker of an attributed statement, the newest answering article's date.
    events: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    verdict: str | None = None
    speaker: str | None = None
    as_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _strings(value: Any, what: str, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EvalError(f"{where}: {what!r} must be a list of strings")
    return list(value)


def parse_case(row: Any, where: str, default_id: str) -> Case:
    """Validate one raw case.

    Args:
        row: the mapping read from the suite.
        where: ``file:line`` for error messages.
        default_id: id used when the case has none.

    Returns:
        The `Case`; raises `EvalError` naming the problem and its place.
    """
    if not isinstance(row, dict):
        raise EvalError(f"{where}: a case must be a mapping, not {type(row).__name__}")
    unknown = sorted(set(row) - _FIELDS)
    if unknown:
        raise EvalError(
            f"{where}: unknown field(s) {', '.join(unknown)}; valid: {', '.join(sorted(_FIELDS))}"
        )
    question = row.get("question")
    if not isinstance(question, str) or not question.strip():
        raise EvalError(f"{where}: 'question' must be a non-empty string")
    facts = _strings(row.get("facts"), "facts", where)
    for fact in facts:
        try:
            re.compile(fact)
        except re.error as exc:
            raise EvalError(f"{where}: fact {fact!r} is not a valid regex: {exc}") from None
    history = row.get("history") or []
    if not isinstance(history, list) or not all(
        isinstance(t, dict) and isinstance(t.get("content"), str) for t in history
    ):
        raise EvalError(f"{where}: 'history' must be a list of {{role, content}} turns")
    answer = row.get("answer")
    if answer is not None and not isinstance(answer, str):
        raise EvalError(f"{where}: 'answer' must be a string")
    unanswerable = row.get("unanswerable", False)
    if not isinstance(unanswerable, bool):
        raise EvalError(f"{where}: 'unanswerable' must be true or false")
    return Case(
        id=str(row.get("id") or default_id),
        question=question,
        history=[{"role": str(t.get("role", "user")), "content": t["content"]} for t in history],
        answer=answer,
        facts=facts,
        sources=_strings(row.get("sources"), "sources", where),
        unanswerable=unanswerable,
        tags=_strings(row.get("tags"), "tags", where),
        gold=_gold(row.get("gold"), where),
        short=_gold(row.get("short"), where, "short"),
        answer_type=_answer_type(row.get("answer_type"), where),
        decoy=_gold(row.get("decoy"), where, "decoy"),
        missing=row.get("missing") if isinstance(row.get("missing"), str) else None,
        events=_gold(row.get("events"), where, "events"),
        figures=_gold(row.get("figures"), where, "figures"),
        verdict=_choice(row.get("verdict"), VERDICTS, "verdict", where),
        speaker=_text(row.get("speaker"), "speaker", where),
        as_of=_text(row.get("as_of"), "as_of", where),
    )


def _choice(value: Any, valid: tuple[str, ...], name: str, where: str) -> str | None:
    if value is None or value in valid:
        return value
    raise EvalError(f"{where}: {name!r} must be one of {', '.join(valid)}")


def _text(value: Any, name: str, where: str) -> str | None:
    if value is None or (isinstance(value, str) and value.strip()):
        return value
    raise EvalError(f"{where}: {name!r} must be a non-empty string")


def _answer_type(value: Any, where: str) -> str | None:
    return _choice(value, ANSWER_TYPES, "answer_type", where)


def _gold(value: Any, where: str, name: str = "gold") -> list[dict[str, Any]]:
    """Spans: a list of ``{"doc_id": str, "start": int, "end": int, "text": str}``."""
    spans = value or []
    ok = isinstance(spans, list) and all(
        isinstance(g, dict) and isinstance(g.get("doc_id"), str)
        and isinstance(g.get("start"), int) and isinstance(g.get("end"), int)
        and 0 <= g["start"] < g["end"] and isinstance(g.get("text", ""), str)
        for g in spans
    )  # fmt: skip
    if not ok:
        raise EvalError(f"{where}: '{name}' must be a list of {{doc_id, start, end, text}} spans")
    return [dict(g) for g in spans]


def _with_short_answers(path: Path, cases: list[Case]) -> list[Case]:
    """Cases with the short-answer spans of ``<suite>.short.jsonl`` beside the suite, if any:
    annotations added to a frozen suite without changing its bytes (evals/reader/test)."""
    side = path.with_name(path.stem + ".short.jsonl")
    if not side.is_file():
        return cases
    extra: dict[str, dict[str, Any]] = {}
    for n, line in enumerate(side.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            where = f"{side}:{n}"
            extra[str(row.get("id"))] = {
                "short": _gold(row.get("short"), where, "short"),
                "answer_type": _answer_type(row.get("answer_type"), where),
            }
    return [replace(c, **extra[c.id]) if c.id in extra and not c.short else c for c in cases]


def load_suite(path: str | Path) -> list[Case]:
    """Read and validate a suite file.

    Args:
        path: ``.jsonl`` (one JSON case a line; blank and ``#`` lines skipped) or
            ``.yaml``/``.yml`` (a list of cases, or a mapping with a ``cases`` list).

    Returns:
        The cases in file order; raises `EvalError` on a missing file, bad case or repeated id.
    """
    p = Path(path)
    if not p.is_file():
        raise EvalError(f"suite not found: {p}")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"cannot read suite {p}: {exc}") from None
    rows: list[tuple[Any, str]] = []
    if p.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise EvalError(f"{p}: invalid YAML: {exc}") from None
        if isinstance(data, dict):
            data = data.get("cases")
        if not isinstance(data, list):
            raise EvalError(f"{p}: a YAML suite must be a list of cases (or have a 'cases' list)")
        rows = [(row, f"{p}: case {n}") for n, row in enumerate(data, 1)]
    else:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                rows.append((json.loads(line), f"{p}:{n}"))
            except json.JSONDecodeError as exc:
                raise EvalError(f"{p}:{n}: invalid JSON: {exc.msg}") from None
    cases = [parse_case(row, where, f"q{n}") for n, (row, where) in enumerate(rows, 1)]
    cases = _with_short_answers(p, cases)
    if not cases:
        raise EvalError(f"suite {p} has no cases")
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise EvalError(f"{p}: case id {case.id!r} is used twice")
        seen.add(case.id)
    return cases
