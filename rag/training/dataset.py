"""Training and evaluation examples for the reader: retrieved candidates labelled by gold spans.

Each labelled question (``evals/reader/*.jsonl``) is asked of a real index the way `ask` asks
it (follow-ups condensed, hybrid retrieval); every candidate sentence of the top passages is
labelled 1 when it overlaps a gold answer span, so negatives are the hard ones the reader
really meets.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.answer.followup import condense
from rag.reader.features import (
    SENTENCE_FEATURES,
    Candidate,
    candidates,
    read_features,
    sentence_features,
)
from rag.records import Hit, Quote

if TYPE_CHECKING:
    from rag.assistant import Assistant

logger = logging.getLogger(__name__)
_OVERLAP = 0.5  # a candidate counts as gold when half of it (or of the gold span) is covered


@dataclass
class Example:
    """One question with its retrieved candidates, their labels and base features."""

    qid: str
    kind: str
    question: str
    query: str
    answerable: bool
    cands: list[Candidate]
    hits: list[Hit]
    labels: np.ndarray  # 1 per candidate that overlaps a gold span
    cosines: np.ndarray
    features: np.ndarray  # `SENTENCE_FEATURES`
    history: list[dict[str, str]] = field(default_factory=list)
    # Per candidate: the short answer's (start, end) inside its text, else (-1, -1).
    shorts: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int32))
    decoys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))  # same-type traps
    answer_type: str | None = None
    short_texts: list[str] = field(default_factory=list)  # every gold short answer
    tags: list[str] = field(default_factory=list)
    key: str = ""  # `row_key` of the labelled row it was collected from (the cache's key)
    # Filled by `make reader`: the candidates the span model read, their margins and spans.
    read: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    margins: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    span_chars: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int32))
    tuned: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # of ``read``

    def final_features(self) -> np.ndarray:
        """`FINAL_FEATURES`: the first-stage features plus the second stage's readings."""
        tuned = self.tuned if len(self.tuned) == len(self.read) else np.zeros(len(self.read))
        extra = read_features(tuned, self.margins, self.read, len(self.cands))
        return np.hstack([self.features, extra])


def row_key(row: dict[str, Any]) -> str:
    """What an example's cached candidates depend on: its labelled row and the feature set."""
    blob = json.dumps([row, SENTENCE_FEATURES], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _short_in(c: Candidate, shorts: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """The first short-answer span lying inside the candidate, relative to its text."""
    q = c.quote
    for s in shorts:
        if s["doc_id"] == q.doc_id and q.start <= s["start"] and s["end"] <= q.end:
            return s["start"] - q.start, s["end"] - q.start
    return -1, -1


def overlaps(c: Candidate, gold: Iterable[dict[str, Any]]) -> bool:
    """Whether the candidate is a gold sentence: it shares at least half of itself (or of a
    gold span) with one of ``gold``."""
    q = c.quote
    for g in gold:
        if g["doc_id"] != q.doc_id:
            continue
        shared = min(q.end, g["end"]) - max(q.start, g["start"])
        if shared > 0 and shared >= _OVERLAP * min(q.end - q.start, g["end"] - g["start"]):
            return True
    return False


def collect(
    assistant: Assistant, rows: list[dict[str, Any]], top_k: int | None = None
) -> list[Example]:
    """Ask every row's question of ``assistant``'s index and label the candidates.

    Args:
        assistant: an assistant whose index holds the rows' articles.
        rows: labelled questions (``question``, ``gold``, ``unanswerable``, ``tags``...).
        top_k: passages retrieved per question (default: the assistant's, as `ask` does).

    Returns:
        One `Example` per row, in order.
    """
    idf = assistant.index.lexical.idf
    lengths: dict[str, int] = {}

    def doc_length(doc_id: str) -> int:
        if doc_id not in lengths:
            lengths[doc_id] = len(assistant.document_text(doc_id) or "")
        return lengths[doc_id]

    out = []
    for row in rows:
        history = row.get("history") or []
        query = condense(row["question"], history)
        hits = assistant.retrieve(query, top_k)
        cands = candidates(hits)
        embedder = assistant.index.embedder
        vq = embedder.encode_query(query)
        cos = embedder.encode([c.quote.text for c in cands]) @ vq if cands else np.zeros(0)
        feats = sentence_features(row["question"], query, cands, cos, idf, doc_length)
        labels = np.array([overlaps(c, row.get("gold") or []) for c in cands], np.int8)
        shorts = row.get("short") or []
        out.append(
            Example(
                row["id"], (row.get("tags") or ["other"])[0], row["question"], query,
                not row.get("unanswerable", False), cands, hits, labels, cos, feats, history,
                np.array([_short_in(c, shorts) for c in cands], np.int32).reshape(-1, 2),
                np.array([overlaps(c, row.get("decoy") or []) for c in cands], np.int8),
                row.get("answer_type"), [s["text"] for s in shorts], list(row.get("tags") or []),
                row_key(row),
            )
        )  # fmt: skip
    return out


def _quote_dict(q: Quote) -> dict[str, Any]:
    return dict(q.__dict__)


def save(examples: list[Example], path: Path) -> None:
    """Write examples as JSON lines (a cache for `make reader`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for e in examples:
            f.write(
                json.dumps(
                    {
                        "qid": e.qid,
                        "kind": e.kind,
                        "question": e.question,
                        "query": e.query,
                        "answerable": e.answerable,
                        "history": e.history,
                        "cands": [
                            {
                                **_quote_dict(c.quote),
                                "rank": c.rank,
                                "hit_score": c.hit_score,
                                "passage": c.passage,
                            }
                            for c in e.cands
                        ],
                        "hits": [h.to_dict() for h in e.hits],
                        "labels": e.labels.tolist(),
                        "cosines": e.cosines.tolist(),
                        "features": e.features.tolist(),
                        "shorts": e.shorts.tolist(),
                        "decoys": e.decoys.tolist(),
                        "answer_type": e.answer_type,
                        "short_texts": e.short_texts,
                        "tags": e.tags,
                        "key": e.key,
                    },
                    ensure_ascii=False,
                )  # fmt: skip
                + "\n"
            )


def load(path: Path) -> list[Example]:
    """Read examples written by `save`."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        cands = []
        for c in d["cands"]:
            rank, score, passage = c.pop("rank"), c.pop("hit_score"), c.pop("passage")
            cands.append(Candidate(Quote(**c), rank, score, passage))
        hits = [Hit.from_dict(h) for h in d["hits"]]
        n = len(cands)
        out.append(
            Example(
                d["qid"], d["kind"], d["question"], d["query"], d["answerable"], cands, hits,
                np.array(d["labels"], np.int8), np.array(d["cosines"], float),
                np.array(d["features"], np.float32).reshape(n, len(SENTENCE_FEATURES)),
                d["history"],
                np.array(d["shorts"], np.int32).reshape(n, 2), np.array(d["decoys"], np.int8),
                d["answer_type"], d["short_texts"], d["tags"], d.get("key", ""),
            )
        )  # fmt: skip
    return out
