"""The Gradio chat UI: streamed cited answers, a sources panel, settings and article upload.

Markup comes from `rag.ui.render`, which escapes everything taken from an article.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from rag.assistant import Assistant
from rag.config import MAX_TURNS
from rag.errors import RagError
from rag.index.uploads import UPLOADS_DIRNAME
from rag.records import Answer
from rag.text.stream import stream_prefixes
from rag.ui.feeds import wire_feeds
from rag.ui.layout import EXAMPLES, build_page
from rag.ui.limits import checked_date, checked_history, checked_top_k, optional_text
from rag.ui.render import (
    CHECKING_SOURCES,
    CSS,
    EMPTY_SOURCES,
    format_answer,
    format_verified,
    plain_history,
    render_upload_result,
)
from rag.ui.sources import render_sources

__all__ = ["CSS", "EXAMPLES", "ChatApp", "build_app", "stream_prefixes"]

STREAM_DELAY = 0.015  # seconds between updates; the answer is ready at once, this paces the text
INTERNAL_ERROR = "internal error; the server log has the details"
log = logging.getLogger(__name__)


class ChatApp:
    """The handlers behind the UI and the ``/chat`` API, bound to one `Assistant`.

    Args:
        assistant: the assistant to answer with and upload into.
        stream_delay: seconds between streamed updates.
    """

    def __init__(self, assistant: Assistant, stream_delay: float = STREAM_DELAY) -> None:
        self.assistant = assistant
        self.stream_delay = stream_delay

    @property
    def uploads_dir(self) -> Path:
        return self.assistant.data_dir / UPLOADS_DIRNAME

    def ask(
        self,
        question: str,
        history: Sequence[dict[str, Any]] | None = None,
        top_k: Any = None,
        date_from: Any = None,
        date_to: Any = None,
        mode: Any = None,
    ) -> Answer:
        """`Assistant.ask` with UI values; library errors become `gr.Error` messages."""
        answer = None
        for item in self.ask_stream(question, history, top_k, date_from, date_to, mode):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None  # the stream always ends with the answer
        return answer

    def ask_stream(
        self,
        question: str,
        history: Sequence[dict[str, Any]] | None = None,
        top_k: Any = None,
        date_from: Any = None,
        date_to: Any = None,
        mode: Any = None,
    ) -> Iterator[str | Answer]:
        """`Assistant.ask_stream` with UI values checked against the REST API's limits.

        Invalid values and library errors become `gr.Error` messages; anything else is logged
        and reported as a generic internal error, never as Python's text.
        """
        try:
            turns = plain_history(checked_history(history, parts=True))
            k = checked_top_k(top_k)
            since, until = checked_date("date_from", date_from), checked_date("date_to", date_to)
            yield from self.assistant.ask_stream(
                question, history=turns, top_k=k, date_from=since, date_to=until,
                mode=optional_text(mode),
            )  # fmt: skip
        except gr.Error:
            raise
        except RagError as exc:
            raise gr.Error(str(exc), title="Cannot answer") from None
        except Exception:
            log.exception("answering a chat question failed")
            raise gr.Error(INTERNAL_ERROR, title="Cannot answer") from None

    def api_chat(
        self,
        question: str,
        top_k: int | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Answer a question; every sentence of ``answer`` ends with [n] markers into ``sources``.

        Args:
            question: the question.
            top_k: chunks to draw evidence from, 1 to 100 (default from settings).
            date_from: only articles dated on or after this ISO date.
            date_to: only articles dated on or before this ISO date.
            history: earlier turns as [{"role": "user"|"assistant", "content": str}]; at most
                100 turns of up to 100,000 characters each.

        Returns:
            {"answer": text with [n] markers, "abstained": bool, "reason": why it abstained or
            is partial (null for a full answer), "short": the asked name, number, date or
            place as {"text", "doc_id", "start", "end", "marker"} (or null), "sources":
            [{"marker", "title", "quote", "doc_id", "source", "date", "url", "start", "end",
            "score"}]}.
        """
        # Like the REST API's turns: string content only (the UI's chatbot also sends parts).
        turns = checked_history(history, parts=False)
        answer = self.ask(question, turns, top_k, date_from, date_to)
        return {
            "answer": answer.text,
            "abstained": answer.abstained,
            "reason": answer.reason,
            "short": answer.short.to_dict() if answer.short else None,
            "sources": [c.to_dict() for c in answer.citations],
        }

    def respond(
        self,
        question: str,
        history: list[dict[str, Any]],
        top_k: Any = None,
        date_from: Any = None,
        date_to: Any = None,
        mode: Any = None,
    ) -> Iterator[tuple[list[dict[str, Any]], str]]:
        """Stream the answer to the last question into the chat, with the sources panel.

        Args:
            question: the question (already shown as the last user message).
            history: chat messages including that question.
            top_k, date_from, date_to, mode: settings from the accordion.

        Yields:
            ``(messages, sources_html)`` with the answer growing as it is written; an LLM
            answer is replaced by its verified version (unsupported sentences marked) at the end.
        """
        last = history[-1] if history else None
        last_is_question = isinstance(last, dict) and last.get("role") == "user"
        earlier = history[:-1] if last_is_question else history
        # A long conversation keeps working: follow-ups draw on recent turns only, and the
        # history limit applies to what is passed on.
        earlier = (earlier or [])[-MAX_TURNS:]
        messages = [*history, {"role": "assistant", "content": ""}]
        if self.assistant.llm_configured and optional_text(mode) != "extractive":
            draft = ""
            for item in self.ask_stream(question, earlier, top_k, date_from, date_to, mode):
                if isinstance(item, Answer):
                    messages[-1] = {"role": "assistant", "content": format_verified(item)}
                    yield messages, render_sources(item, self.assistant)
                    return
                draft += item  # the model's own words, unchecked until the answer is complete
                messages[-1] = {"role": "assistant", "content": format_answer(draft)}
                yield messages, CHECKING_SOURCES
            return
        answer = self.ask(question, earlier, top_k, date_from, date_to, mode)
        sources = render_sources(answer, self.assistant)
        for i, prefix in enumerate(stream_prefixes(answer.text)):
            if i and self.stream_delay:
                time.sleep(self.stream_delay)
            messages[-1] = {"role": "assistant", "content": format_answer(prefix)}
            yield messages, sources

    def upload(self, files: Sequence[Any] | None) -> tuple[None, str]:
        """Validate, store and ingest uploaded files.

        Args:
            files: paths of the uploaded temporary files (named as the user's files).

        Returns:
            ``(None, status_html)``: None clears the file picker.
        """
        pairs = [(Path(str(f)).name, Path(str(f))) for f in files or []]
        if not pairs:
            return None, ""
        try:
            # A file of the same name is a corrected version: it replaces the old one.
            result, report = self.assistant.add_uploads(pairs, on_conflict="replace")
        except RagError as exc:
            raise gr.Error(str(exc), title="Upload not indexed") from None
        failed = {str(Path(p).resolve()): r for p, r in report.failed}
        for doc_id, twin in report.duplicates:
            failed[str((self.uploads_dir / doc_id.split("/", 1)[-1]).resolve())] = (
                f"same text as {twin}, which is already indexed"
            )
        return None, render_upload_result(result, failed)


