"""REST API: search, ask (JSON and server-sent events), ingest, documents, OpenAI-compatible chat.

The edge for HTTP clients: library errors become 4xx JSON bodies ``{"error": {"type",
"message"}}``; nothing answers with a traceback. With an API key every path but ``/health``
(the docs and the schema too) needs ``Authorization: Bearer KEY``, checked before any body is
read.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import secrets
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, Literal

import anyio
import uvicorn
from fastapi import Depends, FastAPI, File, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag import __version__
from rag.answer.extractive import stream_pieces
from rag.assistant import Assistant
from rag.errors import (
    ConfigError,
    IngestCancelledError,
    IngestLockedError,
    QueryError,
    RagError,
    StoreError,
)
from rag.index.uploads import OnConflict, UploadResult
from rag.records import Answer, IngestReport

MODEL_ID = "newsrag-extractive"
JSON_BODY_LIMIT = 1024 * 1024
# Seconds from a request's headers until its body must be complete (else 408): the largest
# upload (10 files of RAG_MAX_FILE_MB, 50 MB by default) takes 40 s at 10 Mbit/s; a client
# that trickles bytes cannot hold a request open longer than this.
BODY_TIMEOUT = 60.0
# A `sources` item is a substring of a doc_id, path or URL: 200 characters covers any worth
# filtering on; much longer ones (100 kB) overflowed SQLite's LIKE pattern limit (a 500).
SOURCE_CHARS = 200
PUBLIC_PATHS = frozenset({"/health"})  # answered without the API key (load balancers probe it)
UNAUTHORIZED = "missing or wrong API key (Authorization: Bearer ...)"
# Module level: FastAPI resolves the (string) annotations of dependencies in this namespace.
_BEARER = HTTPBearer(auto_error=False)
_STATUS = {
    QueryError: 400,
    ConfigError: 400,
    IngestLockedError: 409,
    StoreError: 503,
    IngestCancelledError: 503,  # the server is shutting down (or the client left)
}
_DISCONNECT_POLL_SECONDS = 0.5  # how soon an upload's ingest notices its client has gone

log = logging.getLogger(__name__)
SourceItem = Annotated[str, Field(max_length=SOURCE_CHARS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Turn(_Strict):
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=100_000)


class SearchRequest(_Strict):
    query: str = Field(min_length=1, max_length=2000, examples=["Philadelphi Corridor"])
    top_k: int = Field(5, ge=1, le=100)
    sources: list[SourceItem] | None = Field(None, max_length=50)
    date_from: str | None = Field(None, max_length=40)
    date_to: str | None = Field(None, max_length=40)


class AskRequest(_Strict):
    question: str = Field(
        min_length=1, max_length=2000, examples=["What is disputed about the Philadelphi Corridor?"]
    )
    history: list[Turn] = Field(default_factory=list, max_length=100)
    top_k: int | None = Field(None, ge=1, le=100)
    sources: list[SourceItem] | None = Field(None, max_length=50)
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


def _error(
    status: int, kind: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"type": kind, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def _key_matches(token: bytes, key: bytes) -> bool:
    # Bytes, not str: compare_digest raises TypeError on non-ASCII str (a 500 before).
    return bool(token) and secrets.compare_digest(token, key)


class ApiKeyGate:
    """Answer 401 unless ``Authorization: Bearer <key>``; ``PUBLIC_PATHS`` stay open.

    Pure ASGI and outermost, so it decides from the headers alone: an unauthenticated upload
    is refused before any of its body is read, and the docs and schema are guarded too.
    """

    def __init__(self, app: ASGIApp, api_key: str) -> None:
        self.app, self.key = app, api_key.encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        # Connection: close makes uvicorn drop the connection rather than read on through an
        # unwanted request body.
        headers = {"WWW-Authenticate": "Bearer", "Connection": "close"}
        await _error(401, "http_error", UNAUTHORIZED, headers)(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.partition(b" ")
                return scheme.lower() == b"bearer" and _key_matches(token.strip(), self.key)
        return False


class BodyDeadline:
    """Answer 408 when a request body is not complete ``seconds`` after the request began.

    uvicorn closes idle keep-alive connections but never times out a body that trickles in;
    this bounds how long a slow client holds a request (and its worker) open.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.seconds
        body_done = False

        async def timed() -> Message:
            nonlocal body_done
            if body_done:  # later calls wait for a disconnect (streaming responses): no limit
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0.0))
            except TimeoutError:
                # FastAPI re-raises an HTTPException from reading the body; the handler below
                # turns it into the JSON error, and Connection: close ends the slow upload.
                raise HTTPException(
                    408, f"request body not received within {self.seconds:g} s",
                    headers={"Connection": "close"},
                ) from None  # fmt: skip
            body_done = message["type"] != "http.request" or not message.get("more_body")
            return message

        await self.app(scope, timed, send)


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


