"""``POST /ask`` (one JSON answer) and ``POST /ask/stream`` (server-sent events)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from rag.assistant import Assistant
from rag.records import Answer
from rag.server.schemas import AskRequest


def router(assistant: Assistant) -> APIRouter:
    """``POST /ask`` and ``POST /ask/stream``, served by ``assistant``."""
    routes = APIRouter()

    @routes.post("/ask")
    def ask(req: AskRequest) -> dict[str, Any]:
        history = [t.model_dump() for t in req.history]
        return assistant.ask(req.question, history, req.top_k, req.sources, req.date_from,
                             req.date_to, req.mode).to_dict()  # fmt: skip

    @routes.post("/ask/stream")
    def ask_stream(req: AskRequest) -> StreamingResponse:
        history = [t.model_dump() for t in req.history]
        # Input errors raise here, as 4xx, before the stream starts; backend failures end the
        # stream with the extractive answer and a notice instead.
        items = assistant.ask_stream(req.question, history, req.top_k, req.sources,
                                     req.date_from, req.date_to, req.mode)  # fmt: skip
        first = next(items)  # retrieval runs here, so its errors are 4xx/503 too
        return StreamingResponse(_events(itertools.chain([first], items)),
                                 media_type="text/event-stream")  # fmt: skip

    return routes


def _events(items: Iterator[str | Answer]) -> Iterator[str]:
    """Server-sent events: ``delta`` per piece of text, then ``answer``, then ``done``."""
    # In LLM mode deltas are the model's raw tokens; the answer event is the verified text,
    # which can differ (markers renumbered, unsupported sentences flagged).
    for item in items:
        if isinstance(item, Answer):
            yield f"event: answer\ndata: {json.dumps(item.to_dict())}\n\n"
        else:
            yield f"event: delta\ndata: {json.dumps({'text': item})}\n\n"
    yield "event: done\ndata: {}\n\n"
