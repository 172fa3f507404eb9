"""The interfaces that only this machine can reach: serving there needs no credentials."""

from __future__ import annotations

# `rag serve` without RAG_API_KEY and app.py without RAG_AUTH bind only to these.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps a server private to this machine.

    Args:
        host: an interface name or address, as given to the server.

    Returns:
        True for the loopback names and addresses in `LOOPBACK_HOSTS`.
    """
    return host in LOOPBACK_HOSTS
