"""Small typed records passed between pipeline stages and returned to users."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from rag.records.news import DateMention, Disagreement, TimelineEntry

# Only web links reach clients: a loader may read any string as a URL (``javascript:``,
# ``data:``, ``file:``), and REST/OpenAI clients may render it as a link.
_WEB_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def web_url(url: str | None) -> str | None:
    """``url`` stripped when it is an http(s) URL without spaces, else None."""
    url = url.strip() if url else None
    return url if url and _WEB_URL.fullmatch(url) else None


@dataclass(frozen=True)
class Article:
    """One article as read by a loader: its text and what is known about it."""

    doc_id: str
    text: str
    source: str
    title: str = ""
    date: str | None = None  # ISO 8601 date when known: YYYY-MM-DD, YYYY-MM or YYYY
    url: str | None = None
    author: str | None = None
    publisher: str | None = None
    # When a web article was fetched (ISO 8601 UTC); not in the hash: a re-fetch of the same
    # text is not a change.
    fetched: str | None = None

    @property
    def content_hash(self) -> str:
        """Hash of everything that ends up in the index, so metadata edits count as changes."""
        h = hashlib.sha256()
        for part in (self.text, self.title, self.date, self.url, self.author, self.publisher):
            h.update((part or "").encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()


@dataclass(frozen=True)
class Outlet:
    """Another article of the same syndicated story: who else carried it, and where."""

    doc_id: str
    publisher: str | None = None
    url: str | None = None
    title: str | None = None
    date: str | None = None

    @property
    def label(self) -> str:
        """The outlet as shown: the name it claims with the site it came from, since a page's
        own ``og:site_name`` can claim any name ("Wire (wire.example)")."""
        url = web_url(self.url)
        try:
            host = urlsplit(url).hostname if url else None
        except ValueError:  # a malformed IPv6 host: no site to name
            host = None
        if self.publisher and host and host.removeprefix("www.") not in self.publisher.lower():
            return f"{self.publisher} ({host})"
        return self.publisher or host or self.doc_id

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "url": web_url(self.url), "label": self.label}


@dataclass(frozen=True)
class Chunk:
    """A span of an article: ``article.text[start:end] == text``."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the article it comes from."""

    chunk_id: str
    doc_id: str
    title: str
    source: str
    text: str
    start: int
    end: int
    score: float
    date: str | None = None
    url: str | None = None
    dense_score: float | None = None
    bm25_score: float | None = None
    also_reported_by: tuple[Outlet, ...] = ()  # the story's other copies (not retrieved)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Hit:
        """The hit `to_dict` wrote."""
        outlets = tuple(
            Outlet(**{k: v for k, v in o.items() if k != "label"})
            for o in data.get("also_reported_by") or ()
        )
        return cls(**{**data, "also_reported_by": outlets})

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "url": web_url(self.url),
            "also_reported_by": [o.to_dict() for o in self.also_reported_by],
        }


