"""Request bodies of the REST API, with the limits that keep one request cheap.

The limits come from `rag.config` (and `rag.search.filters`), where the chat UI reads them
too, so ``/chat`` accepts what ``/ask`` accepts.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rag.config import DATE_CHARS, MAX_TURNS, TOP_K_MAX, TURN_CHARS, AnswerMode, Role
from rag.search.filters import MAX_SOURCE_CHARS, MAX_SOURCES

MODEL_ID = "newsrag-extractive"  # the one model the OpenAI-compatible endpoints list
# The library's own bounds (rag.search.filters), checked here too so the 422 names the field.
SourceItem = Annotated[str, Field(max_length=MAX_SOURCE_CHARS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Turn(_Strict):
    role: Role
    content: str = Field(max_length=TURN_CHARS)


class SearchRequest(_Strict):
    query: str = Field(min_length=1, max_length=2000, examples=["Philadelphi Corridor"])
    top_k: int = Field(5, ge=1, le=TOP_K_MAX)
    sources: list[SourceItem] | None = Field(None, max_length=MAX_SOURCES)
    date_from: str | None = Field(None, max_length=DATE_CHARS)
    date_to: str | None = Field(None, max_length=DATE_CHARS)


class AskRequest(_Strict):
    question: str = Field(
        min_length=1, max_length=2000, examples=["What is disputed about the Philadelphi Corridor?"]
    )
    history: list[Turn] = Field(default_factory=list, max_length=MAX_TURNS)
    top_k: int | None = Field(None, ge=1, le=TOP_K_MAX)
    sources: list[SourceItem] | None = Field(None, max_length=MAX_SOURCES)
    date_from: str | None = Field(None, max_length=DATE_CHARS)
    date_to: str | None = Field(None, max_length=DATE_CHARS)
    mode: AnswerMode | None = Field(
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
