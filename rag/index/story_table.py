"""The catalog's story table: which syndicated story each article belongs to.

A part of the `Catalog` (its SQLite file, connection and lock); rag.index.stories computes the
stories.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rag.index.sqlite import SqliteFile


class StoryTable:
    """Story rows ``(doc_id, story, MinHash signature)`` of the catalog's articles.

    Args:
        file: the catalog's SQLite file.
    """

    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def rows(self) -> list[tuple[str, str, bytes]]:
        """``(doc_id, story, MinHash signature bytes)`` of every article (see rag.index.stories)."""
        sql = "SELECT doc_id, story, sig FROM stories WHERE sig IS NOT NULL"
        return [(r[0], r[1], bytes(r[2])) for r in self._file.rows(sql)]

    def set(self, rows: dict[str, tuple[str, bytes]]) -> None:
        """Record ``doc_id -> (story, signature bytes)``."""
        self._file.executemany(
            "INSERT OR REPLACE INTO stories VALUES (?,?,?)",
            [(d, story, sig) for d, (story, sig) in rows.items()],
        )

    def clear(self) -> None:
        """Forget every story (signatures of another shingling must be computed again)."""
        self._file.rows("DELETE FROM stories")

    def story_of(self, doc_id: str) -> tuple[str, bytes] | None:
        """``(story, signature bytes)`` of one article, if it has one."""
        rows = self._file.rows("SELECT story, sig FROM stories WHERE doc_id=?", [doc_id])
        return (rows[0][0], bytes(rows[0][1])) if rows and rows[0][1] is not None else None

    def unstoried(self) -> list[str]:
        """Articles without a story row (indexed before syndicated copies were grouped)."""
        sql = "SELECT doc_id FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM stories)"
        return [r[0] for r in self._file.rows(sql)]

    def of(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """``doc_id -> story`` of these articles (an article never grouped is its own story)."""
        ids = list(set(doc_ids))
        marks = ",".join("?" * len(ids))
        sql = f"SELECT doc_id, story FROM stories WHERE doc_id IN ({marks})"
        found = {r[0]: r[1] for r in self._file.rows(sql, ids)} if ids else {}
        return {d: found.get(d, d) for d in ids}

    def copies(self, doc_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """``doc_id -> the other articles of its story`` (doc_id, title, url, publisher, date)."""
        stories = self.of(doc_ids)
        wanted = sorted(set(stories.values()))
        if not wanted:
            return {}
        sql = (
            "SELECT s.story, d.doc_id, d.title, d.url, d.publisher, d.date FROM stories s "
            f"JOIN documents d USING (doc_id) WHERE s.story IN ({','.join('?' * len(wanted))}) "
            "ORDER BY d.publisher, d.doc_id"
        )
        members: dict[str, list[dict[str, Any]]] = {}
        for r in self._file.rows(sql, wanted):
            member = dict(r)
            members.setdefault(member.pop("story"), []).append(member)
        return {d: [m for m in members.get(s, []) if m["doc_id"] != d] for d, s in stories.items()}
