"""``POST /search``: the chunks hybrid retrieval finds for a query."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from rag.assistant import Assistant
from rag.server.schemas import SearchRequest


def router(assistant: Assistant) -> APIRouter:
    """``POST /search``, served by ``assistant``."""
    routes = APIRouter()

    @routes.post("/search")
    def search(req: SearchRequest) -> dict[str, Any]:
        hits = assistant.retrieve(req.query, req.top_k, req.sources, req.date_from, req.date_to)
        return {"hits": [h.to_dict() for h in hits]}

    return routes
