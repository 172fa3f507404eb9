"""Unit tests of the chat UI: markup and escaping, upload validation, handlers, app.py checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import gradio as gr
import pytest

from rag import Assistant
from rag.errors import UploadError
from rag.index.uploads import safe_name, store_uploads
from rag.records import Answer, Citation
from rag.ui.chat import ChatApp, stream_prefixes
from rag.ui.render import (
    escape_text,
    format_answer,
    format_verified,
    plain_history,
    plain_text,
)
from rag.ui.sources import quote_context, render_sources
from tests.conftest import ROOT, SEED_ID, seed_text
from tests.fakes import quick_assistant

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "![pic](x onerror=alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    "www.evil.example and https://evil.example/x",
    "$$\\href{javascript:alert(1)}{x}$$",
]
LIVE = ("<script", "<img", "<a ", "](", "javascript:", "onerror=", "https://", "www.", "$$")


def _citation(**kw: object) -> Citation:
    base: dict = dict(
        marker=1, doc_id="d", title="T", source="s", quote="q", start=0, end=1, score=1.0
    )
    return Citation(**{**base, **kw})


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escape_text_leaves_nothing_live(payload: str) -> None:
    escaped = escape_text(payload)
    for live in LIVE:
        assert live not in escaped
    assert plain_text(escaped) == payload  # displays as the same text


def test_format_answer_links_markers_and_round_trips() -> None:
    text = "The corridor is disputed (by both sides). [1] Hamas <b>denies</b> it. [2][3]"
    html = format_answer(text)
    assert '<a href="#rag-src-1">[1]</a>' in html and '<a href="#rag-src-3">[3]</a>' in html
    assert "<b>" not in html
    assert plain_text(html) == text
    assert plain_text([{"type": "text", "text": html}]) == text


def test_plain_history_keeps_user_text_as_typed() -> None:
    history = [
        {"role": "user", "content": [{"type": "text", "text": "a &amp; b"}]},
        {"role": "assistant", "content": format_answer("x & y. [1]")},
        {"role": "assistant", "content": ""},
    ]
    assert plain_history(history) == [
        {"role": "user", "content": "a &amp; b"},
        {"role": "assistant", "content": "x & y. [1]"},
    ]


def test_stream_prefixes_grow_to_the_full_text() -> None:
    text = "One two three four five six seven. [1]"
    parts = list(stream_prefixes(text, words=2))
    assert len(parts) > 2 and parts[-1] == text
    assert all(b.startswith(a) for a, b in zip(parts, parts[1:], strict=False))
    assert list(stream_prefixes("")) == [""]


def test_quote_context_highlights_quote_inside_its_paragraph() -> None:
    text = seed_text()
    quote = "Philadelphi Corridor"
    start = text.index(quote)
    html = quote_context(text, _citation(quote=quote, start=start, end=start + len(quote)))
    assert f"<mark>{quote}</mark>" in html
    assert "contentious issues" in html  # the surrounding paragraph is shown
    assert "\n" not in html  # one paragraph only


def test_quote_context_escapes_article_html() -> None:
    text = "Intro.\nBefore <script>alert(1)</script> the quote <img src=x onerror=alert(1)>."
    quote = "the quote"
    start = text.index(quote)
    html = quote_context(text, _citation(quote=quote, start=start, end=start + len(quote)))
    assert "<script" not in html and "<img" not in html and "Intro" not in html
    assert "<mark>the quote</mark>" in html


def test_quote_context_falls_back_to_the_quote_when_offsets_are_stale() -> None:
    html = quote_context("other text entirely", _citation(quote="<b>q</b>", start=0, end=8))
    assert html == "<mark>&#60;b&#62;q&#60;/b&#62;</mark>"


def test_render_sources_escapes_metadata_and_refuses_script_urls() -> None:
    bad = _citation(
        title="<script>alert(1)</script>",
        quote="[x](javascript:alert(1))",
        date="2024-08-19",
        url="javascript:alert(1)",
    )
    good = _citation(marker=2, url="https://example.com/a?b=1&c=<2>")
    answer = Answer("q", "a [1] [2]", [bad, good], abstained=False, query="q")
    html = render_sources(answer)
    assert "<script" not in html and "javascript:" not in html and "](" not in html
    assert 'id="rag-src-1"' in html and 'id="rag-src-2"' in html
    assert 'href="https://example.com/a?b=1&amp;c=&lt;2&gt;"' in html
    assert "2024-08-19" in html


def test_render_sources_for_an_abstention_says_so_plainly() -> None:
    answer = Answer("q", "The articles do not say.", [], abstained=True, query="q")
    assert "do not answer" in render_sources(answer)


def test_an_abstention_shows_its_reason_and_what_the_articles_mention() -> None:
    text = "The articles mention Blinken [1] but not the age asked about."
    answer = Answer("q", text, [_citation()], abstained=True, query="q", reason="detail_missing")
    html = format_verified(answer)
    assert "Abstained: the articles mention the subject but not what was asked." in html
    assert plain_text(html) == text  # the reason line is markup, not part of the answer
    assert 'id="rag-src-1"' in render_sources(answer)  # the quote it names is shown
    partial = Answer("q", "a [1]", [_citation()], abstained=False, query="q", reason="partial")
    assert "Partial answer: the articles answer only part of the question." in (
        format_verified(partial)
    )
    assert "rag-reason" not in format_verified(Answer("q", "a [1]", [_citation()], False, "q"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.txt", "report.txt"),
        ("My Report (final).MD", "My_Report_final.md"),
        (".hidden.html", "hidden.html"),
        ("Ünïcödé naïve.jsonl", "Unicode_naive.jsonl"),
        ("<script>.htm", "script.htm"),
        ("x" * 300 + ".pdf", "x" * 96 + ".pdf"),
    ],
)
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../evil.txt", "contains a path"),
        ("..\\evil.txt", "contains a path"),
        ("/etc/passwd.txt", "contains a path"),
        ("..", "contains a path"),
        ("", "no name"),
        ("virus.exe", "unsupported file type '.exe'"),
        ("README", "without an extension"),
    ],
)
def test_safe_name_rejects(name: str, reason: str) -> None:
    with pytest.raises(UploadError, match=reason):
        safe_name(name)


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_store_uploads_rejects_bad_files_and_writes_only_inside_the_data_dir(
    tmp_path: Path,
) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    good = incoming / "good.txt"
    good.write_text("A fine title\n\nThis article has enough text to be indexed as an article.\n")
    big = incoming / "big.txt"
    big.write_text("word " * 3000)
    binary = incoming / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    evil = incoming / "evil.txt"
    evil.write_text("Evil\n\nThis text tries to escape the uploads folder of the app.\n")
    fake_pdf = incoming / "fake.pdf"
    fake_pdf.write_text("not a pdf at all, just text pretending")
    empty = incoming / "empty.md"
    empty.write_text("")
    before = _tree(tmp_path)
    data_dir = tmp_path / "deep" / "data"

    result = store_uploads(
        [
            ("good.txt", good),
            ("big.txt", big),
            ("binary.txt", binary),
            ("../../evil.txt", evil),
            ("fake.pdf", fake_pdf),
            ("empty.md", empty),
            ("tool.exe", good),
        ],
        data_dir,
        max_bytes=10_000,
    )

    reasons = dict(result.rejected)
    assert [name for name, _ in result.stored] == ["good.txt"]
    assert "over the" in reasons["big.txt"] and "MB limit" in reasons["big.txt"]
    assert reasons["binary.txt"] == "binary content, not text"
    assert "contains a path" in reasons["../../evil.txt"]
    assert reasons["fake.pdf"] == "not a PDF file"
    assert reasons["empty.md"] == "empty file"
    assert "unsupported file type" in reasons["tool.exe"]
    # Nothing new anywhere but the one stored file, and no staging leftovers.
    assert _tree(tmp_path) - before == {"deep/data/uploads/good.txt"}
    assert not any((tmp_path / p).exists() for p in ("evil.txt", "deep/evil.txt"))


def test_store_uploads_keeps_same_bytes_once_and_renames_clashes(tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_text("Title one\n\nThe first article text is long enough to be an article.\n")
    two = tmp_path / "two.txt"
    two.write_text("Title two\n\nThe second article text is also long enough to be kept.\n")
    data_dir = tmp_path / "data"
    first = store_uploads([("a.txt", one)], data_dir, 10_000)
    again = store_uploads([("a.txt", one), ("a.txt", two)], data_dir, 10_000)
    assert [p.name for _, p in first.stored] == ["a.txt"]
    assert [p.name for _, p in again.unchanged] == ["a.txt"]
    assert [p.name for _, p in again.stored] == ["a-2.txt"]


def test_respond_streams_a_cited_answer(fake_seeded: Assistant) -> None:
    app = ChatApp(fake_seeded, stream_delay=0)
    question = "What is disputed about the Philadelphi Corridor?"
    history = [{"role": "user", "content": question}]
    updates = list(app.respond(question, history, 5, "", ""))
    assert len(updates) > 3
    messages, sources = updates[-1]
    assert messages[0] == history[0] and messages[-1]["role"] == "assistant"
    final = messages[-1]["content"]
    assert '<a href="#rag-src-1">[1]</a>' in final
    assert "<mark>" in sources and SEED_ID in sources
    # Early updates already carry the sources and a growing prefix of the final answer.
    assert updates[0][1] == sources
    assert plain_text(final).startswith(plain_text(updates[0][0][-1]["content"]).rstrip())


def test_library_errors_become_gradio_errors(fake_seeded: Assistant) -> None:
    app = ChatApp(fake_seeded, stream_delay=0)
    with pytest.raises(gr.Error, match="empty"):
        app.api_chat("   ")
    with pytest.raises(gr.Error, match="date_from must be a date such as 2024-08-19") as info:
        app.api_chat("Philadelphi Corridor", date_from="not a date")
    assert info.value.message.endswith("not 'not a date'")


def test_upload_is_searchable_at_once(tmp_path: Path) -> None:
    assistant = quick_assistant(tmp_path / "data")
    app = ChatApp(assistant, stream_delay=0)
    article = tmp_path / "gradio-cache" / "zorblat.md"
    article.parent.mkdir()
    article.write_text(
        "# Zorblat festival returns\n\nThe Zorblat festival of glass kites returned to the "
        "town of Quillan this spring after a long pause.\n"
    )
    binary = tmp_path / "gradio-cache" / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    cleared, status = app.upload([str(article), str(binary)])
    assert cleared is None
    assert "zorblat.md: added" in status and "uploads/zorblat.md" in status
    assert "blob.txt: rejected: binary content, not text" in status
    result = app.api_chat("Where did the Zorblat festival of glass kites return?")
    assert result["sources"][0]["doc_id"] == "uploads/zorblat.md"
    assert "Quillan" in result["answer"]


def _run_app(**env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("GRADIO_", "RAG_AUTH"))}
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py")], env={**full, **env}, capture_output=True,
        text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip


def test_app_refuses_public_bind_without_auth(tmp_path: Path) -> None:
    proc = _run_app(GRADIO_SERVER_NAME="0.0.0.0", RAG_DATA_DIR=str(tmp_path))
    assert proc.returncode == 2
    assert "RAG_AUTH=user:password" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "catalog.sqlite").exists()  # refused before touching the index


@pytest.mark.parametrize("auth", ["nopassword", ":pw", "user:"])
def test_app_refuses_malformed_auth(tmp_path: Path, auth: str) -> None:
    proc = _run_app(GRADIO_SERVER_NAME="0.0.0.0", RAG_AUTH=auth, RAG_DATA_DIR=str(tmp_path))
    assert proc.returncode == 2
    assert "RAG_AUTH must look like user:password" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_short_answer_is_bold_in_the_answer_and_inside_its_quote() -> None:
    from rag.records import AnswerSentence, ShortAnswer

    quote = "Israel says 111 hostages are still held in Gaza."
    cite = _citation(quote=quote, start=100, end=100 + len(quote))
    short = ShortAnswer("111", cite.doc_id, 112, 115, cite.marker)
    answer = Answer("How many?", f"111 [1]. {quote} [1]", [cite], False, "How many?",
                    [AnswerSentence("111", (1,)), AnswerSentence(quote, (1,))],
                    short=short)  # fmt: skip
    assert format_verified(answer).startswith('<strong class="rag-short">111</strong>')
    assert '<strong class="rag-short">111</strong>' in quote_context(None, cite, short=short)
    # Only inside the quote that holds it.
    other = _citation(quote="Another sentence.", start=300, end=317)
    assert "<strong" not in quote_context(None, other, short=short)
