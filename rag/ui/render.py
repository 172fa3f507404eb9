"""Chat and sources-panel markup for answers, with all article text escaped.

Article text is untrusted, and answer sentences are article sentences. Everything taken from an
article is escaped before it reaches the browser: HTML special characters and the punctuation
that starts markdown links, images, autolinks, emphasis, code or math become numeric character
references, so no tag, link or script can be formed from it. Only markup built here is live.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rag.index.uploads import UPLOADS_DIRNAME, UploadResult
from rag.records import REASON_TEXT, Answer
from rag.text.markers import MARKER

if TYPE_CHECKING:
    pass

CONTEXT_CHARS = 500  # characters of paragraph kept on each side of a highlighted quote
# Characters that can begin HTML, links, images, autolinks (scheme ':' and e-mail '@'), emphasis,
# code, tables, headings or math; ordinary punctuation (.,;?-) stays readable as it is.
_INERT = frozenset("&<>\"'[]!*_~`#|$\\:@{}=")
_WWW = re.compile(r"www\.", re.IGNORECASE)
_CITE_LINK = re.compile(r'<sup class="rag-cite"><a href="#rag-src-\d+">\[(\d+)\]</a></sup>')
UNSUPPORTED_SIGN = "⚠"
UNSUPPORTED_TITLE = "Not supported by the source it cites"
# Markup `format_verified` adds around LLM answers; `plain_text` takes it off again.
_VERIFY_MARKUP = re.compile(
    r'<span class="rag-unsupported" title="[^"]*">' + UNSUPPORTED_SIGN + r" |</span>"
    r'|\s*<p class="rag-notice[^"]*">.*?</p>',
    re.DOTALL,
)
CHECKING_SOURCES = (
    '<div class="rag-sources"><h3>Sources</h3><p class="rag-none">Checking each sentence '
    "against the sources it cites…</p></div>"
)
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
.rag-unsupported { text-decoration: underline wavy #b91c1c; }
.rag-notice { font-size: .85em; opacity: .8; }
.rag-also { font-size: .85em; margin: 0 0 .4em 0; }
.rag-notes { font-size: .85em; margin: .3em 0 0 0; padding-left: 1.1em; }
.rag-dispute { color: #b45309; font-weight: 600; }
.rag-source.rag-disputed { border-left: 4px solid #f59e0b; }
.rag-timeline { margin: 0 0 .8em 0; padding-left: 1.4em; }
.rag-timeline time { font-weight: 600; margin-right: .4em; }
.rag-feeds-table { width: 100%; font-size: .9em; border-collapse: collapse; }
.rag-feeds-table th, .rag-feeds-table td { text-align: left; padding: .25em .5em;
  border-bottom: 1px solid var(--border-color-primary); vertical-align: top; }
.rag-feed-url { word-break: break-all; }
.rag-feed-ok { color: #15803d; }
.rag-feed-bad { color: #b91c1c; }
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
    for m in MARKER.finditer(text):
        out.append(escape_text(text[pos : m.start()]))
        n = m.group(1)
        out.append(f'<sup class="rag-cite"><a href="#rag-src-{n}">[{n}]</a></sup>')
        pos = m.end()
    out.append(escape_text(text[pos:]))
    return "".join(out)


def format_verified(answer: Answer) -> str:
    """Chat markup for a final answer: unsupported sentences marked, the notice underneath.

    Args:
        answer: a finished answer (extractive or verified LLM).

    Returns:
        Markdown/HTML safe to show in the chatbot; `plain_text` turns it back into the text.
    """
    short = answer.short
    if any(not s.supported for s in answer.sentences):
        parts = []
        for n, sent in enumerate(answer.sentences):
            marks = "".join(f"[{m}]" for m in sent.markers)
            body = format_answer(f"{sent.text} {marks}".strip())
            if n == 0 and short is not None and sent.text == short.text:
                body = _bold_lead(sent.text, body)
            if not sent.supported:
                body = (
                    f'<span class="rag-unsupported" title="{UNSUPPORTED_TITLE}">'
                    f"{UNSUPPORTED_SIGN} {body}</span>"
                )
            parts.append(body)
        out = " ".join(parts)
    else:
        out = format_answer(answer.text)
        if short is not None and answer.text.startswith(short.text):
            out = _bold_lead(short.text, out)
    if answer.notice:
        out += f'\n\n<p class="rag-notice">{escape_text(answer.notice)}</p>'
    if answer.reason:
        label = "Abstained" if answer.abstained else "Partial answer"
        why = escape_text(REASON_TEXT[answer.reason])
        out += f'\n\n<p class="rag-notice rag-reason">{label}: {why}.</p>'
    return out


def _bold_lead(phrase: str, markup: str) -> str:
    """``markup`` (from `format_answer`) with its leading ``phrase`` in bold."""
    escaped = escape_text(phrase)
    if not markup.startswith(escaped):
        return markup
    return f'<strong class="rag-short">{escaped}</strong>{markup[len(escaped) :]}'


def plain_text(content: Any) -> str:
    """The plain text of a chat message as `format_answer` wrote it (markers back to ``[n]``).

    Args:
        content: a message's content: a string or Gradio's list of ``{"type": "text"}`` parts.

    Returns:
        The text without markup.
    """
    text = _VERIFY_MARKUP.sub("", _joined(content))
    return html.unescape(_CITE_LINK.sub(r"[\1]", text))


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


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL (safe as a link target), else None."""
    if url and re.match(r"https?://[^\s]+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def safe_link(url: str | None, text: str | None = None) -> str:
    """An escaped link to ``url`` opening in a new tab; just the escaped text when ``url`` is
    not an http(s) URL. ``text`` defaults to the URL."""
    label = escape_text(text if text is not None else url or "")
    good = safe_url(url)
    if good is None:
        return label
    return (f'<a href="{html.escape(good, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer nofollow">{label}</a>')  # fmt: skip


def render_upload_result(result: UploadResult, failed: dict[str, str] | None = None) -> str:
    """HTML lines saying which uploads were added and why each rejected one was refused.

    Args:
        result: what `Assistant.add_uploads` stored.
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
            done = "replaced the earlier version" if path in result.replaced else "added"
            lines.append(f'<li class="rag-upload-ok">{what}: {done}, searchable as {where}</li>')
    for name, path in result.unchanged:
        where = f"<code>{UPLOADS_DIRNAME}/{escape_text(path.name)}</code>"
        lines.append(
            f'<li class="rag-upload-ok">{escape_text(name)}: already uploaded as {where}</li>'
        )
    for name, reason in result.rejected:
        what = escape_text(name)
        lines.append(f'<li class="rag-upload-bad">{what}: rejected: {escape_text(reason)}</li>')
    return f'<ul class="rag-upload">{"".join(lines)}</ul>' if lines else ""