def create_app(
    assistant: Assistant, api_key: str | None = None, body_timeout: float = BODY_TIMEOUT
) -> FastAPI:
    """The FastAPI application serving ``assistant``.

    Args:
        assistant: a ready `Assistant` (shared by all requests; it is thread-safe).
        api_key: when set, every path but ``/health`` (``/docs``, ``/redoc`` and
            ``/openapi.json`` included) needs ``Authorization: Bearer KEY``.
        body_timeout: seconds a request's body may take to arrive before a 408.

    Returns:
        The ASGI app; run it with uvicorn (``rag serve``).

    Raises:
        ConfigError: ``api_key`` is empty (it would accept an empty token).
    """
    if api_key == "":
        raise ConfigError("api_key is empty; pass None to serve without a key")
    app = FastAPI(title="newsrag", version=__version__,
                  description="Cited answers from news articles.")  # fmt: skip
    upload_limit = int(assistant.settings.max_file_bytes * 10) + 65536
    app.add_middleware(
        BodyLimit, limit_for=lambda p: upload_limit if p == "/ingest" else JSON_BODY_LIMIT
    )
    # Added last, so outermost: the key is checked first, then the body's deadline.
    app.add_middleware(BodyDeadline, seconds=body_timeout)
    if api_key is not None:
        app.add_middleware(ApiKeyGate, api_key=api_key)

    def auth(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]) -> None:
        # ApiKeyGate has already refused requests without the key; this check also puts the
        # scheme into the OpenAPI schema. Constant-time, on bytes (Starlette decodes headers
        # as latin-1); the key itself never appears in a message.
        if api_key is None:
            return
        token = creds.credentials.encode("latin-1") if creds else b""
        if not _key_matches(token, api_key.encode("utf-8")):
            raise HTTPException(401, UNAUTHORIZED)

    guarded = [Depends(auth)]

    @app.exception_handler(RagError)
    async def rag_error(_: Request, exc: RagError) -> JSONResponse:
        return _error(_STATUS.get(type(exc), 400), type(exc).__name__, str(exc))

    # Starlette's base class: routing errors (404, 405) come through here too.
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "http_error", str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(x) for x in e['loc'][1:]) or 'body'}: {e['msg']}"
                 for e in exc.errors()]  # fmt: skip
        return _error(422, "invalid_request", "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
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
    async def ingest(
        request: Request,
        files: Annotated[list[UploadFile], File()],
        on_conflict: OnConflict = "replace",
    ) -> dict[str, Any]:
        """Store and index uploaded articles; only this request's files are in the answer.

        ``on_conflict``: ``replace`` (default) makes a file of an existing name its new version;
        ``rename`` keeps both. When the client goes away the upload is undone.
        """
        gone = threading.Event()

        def work() -> tuple[UploadResult, IngestReport]:
            with tempfile.TemporaryDirectory() as tmp:
                saved = []
                for n, f in enumerate(files):
                    path = Path(tmp) / str(n)
                    with path.open("wb") as out:
                        shutil.copyfileobj(f.file, out)
                    saved.append((f.filename or "", path))
                return assistant.add_uploads(saved, on_conflict, should_stop=gone.is_set)

        async def watch(scope: anyio.CancelScope) -> None:
            # The ingest runs in a thread; a client that hangs up should not keep it busy.
            with scope:
                while not await request.is_disconnected():
                    await anyio.sleep(_DISCONNECT_POLL_SECONDS)
                gone.set()

        failure: RagError | None = None
        async with anyio.create_task_group() as group:
            watcher = anyio.CancelScope()
            group.start_soon(watch, watcher)
            try:
                result, report = await anyio.to_thread.run_sync(work)
            except RagError as exc:
                failure = exc  # raised outside the group, which would wrap it in a group
            finally:
                watcher.cancel()
        if failure is not None:
            raise failure
        body = report.to_dict()
        body["rejected"] = [{"file": n, "reason": r} for n, r in result.rejected]
        body["stored"] = [p.name for _, p in result.stored + result.unchanged]
        body["replaced"] = [p.name for p in result.replaced]
        return body

    @app.get("/documents", dependencies=guarded)
    def documents() -> dict[str, Any]:
        return {"documents": assistant.documents()}

    @app.delete("/documents/{doc_id:path}", dependencies=guarded)
    def delete(doc_id: str) -> dict[str, Any]:
        if not assistant.delete_document(doc_id):
            raise HTTPException(404, f"no document with doc_id {doc_id!r}")
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


class StoppingServer(uvicorn.Server):
    """uvicorn's server that, on SIGTERM/SIGINT, also stops the assistant's running ingests.

    uvicorn waits for open requests before it exits; an upload's ingest runs in a worker
    thread that only stops when told, so without this a shutdown waits for the whole upload.
    """

    def __init__(self, config: uvicorn.Config, assistant: Assistant) -> None:
        super().__init__(config)
        self.assistant = assistant

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.assistant.interrupt()
        super().handle_exit(sig, frame)
