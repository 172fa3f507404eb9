"""REST API: search, ask (JSON and SSE), ingest, documents, feeds, OpenAI-compatible chat.

The edge for HTTP clients: library errors become 4xx JSON bodies ``{"error": {"type",
"message"}}``; nothing answers with a traceback. With an API key every path but ``/health``
(the docs and the schema too) needs ``Authorization: Bearer KEY``, checked before any body is
read. The routes are in `rag.server.routes`, the guards in `rag.server.middleware`.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI

from rag import __version__
from rag.assistant import Assistant
from rag.errors import ConfigError
from rag.server.errors import add_error_handlers
from rag.server.middleware import ApiKeyGate, BodyDeadline, BodyLimit, bearer_auth
from rag.server.routes import ask, documents, feeds, ingest, openai, search

JSON_BODY_LIMIT = 1024 * 1024
# Seconds from a request's headers until its body must be complete (else 408): the largest
# upload (10 files of RAG_MAX_FILE_MB, 50 MB by default) takes 40 s at 10 Mbit/s; a client
# that trickles bytes cannot hold a request open longer than this.
BODY_TIMEOUT = 60.0


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
    add_error_handlers(app)
    guarded = [Depends(bearer_auth(api_key))]
    app.include_router(documents.public_router(assistant))
    for routes in (search, ask, ingest, documents, feeds, openai):
        app.include_router(routes.router(assistant), dependencies=guarded)
    return app
