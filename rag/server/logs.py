"""Logging at the edges (CLI, ``rag serve``, the app): what a person sees on stderr.

Without a handler Python prints every library's warnings through its last-resort handler: a
corrupt PDF made pypdf print "incorrect startxref pointer", and one of its malformed log calls
printed ``--- Logging error ---`` and a traceback. Here the edges install one handler that
shows this project's warnings, other libraries' records only at ``CRITICAL`` (their failures
reach users as this project's reasons, e.g. "cannot read PDF"), and never a traceback for a
log call that cannot be formatted. ``RAG_LOG_LEVEL=DEBUG`` (or INFO) shows everything.
"""

from __future__ import annotations

import logging

from rag.config import load_settings
from rag.errors import ConfigError

_OWN = "rag"


class _ForPeople(logging.Filter):
    """Keeps this project's records at ``level`` and up, others only when critical (or at
    any level when ``level`` asks for detail); makes every kept record formattable."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name == _OWN or record.name.startswith(_OWN + ".")
        floor = self.level if own or self.level < logging.WARNING else logging.CRITICAL
        if record.levelno < floor:
            return False
        try:
            record.getMessage()
        except Exception:  # a library's bad format string: show it, don't fail on it
            record.msg, record.args = f"{record.msg!r} {record.args!r}", None
        return True


def configure_logging() -> None:
    """Send log records to stderr for a person (once per process; ``RAG_LOG_LEVEL``)."""
    root = logging.getLogger()
    if any(isinstance(f, _ForPeople) for h in root.handlers for f in h.filters):
        return
    try:
        name = load_settings().log_level
    except ConfigError:  # another bad setting: the command reports it; log as by default
        name = "WARNING"
    level = logging.getLevelNamesMapping()[name]
    # A handler that fails to write (a closed stderr) must not print a traceback either.
    logging.raiseExceptions = False
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_ForPeople(level))
    root.addHandler(handler)
    root.setLevel(min(level, root.level or logging.WARNING))
