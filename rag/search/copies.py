""" "Also reported by": the other outlets of a syndicated story, on hits and citations.

Retrieval keeps one copy per story (rag.search.retriever); this names the copies it left out.
"""

from __future__ import annotations

from dataclasses import replace

from rag.index.catalog import Catalog
from rag.records import Answer, Hit, Outlet


def _outlets(catalog: Catalog, doc_ids: set[str]) -> dict[str, tuple[Outlet, ...]]:
    copies = catalog.copies(doc_ids) if doc_ids else {}
    return {d: tuple(Outlet(**m) for m in members) for d, members in copies.items()}


def hits_with_copies(catalog: Catalog, hits: list[Hit]) -> list[Hit]:
    """``hits`` with ``also_reported_by`` filled from their stories."""
    outlets = _outlets(catalog, {h.doc_id for h in hits})
    return [replace(h, also_reported_by=outlets[h.doc_id]) if outlets.get(h.doc_id) else h
            for h in hits]  # fmt: skip


def answer_with_copies(catalog: Catalog, answer: Answer) -> Answer:
    """``answer`` whose citations (and hits) name the other outlets of their stories."""
    ids = {c.doc_id for c in answer.citations} | {h.doc_id for h in answer.hits}
    outlets = _outlets(catalog, ids)
    if not any(outlets.values()):
        return answer
    citations = [replace(c, also_reported_by=outlets.get(c.doc_id, ())) for c in answer.citations]
    hits = [replace(h, also_reported_by=outlets.get(h.doc_id, ())) for h in answer.hits]
    return replace(answer, citations=citations, hits=hits)
