"""Sentence splitters compared: the own one (rag.text.sentences) vs pysbd and blingfire.

Run: .venv/bin/python benchmarks/bench_sentences.py [--shared ../shared] [--repeat 3]
(pysbd and blingfire are not dependencies: ``.venv/bin/pip install pysbd blingfire`` first;
a splitter that is not installed is left out.)

Columns:
- P/R/F1: boundary precision, recall and F1 on the gold set tests/text/data/boundaries.txt
  (a boundary is where a sentence other than a passage's first starts, whitespace skipped).
- chars/s: best of ``--repeat`` passes over ../shared/corpora/newspaper/text (and corpus/).
- bad offsets: articles whose spans overlap, run backwards, leave out a non-space character,
  or (pysbd) whose span text differs from the sentence the library returned.
- same chunks: articles whose ``chunk_text`` chunks stay identical with this splitter, i.e. for
  which switching could not change an eval figure.
Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.index.chunking import chunk_text  # noqa: E402
from rag.text.sentences import split_sentences  # noqa: E402
from tests.text.boundaries import load, score  # noqa: E402

Splitter = Callable[[str], Sequence[tuple[int, int]]]


def splitters() -> dict[str, Splitter]:
    """The own splitter, plus each candidate library that is installed."""
    out: dict[str, Splitter] = {"own (rag.text.sentences)": split_sentences}
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False, char_span=True)

        def with_pysbd(text: str) -> list[tuple[int, int]]:
            spans = seg.segment(text)
            # char_span offsets come from re-finding each sentence; check them, don't trust them.
            if any(text[s.start : s.end] != s.sent for s in spans):
                return [(-1, -1)]
            return [(s.start, s.end) for s in spans]

        out[f"pysbd {pysbd.__version__}"] = with_pysbd
    except ImportError:
        pass
    try:
        import blingfire

        def with_blingfire(text: str) -> list[tuple[int, int]]:
            # It gives a (0, 1) span for an all-whitespace text, which has no sentence.
            return list(blingfire.text_to_sentences_and_offsets(text)[1]) if text.strip() else []

        out[f"blingfire {version('blingfire')}"] = with_blingfire
    except ImportError:
        pass
    return out


def articles(shared: Path) -> list[str]:
    """The newspaper text folder's articles and the seed article; empty ones skipped."""
    files = sorted((shared / "corpora" / "newspaper" / "text").glob("*.txt"))
    files += sorted((ROOT / "corpus").glob("*.txt"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    return [t for t in texts if t.strip()]


def chars_per_second(split: Splitter, texts: list[str], repeat: int) -> float:
    """Best throughput over ``repeat`` passes."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for text in texts:
            split(text)
        best = min(best, time.perf_counter() - t0)
    return sum(map(len, texts)) / best


def bad_offsets(split: Splitter, texts: list[str]) -> int:
    """Articles whose spans are not ordered, disjoint and covering every non-space character."""
    bad = 0
    for text in texts:
        spans, last, ok = split(text), 0, True
        for a, b in spans:
            ok = ok and last <= a <= b <= len(text)
            last = b
        kept = "".join(text[a:b] for a, b in spans) if ok else ""
        bad += "".join(kept.split()) != "".join(text.split())
    return bad


def same_chunks(split: Splitter, texts: list[str]) -> int:
    """Articles whose 700-character chunks do not change when ``split`` splits the sentences."""
    before = [chunk_text("d", t) for t in texts]
    with mock.patch("rag.index.chunking.split_sentences", split):
        after = [chunk_text("d", t) for t in texts]
    return sum(a == b for a, b in zip(before, after, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    gold = load()
    texts = articles(args.shared)
    size = sum(map(len, texts))
    print(f"gold: {len(gold)} passages, {sum(len(p.gold) for p in gold)} boundaries; "
          f"speed corpus: {len(texts)} articles, {size:,} chars")  # fmt: skip
    head = f"{'splitter':<26} {'P':>6} {'R':>6} {'F1':>6} {'TP/FP/FN':>11} {'chars/s':>11}"
    print(f"{head} {'bad offsets':>11} {'same chunks':>11}")
    for name, split in splitters().items():
        s = score(split, gold)
        speed = f"{chars_per_second(split, texts, args.repeat):,.0f}" if texts else "-"
        bad = bad_offsets(split, texts) if texts else "-"
        same = f"{same_chunks(split, texts)}/{len(texts)}" if texts else "-"
        counts = f"{s.tp}/{s.fp}/{s.fn}"
        print(f"{name:<26} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} {counts:>11} "
              f"{speed:>11} {bad!s:>11} {same:>11}")  # fmt: skip


if __name__ == "__main__":
    main()
