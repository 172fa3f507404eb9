"""The gold sentence-boundary set in data/boundaries.txt, and boundary precision/recall/F1."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

GOLD = Path(__file__).parent / "data" / "boundaries.txt"
MARK = "‖"

Splitter = Callable[[str], Sequence[tuple[int, int]]]


@dataclass(frozen=True)
class Passage:
    """One passage: its clean text and the offsets where its 2nd, 3rd, ... sentences start."""

    name: str
    text: str
    gold: frozenset[int]


@dataclass(frozen=True)
class Scores:
    """Boundary counts over a set of passages, and the rates they give."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _passage(name: str, marked: str) -> Passage:
    pieces = marked.split(MARK)
    gold, at = set(), 0
    for piece in pieces[:-1]:
        at += len(piece)
        gold.add(at)
    return Passage(name, "".join(pieces), frozenset(gold))


def load(path: Path = GOLD) -> list[Passage]:
    """Passages of the gold file ("## name" starts one; "‖" marks a sentence start)."""
    passages: list[Passage] = []
    name, lines = "", list[str]()
    for line in [*path.read_text(encoding="utf-8").splitlines(), "## end"]:
        if line.startswith("## "):
            if name:
                passages.append(_passage(name, "\n".join(lines).strip("\n")))
            name, lines = line[3:].strip(), []
        elif not line.startswith("# "):
            lines.append(line)
    return passages


def starts(text: str, spans: Sequence[tuple[int, int]]) -> set[int]:
    """Where predicted sentences start (whitespace skipped), the text's first sentence left out."""
    first = len(text) - len(text.lstrip())
    out = set()
    for a, _ in spans:
        while a < len(text) and text[a].isspace():
            a += 1
        if first < a < len(text):
            out.add(a)
    return out


def score(split: Splitter, passages: Sequence[Passage]) -> Scores:
    """Boundary true positives, false positives and misses of ``split`` over ``passages``."""
    tp = fp = fn = 0
    for p in passages:
        got = starts(p.text, split(p.text))
        tp += len(got & p.gold)
        fp += len(got - p.gold)
        fn += len(p.gold - got)
    return Scores(tp, fp, fn)


def errors(split: Splitter, passages: Sequence[Passage]) -> list[str]:
    """Readable misses ("-") and false splits ("+"), each with a little context."""
    out = []
    for p in passages:
        got = starts(p.text, split(p.text))
        for sign, offs in (("-", p.gold - got), ("+", got - p.gold)):
            out += [f"{sign} {p.name}: {p.text[max(0, o - 25) : o]!r}|{p.text[o : o + 15]!r}"
                    for o in sorted(offs)]  # fmt: skip
    return out