def _start(text: str, messages: list[dict[str, Any]]) -> tuple[str, list[Any], str]:
    """Show the question in the chat at once (the answer streams in the next step)."""
    if not text.strip():
        raise gr.Error("Type a question first.", title="Empty question")
    return "", [*messages, {"role": "user", "content": text}], text


def build_app(assistant: Assistant, stream_delay: float = STREAM_DELAY) -> gr.Blocks:
    """The chat UI and the ``/chat`` API endpoint as a Gradio app (not launched).

    Args:
        assistant: an assistant whose index is ready.
        stream_delay: seconds between streamed updates.

    Returns:
        The Blocks; launch it with ``css=CSS``.
    """
    app = ChatApp(assistant, stream_delay)
    # delete_cache: uploads are copied into the data dir, so Gradio's temporary copies can go.
    with gr.Blocks(
        title="News assistant", analytics_enabled=False, delete_cache=(3600, 3600)
    ) as demo:
        page = build_page(assistant.settings, assistant.llm_configured)
        pending = gr.State("")
        # Clicking an example fills the box and asks it at once, like pressing Enter.
        for trigger in (page.question.submit, page.ask.click, page.examples.load_input_event.then):
            trigger(
                _start, [page.question, page.chatbot], [page.question, page.chatbot, pending],
                api_visibility="private",
            ).success(
                app.respond, [pending, page.chatbot, *page.settings_inputs],
                [page.chatbot, page.sources], api_visibility="private",
            )  # fmt: skip
        page.clear.click(
            lambda: ([], EMPTY_SOURCES, ""), None, [page.chatbot, page.sources, page.question],
            api_visibility="private",
        )  # fmt: skip
        # The chatbot's own trash icon clears the messages; the sources must go with them.
        page.chatbot.clear(lambda: EMPTY_SOURCES, None, page.sources, api_visibility="private")
        page.files.upload(
            app.upload, page.files, [page.files, page.upload_status], api_visibility="private"
        )
        wire_feeds(page.feeds, assistant, demo)
        gr.api(app.api_chat, api_name="chat")
    return demo
