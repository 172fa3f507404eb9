"""Helpers for writing reader questions: exact gold spans in the text the index stores.

Run from the repo root with the project's venv:

    .venv/bin/python evals/reader/gold.py sentences text/trafilatura-001.txt   # numbered sentences
    .venv/bin/python evals/reader/gold.py span text/reuters.com1.txt 12         # sentence 12
    .venv/bin/python evals/reader/gold.py span text/reuters.com1.txt "exact sentence"
    .venv/bin/python evals/reader/gold.py phrase text/reuters.com1.txt 12 "Letitia James"
    .venv/bin/python evals/reader/gold.py check FILE ...    # validates question files
    .venv/bin/python evals/reader/gold.py stats FILE ...    # question/answer word overlap

``span`` prints the JSON gold span ``{"doc_id", "start", "end", "text"}`` of a sentence (by its
number from ``sentences``, or verbatim text); ``phrase`` the span of a phrase inside it (the short
answer). Doc ids are ``text/<file>`` or ``html/<file>`` of ``../shared/corpora/newspaper`` or
``../shared/corpora/news-train`` (told apart by file name), ``corpus/<file>`` for the seed and
``articles/<file>`` for the constructed stories of ``evals/time/articles``.
"""

from __future__ import annotations

import json
import re
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
# news-train's files are named after the project they came from (see its NOTICE.md).
NEWS_TRAIN_PREFIXES = ("trafilatura-", "readability-", "newspaper4k-")
KINDS = (
    "paraphrase number two-part factoid follow-up cross-article date attribution "
    "near-miss off-corpus recency timeline conflict"
).split()
UNANSWERABLE = {"near-miss", "off-corpus"}


def corpus_of(doc_id: str) -> str:
    """The shared corpus a ``text/…`` doc_id belongs to (``newspaper`` or ``news-train``)."""
    name = doc_id.partition("/")[2]
    return "news-train" if name.startswith(NEWS_TRAIN_PREFIXES) else "newspaper"


def path_of(doc_id: str) -> Path:
    """The file a doc_id comes from (``text/x.txt`` in a shared corpus, ``corpus/`` seed)."""
    folder, _, name = doc_id.partition("/")
    if folder == "corpus":
        return ROOT / "corpus" / name
    if folder == "articles":  # constructed multi-outlet stories (evals/time/articles)
        return ROOT / "evals" / "time" / "articles" / name
    return CORPORA / corpus_of(doc_id) / folder / name


@lru_cache(maxsize=512)
def article_text(doc_id: str) -> str:
    """The article text exactly as the index stores it (the project's own loader)."""
    from rag.index.loaders import load_file

    loaded = load_file(path_of(doc_id), doc_id, 10 * 1024 * 1024)
    return loaded.articles[0].text


@lru_cache(maxsize=512)
def sentences(doc_id: str) -> list[tuple[int, int]]:
    """The article's sentences as the reader cuts them: (start, end) offsets."""
    from rag.text.sentences import split_sentences

    return split_sentences(article_text(doc_id))


def _record(doc_id: str, start: int, end: int) -> dict[str, object]:
    return {"doc_id": doc_id, "start": start, "end": end, "text": article_text(doc_id)[start:end]}


def span(doc_id: str, sentence: str | int) -> dict[str, object]:
    """The gold span of a sentence: its number in ``sentences`` or its verbatim text."""
    if isinstance(sentence, int) or sentence.isdigit():
        start, end = sentences(doc_id)[int(sentence)]
        return _record(doc_id, start, end)
    start = article_text(doc_id).find(sentence)
    if start < 0:
        raise ValueError(f"not found verbatim in {doc_id}: {sentence[:80]!r}")
    return _record(doc_id, start, start + len(sentence))


def phrase(doc_id: str, sentence: str | int, text: str) -> dict[str, object]:
    """The span of ``text`` (verbatim, first occurrence) inside a sentence of the article."""
    outer = span(doc_id, sentence)
    at = str(outer["text"]).find(text)
    if at < 0:
        raise ValueError(f"{text!r} is not in the sentence {str(outer['text'])[:80]!r}")
    start = int(str(outer["start"])) + at
    return _record(doc_id, start, start + len(text))


def _check_spans(where: str, spans: list[dict], label: str) -> list[str]:
    out = []
    for g in spans:
        got = article_text(g["doc_id"])[g["start"] : g["end"]]
        if got != g["text"]:
            out.append(f"{where}: {label} text differs from the article: {got[:60]!r}")
    return out


