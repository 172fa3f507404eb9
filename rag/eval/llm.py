"""Eval pipelines that compare extractive answers, raw LLM answers and verified LLM answers.

One generation per question serves both LLM columns: the verified pipeline runs first and keeps
each answer; the unverified pipeline rebuilds the model's draft with its markers trusted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rag.answer.verify import verifier_for
from rag.llm.generate import unverified
from rag.records import Answer

if TYPE_CHECKING:
    from rag.assistant import Assistant

UNVERIFIED = "llm-unverified"
EXTRACTIVE = "extractive"


def _key(question: str, history: Sequence[dict[str, str]] | None, top_k: int | None) -> str:
    return json.dumps([question, list(history or []), top_k], sort_keys=True)


class ModePipeline:
    """`Assistant.ask` in a fixed answer mode (what the eval harness calls ``ask`` on).

    Args:
        assistant: the assistant under test.
        mode: ``"extractive"`` or ``"llm"``.
        keep: where to keep answers by question, for `UnverifiedPipeline`.
    """

    def __init__(
        self, assistant: Assistant, mode: str, keep: dict[str, Answer] | None = None
    ) -> None:
        self.assistant, self.mode, self.keep = assistant, mode, keep

    def ask(
        self,
        question: str,
        history: Sequence[dict[str, str]] | None = None,
        top_k: int | None = None,
    ) -> Answer:
        answer = self.assistant.ask(question, history, top_k, mode=self.mode)
        if self.keep is not None:
            self.keep[_key(question, history, top_k)] = answer
        return answer


class UnverifiedPipeline:
    """The verified pipeline's drafts with every marker trusted, as other RAG tools do.

    Its latency is only the rebuild: the generation was timed in the verified pipeline.
    """

    def __init__(self, assistant: Assistant, kept: dict[str, Answer]) -> None:
        self.assistant, self.kept = assistant, kept

    def ask(
        self,
        question: str,
        history: Sequence[dict[str, str]] | None = None,
        top_k: int | None = None,
    ) -> Answer:
        key = _key(question, history, top_k)
        if key not in self.kept:  # asked out of order: generate now
            ModePipeline(self.assistant, "llm", self.kept).ask(question, history, top_k)
        index = self.assistant.index
        verifier = verifier_for(index.embedder, index.settings.embed_model)
        return unverified(self.kept[key], verifier)


def eval_pipelines(assistant: Assistant, mode: str) -> dict[str, ModePipeline | UnverifiedPipeline]:
    """Pipelines for ``rag eval --mode MODE``: ``ours`` first, then comparisons.

    Args:
        assistant: the assistant under test (an LLM backend configured for ``llm``).
        mode: ``"extractive"`` or ``"llm"``.

    Returns:
        ``{"ours": ...}``; for ``llm`` also ``"llm-unverified"`` and ``"extractive"``.
    """
    if mode != "llm":
        return {"ours": ModePipeline(assistant, mode)}
    kept: dict[str, Answer] = {}
    return {
        "ours": ModePipeline(assistant, "llm", kept),
        UNVERIFIED: UnverifiedPipeline(assistant, kept),
        EXTRACTIVE: ModePipeline(assistant, "extractive"),
    }
