"""The Gradio chat UI: streamed cited answers, a sources panel, settings and article upload.

Article text is untrusted. Everything taken from an article (answer sentences are article
sentences) is escaped before it reaches the browser: HTML special characters and every ASCII
punctuation mark become numeric character references, so neither HTML nor markdown (links,
images, autolinks, LaTeX) can be formed from it. Only markup built here is live.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from rag.assistant import Assistant
from rag.errors import RagError
from rag.records import Answer, Citation
from rag.uploads import ALLOWED_TYPES, UPLOADS_DIRNAME, UploadResult, store_uploads

EXAMPLES = [
    "What is disputed about the Philadelphi Corridor?",
    "How did Netanyahu describe his meeting with Blinken?",
    "What did Hamas say about the ceasefire talks?",
]
STREAM_WORDS = 3  # words per streamed update: small enough to look live, few enough messages
STREAM_DELAY = 0.015  # seconds between updates; the answer is ready at once, this paces the text
CONTEXT_CHARS = 500  # characters of paragraph kept on each side of a highlighted quote
# Characters that can begin HTML, links, images, autolinks (scheme ':' and e-mail '@'), emphasis,
# code, tables, headings or math; ordinary punctuation (.,;?-) stays readable as it is.
_INERT = frozenset("&<>\"'[]!*_~`#|$\\:@{}=")
_WWW = re.compile(r"www\.", re.IGNORECASE)
_MARKER = re.compile(r"\[(\d+)\]")
_CITE_LINK = re.compile(r'<sup class="rag-cite"><a href="#rag-src-\d+">\[(\d+)\]</a></sup>')
EMPTY_SOURCES = (
    '<div class="rag-sources"><h3>Sources</h3>'
    '<p class="rag-none">Ask a question: the articles quoted in the answer appear here, '
    "with each quote highlighted in its paragraph.</p></div>"
)
CSS = """
.rag-sources h3 { margin: 0 0 .5em 0; }
.rag-source { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: .6em .8em; margin-bottom: .7em; }
.rag-source-head { font-weight: 600; }
.rag-source:target { outline: 2px solid #f59e0b; }
.rag-meta { font-size: .85em; opacity: .8; margin: .2em 0 .4em 0; word-break: break-all; }
.rag-context { margin: 0; padding-left: .7em; border-left: 3px solid #f59e0b;
  white-space: pre-wrap; }
.rag-context mark { background: #fde68a; color: #111827; padding: 0 .1em; }
.rag-cite a { text-decoration: none; font-weight: 600; }
.rag-none { opacity: .8; }
.rag-upload-ok { color: #15803d; }
.rag-upload-bad { color: #b91c1c; }
"""


def escape_text(text: str) -> str:
    """Make untrusted text inert in both HTML and markdown.

    Args:
        text: any text, e.g. from an article.

    Returns:
        The text with HTML specials and the characters that start markdown links, images,
        autolinks, emphasis, code or math written as numeric character references: it displays
        unchanged but cannot form tags, links or scripts.
    """
    out = "".join(f"&#{ord(ch)};" if ch in _INERT else ch for ch in text)
    # GFM turns a bare "www.example.com" into a link even without a scheme.
    return _WWW.sub(lambda m: m.group(0)[:-1] + "&#46;", out)


def format_answer(text: str) -> str:
    """Chat markup for an answer: escaped text, ``[n]`` markers as links to the sources panel.

    Args:
        text: answer text with ``[n]`` markers (possibly a streamed prefix).

    Returns:
        Markdown/HTML safe to show in the chatbot.
    """
    out, pos = [], 0
    for m in _MARKER.finditer(text):
        out.append(escape_text(text[pos : m.start()]))
        n = m.group(1)
        out.append(f'<sup class="rag-cite"><a href="#rag-src-{n}">[{n}]</a></sup>')
        pos = m.end()
    out.append(escape_text(text[pos:]))
    return "".join(out)


def plain_text(content: Any) -> str:
    """The plain text of a chat message as `format_answer` wrote it (markers back to ``[n]``).

    Args:
        content: a message's content: a string or Gradio's list of ``{"type": "text"}`` parts.

    Returns:
        The text without markup.
    """
    return html.unescape(_CITE_LINK.sub(r"[\1]", _joined(content)))


def _joined(content: Any) -> str:
    """The text parts of a message's content, joined."""
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict) and p.get("type") == "text"]
        return "\n".join(str(p) for p in parts if p is not None)
    return content if isinstance(content, str) else ""


def plain_history(history: Sequence[dict[str, Any]] | None) -> list[dict[str, str]]:
    """Chatbot messages as ``[{"role", "content"}]`` plain-text turns for `Assistant.ask`."""
    turns = []
    for msg in history or []:
        role = msg.get("role")
        # Only assistant turns carry markup written by `format_answer`; user turns are as typed.
        text = (
            plain_text(msg.get("content")) if role == "assistant" else _joined(msg.get("content"))
        )
        if role in ("user", "assistant") and text.strip():
            turns.append({"role": str(role), "content": text})
    return turns


def stream_prefixes(text: str, words: int = STREAM_WORDS) -> Iterator[str]:
    """Growing prefixes of ``text``, ``words`` words at a time, ending with the whole text."""
    pieces = re.findall(r"\S+\s*", text)
    if not pieces:
        yield text
        return
    for i in range(words, len(pieces) + words, words):
        yield "".join(pieces[:i])


def _safe_url(url: str | None) -> str | None:
    if url and re.match(r"https?://[^\s]+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def quote_context(text: str | None, c: Citation, width: int = CONTEXT_CHARS) -> str:
    """The quote's paragraph as HTML with the quote in ``<mark>``; all article text escaped.

    Args:
        text: the article's full text (None when unavailable).
        c: the citation; ``text[c.start:c.end] == c.quote``.
        width: paragraph characters kept on each side of the quote.

    Returns:
        HTML; just the highlighted quote when the offsets do not match the text.
    """
    mark = f"<mark>{escape_text(c.quote)}</mark>"
    if not text or text[c.start : c.end] != c.quote:
        return mark
    start = text.rfind("\n", 0, c.start) + 1
    end = text.find("\n", c.end)
    end = len(text) if end < 0 else end
    before, after = text[start : c.start], text[c.end : end]
    lead = tail = ""
    if len(before) > width:
        before, lead = before[-width:].split(" ", 1)[-1], "… "
    if len(after) > width:
        after, tail = after[:width].rsplit(" ", 1)[0], " …"
    return f"{lead}{escape_text(before)}{mark}{escape_text(after)}{tail}"


def render_sources(answer: Answer, assistant: Assistant | None = None) -> str:
    """The sources panel for an answer: one card per citation, quote highlighted in context.

    Args:
        answer: the answer whose citations to show.
        assistant: used to fetch article text and metadata (quotes only when None).

    Returns:
        HTML in which every value from an article is escaped.
    """
    if answer.abstained or not answer.citations:
        return (
            '<div class="rag-sources"><h3>Sources</h3><p class="rag-none">No sources: the '
            "articles do not answer this question, so nothing is cited.</p></div>"
        )
    cards = []
    for c in answer.citations:
        text = assistant.document_text(c.doc_id) if assistant else None
        doc = _document(assistant, c.doc_id)
        meta = [escape_text(x) for x in (c.date or doc.get("date"), doc.get("publisher")) if x]
        url = _safe_url(c.url or doc.get("url"))
        if url:
            meta.append(
                f'<a href="{html.escape(url, quote=True)}" target="_blank" '
                f'rel="noopener noreferrer nofollow">{escape_text(url)}</a>'
            )
        meta.append(f"<code>{escape_text(c.doc_id)}</code>")
        title = escape_text(c.title or doc.get("title") or c.doc_id)
        cards.append(
            f'<div class="rag-source" id="rag-src-{c.marker}" data-marker="{c.marker}">'
            f'<div class="rag-source-head">[{c.marker}] {title}</div>'
            f'<div class="rag-meta">{" · ".join(meta)}</div>'
            f'<blockquote class="rag-context">{quote_context(text, c)}</blockquote></div>'
        )
    return f'<div class="rag-sources"><h3>Sources</h3>{"".join(cards)}</div>'


def _document(assistant: Assistant | None, doc_id: str) -> dict[str, Any]:
    if assistant is None:
        return {}
    return assistant.catalog.document(doc_id) or {}


def _optional(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


def render_upload_result(result: UploadResult, failed: dict[str, str] | None = None) -> str:
    """HTML lines saying which uploads were added and why each rejected one was refused.

    Args:
        result: what `store_uploads` did.
        failed: stored path -> reason, for files the ingest could not index.

    Returns:
        HTML with every file name and reason escaped.
    """
    failed = failed or {}
    lines = []
    for name, path in result.stored:
        what = escape_text(name)
        reason = failed.get(str(path))
        if reason:
            lines.append(
                f'<li class="rag-upload-bad">{what}: not indexed: {escape_text(reason)}</li>'
            )
        else:
            where = f"<code>{UPLOADS_DIRNAME}/{escape_text(path.name)}</code>"
            lines.append(f'<li class="rag-upload-ok">{what}: added, searchable as {where}</li>')
    for name, path in result.unchanged:
        where = f"<code>{UPLOADS_DIRNAME}/{escape_text(path.name)}</code>"
        lines.append(
            f'<li class="rag-upload-ok">{escape_text(name)}: already uploaded as {where}</li>'
        )
    for name, reason in result.rejected:
        what = escape_text(name)
        lines.append(f'<li class="rag-upload-bad">{what}: rejected: {escape_text(reason)}</li>')
    return f'<ul class="rag-upload">{"".join(lines)}</ul>' if lines else ""


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
    ) -> Answer:
        """`Assistant.ask` with UI values; library errors become `gr.Error` messages."""
        try:
            return self.assistant.ask(
                question,
                history=plain_history(history),
                top_k=int(top_k) if top_k not in (None, "") else None,
                date_from=_optional(date_from),
                date_to=_optional(date_to),
            )
        except RagError as exc:
            raise gr.Error(str(exc), title="Cannot answer") from None

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
            top_k: chunks to draw evidence from (default from settings).
            date_from: only articles dated on or after this ISO date.
            date_to: only articles dated on or before this ISO date.
            history: earlier turns as [{"role": "user"|"assistant", "content": str}].

        Returns:
            {"answer": text with [n] markers, "abstained": bool, "sources": [{"marker", "title",
            "quote", "doc_id", "source", "date", "url", "start", "end", "score"}]}.
        """
        answer = self.ask(question, history or [], top_k, date_from, date_to)
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
    ) -> Iterator[tuple[list[dict[str, Any]], str]]:
        """Stream the answer to the last question into the chat, with the sources panel.

        Args:
            question: the question (already shown as the last user message).
            history: chat messages including that question.
            top_k, date_from, date_to: settings from the accordion.

        Yields:
            ``(messages, sources_html)`` with the answer growing a few words at a time.
        """
        earlier = history[:-1] if history and history[-1].get("role") == "user" else history
        answer = self.ask(question, earlier, top_k, date_from, date_to)
        sources = render_sources(answer, self.assistant)
        messages = [*history, {"role": "assistant", "content": ""}]
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
        settings = self.assistant.settings
        result = store_uploads(pairs, self.assistant.data_dir, settings.max_file_bytes)
        failed: dict[str, str] = {}
        if result.stored:
            try:
                report = self.assistant.ingest([self.uploads_dir], keep_missing=True)
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
    with gr.Blocks(title="News assistant", analytics_enabled=False) as demo:
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
                with gr.Accordion("Add articles", open=False, elem_id="rag-upload"):
                    files = gr.File(
                        label=f"Upload {' '.join(ALLOWED_TYPES)} (up to {settings.max_file_mb:g} "
                        "MB each)", file_count="multiple", file_types=list(ALLOWED_TYPES),
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

        settings_inputs = [top_k, date_from, date_to]
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