def check_row(where: str, row: dict, seen: set[str]) -> list[str]:
    """Problems of one question record (see evals/reader/WRITING.md for the format)."""
    out = []
    if row.get("id") in seen:
        out.append(f"{where}: duplicate id {row.get('id')}")
    seen.add(row.get("id", ""))
    tags = row.get("tags") or [""]
    if tags[0] not in KINDS:
        out.append(f"{where}: first tag {tags[0]!r} is not a kind ({', '.join(KINDS)})")
    if bool(row.get("unanswerable")) != (tags[0] in UNANSWERABLE):
        out.append(f"{where}: unanswerable must be true exactly for {sorted(UNANSWERABLE)}")
    if not row.get("unanswerable") and not (row.get("gold") or row.get("events")
                                             or row.get("figures")):  # fmt: skip
        out.append(f"{where}: answerable question without gold spans")
    if tags[0] == "follow-up" and not row.get("history"):
        out.append(f"{where}: follow-up without history")
    out += _check_spans(where, row.get("gold", []), "gold")
    out += _check_spans(where, row.get("short", []), "short")
    out += _check_spans(where, row.get("decoy", []), "decoy")
    out += _check_spans(where, row.get("events", []), "event")
    out += _check_spans(where, row.get("figures", []), "figure")
    if tags[0] == "timeline":
        dates = [e.get("date", "") for e in row.get("events", [])]
        if len(dates) < 3 or dates != sorted(dates):
            out.append(f"{where}: a timeline needs 3+ events in date order")
    if tags[0] == "conflict" and row.get("verdict") not in ("conflict", "change", "agree"):
        out.append(f"{where}: a conflict case needs verdict conflict, change or agree")
    if tags[0] == "recency" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.get("as_of", "")):
        out.append(f"{where}: a recency case needs as_of YYYY-MM-DD")
    if tags[0] == "attribution" and "speaker" in row and not row["speaker"]:
        out.append(f"{where}: an empty speaker")
    gold = row.get("gold", [])
    for s in row.get("short", []):
        inside = any(
            g["doc_id"] == s["doc_id"] and g["start"] <= s["start"] and s["end"] <= g["end"]
            for g in gold
        )
        if not inside:
            out.append(f"{where}: short span {s['text'][:40]!r} is not inside a gold span")
    if "hard" in tags and not row.get("decoy"):
        out.append(f"{where}: a hard near-miss names its decoy sentence")
    return out


def check(path: Path) -> list[str]:
    """Problems in a questions file: bad JSON, spans that don't match, missing fields."""
    problems: list[str] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{n}: bad JSON: {exc}")
            continue
        problems += check_row(f"{path.name}:{n}", row, seen)
    return problems


def overlap(row: dict) -> float | None:
    """Share of the question's content terms found in its gold sentence(s)."""
    from rag.text.terms import terms

    q = set(terms(row["question"]))
    if not row.get("gold") or not q:
        return None
    gold = set(terms(" ".join(g["text"] for g in row["gold"])))
    return len(q & gold) / len(q)


def _stats(paths: list[Path]) -> str:
    from collections import Counter, defaultdict

    by_kind: dict[str, list[float]] = defaultdict(list)
    kinds: Counter[str] = Counter()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                row = json.loads(line)
                kinds[row["tags"][0]] += 1
                kinds["hard near-miss"] += "hard" in row["tags"]
                o = overlap(row)
                if o is not None:
                    by_kind[row["tags"][0]].append(o)
    every = [o for v in by_kind.values() for o in v]
    lines = [f"questions {sum(v for k, v in kinds.items() if k != 'hard near-miss')}"]
    lines += [f"  {k}: {v}" for k, v in sorted(kinds.items())]
    lines.append(f"overlap mean {sum(every) / max(len(every), 1):.3f}")
    lines += [f"  {k}: {sum(v) / len(v):.3f}" for k, v in sorted(by_kind.items())]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    verb = argv[0]
    if verb == "check":
        issues = [p for f in argv[1:] for p in check(Path(f))]
        print("\n".join(issues) or "ok")
        return 1 if issues else 0
    if verb == "stats":
        print(_stats([Path(f) for f in argv[1:]]))
        return 0
    if verb == "sentences":
        text = article_text(argv[1])
        for i, (s, e) in enumerate(sentences(argv[1])):
            print(f"[{i}] {text[s:e]}")
        return 0
    if verb == "span":
        print(json.dumps(span(argv[1], argv[2]), ensure_ascii=False))
        return 0
    if verb == "phrase":
        print(json.dumps(phrase(argv[1], argv[2], argv[3]), ensure_ascii=False))
        return 0
    # The original form: gold.py DOC "sentence".
    print(json.dumps(span(argv[0], argv[1]), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
