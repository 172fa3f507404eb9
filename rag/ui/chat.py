"""The Gradio chat UI: streamed cited answers, a sources panel, settings and article upload.

Markup comes from `rag.ui.render`, which escapes everything taken from an article.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from rag.assistant import Assistant
from rag.errors import RagError
from rag.index.uploads import ALLOWED_TYPES, UPLOADS_DIRNAME
from rag.records import Answer
from rag.ui.render import (
    CHECKING_SOURCES,
    CSS,
    EMPTY_SOURCES,
    format_answer,
    format_verified,
    plain_history,
    render_sources,
    render_upload_result,
)

__all__ = ["CSS", "EXAMPLES", "ChatApp", "build_app", "stream_prefixes"]

EXAMPLES = [
    "What is disputed about the Philadelphi Corridor?",
    "How did Netanyahu describe his meeting with Blinken?",
    "What did Hamas say about the ceasefire talks?",
]
STREAM_WORDS = 3  # words per streamed update: small enough to look live, few enough messages
STREAM_DELAY = 0.015  # seconds between updates; the answer is ready at once, this paces the text
# The REST API's limits (rag.server.api.AskRequest and Turn), so /chat accepts what /ask accepts.
TOP_K_MAX = 100  # the bound of Settings.top_k; more only costs time (10**9 was 57x slower)
MAX_TURNS = 100  # history turns, as AskRequest.history
TURN_CHARS = 100_000  # characters per history turn, as Turn.content
DATE_CHARS = 40  # date_from / date_to, as AskRequest; ISO dates need 10
ROLES = ("user", "assistant", "system")
INTERNAL_ERROR = "internal error; the server log has the details"
log = logging.getLogger(__name__)


def stream_prefixes(text: str, words: int = STREAM_WORDS) -> Iterator[str]:
    """Growing prefixes of ``text``, ``words`` words at a time, ending with the whole text."""
    pieces = re.findall(r"\S+\s*", text)
    if not pieces:
        yield text
        return
    for i in range(words, len(pieces) + words, words):
        yield "".join(pieces[:i])


def _optional(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


def _checked_top_k(value: Any) -> int | None:
    """``top_k`` as an int from 1 to `TOP_K_MAX` (None: the default); else `gr.Error`."""
    if value is None or value == "":
        return None
    whole_float = isinstance(value, float) and value.is_integer()  # the slider's value
    digits = isinstance(value, str) and value.strip().isascii() and value.strip().isdigit()
    if whole_float or digits:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= TOP_K_MAX:
        got = f" (got {value})" if type(value) is int else ""  # only numbers are echoed
        raise gr.Error(f"top_k must be a whole number from 1 to {TOP_K_MAX}{got}", title="Invalid")
    return value


def _checked_date(name: str, value: Any) -> str | None:
    """A date filter as text (the library parses it); None when empty; else `gr.Error`."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise gr.Error(f"{name} must be a date string such as 2024-08-19", title="Invalid")
    if len(value) > DATE_CHARS:
        raise gr.Error(
            f"{name} is {len(value)} characters long; a date has at most {DATE_CHARS}",
            title="Invalid",
        )
    return _optional(value)


def _turn_text(content: Any, parts: bool) -> str | None:
    """A turn's text; with ``parts``, also Gradio's list of ``{"type": "text"}`` parts."""
    if isinstance(content, str):
        return content
    if parts and isinstance(content, list) and all(isinstance(p, dict) for p in content):
        texts = [p.get("text") for p in content if p.get("type") == "text"]
        if all(isinstance(t, str) for t in texts):
            return "\n".join(t for t in texts if isinstance(t, str))
    return None


