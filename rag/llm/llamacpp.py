"""In-process llama.cpp chat model (llama-cpp-python) as a llama-index ``CustomLLM``."""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
)
from llama_index.core.llms import LLM, CustomLLM
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from pydantic import PrivateAttr

from rag.errors import LLMError
from rag.llm.backends import need

_locks: dict[tuple[str, int], threading.Lock] = {}
_locks_guard = threading.Lock()


@lru_cache(maxsize=2)
def _load_gguf(path: str, n_ctx: int) -> Any:
    """A llama_cpp.Llama for ``path``, loaded once per process and context size."""
    llama_cpp = need("llama_cpp")
    if not Path(path).is_file():
        raise LLMError(f"model file not found: {path} (RAG_LLM=llamacpp:/path/model.gguf)")
    try:
        model = llama_cpp.Llama(model_path=path, n_ctx=n_ctx, verbose=False, seed=0)
    except (ValueError, RuntimeError, OSError) as exc:
        raise LLMError(f"cannot load model {path}: {exc}") from None
    # Freed before interpreter teardown: llama_cpp's own __del__ then finds its C bindings gone
    # and prints a traceback at exit.
    atexit.register(model.close)
    return model


def _model_lock(path: str, n_ctx: int) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault((path, n_ctx), threading.Lock())


def llamacpp_llm(path: str, n_ctx: int, max_tokens: int, temperature: float) -> LLM:
    """A llama-index LLM that chats through the GGUF model at ``path`` (loaded once)."""
    chat = LlamaCppChat()
    chat.bind(path, n_ctx, max_tokens, temperature)
    return chat


class LlamaCppChat(CustomLLM):
    """In-process llama.cpp chat model (the GGUF file's own chat template)."""

    _model: Any = PrivateAttr(default=None)
    # llama_cpp contexts are not re-entrant: one generation at a time per loaded model.
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _path: str = PrivateAttr(default="")
    _n_ctx: int = PrivateAttr(default=0)
    _max_tokens: int = PrivateAttr(default=0)
    _temperature: float = PrivateAttr(default=0.0)

    def bind(self, path: str, n_ctx: int, max_tokens: int, temperature: float) -> None:
        """Load (or reuse) the model and remember the generation settings."""
        self._model, self._lock = _load_gguf(path, n_ctx), _model_lock(path, n_ctx)
        self._path, self._n_ctx = path, n_ctx
        self._max_tokens, self._temperature = max_tokens, temperature

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self._n_ctx, num_output=self._max_tokens,
                           is_chat_model=True, model_name=Path(self._path).name)  # fmt: skip

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        text = "".join(r.delta or "" for r in self.stream_chat(messages, **kwargs))
        return ChatResponse(message=ChatMessage(role="assistant", content=text))

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        plain = [{"role": m.role.value, "content": m.content or ""} for m in messages]

        def gen() -> ChatResponseGen:
            text = ""
            start = partial(
                self._model.create_chat_completion, messages=plain,
                max_tokens=self._max_tokens, temperature=self._temperature, stream=True,
            )  # fmt: skip
            for delta in self._deltas(start, lambda c: c["delta"].get("content") or ""):
                text += delta
                yield ChatResponse(message=ChatMessage(role="assistant", content=text), delta=delta)

        return gen()

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        text = "".join(r.delta or "" for r in self.stream_complete(prompt))
        return CompletionResponse(text=text)

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        def gen() -> CompletionResponseGen:
            text = ""
            start = partial(
                self._model.create_completion, prompt, max_tokens=self._max_tokens,
                temperature=self._temperature, stream=True,
            )  # fmt: skip
            for delta in self._deltas(start, lambda c: c["text"]):
                text += delta
                yield CompletionResponse(text=text, delta=delta)

        return gen()

    def _deltas(self, start: Callable[[], Any], piece: Callable[[Any], str]) -> Iterator[str]:
        """The text pieces of a llama_cpp stream, started and read holding the model's lock."""
        with self._lock:
            for chunk in start():
                yield piece(chunk["choices"][0])
