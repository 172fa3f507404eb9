"""Serving with uvicorn: a shutdown that also stops the uploads still being ingested."""

from __future__ import annotations

from types import FrameType

import uvicorn

from rag.assistant import Assistant


class StoppingServer(uvicorn.Server):
    """uvicorn's server that, on SIGTERM/SIGINT, also stops the assistant's running ingests.

    uvicorn waits for open requests before it exits; an upload's ingest runs in a worker
    thread that only stops when told, so without this a shutdown waits for the whole upload.

    Args:
        config: uvicorn's configuration (the app, host, port, timeouts).
        assistant: the assistant the app serves.
    """

    def __init__(self, config: uvicorn.Config, assistant: Assistant) -> None:
        super().__init__(config)
        self.assistant = assistant

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.assistant.interrupt()
        super().handle_exit(sig, frame)
