"""Helpers for writing reader questions: exact gold spans in the text the index stores.

Run from the repo root with the project's venv:

    .venv/bin/python evals/reader/gold.py text/reuters.com1.txt "exact sentence from the article"

prints the JSON gold span ``{"doc_id", "start", "end", "text"}``; `check` validates a file.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "corpora" / "newspaper"


def path_of(doc_id: str) -> Path:
    """The file a doc_id comes from (``text/x.txt`` in the shared corpus, ``corpus/`` seed)."""
    folder, _, name = doc_id.partition("/")
    return ROOT / "corpus" / name if folder == "corpus" else SHARED / folder / name


@lru_cache(maxsize=256)
def article_text(doc_id: str) -> str:
    """The article text exactly as the index stores it (the project's own loader)."""
    from rag.index.loaders import load_file

    loaded = load_file(path_of(doc_id), doc_id, 10 * 1024 * 1024)
    return loaded.articles[0].text


def span(doc_id: str, sentence: str) -> dict[str, object]:
    """The gold span of ``sentence`` (verbatim, first occurrence) in the article."""
    text = article_text(doc_id)
    start = text.find(sentence)
    if start < 0:
        raise ValueError(f"not found verbatim in {doc_id}: {sentence[:80]!r}")
    return {"doc_id": doc_id, "start": start, "end": start + len(sentence), "text": sentence}


def check(path: Path) -> list[str]:
    """Problems in a questions file: bad JSON, spans that don't match, missing fields."""
    problems = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        row = json.loads(line)
        if not row.get("unanswerable") and not row.get("gold"):
            problems.append(f"{path.name}:{n}: answerable question without gold spans")
        for g in row.get("gold", []):
            got = article_text(g["doc_id"])[g["start"] : g["end"]]
            if got != g["text"]:
                problems.append(f"{path.name}:{n}: span text differs: {got[:60]!r}")
    return problems


if __name__ == "__main__":
    if sys.argv[1] == "check":
        issues = [p for f in sys.argv[2:] for p in check(Path(f))]
        print("\n".join(issues) or "ok")
        sys.exit(1 if issues else 0)
    print(json.dumps(span(sys.argv[1], sys.argv[2]), ensure_ascii=False))
