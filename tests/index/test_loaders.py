import json
import os
from pathlib import Path

import pytest

from rag.errors import LoaderError
from rag.index.dates import normalize_date
from rag.index.loaders import decode_text, doc_id_for, iter_files, load_file
from tests.samples import pdf_bytes

MB = 1024 * 1024


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def _one(path: Path, doc_id: str = "d"):
    loaded = load_file(path, doc_id, 5 * MB)
    assert not loaded.failed
    (article,) = loaded.articles
    return article


def test_txt_front_matter(tmp_path):
    p = _write(
        tmp_path / "a.txt",
        "---\ntitle: Gaza talks\ndate: 2024-08-19\nsource: Example Times\nurl: https://ex.com/a\n"
        "author: Jane Roe\n---\nBody sentence one. Body sentence two.\n",
    )
    a = _one(p)
    assert (a.title, a.date, a.url, a.author, a.publisher) == (
        "Gaza talks", "2024-08-19", "https://ex.com/a", "Jane Roe", "Example Times",
    )  # fmt: skip
    assert a.text == "Body sentence one. Body sentence two.\n"


def test_seed_in_corpus_has_title_and_no_invented_metadata():
    from tests.conftest import SEED, seed_text

    a = _one(SEED)
    assert a.title.startswith("Netanyahu Describes Talks with Blinken")
    assert (a.date, a.url, a.publisher) == (None, None, None)
    assert a.text == seed_text()


def test_markdown_title_from_heading(tmp_path):
    a = _one(_write(tmp_path / "a.md", "# The headline\n\nSome article text that is long enough."))
    assert a.title == "The headline"


def test_html_main_text_and_metadata(tmp_path):
    html = """<html><head><title>Quake hits coast | Daily</title>
    <meta property="og:url" content="https://daily.example/quake"/>
    <meta name="date" content="2015-03-02"/></head><body>
    <nav>Home | World | Sport</nav><article><h1>Quake hits coast</h1>
    <p>A strong earthquake struck the northern coast on Monday, officials said.</p>
    <p>Rescue teams reached the worst-hit villages by evening, and no deaths were reported.</p>
    </article><footer>Copyright</footer></body></html>"""
    a = _one(_write(tmp_path / "q.html", html))
    assert "strong earthquake struck the northern coast" in a.text
    assert "Home | World" not in a.text
    assert a.title.startswith("Quake hits coast")
    assert a.date == "2015-03-02"
    assert a.url == "https://daily.example/quake"


def test_html_date_only_in_the_text_is_still_found(tmp_path):
    # No date in the markup or URL: the fast date search misses it, the full-text one finds it.
    body = "The council voted on the new budget after a long debate about schools and roads. " * 6
    html = f"""<html><head><title>Budget vote</title></head><body><article>
    <h1>Budget vote</h1><p>{body}</p><p>{body}</p>
    <div>Posted Tuesday, 12 March 2021 by staff.</div></article></body></html>"""
    a = _one(_write(tmp_path / "budget.html", html))
    assert a.date == "2021-03-12"
    assert "The council voted on the new budget" in a.text


def test_binary_looking_text_is_rejected_and_tabs_are_not(tmp_path):
    assert decode_text(b"a\tb\fc\r\nd " * 100) == "a\tb\fc\nd " * 100
    with pytest.raises(LoaderError, match="binary content"):
        decode_text(b"text\x01\x02\x1b" * 50)


def test_jsonl_records_and_bad_record(tmp_path):
    lines = [
        {"id": "a1", "title": "One", "text": "First article text, long enough to keep.",
         "date": "2020-01-02", "url": "https://x/1", "source": "X"},
        {"title": "No text"},
        "not json",
        {"url": "https://x/3", "text": "Third article text, long enough to keep too."},
    ]  # fmt: skip
    p = _write(
        tmp_path / "f.jsonl",
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines),
    )
    loaded = load_file(p, "f.jsonl", 5 * MB)
    assert [a.doc_id for a in loaded.articles] == ["f.jsonl#a1", "f.jsonl#https://x/3"]
    assert loaded.articles[0].date == "2020-01-02"
    reasons = sorted(r for _, r in loaded.failed)
    assert reasons[0].startswith("invalid JSON") and reasons[1] == "record has no 'text' string"


def test_pdf_text(tmp_path):
    a = _one(_write(tmp_path / "a.pdf", pdf_bytes(["Ceasefire talks resumed in Cairo on Monday."])))
    assert "Ceasefire talks resumed in Cairo" in a.text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\t\n", "empty file"),
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary content, not text"),
        ("bad.txt", b"caf\xe9 \x81\x8d\x8f\x90 text", "undecodable: neither UTF-8 nor"),
        ("a.docx", b"PK\x03\x04", "unsupported file type '.docx'"),
        ("noext", b"hello", "unsupported file type without an extension"),
        ("fake.pdf", b"hello there", "not a PDF file"),
        ("script.html", b"<html><script>var a = 1;</script></html>", "no article text found"),
        ("bad.json", b"{nope", "invalid JSON at line 1"),
    ],
)  # fmt: skip
def test_bad_files_have_clear_reasons(tmp_path, name, data, reason):
    with pytest.raises(LoaderError) as info:
        load_file(_write(tmp_path / name, data), name, 5 * MB)
    assert str(info.value).startswith(reason)


def test_latin1_and_cp1252_text_is_decoded():
    assert decode_text("café – “quoted”".encode("cp1252")) == "café – “quoted”"
    assert decode_text("naïve".encode("latin-1")) == "naïve"


def test_oversize_file_is_rejected_before_reading(tmp_path):
    p = _write(tmp_path / "big.txt", b"x" * (2 * MB))
    with pytest.raises(LoaderError, match=r"file is 2.0 MB, over the 1 MB limit"):
        load_file(p, "big.txt", 1 * MB)


def test_symlink_loop_and_broken_link(tmp_path):
    os.symlink(tmp_path / "b.txt", tmp_path / "a.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "b.txt")
    with pytest.raises(LoaderError, match="symbolic link loop"):
        load_file(tmp_path / "a.txt", "a", MB)
    os.symlink(tmp_path / "missing.txt", tmp_path / "c.txt")
    with pytest.raises(LoaderError, match="file not found"):
        load_file(tmp_path / "c.txt", "c", MB)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file(tmp_path):
    p = _write(tmp_path / "secret.txt", "text that nobody may read")
    p.chmod(0)
    with pytest.raises(LoaderError, match="permission denied"):
        load_file(p, "s", MB)


def test_iter_files_skips_hidden_and_ids_are_relative(tmp_path):
    _write(tmp_path / "news" / "a.txt", "x")
    _write(tmp_path / "news" / "sub" / "b.md", "x")
    _write(tmp_path / "news" / ".hidden.txt", "x")
    _write(tmp_path / "news" / ".git" / "c.txt", "x")
    root = tmp_path / "news"
    ids = [doc_id_for(r, f) for r, f in iter_files([root])]
    assert ids == ["news/a.txt", "news/sub/b.md"]
    assert doc_id_for(root / "a.txt", root / "a.txt") == "a.txt"


def test_normalize_date():
    assert normalize_date("2024-08-19T10:00:00Z") == "2024-08-19"
    assert normalize_date("August 19, 2024") == "2024-08-19"
    assert normalize_date("someday") is None
    assert normalize_date(None) is None
