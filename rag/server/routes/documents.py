"""``/health`` (open to load balancers) and the list and removal of ingested articles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from rag import __version__
from rag.assistant import Assistant


def public_router(assistant: Assistant) -> APIRouter:
    """The routes answered without the API key: ``GET /health``.

    Args:
        assistant: the assistant the app serves.

    Returns:
        The router, to include without the key check.
    """
    routes = APIRouter()

    @routes.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "documents": len(assistant.documents()), "version": __version__}

    return routes


def router(assistant: Assistant) -> APIRouter:
    """``GET /documents`` and ``DELETE /documents/{doc_id}``, served by ``assistant``."""
    routes = APIRouter()

    @routes.get("/documents")
    def documents() -> dict[str, Any]:
        return {"documents": assistant.documents()}

    @routes.delete("/documents/{doc_id:path}")
    def delete(doc_id: str) -> dict[str, Any]:
        if not assistant.delete_document(doc_id):
            raise HTTPException(404, f"no document with doc_id {doc_id!r}")
        return {"deleted": doc_id}

    return routes
