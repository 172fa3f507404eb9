"""LLM answer backends: parse ``RAG_LLM``, build a llama-index LLM, explain backend failures.

Every backend is a llama-index ``LLM`` passed explicitly to the code that uses it; llama-index's
global ``Settings`` are never read or written. Heavy imports happen on first use only, so the
extractive assistant works without the ``[llm]`` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.config import parse_backend
from rag.errors import LLMError

if TYPE_CHECKING:
    from llama_index.core.llms import LLM

    from rag.config import Settings

INSTALL_HINT = "pip install 'newsrag[llm]'"


def need(module: str) -> Any:
    """Import an optional dependency, or raise `LLMError` with the install command."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise LLMError(f"the LLM backend needs {exc.name or module}: {INSTALL_HINT}") from None


def make_llm(settings: Settings) -> LLM | None:
    """The llama-index LLM that ``settings.llm`` selects, or None for ``none``.

    Args:
        settings: the assistant's settings (``llm``, ``llm_*``).

    Returns:
        A ready LLM; raises `LLMError` when the extra is missing or the model cannot load.
    """
    backend = parse_backend(settings.llm)
    s = settings
    if backend.kind == "none":
        return None
    if backend.kind == "llamacpp":
        from rag.llm.llamacpp import llamacpp_llm

        return llamacpp_llm(backend.target, s.llm_context, s.llm_max_tokens, s.llm_temperature)
    if backend.kind == "openai":
        module = need("llama_index.llms.openai_like")
        key = s.llm_api_key.get_secret_value() if s.llm_api_key else "not-needed"
        llm: LLM = module.OpenAILike(
            model=s.llm_model or "local-model", api_base=backend.target, api_key=key,
            is_chat_model=True, context_window=s.llm_context, max_tokens=s.llm_max_tokens,
            temperature=s.llm_temperature, timeout=s.llm_timeout,
            max_retries=0,  # a dead server should fall back at once, not after retries
        )  # fmt: skip
        return llm
    module = need("llama_index.llms.ollama")
    ollama: LLM = module.Ollama(
        model=backend.target, base_url=backend.url, request_timeout=s.llm_timeout,
        temperature=s.llm_temperature, context_window=s.llm_context,
        additional_kwargs={"num_predict": s.llm_max_tokens},
    )  # fmt: skip
    return ollama


def explain(exc: BaseException, settings: Settings) -> str:
    """A one-line, user-facing reason for an LLM failure (no traceback, no secrets).

    Args:
        exc: what the backend raised.
        settings: for the backend's address and limits.

    Returns:
        E.g. ``"the LLM server at http://... cannot be reached"``.
    """
    backend = parse_backend(settings.llm)
    where = backend.url or backend.target
    name = type(exc).__name__
    text = str(exc)
    low = f"{name} {text}".lower()
    if isinstance(exc, LLMError):
        return text
    if "timeout" in low or "timed out" in low:
        return f"the LLM ({backend.describe()}) did not answer within {settings.llm_timeout:g}s"
    if "context" in low and any(w in low for w in ("exceed", "window", "length", "too long")):
        return (
            f"the question and sources do not fit the LLM's context window "
            f"({settings.llm_context} tokens, RAG_LLM_CONTEXT)"
        )
    if isinstance(exc, ConnectionError) or any(
        w in low for w in ("connect", "refused", "unreachable", "name resolution")
    ):
        return f"the LLM server at {where} cannot be reached"
    if "401" in low or "unauthorized" in low or "authentication" in low:
        return f"the LLM server at {where} refused the API key (RAG_LLM_API_KEY)"
    if "404" in low or "not found" in low:
        return f"the LLM server at {where} does not know model {settings.llm_model!r}: {text[:200]}"
    return f"the LLM failed ({name}): {text[:200]}"
