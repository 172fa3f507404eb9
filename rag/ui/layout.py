"""The chat page's components: the chat column, its settings and upload panels, the sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr
from gradio.helpers import Examples

from rag.config import Settings
from rag.index.uploads import ALLOWED_TYPES
from rag.ui.feeds import FeedsPanel, build_feeds_panel
from rag.ui.render import EMPTY_SOURCES

EXAMPLES = [
    "What is disputed about the Philadelphi Corridor?",
    "How did Netanyahu describe his meeting with Blinken?",
    "What did Hamas say about the ceasefire talks?",
]
INTRO = (
    "## News assistant\nAsk about the articles. Every sentence of an answer is quoted "
    "from an article; click a [n] marker to see the quote in its paragraph."
)


@dataclass
class Page:
    """The components `rag.ui.chat.build_app` wires to the handlers."""

    chatbot: gr.Chatbot
    question: gr.Textbox
    ask: gr.Button
    clear: gr.Button
    examples: Examples
    top_k: gr.Slider
    date_from: gr.Textbox
    date_to: gr.Textbox
    mode: gr.Radio
    files: gr.File
    upload_status: gr.HTML
    sources: gr.HTML
    feeds: FeedsPanel

    @property
    def settings_inputs(self) -> list[Any]:
        """The settings passed to every answer, in `ChatApp.respond`'s order."""
        return [self.top_k, self.date_from, self.date_to, self.mode]


def build_page(settings: Settings, llm_configured: bool) -> Page:
    """Create the page's components inside the current ``gr.Blocks``.

    Args:
        settings: the assistant's settings (default top_k, upload size limit).
        llm_configured: whether to offer the answer-mode choice.

    Returns:
        The components, for wiring.
    """
    gr.Markdown(INTRO)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chat = _chat_column()
            with gr.Accordion("Settings", open=False, elem_id="rag-settings"):
                choices = _settings_panel(settings.top_k, llm_configured)
            with gr.Accordion("Add articles", open=False, elem_id="rag-upload"):
                # No file_types: Gradio would refuse the whole batch for one bad file; our
                # own check gives each rejected file its reason.
                files = gr.File(
                    label=f"Upload {' '.join(ALLOWED_TYPES)} (up to {settings.max_file_mb:g} "
                    "MB each)", file_count="multiple",
                    type="filepath", elem_id="rag-files",
                )  # fmt: skip
                upload_status = gr.HTML(elem_id="rag-upload-status")
            feeds = build_feeds_panel()
        with gr.Column(scale=2):
            sources = gr.HTML(EMPTY_SOURCES, elem_id="rag-sources")
    return Page(*chat, *choices, files, upload_status, sources, feeds)


def _chat_column() -> tuple[gr.Chatbot, gr.Textbox, gr.Button, gr.Button, Examples]:
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
    examples = gr.Examples(EXAMPLES, inputs=question, label="Examples", api_visibility="private")
    return chatbot, question, ask, clear, examples


def _settings_panel(
    top_k: int, llm_configured: bool
) -> tuple[gr.Slider, gr.Textbox, gr.Textbox, gr.Radio]:
    slider = gr.Slider(1, 20, value=top_k, step=1, label="Passages (top_k)")
    with gr.Row():
        date_from = gr.Textbox(label="From date", placeholder="YYYY-MM-DD")
        date_to = gr.Textbox(label="To date", placeholder="YYYY-MM-DD")
    # Only offered when a backend is configured; otherwise answers are quotes.
    mode = gr.Radio(
        [("LLM, citations verified", "llm"), ("Extractive quotes", "extractive")],
        value="llm" if llm_configured else "extractive",
        label="Answer mode", visible=llm_configured, elem_id="rag-mode",
    )  # fmt: skip
    return slider, date_from, date_to, mode
