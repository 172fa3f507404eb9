"""JSON and JSON Lines files: one article per record with a ``text`` string."""

from __future__ import annotations

import json
from typing import Any

from rag.errors import LoaderError
from rag.index import limits
from rag.index.metadata import Loaded, build_article


def _too_many_records(count: int) -> None:
    if count > limits.MAX_RECORDS_PER_FILE:
        raise LoaderError(
            f"{count} records, over the limit of {limits.MAX_RECORDS_PER_FILE} per file; "
            "split the file"
        )


def _record_key(rec: dict[str, Any], n: int) -> str | int:
    """The record's "id" (else "url") when it is a short string or number, else its number."""
    for key in (rec.get("id"), rec.get("url")):
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            continue
        text = str(key).strip()
        if text and len(text) <= limits.MAX_KEY_CHARS:
            return text if isinstance(key, str) else key
    return n


def _json_value(text: str) -> Any:
    """``json.loads`` with its non-syntax failures turned into plain reasons."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:  # "[[[[..." a hundred thousand deep
        raise LoaderError("JSON nested too deeply") from None
    except ValueError:  # an integer longer than Python's 4,300-digit conversion limit
        raise LoaderError("JSON holds a number too long to read") from None


def _records(source: str, text: str, lines: bool, out: Loaded) -> list[tuple[str, Any]]:
    """``(where, value)`` of every record; unparseable JSON Lines rows go to ``out.failed``."""
    if not lines:
        try:
            data = _json_value(text)
        except json.JSONDecodeError as exc:
            raise LoaderError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
        items = data if isinstance(data, list) else [data]
        _too_many_records(len(items))
        return [(f"record {n}", item) for n, item in enumerate(items, 1)]
    rows = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    _too_many_records(len(rows))  # before parsing any: a rejected file costs no parse
    records: list[tuple[str, Any]] = []
    for n, line in rows:
        try:
            records.append((f"line {n}", _json_value(line)))
        except json.JSONDecodeError as exc:
            out.failed.append((f"{source}:{n}", f"invalid JSON: {exc.msg}"))
        except LoaderError as exc:
            out.failed.append((f"{source}:{n}", str(exc)))
    return records


def parse_json(doc_id: str, source: str, text: str, lines: bool) -> Loaded:
    """One article per record; a bad record is reported and the others are kept.

    Args:
        doc_id: the file's id; each record gets ``doc_id#<id, url or number>``.
        source: the file they came from.
        text: the decoded file.
        lines: JSON Lines (one record a line) rather than one JSON value.

    Returns:
        The articles, and ``(where, reason)`` for each record that was not one.

    Raises:
        LoaderError: the file is not JSON, has too many records, or none.
    """
    out = Loaded()
    records = _records(source, text, lines, out)
    seen: set[str] = set()
    for n, (where, rec) in enumerate(records, 1):
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            out.failed.append((f"{source} ({where})", "record has no 'text' string"))
            continue
        rid = f"{doc_id}#{_record_key(rec, n)}"
        if rid in seen:
            rid = f"{doc_id}#{n}"
        seen.add(rid)
        try:
            # The source is always the file: the API deletes an article's file by its source,
            # so a record's "url" must never be able to name another file.
            out.articles.append(build_article(rid, source, rec["text"], rec))
        except LoaderError as exc:
            out.failed.append((f"{source} ({where})", str(exc)))
    if not out.articles and not out.failed:
        raise LoaderError("no records")
    return out
