"""REST API: search, ask (JSON and server-sent events), ingest, documents, OpenAI-compatible chat.

The edge for HTTP clients: library errors become 4xx JSON bodies ``{"error": {"type",
"message"}}``; nothing answers with a traceback.
"""

from __future__ import annotations

import itertools
import json
import secrets
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag import __version__
from rag.answer import stream_pieces
from rag.assistant import Assistant
from rag.errors import ConfigError, IngestLockedError, QueryError, RagError, StoreError
from rag.records import Answer

MODEL_ID = "newsrag-extractive"
JSON_BODY_LIMIT = 1024 * 1024
# Module level: FastAPI resolves the (string) annotations of dependencies in this namespace.
_BEARER = HTTPBearer(auto_error=False)
_STATUS = {QueryError: 400, ConfigError: 400, IngestLockedError: 409, StoreError: 503}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Turn(_Strict):
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=100_000)


class SearchRequest(_Strict):
    query: str = Field(min_length=1, max_length=2000, examples=["Philadelphi Corridor"])
    top_k: int = Field(5, ge=1, le=100)
    sources: list[str] | None = Field(None, max_length=50)
    date_from: str | None = Field(None, max_length=40)
    date_to: str | None = Field(None, max_length=40)


class AskRequest(_Strict):
    question: str = Field(
        min_length=1, max_length=2000, examples=["What is disputed about the Philadelphi Corridor?"]
    )
    history: list[Turn] = Field(default_factory=list, max_length=100)
    top_k: int | None = Field(None, ge=1, le=100)
    sources: list[str] | None = Field(None, max_length=50)
    date_from: str | None = Field(None, max_length=40)
    date_to: str | None = Field(None, max_length=40)
    mode: Literal["extractive", "llm"] | None = Field(
        None, description="Answer mode; default: llm when a backend is configured."
    )


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """OpenAI's chat request; sampling fields are accepted and ignored (answers are quotes)."""

    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False


def _error(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message}}, status_code=status)