@dataclass(frozen=True)
class Quote:
    """An exact sentence of an article chosen as evidence."""

    doc_id: str
    title: str
    source: str
    text: str
    start: int
    end: int
    score: float
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Citation:
    """Marker ``[marker]`` in an answer, pointing at ``quote == article_text[start:end]``."""

    marker: int
    doc_id: str
    title: str
    source: str
    quote: str
    start: int
    end: int
    score: float
    date: str | None = None
    url: str | None = None
    also_reported_by: tuple[Outlet, ...] = ()  # the same story from other outlets
    dates: tuple[DateMention, ...] = ()  # dates the quote names, resolved (rag.news.dates)
    speaker: str | None = None  # who the quoted claim is attributed to (rag.news.speakers)

    @property
    def outlets(self) -> int:
        """How many outlets carried the quoted sentence: this one and its copies holding it."""
        return 1 + len(self.also_reported_by)

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "url": web_url(self.url),
            "also_reported_by": [o.to_dict() for o in self.also_reported_by],
            "dates": [d.to_dict() for d in self.dates],
            "outlets": self.outlets,
        }


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer and the citation markers that back it."""

    text: str
    markers: tuple[int, ...]
    supported: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "markers": list(self.markers), "supported": self.supported}


# Why an answer abstained or is partial; the text says it in words, this says it to programs.
Reason = Literal["no_evidence", "detail_missing", "nothing_new", "partial", "llm_declined"]
REASONS: tuple[str, ...] = get_args(Reason)
REASON_TEXT: dict[str, str] = {
    "no_evidence": "none of the retrieved passages is about this",
    "detail_missing": "the articles mention the subject but not what was asked",
    "nothing_new": "the articles add nothing to the previous answer",
    "partial": "the articles answer only part of the question",
    "llm_declined": "the language model found no answer in the passages",
}


@dataclass(frozen=True)
class ShortAnswer:
    """The asked name, number, date or place: ``article_text[start:end]``, in quote ``marker``."""

    text: str
    doc_id: str
    start: int
    end: int
    marker: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """An answer whose every sentence ends with [n] markers resolving to `citations`."""

    question: str
    text: str
    citations: list[Citation]
    abstained: bool
    query: str  # the standalone retrieval query (differs from question for follow-ups)
    sentences: list[AnswerSentence] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    mode: str = "extractive"  # which answerer wrote ``text``: "extractive" or "llm"
    notice: str | None = None  # why an LLM answer was replaced or trimmed, for users to see
    draft: str | None = None  # the LLM's raw text before verification (None: no LLM ran)
    reason: Reason | None = None  # why it abstained or is partial (None: a full answer)
    missing: list[str] = field(default_factory=list)  # parts/details the articles don't give
    short: ShortAnswer | None = None  # the asked name, number, date or place, when read
    as_of: str | None = None  # a question about the present: the newest cited article's date
    timeline: list[TimelineEntry] = field(default_factory=list)  # a "how did X unfold" answer
    disagreements: list[Disagreement] = field(default_factory=list)  # figures that differ

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "short": self.short.to_dict() if self.short else None,
            "abstained": self.abstained,
            "query": self.query,
            "mode": self.mode,
            "notice": self.notice,
            "draft": self.draft,
            "reason": self.reason,
            "missing": list(self.missing),
            "as_of": self.as_of,
            "timeline": [t.to_dict() for t in self.timeline],
            "disagreements": [d.to_dict() for d in self.disagreements],
            "citations": [c.to_dict() for c in self.citations],
            "sentences": [s.to_dict() for s in self.sentences],
            "hits": [h.to_dict() for h in self.hits],
        }


@dataclass
class IngestReport:
    """What an ingest did: doc ids per outcome, failures with reasons, and chunk count."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, same as doc_id)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, why not indexed)
    chunks: int = 0  # chunks embedded and written by this run
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)  # load / embed / write

    @property
    def ok(self) -> bool:
        return not self.failed

    def extend(self, other: IngestReport) -> None:
        """Add another run's outcomes to this report (a sync commits feed by feed)."""
        for name in ("added", "updated", "unchanged", "removed", "failed", "duplicates",
                     "skipped"):  # fmt: skip
            getattr(self, name).extend(getattr(other, name))
        self.chunks += other.chunks
        self.seconds += other.seconds
        for stage, seconds in other.stage_seconds.items():
            self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + seconds

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "duplicates": [{"doc_id": d, "same_as": s} for d, s in self.duplicates],
            "skipped": [{"doc_id": d, "reason": r} for d, r in self.skipped],
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
            "stage_seconds": {k: round(v, 3) for k, v in self.stage_seconds.items()},
            "counts": {
                "added": len(self.added),
                "updated": len(self.updated),
                "unchanged": len(self.unchanged),
                "removed": len(self.removed),
                "failed": len(self.failed),
                "skipped": len(self.skipped),
            },
        }
