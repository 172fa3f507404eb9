"""``POST /ingest``: store and index uploaded articles; undone when the client hangs up."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import APIRouter, File, Request, UploadFile

from rag.assistant import Assistant
from rag.errors import RagError
from rag.index.uploads import OnConflict, UploadResult
from rag.records import IngestReport

_DISCONNECT_POLL_SECONDS = 0.5  # how soon an upload's ingest notices its client has gone
T = TypeVar("T")
log = logging.getLogger(__name__)


def router(assistant: Assistant) -> APIRouter:
    """``POST /ingest``, served by ``assistant``."""
    routes = APIRouter()

    @routes.post("/ingest")
    async def ingest(
        request: Request,
        files: Annotated[list[UploadFile], File()],
        on_conflict: OnConflict = "replace",
    ) -> dict[str, Any]:
        """Store and index uploaded articles; only this request's files are in the answer.

        ``on_conflict``: ``replace`` (default) makes a file of an existing name its new version;
        ``rename`` keeps both. When the client goes away the upload is undone.
        """

        def work(gone: threading.Event) -> tuple[UploadResult, IngestReport]:
            with tempfile.TemporaryDirectory() as tmp:
                saved = []
                for n, f in enumerate(files):
                    path = Path(tmp) / str(n)
                    with path.open("wb") as out:
                        shutil.copyfileobj(f.file, out)
                    saved.append((f.filename or "", path))
                return assistant.add_uploads(saved, on_conflict, should_stop=gone.is_set)

        result, report = await _while_connected(request, work)
        body = report.to_dict()
        body["rejected"] = [{"file": n, "reason": r} for n, r in result.rejected]
        body["stored"] = [p.name for _, p in result.stored + result.unchanged]
        body["replaced"] = [p.name for p in result.replaced]
        return body

    return routes


async def _while_connected(request: Request, work: Callable[[threading.Event], T]) -> T:
    """Run ``work(gone)`` in a thread; ``gone`` is set if the client disconnects meanwhile."""
    gone = threading.Event()

    async def watch(scope: anyio.CancelScope) -> None:
        # The ingest runs in a thread; a client that hangs up should not keep it busy.
        with scope:
            while not await request.is_disconnected():
                await anyio.sleep(_DISCONNECT_POLL_SECONDS)
            log.info("client left during an upload; stopping and undoing its ingest")
            gone.set()

    failure: RagError | None = None
    async with anyio.create_task_group() as group:
        watcher = anyio.CancelScope()
        group.start_soon(watch, watcher)
        try:
            done = await anyio.to_thread.run_sync(work, gone)
        except RagError as exc:
            failure = exc  # raised outside the group, which would wrap it in a group
        finally:
            watcher.cancel()
    if failure is not None:
        raise failure
    return done
