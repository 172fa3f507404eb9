"""``/feeds`` and ``/sync``: follow feeds and fetch them from the REST API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from rag.assistant import Assistant
from rag.errors import FeedError

# SQLite integers are 64-bit: a larger id would overflow the query instead of being a 404.
FeedId = Annotated[int, Field(ge=1, le=2**62)]


class FeedRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000, examples=["https://example.com/rss.xml"])
    name: str | None = Field(None, max_length=100)
    every: str | None = Field(None, max_length=20, examples=["30m"])
    sync: bool = Field(False, description="Fetch the feed now and index its articles.")


class SyncRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    feeds: list[FeedId] | None = Field(None, max_length=1000, description="Feed ids (default: due)")
    all: bool = Field(False, description="Sync every feed, due or not.")


def router(assistant: Assistant) -> APIRouter:
    """``POST /feeds``, ``GET /feeds``, ``DELETE /feeds/{id}`` and ``POST /sync``."""
    routes = APIRouter()

    @routes.get("/feeds")
    def feeds() -> dict[str, Any]:
        return {"feeds": assistant.feeds()}

    @routes.post("/feeds", status_code=201)
    def add(body: FeedRequest) -> dict[str, Any]:
        try:
            feed = assistant.add_feed(body.url, body.name, body.every)
        except FeedError as exc:  # the one FeedError add_feed raises: already a feed
            raise HTTPException(409, str(exc)) from None
        out: dict[str, Any] = {"feed": feed}
        if body.sync:
            out["sync"] = assistant.sync([feed["id"]]).to_dict()
            out["feed"] = next(f for f in assistant.feeds() if f["id"] == feed["id"])
        return out

    @routes.delete("/feeds/{feed_id}")
    def remove(feed_id: Annotated[int, PathParam(ge=1, le=2**62)]) -> dict[str, Any]:
        try:
            return {"removed": assistant.remove_feed(feed_id)}
        except FeedError as exc:
            raise HTTPException(404, str(exc)) from None

    @routes.post("/sync")
    def sync(body: SyncRequest | None = None) -> dict[str, Any]:
        feed_ids, force = (body.feeds, body.all) if body is not None else (None, False)
        try:
            return assistant.sync(feed_ids, force=force).to_dict()
        except FeedError as exc:  # an unknown feed id
            raise HTTPException(404, str(exc)) from None

    return routes