class BodyLimit:
    """Reject bodies over a limit with 413, whether or not the client sent Content-Length."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app, self.limit_for = app, limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        too_big = _error(413, "payload_too_large", f"request body over {limit} bytes")
        if length and length.isdigit() and int(length) > limit:
            await too_big(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, f"request body over {limit} bytes")
            return message

        await self.app(scope, limited, send)


def create_app(assistant: Assistant, api_key: str | None = None) -> FastAPI:
    """The FastAPI application serving ``assistant``.

    Args:
        assistant: a ready `Assistant` (shared by all requests; it is thread-safe).
        api_key: when set, every endpoint but ``/health`` needs ``Authorization: Bearer KEY``.

    Returns:
        The ASGI app; run it with uvicorn (``rag serve``).
    """
    app = FastAPI(title="newsrag", version=__version__,
                  description="Cited answers from news articles.")  # fmt: skip
    upload_limit = int(assistant.settings.max_file_bytes * 10) + 65536
    app.add_middleware(
        BodyLimit, limit_for=lambda p: upload_limit if p == "/ingest" else JSON_BODY_LIMIT
    )

    def auth(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]) -> None:
        if api_key is None:
            return
        # Constant-time comparison; the key itself never appears in a message.
        if creds is None or not secrets.compare_digest(creds.credentials, api_key):
            raise HTTPException(401, "missing or wrong API key (Authorization: Bearer ...)")

    guarded = [Depends(auth)]

    @app.exception_handler(RagError)
    async def rag_error(_: Request, exc: RagError) -> JSONResponse:
        return _error(_STATUS.get(type(exc), 400), type(exc).__name__, str(exc))

    # Starlette's base class: routing errors (404, 405) come through here too.
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "http_error", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(x) for x in e['loc'][1:]) or 'body'}: {e['msg']}"
                 for e in exc.errors()]  # fmt: skip
        return _error(422, "invalid_request", "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        return _error(500, "internal_error", f"internal error ({type(exc).__name__})")

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "documents": len(assistant.documents()), "version": __version__}

    @app.post("/search", dependencies=guarded)
    def search(req: SearchRequest) -> dict[str, Any]:
        hits = assistant.retrieve(req.query, req.top_k, req.sources, req.date_from, req.date_to)
        return {"hits": [h.to_dict() for h in hits]}

    def _ask(req: AskRequest) -> Answer:
        history = [t.model_dump() for t in req.history]
        return assistant.ask(req.question, history, req.top_k, req.sources, req.date_from,
                             req.date_to, req.mode)  # fmt: skip

    @app.post("/ask", dependencies=guarded)
    def ask(req: AskRequest) -> dict[str, Any]:
        return _ask(req).to_dict()

    @app.post("/ask/stream", dependencies=guarded)
    def ask_stream(req: AskRequest) -> StreamingResponse:
        history = [t.model_dump() for t in req.history]
        # Input errors raise here, as 4xx, before the stream starts; backend failures end the
        # stream with the extractive answer and a notice instead.
        items = assistant.ask_stream(req.question, history, req.top_k, req.sources,
                                     req.date_from, req.date_to, req.mode)  # fmt: skip
        first = next(items)  # retrieval runs here, so its errors are 4xx/503 too

        def events() -> Iterator[str]:
            # In LLM mode deltas are the model's raw tokens; the answer event is the verified
            # text, which can differ (markers renumbered, unsupported sentences flagged).
            for item in itertools.chain([first], items):
                if isinstance(item, Answer):
                    yield f"event: answer\ndata: {json.dumps(item.to_dict())}\n\n"
                else:
                    yield f"event: delta\ndata: {json.dumps({'text': item})}\n\n"
            yield "event: done\ndata: {}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.post("/ingest", dependencies=guarded)
    def ingest(files: Annotated[list[UploadFile], File()]) -> dict[str, Any]:
        from rag.uploads import UPLOADS_DIRNAME, store_uploads

        with tempfile.TemporaryDirectory() as tmp:
            saved = []
            for n, f in enumerate(files):
                path = Path(tmp) / str(n)
                path.write_bytes(f.file.read())
                saved.append((f.filename or "", path))
            result = store_uploads(saved, assistant.data_dir, assistant.settings.max_file_bytes)
        report = assistant.ingest([assistant.data_dir / UPLOADS_DIRNAME], keep_missing=True)
        body = report.to_dict()
        body["rejected"] = [{"file": n, "reason": r} for n, r in result.rejected]
        body["stored"] = [n for n, _ in result.stored + result.unchanged]
        return body

    @app.get("/documents", dependencies=guarded)
    def documents() -> dict[str, Any]:
        return {"documents": assistant.documents()}

    @app.delete("/documents/{doc_id:path}", dependencies=guarded)
    def delete(doc_id: str) -> dict[str, Any]:
        doc = assistant.catalog.document(doc_id)
        if doc is None or not assistant.delete_document(doc_id):
            raise HTTPException(404, f"no document with doc_id {doc_id!r}")
        uploads = (assistant.data_dir / "uploads").resolve()
        source = Path(doc["source"]).resolve()
        if source.is_relative_to(uploads):
            source.unlink(missing_ok=True)  # else the next upload ingest would bring it back
        return {"deleted": doc_id}

    @app.get("/v1/models", dependencies=guarded)
    def models() -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "newsrag"}],
        }

    @app.post("/v1/chat/completions", dependencies=guarded, response_model=None)
    def chat(req: ChatRequest) -> dict[str, Any] | StreamingResponse:
        turns = [{"role": m.role, "content": _content(m.content)} for m in req.messages
                 if m.role in ("user", "assistant")]  # fmt: skip
        if not turns or turns[-1]["role"] != "user":
            raise QueryError("the last message must come from the user")
        answer = assistant.ask(turns[-1]["content"], turns[:-1])
        return _completion(answer, req.model, req.stream)

    return app


def _content(content: str | list[dict[str, Any]] | None) -> str:
    """Text of an OpenAI message content (a string or a list of typed parts)."""
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if p.get("type") == "text")
    return content or ""


def _completion(answer: Answer, model: str, stream: bool) -> dict[str, Any] | StreamingResponse:
    """An OpenAI chat completion whose text keeps the [n] markers, plus a `citations` list."""
    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    citations = [c.to_dict() for c in answer.citations]
    if not stream:
        return {
            "id": cid, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": answer.text}}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "citations": citations, "abstained": answer.abstained,
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
        yield chunk({}, "stop", citations=citations, abstained=answer.abstained)
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")
