"""OpenAI-compatible ``/v1/models`` and ``/v1/chat/completions``: answers keep their [n] markers."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from rag.assistant import Assistant
from rag.errors import QueryError
from rag.records import Answer
from rag.server.schemas import MODEL_ID, ChatRequest
from rag.text.stream import stream_pieces


def router(assistant: Assistant) -> APIRouter:
    """``GET /v1/models`` and ``POST /v1/chat/completions``, served by ``assistant``."""
    routes = APIRouter()

    @routes.get("/v1/models")
    def models() -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "newsrag"}],
        }

    @routes.post("/v1/chat/completions", response_model=None)
    def chat(req: ChatRequest) -> dict[str, Any] | StreamingResponse:
        turns = [{"role": m.role, "content": _content(m.content)} for m in req.messages
                 if m.role in ("user", "assistant")]  # fmt: skip
        if not turns or turns[-1]["role"] != "user":
            raise QueryError("the last message must come from the user")
        answer = assistant.ask(turns[-1]["content"], turns[:-1])
        return chat_completion(answer, req.model, req.stream)

    return routes


def _content(content: str | list[dict[str, Any]] | None) -> str:
    """Text of an OpenAI message content (a string or a list of typed parts)."""
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if p.get("type") == "text")
    return content or ""


def chat_completion(answer: Answer, model: str, stream: bool) -> dict[str, Any] | StreamingResponse:
    """An OpenAI chat completion whose text keeps the [n] markers, plus a `citations` list.

    Args:
        answer: the answer to send.
        model: the model name the client asked for (echoed back).
        stream: whether to send ``chat.completion.chunk`` server-sent events.

    Returns:
        The completion as a JSON body, or the event stream.
    """
    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    citations = [c.to_dict() for c in answer.citations]
    short = answer.short.to_dict() if answer.short else None
    if not stream:
        return {
            "id": cid, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": answer.text}}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "citations": citations, "abstained": answer.abstained, "reason": answer.reason,
            "short": short,
        }  # fmt: skip

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(body)}\n\n"

    def events() -> Iterator[str]:
        yield chunk({"role": "assistant", "content": ""})
        for piece in stream_pieces(answer.text):
            yield chunk({"content": piece})
        yield chunk({}, "stop", citations=citations, abstained=answer.abstained,
                    reason=answer.reason, short=short)  # fmt: skip
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")
