"""The API's error edge: every failure answers ``{"error": {"type", "message"}}``, no traceback."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag.errors import (
    ConfigError,
    FeedError,
    IngestCancelledError,
    IngestLockedError,
    QueryError,
    RagError,
    StoreError,
)

# Library errors not listed here are the caller's fault: 400.
_STATUS = {
    QueryError: 400,
    ConfigError: 400,
    FeedError: 400,
    IngestLockedError: 409,
    StoreError: 503,
    IngestCancelledError: 503,  # the server is shutting down (or the client left)
}
log = logging.getLogger(__name__)


def error_response(
    status: int, kind: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The JSON error body every failure answers with.

    Args:
        status: the HTTP status.
        kind: ``error.type``: the library error's class name, or a generic kind.
        message: ``error.message``, safe to show the client.
        headers: extra response headers.

    Returns:
        The response, ``{"error": {"type": kind, "message": message}}``.
    """
    body = {"error": {"type": kind, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def add_error_handlers(app: FastAPI) -> None:
    """Answer library, HTTP, validation and unexpected errors with the JSON error body.

    Args:
        app: the application to install the handlers on.
    """

    @app.exception_handler(RagError)
    async def rag_error(_: Request, exc: RagError) -> JSONResponse:
        return error_response(_STATUS.get(type(exc), 400), type(exc).__name__, str(exc))

    # Starlette's base class: routing errors (404, 405) come through here too.
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, "http_error", str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(x) for x in e['loc'][1:]) or 'body'}: {e['msg']}"
                 for e in exc.errors()]  # fmt: skip
        return error_response(422, "invalid_request", "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal_error", f"internal error ({type(exc).__name__})")
