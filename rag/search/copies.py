""" "Also reported by": the other outlets of a syndicated story, on hits and citations.

Retrieval keeps one copy per story (rag.search.retriever); this names the copies it left out,
and only those whose own text holds the quoted sentence (or the hit's passage) word for word:
a copy that changed a figure, or an outlet that never printed an injected sentence, is not
named as carrying it.
"""

from __future__ import annotations

from dataclasses import replace

from rag.index.catalog import Catalog
from rag.records import Answer, Hit, Outlet
from rag.text.facts import held_in, passage_pieces


class _Copies:
    """The other articles of the stories of some doc ids, with their texts read once."""

    def __init__(self, catalog: Catalog, doc_ids: set[str]) -> None:
        self.members = catalog.stories.copies(doc_ids) if doc_ids else {}
        ids = {m["doc_id"] for ms in self.members.values() for m in ms}
        self.texts = catalog.texts(ids) if ids else {}

    def carrying(self, doc_id: str, passage: str, headline: str = "") -> tuple[Outlet, ...]:
        """The outlets of ``doc_id``'s story whose copy holds ``passage`` (see `holds`)."""
        members = self.members.get(doc_id, [])
        if not members:
            return ()
        pieces = passage_pieces(passage, headline)  # once, not once per copy
        return tuple(Outlet(**m) for m in members
                     if held_in(self.texts.get(m["doc_id"], ""), pieces))  # fmt: skip

    def of_hit(self, hit: Hit) -> tuple[Outlet, ...]:
        return self.carrying(hit.doc_id, hit.text, hit.title if hit.start == 0 else "")


def hits_with_copies(catalog: Catalog, hits: list[Hit]) -> list[Hit]:
    """``hits`` with ``also_reported_by`` filled from their stories."""
    copies = _Copies(catalog, {h.doc_id for h in hits})
    if not any(copies.members.values()):
        return hits
    return [replace(h, also_reported_by=copies.of_hit(h)) for h in hits]


def answer_with_copies(catalog: Catalog, answer: Answer) -> Answer:
    """``answer`` whose citations (and hits) name the other outlets that carried them."""
    copies = _Copies(
        catalog, {c.doc_id for c in answer.citations} | {h.doc_id for h in answer.hits}
    )
    if not any(copies.members.values()):
        return answer
    citations = [replace(c, also_reported_by=copies.carrying(c.doc_id, c.quote))
                 for c in answer.citations]  # fmt: skip
    hits = [replace(h, also_reported_by=copies.of_hit(h)) for h in answer.hits]
    return replace(answer, citations=citations, hits=hits)
