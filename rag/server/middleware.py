"""ASGI guards in front of the API: the API key, the body's deadline and its size limit.

They decide from the headers, or while the body arrives, before any route reads it.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag.server.errors import error_response

PUBLIC_PATHS = frozenset({"/health"})  # answered without the API key (load balancers probe it)
UNAUTHORIZED = "missing or wrong API key (Authorization: Bearer ...)"
# Module level: FastAPI resolves the (string) annotations of dependencies in this namespace.
_BEARER = HTTPBearer(auto_error=False)


def key_matches(token: bytes, key: bytes) -> bool:
    """Whether a bearer token is the key: non-empty and equal, compared in constant time."""
    # Bytes, not str: compare_digest raises TypeError on non-ASCII str (a 500 before).
    return bool(token) and secrets.compare_digest(token, key)


def bearer_auth(api_key: str | None) -> Callable[..., None]:
    """A route dependency checking ``Authorization: Bearer api_key`` (no check when None).

    `ApiKeyGate` has already refused requests without the key; this dependency also puts the
    bearer scheme into the OpenAPI schema, so clients and the docs know to send it.

    Args:
        api_key: the key, or None when the API is served without one.

    Returns:
        The dependency, for ``Depends``.
    """
    key = api_key.encode("utf-8") if api_key is not None else None

    def auth(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]) -> None:
        # Constant-time, on bytes (Starlette decodes headers as latin-1); the key itself never
        # appears in a message.
        if key is None:
            return
        token = creds.credentials.encode("latin-1") if creds else b""
        if not key_matches(token, key):
            raise HTTPException(401, UNAUTHORIZED)

    return auth


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
        await error_response(401, "http_error", UNAUTHORIZED, headers)(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.partition(b" ")
                return scheme.lower() == b"bearer" and key_matches(token.strip(), self.key)
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
                # FastAPI re-raises an HTTPException from reading the body; the error handler
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
        too_big = error_response(413, "payload_too_large", f"request body over {limit} bytes")
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
