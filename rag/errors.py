"""Errors raised by the library; the edges (CLI, HTTP, UI) translate them into messages.

The tree (catch `RagError` for all of them)::

    RagError
    ├── ConfigError (also ValueError)   a setting or option the library cannot use
    ├── LoaderError                     a file is not an article (the reason per file)
    │   └── UploadError                 an uploaded file was refused
    ├── StoreError                      Chroma or the local index failed
    ├── QueryError (also ValueError)    a bad question, filter or history
    ├── IngestLockedError               another ingest holds the lock (HTTP 409)
    ├── IngestCancelledError            an ingest was told to stop (client gone, shutdown)
    ├── ModelError                      the embedding model could not be loaded
    ├── EvalError                       a bad suite, baseline or eval option
    ├── LLMError                        an LLM backend failed
    ├── FetchError                      a URL could not be fetched (the reason, per URL)
    └── FeedError                       a feed is unknown, or its body is not a feed
"""

from __future__ import annotations


class RagError(Exception):
    """Base class of every error the library raises on purpose."""


class ConfigError(RagError, ValueError):
    """A setting or option has a value the library cannot use."""


class LoaderError(RagError):
    """A file could not be read as an article; the message is the reason shown to users."""


class UploadError(LoaderError):
    """An uploaded file was rejected; the message says why."""


class StoreError(RagError):
    """The vector store or the local index could not be reached or is inconsistent."""


class QueryError(RagError, ValueError):
    """A question or search request is invalid (empty, too long, bad filter)."""


class IngestLockedError(RagError):
    """Another ingest holds the data directory's lock."""


class IngestCancelledError(RagError):
    """An ingest stopped early (client gone, server shutting down); what it committed stays.

    Attributes:
        report: the `IngestReport` of the work done before the stop.
    """

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class ModelError(RagError):
    """The embedding model could not be loaded."""


class EvalError(RagError):
    """An eval suite, baseline or option is invalid, or an evaluation cannot run."""


class LLMError(RagError):
    """An LLM backend could not be loaded, reached or used; the message says why."""


class FetchError(RagError):
    """A URL could not be fetched; ``status`` is the HTTP status when the server answered.

    ``permanent`` says whether trying again soon is pointless (a 404, a refused address, a
    robots.txt rule, a body that is not a page) rather than worth a retry (a timeout, a 5xx).
    """

    def __init__(self, message: str, status: int | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.status = status
        # 408 and 429 say "later", like a 5xx, and a feed often links a page a moment before
        # it is published (404); other 4xx say "not this URL".
        self.permanent = permanent or (
            status is not None and 400 <= status < 500 and status not in (404, 408, 429)
        )


class FeedError(RagError):
    """A feed is not known, already added, or its body is not RSS, Atom or RDF."""