def _checked_history(history: Any, parts: bool) -> list[dict[str, Any]]:
    """``history`` if it is at most `MAX_TURNS` ``{"role", "content"}`` turns, else `gr.Error`.

    Args:
        history: the turns (None: no history).
        parts: whether content may be Gradio's list of text parts (chatbot messages), not only
            a string (the /chat API).
    """
    if history is None:
        return []
    if not isinstance(history, list | tuple):
        raise gr.Error("history must be a list of {role, content} turns", title="Invalid")
    if len(history) > MAX_TURNS:
        raise gr.Error(
            f"history has {len(history)} turns; at most {MAX_TURNS} are accepted",
            title="Invalid",
        )
    for n, turn in enumerate(history, 1):
        if not isinstance(turn, dict):
            raise gr.Error(
                f"history turn {n} must be an object with role and content", title="Invalid"
            )
        if not isinstance(turn.get("role"), str) or turn["role"] not in ROLES:
            raise gr.Error(
                f"history turn {n}: role must be one of {', '.join(ROLES)}", title="Invalid"
            )
        text = _turn_text(turn.get("content"), parts)
        if text is None:
            raise gr.Error(f"history turn {n}: content must be a string", title="Invalid")
        if len(text) > TURN_CHARS:
            raise gr.Error(
                f"history turn {n} is {len(text)} characters long; at most {TURN_CHARS}",
                title="Invalid",
            )
    return list(history)


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
            turns = plain_history(_checked_history(history, parts=True))
            k = _checked_top_k(top_k)
            since, until = _checked_date("date_from", date_from), _checked_date("date_to", date_to)
            yield from self.assistant.ask_stream(
                question, history=turns, top_k=k, date_from=since, date_to=until,
                mode=_optional(mode),
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
            {"answer": text with [n] markers, "abstained": bool, "sources": [{"marker", "title",
            "quote", "doc_id", "source", "date", "url", "start", "end", "score"}]}.
        """
        # Like the REST API's turns: string content only (the UI's chatbot also sends parts).
        turns = _checked_history(history, parts=False)
        answer = self.ask(question, turns, top_k, date_from, date_to)
        return {
            "answer": answer.text,
            "abstained": answer.abstained,
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
        if self.assistant.llm_configured and _optional(mode) != "extractive":
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


def build_app(assistant: Assistant, stream_delay: float = STREAM_DELAY) -> gr.Blocks:
    """The chat UI and the ``/chat`` API endpoint as a Gradio app (not launched).

    Args:
        assistant: an assistant whose index is ready.
        stream_delay: seconds between streamed updates.

    Returns:
        The Blocks; launch it with ``css=CSS``.
    """
    app = ChatApp(assistant, stream_delay)
    settings = assistant.settings
    # delete_cache: uploads are copied into the data dir, so Gradio's temporary copies can go.
    with gr.Blocks(
        title="News assistant", analytics_enabled=False, delete_cache=(3600, 3600)
    ) as demo:
        gr.Markdown(
            "## News assistant\nAsk about the articles. Every sentence of an answer is quoted "
            "from an article; click a [n] marker to see the quote in its paragraph."
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat", show_label=False, elem_id="rag-chat", height=460,
                    latex_delimiters=[], feedback_options=None, buttons=[], sanitize_html=True,
                    placeholder="Ask a question about the news articles.",
                )  # fmt: skip
                with gr.Row():
                    question = gr.Textbox(
                        show_label=False, placeholder="Ask a question…", elem_id="rag-question",
                        scale=6, autofocus=True, max_lines=4, submit_btn=False,
                    )  # fmt: skip
                    ask = gr.Button("Ask", variant="primary", scale=1, elem_id="rag-ask")
                    clear = gr.Button("Clear", scale=1, elem_id="rag-clear")
                examples = gr.Examples(
                    EXAMPLES, inputs=question, label="Examples", api_visibility="private"
                )
                with gr.Accordion("Settings", open=False, elem_id="rag-settings"):
                    top_k = gr.Slider(1, 20, value=settings.top_k, step=1, label="Passages (top_k)")
                    with gr.Row():
                        date_from = gr.Textbox(label="From date", placeholder="YYYY-MM-DD")
                        date_to = gr.Textbox(label="To date", placeholder="YYYY-MM-DD")
                    # Only offered when a backend is configured; otherwise answers are quotes.
                    mode = gr.Radio(
                        [("LLM, citations verified", "llm"), ("Extractive quotes", "extractive")],
                        value="llm" if assistant.llm_configured else "extractive",
                        label="Answer mode", visible=assistant.llm_configured,
                        elem_id="rag-mode",
                    )  # fmt: skip
                with gr.Accordion("Add articles", open=False, elem_id="rag-upload"):
                    # No file_types: Gradio would refuse the whole batch for one bad file; our
                    # own check gives each rejected file its reason.
                    files = gr.File(
                        label=f"Upload {' '.join(ALLOWED_TYPES)} (up to {settings.max_file_mb:g} "
                        "MB each)", file_count="multiple",
                        type="filepath", elem_id="rag-files",
                    )  # fmt: skip
                    upload_status = gr.HTML(elem_id="rag-upload-status")
            with gr.Column(scale=2):
                sources = gr.HTML(EMPTY_SOURCES, elem_id="rag-sources")
        pending = gr.State("")

        def start(text: str, messages: list[dict[str, Any]]) -> tuple[str, list[Any], str]:
            # Show the question at once; the answer streams in the next step.
            if not text.strip():
                raise gr.Error("Type a question first.", title="Empty question")
            return "", [*messages, {"role": "user", "content": text}], text

        settings_inputs = [top_k, date_from, date_to, mode]
        # Clicking an example fills the box and asks it at once, like pressing Enter.
        for trigger in (question.submit, ask.click, examples.load_input_event.then):
            trigger(
                start, [question, chatbot], [question, chatbot, pending], api_visibility="private"
            ).success(
                app.respond, [pending, chatbot, *settings_inputs], [chatbot, sources],
                api_visibility="private",
            )  # fmt: skip
        clear.click(
            lambda: ([], EMPTY_SOURCES, ""), None, [chatbot, sources, question],
            api_visibility="private",
        )  # fmt: skip
        # The chatbot's own trash icon clears the messages; the sources must go with them.
        chatbot.clear(lambda: EMPTY_SOURCES, None, sources, api_visibility="private")
        files.upload(app.upload, files, [files, upload_status], api_visibility="private")
        gr.api(app.api_chat, api_name="chat")
    return demo
