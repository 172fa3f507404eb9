"""Speaker accuracy of `Citation.speaker` on labelled sentences of real news articles.

    .venv/bin/python evals/speakers/measure.py evals/speakers/dev.jsonl [--shared ../shared]
    .venv/bin/python evals/speakers/measure.py evals/speakers/dev.jsonl --show misses
    .venv/bin/python evals/speakers/measure.py --time-suite evals/time/dev.jsonl \
        --data-dir .rag/eval-time        # the time suite's gold statements, from its index

Each line of a split is one sentence of an article under ``../shared/corpora`` (its offsets
in the text file) with the speaker a reader gives it, or null (evals/speakers/README.md).
The sentence is attributed as a citation of it is (`rag.news.compose.speaker_at`, the article
around it read too) and compared with `same_speaker`, the rule the time suite's
``speaker_correct`` uses.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from rag.news.compose import speaker_at  # noqa: E402
from rag.news.naming import same_speaker  # noqa: E402

CUES = ("said-before", "said-after", "according", "quote-elsewhere", "pronoun", "other", "none")


def load(path: Path) -> list[dict[str, Any]]:
    """The labelled sentences of a split."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def judge(row: dict[str, Any], got: str | None) -> str:
    """``right``, ``wrong`` (another speaker), ``missed`` (none given) or ``spurious`` (a
    speaker given to an unattributed sentence)."""
    gold = [g for g in [row["speaker"], *row.get("also", [])] if g]
    if not gold:
        return "right" if got is None else "spurious"
    if got is None:
        return "missed"
    return "right" if any(same_speaker(got, g) for g in gold) else "wrong"


def score(rows: list[dict[str, Any]], shared: Path) -> list[tuple[dict[str, Any], str | None, str]]:
    """Each row with the speaker a citation of it gets and the verdict."""
    texts: dict[str, str] = {}
    out = []
    for row in rows:
        if row["doc"] not in texts:
            texts[row["doc"]] = (shared / "corpora" / row["doc"]).read_text(encoding="utf-8")
        text = texts[row["doc"]]
        got = speaker_at(text, row["sentence"], row["start"], row["end"])
        out.append((row, got, judge(row, got)))
    return out


def table(scored: list[tuple[dict[str, Any], str | None, str]]) -> dict[str, dict[str, float]]:
    """Accuracy per cue and overall; precision and recall of the speakers given."""
    out: dict[str, dict[str, float]] = {}
    for cue in (*CUES, "all"):
        rows = [v for r, _, v in scored if cue in ("all", r["cue"])]
        if rows:
            c = Counter(rows)
            out[cue] = {"n": len(rows), "accuracy": c["right"] / len(rows), **c}
    given = [v for r, got, v in scored if got is not None]
    attributed = [v for r, _, v in scored if r["speaker"]]
    out["all"]["precision"] = given.count("right") / len(given) if given else 0.0
    out["all"]["recall"] = attributed.count("right") / len(attributed) if attributed else 0.0
    return out


def time_statements(suite: Path, data_dir: Path) -> tuple[int, int]:
    """How many gold statements of the time suite's attribution cases a citation of them
    attributes to the case's speaker, of how many (the articles read from the index)."""
    from rag import Assistant

    docs = Assistant(data_dir=data_dir)
    right = total = 0
    for case in load(suite):
        for span in case.get("gold", []) if case.get("speaker") else []:
            text = docs.document_text(span["doc_id"])
            got = speaker_at(text, span["text"], span["start"], span["end"])
            right += same_speaker(got, case["speaker"])
            total += 1
    return right, total


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("split", type=Path, nargs="*")
    p.add_argument("--shared", type=Path, default=HERE.parents[1].parent / "shared")
    p.add_argument("--show", choices=("misses",), help="print every sentence not right")
    p.add_argument("--time-suite", type=Path, help="also score evals/time gold statements")
    p.add_argument("--data-dir", type=Path, help="the index holding the time suite's articles")
    args = p.parse_args(argv)
    if args.time_suite:
        right, total = time_statements(args.time_suite, args.data_dir)
        print(f"{args.time_suite}: {right} of {total} gold statements ({right / total:.3f})")
    for split in args.split:
        scored = score(load(split), args.shared)
        print(f"## {split}")
        print("| cue | n | accuracy | wrong | missed | spurious |")
        print("| --- | --- | --- | --- | --- | --- |")
        for cue, s in table(scored).items():
            print(f"| {cue} | {s['n']} | {s['accuracy']:.3f} | {s.get('wrong', 0)} | "
                  f"{s.get('missed', 0)} | {s.get('spurious', 0)} |")  # fmt: skip
        t = table(scored)["all"]
        print(f"\nspeakers given: precision {t['precision']:.3f}; attributed sentences: "
              f"recall {t['recall']:.3f}")  # fmt: skip
        if args.show:
            for row, got, verdict in scored:
                if verdict != "right":
                    print(f"{verdict:8} {row['cue']:15} gold={row['speaker']!r} got={got!r}: "
                          f"{row['sentence'][:140]}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
