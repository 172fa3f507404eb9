"""Request bodies of the REST API, with the limits that keep one request cheap.

`rag.ui.limits` holds the chat UI's copies of these limits, so ``/chat`` accepts what
``/ask`` accepts.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MODEL_ID = "newsrag-extractive"  # the one model the OpenAI-compatible endpoints list
# A `sources` item is a substring of a doc_id, path or URL: 200 characters covers any worth
# filtering on; much longer ones (100 kB) overflowed SQLite's LIKE pattern limit (a 500).
SOURCE_CHARS = 200
SourceItem = Annotated[str, Field(max_length=SOURCE_CHARS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Turn(_Strict):
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=100_000)


class SearchRequest(_Strict):
    query: str = Field(min_length=1, max_length=2000, examples=["Philadelphi Corridor"])
    top_k: int = Field(5, ge=1, le=100)
    sources: list[SourceItem] | None = Field(None, max_length=50)
    date_from: str | None = Field(None, max_length=40)
    date_to: str | None = Field(None, max_length=40)


class AskRequest(_Strict):
    question: str = Field(
        min_length=1, max_length=2000, examples=["What is disputed about the Philadelphi Corridor?"]
    )
    history: list[Turn] = Field(default_factory=list, max_length=100)
    top_k: int | None = Field(None, ge=1, le=100)
    sources: list[SourceItem] | None = Field(None, max_length=50)
    date_from: str | None = Field(None, max_length=40)
    date_to: str | None = Field(None, max_length=40)
    mode: Literal["extractive", "llm"] | None = Field(
        None, description="Answer mode; default: llm when a backend is configured."
    )


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """OpenAI's chat request; sampling fields are accepted and ignored (answers are quotes)."""

    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
