"""Syndicated copies: near-duplicate articles (one wire story under several outlets' URLs,
with different boilerplate) found with MinHash/LSH and grouped into one story.

Each article gets a MinHash signature of its word shingles; an LSH index finds the articles
whose estimated Jaccard similarity reaches `THRESHOLD`, and a new copy joins the story of its
closest match. Retrieval then keeps one copy per story and citations name the other outlets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
from datasketch import MinHash, MinHashLSH

if TYPE_CHECKING:
    from rag.index.catalog import Catalog

# 128 permutations: the Jaccard estimate's standard error is ~0.04 at J=0.5 (1/sqrt(128)
# scaled), well inside the gap between copies and distinct stories on the labelled pairs.
NUM_PERM = 128
# Shingle length in words and the grouping threshold, measured on labelled pairs by
# ``evals/syndication/measure.py``: the most dev recall at dev precision >= 0.98 (a wrong grouping
# hides another outlet's article). Dev: precision 0.995, recall 0.991 (213 copies, 284 others);
# the frozen test split, reported apart: 0.994 / 1.000. See evals/syndication/README.md.
SHINGLE_WORDS = 2
THRESHOLD = 0.2
# Every signature must use the same permutations and hash scheme to be comparable; the scheme
# is pinned so that stored signatures stay valid if datasketch changes its default.
_SEED = 1
_SCHEME = "affine32"
_DTYPE = np.uint32  # affine32 hash values

# What stored signatures depend on: a change makes the index compute them again.
SIGNATURE_KIND = f"{SHINGLE_WORDS}|{NUM_PERM}|{_SEED}|{_SCHEME}"

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The set of ``size``-word shingles of ``text``, lowercased, punctuation ignored.

    Args:
        text: an article's text.
        size: words per shingle.

    Returns:
        UTF-8 encoded shingles (a text shorter than ``size`` words is one shingle).
    """
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def signature(text: str, size: int = SHINGLE_WORDS) -> MinHash:
    """The MinHash signature of ``text``'s shingles."""
    mh = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)
    mh.update_batch(list(shingles(text, size)))
    return mh


def to_bytes(mh: MinHash) -> bytes:
    """A signature as bytes, for the catalog."""
    return np.asarray(mh.hashvalues, dtype=_DTYPE).tobytes()


def from_bytes(data: bytes) -> MinHash:
    """A signature stored by `to_bytes`."""
    values = np.frombuffer(data, _DTYPE)
    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME, hashvalues=values)


class Stories:
    """Which article belongs to which story, with an LSH index to place new copies.

    Args:
        threshold: estimated Jaccard similarity at which two articles are one story.
    """

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._sigs: dict[str, MinHash] = {}
        self.story: dict[str, str] = {}

    @classmethod
    def load(cls, rows: Iterable[tuple[str, str, bytes]], threshold: float = THRESHOLD) -> Stories:
        """Stories from catalog rows ``(doc_id, story, signature bytes)``."""
        stories = cls(threshold)
        for doc_id, story, sig in rows:
            stories._insert(doc_id, from_bytes(sig), story)
        return stories

    def add(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        """Catalog rows ``(doc_id, story, signature bytes)`` another writer committed."""
        for doc_id, story, sig in rows:
            if self.story.get(doc_id) != story:
                self.remove(doc_id)
                self._insert(doc_id, from_bytes(sig), story)

    def _insert(self, doc_id: str, mh: MinHash, story: str) -> None:
        self._lsh.insert(doc_id, mh)
        self._sigs[doc_id] = mh
        self.story[doc_id] = story

    def remove(self, doc_id: str) -> None:
        """Forget an article (removed, or about to be placed again after an update)."""
        if doc_id in self._sigs:
            self._lsh.remove(doc_id)
            del self._sigs[doc_id], self.story[doc_id]

    def matches(self, mh: MinHash, exclude: str | None = None) -> list[tuple[str, float]]:
        """Articles whose estimated similarity to ``mh`` reaches the threshold, best first."""
        found = []
        for other in self._lsh.query(mh):
            if other == exclude:
                continue
            score = float(mh.jaccard(self._sigs[other]))
            # LSH returns candidates near the threshold too; the estimate decides.
            if score >= self.threshold:
                found.append((other, score))
        return sorted(found, key=lambda p: (-p[1], p[0]))

    def place(self, doc_id: str, mh: MinHash) -> str:
        """Add an article and return its story: its closest copy's story, else its own id."""
        self.remove(doc_id)
        found = self.matches(mh)
        story = self.story[found[0][0]] if found else doc_id
        self._insert(doc_id, mh, story)
        return story


class StoryPlacer:
    """The story index of a data directory, kept in memory between ingest runs.

    Loading every signature and building the LSH costs seconds at 10k articles (3.5 s here),
    so a process keeps it while the catalog's generation says nobody else changed the index;
    a run that did not finish, or another writer, makes the next run load it again.

    Args:
        catalog: where signatures are stored; those of another shingling (`SIGNATURE_KIND`)
            are dropped, and articles without one are placed first (indexes from before).
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._stories: Stories | None = None
        self._generation: int | None = None  # the catalog's, when the last run committed
        self._check = True
        self._others = False  # another writer committed during this run

    def begin(self) -> None:
        """A run starts: before placing anything, make sure the index is still current."""
        self._check, self._others = True, False

    def absorb(self) -> None:
        """Another writer committed during this run: its articles join the index kept in
        memory, so this run groups its next articles with them; the next run loads the index
        again (what the other removed is still in this one)."""
        self._others = True
        if self._stories is not None:
            self._stories.add(self.catalog.stories.rows())

    def finish(self) -> None:
        """The run committed every article it placed: the index matches the catalog (a run
        that placed nothing leaves the check to the next one: it may have removed articles)."""
        if self._stories is not None and not self._check and not self._others:
            self._generation = self.catalog.generation

    def place(self, doc_id: str, text: str) -> tuple[str, bytes]:
        """``(story id, signature bytes)`` of a new or changed article, for the catalog."""
        mh = signature(text)
        return self._load().place(doc_id, mh), to_bytes(mh)

    def remove(self, doc_id: str) -> None:
        """An article the run removed from the catalog leaves the index kept in memory."""
        if self._stories is not None:
            self._stories.remove(doc_id)

    def _load(self) -> Stories:
        if self._check:
            self._check = False
            current = self.catalog.get_meta("stories") == SIGNATURE_KIND
            if not current or self.catalog.generation != self._generation:
                self._stories = None
            self._generation = None  # until `finish` says this run committed its placings
        if self._stories is None:
            catalog = self.catalog
            if catalog.get_meta("stories") != SIGNATURE_KIND:
                catalog.stories.clear()  # another shingling: every article is placed anew
                catalog.set_meta("stories", SIGNATURE_KIND)
            self._stories = Stories.load(catalog.stories.rows())
            missing = catalog.texts(catalog.stories.unstoried())
            rows = {}
            for doc_id in sorted(missing):
                mh = signature(missing[doc_id])
                rows[doc_id] = (self._stories.place(doc_id, mh), to_bytes(mh))
            if rows:
                catalog.stories.set(rows)
        return self._stories
