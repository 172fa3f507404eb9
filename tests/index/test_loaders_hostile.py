"""Hostile and malformed files: every parser failure is that file's rejection, with a reason.

Fuzzing is bounded (fixed example counts and seeds) so the suite stays fast and repeatable.
"""

from __future__ import annotations

import io
import json
import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rag.index.limits as limits
from rag.errors import LoaderError
from rag.index.loaders import SUPPORTED, load_file
from rag.index.metadata import Loaded
from tests.fakes import quick_assistant
from tests.samples import pdf_bytes as _pdf

MB = 1024 * 1024
MAX_BYTES = 5 * MB  # the default RAG_MAX_FILE_MB
# Each seed parses in well under a second here; a mutated file taking 10 s means a runaway
# parser (the probe saw 7 min), far above any slow-machine jitter.
SLOW_SECONDS = 10.0
BODY = "Ceasefire talks resumed in Cairo on Monday, officials from both sides said."


def _rewritten(data: bytes, encrypt: str | None = None) -> bytes:
    """``data`` written again by pypdf: compressed streams, its own xref, optional encryption."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        page.compress_content_streams()
    if encrypt:
        writer.encrypt(user_password="", owner_password="owner", algorithm=encrypt)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _aes_pdf() -> tuple[bytes, bool]:
    """An AES-128 PDF with an empty user password, and whether pypdf can decrypt AES here.

    pypdf needs `cryptography` (or pycryptodome) for AES. Without one, the same file is made by
    writing an RC4-128 file and declaring its cipher AESV2: the password check (identical for
    revisions 3 and 4) passes and reading any stream then needs AES, as with a real AES file.
    """
    from pypdf.errors import DependencyError

    seed = _pdf([BODY])
    try:
        return _rewritten(seed, "AES-128"), True
    except DependencyError:
        pass
    data = _rewritten(seed, "RC4-128")
    aes = b"/V 4\n/R 4\n/Length 128\n/CF << /StdCF << /CFM /AESV2 /Length 16 >> >>\n"
    aes += b"/StmF /StdCF\n/StrF /StdCF"
    assert b"/V 2\n/R 3\n/Length 128" in data  # the layout this patch relies on
    return data.replace(b"/V 2\n/R 3\n/Length 128", aes), False


# PDFs that make pypdf (7.x) raise something other than its own errors; found by the mutation
# loop below and reduced by hand.
PYPDF_CRASHERS = {
    # A trailer that is a name, not a dictionary: AttributeError ('.items()').
    "trailer-name.pdf": _pdf([BODY]).replace(b"<< /Size 6 /Root 1 0 R >>", b"/Size 6"),
    # An object reference inside a content stream: AssertionError (an internal "mypy" assert).
    "stream-ref.pdf": _pdf(["x) Tj 1 0 R (" + BODY]),
    # A string where an xref subsection's first object number belongs: TypeError.
    "xref-string.pdf": _pdf([BODY]).replace(b"xref\n0 6", b"xref\n(a) 6"),
}
BILLION_LAUGHS = (
    b"---\n"
    b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    b"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    b"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    b"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    b"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    b"title: *g\n"
    b"---\n" + BODY.encode() + b"\n"
)
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000


def _check(name: str, data: bytes) -> Loaded | LoaderError:
    """Load ``data`` as file ``name``: a `Loaded` with bounded metadata or a `LoaderError`.

    Any other exception propagates and fails the calling test.
    """
    began = time.perf_counter()
    try:
        loaded = load_file(Path(name), "fuzz", MAX_BYTES, data=data)
    except LoaderError as exc:
        outcome: Loaded | LoaderError = exc
        assert str(exc) and "\n" not in str(exc) and "Traceback" not in str(exc)
    else:
        outcome = loaded
        assert isinstance(loaded, Loaded)
        for a in loaded.articles:
            assert len(a.title) <= limits.MAX_TITLE_CHARS
            assert a.url is None or a.url.lower().startswith(("http://", "https://"))
            assert a.url is None or len(a.url) <= limits.MAX_URL_CHARS
            for value in (a.author, a.publisher):
                assert value is None or len(value) <= limits.MAX_NAME_CHARS
            assert a.source == name  # never a record's "url"
    elapsed = time.perf_counter() - began
    assert elapsed < SLOW_SECONDS, f"{name} took {elapsed:.1f} s"
    return outcome


def _reason(name: str, data: bytes) -> str:
    outcome = _check(name, data)
    assert isinstance(outcome, LoaderError), f"{name} was accepted"
    return str(outcome)


# --- each defect of the probe, reproduced ---------------------------------------------------


@pytest.mark.parametrize("name", sorted(PYPDF_CRASHERS))
def test_pdfs_that_crash_pypdf_are_rejected_with_the_error_type(name):
    reason = _reason(name, PYPDF_CRASHERS[name])
    assert reason in (
        "cannot read PDF: AttributeError",
        "cannot read PDF: AssertionError",
        "cannot read PDF: TypeError",
    )


@pytest.mark.parametrize("error", [TypeError, AssertionError, AttributeError, MemoryError])
def test_any_pdf_parser_exception_becomes_a_reason(monkeypatch, error):
    # Whatever a future pypdf raises on some file, the file is rejected, never the ingest.
    import pypdf

    def explode(*args, **kwargs):
        raise error("boom")

    monkeypatch.setattr(pypdf, "PdfReader", explode)
    assert _reason("a.pdf", _pdf([BODY])) == f"cannot read PDF: {error.__name__}"


def test_pdf_parser_recursion_is_a_reason(monkeypatch):
    import pypdf

    def recurse(*args, **kwargs):
        return recurse()

    monkeypatch.setattr(pypdf, "PdfReader", recurse)
    assert _reason("a.pdf", _pdf([BODY])) == "PDF nested too deeply"


def test_aes_pdf_with_empty_password_is_read_or_rejected_as_encrypted():
    data, decryptable = _aes_pdf()
    outcome = _check("aes.pdf", data)
    if decryptable:
        assert isinstance(outcome, Loaded) and BODY in outcome.articles[0].text
    else:
        assert str(outcome).startswith("encrypted PDF")


def test_rc4_pdf_with_empty_password_is_read():
    # RC4 needs no crypto library: pypdf opens it with the empty password, as viewers do.
    outcome = _check("rc4.pdf", _rewritten(_pdf([BODY]), "RC4-128"))
    assert isinstance(outcome, Loaded) and BODY in outcome.articles[0].text


def test_pdf_with_a_user_password_is_rejected_as_encrypted():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf([BODY]))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert _reason("locked.pdf", out.getvalue()) == "encrypted PDF (a password is required)"


def test_pdf_extraction_has_a_deadline(monkeypatch):
    # 20,000 text operators take ~1 s to extract on a 2-core machine; with a 0.3 s deadline
    # the loader gives up instead of holding the ingest (the probe's file took 7 minutes).
    monkeypatch.setattr(limits, "PDF_SECONDS", 0.3)
    many = ") Tj " + "1 0 0 1 72 700 Tm (word) Tj " * 20_000 + "("
    began = time.perf_counter()
    reason = _reason("slow.pdf", _pdf(["Start" + many + "end"]))
    assert reason.startswith("PDF text extraction took over 0.3 s;")
    assert time.perf_counter() - began < 5


def test_pdf_page_count_is_bounded(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 3)
    three = _check("three.pdf", _pdf([BODY] * 3))
    assert isinstance(three, Loaded) and three.articles[0].text.count(BODY) == 3
    assert _reason("four.pdf", _pdf([BODY] * 4)) == "PDF has 4 pages, over the limit of 3"


def test_json_nested_100000_deep_is_rejected():
    assert _reason("deep.json", DEEP_JSON) == "JSON nested too deeply"


def test_jsonl_line_nested_too_deep_fails_alone():
    data = json.dumps({"id": "ok", "text": BODY}).encode() + b"\n" + DEEP_JSON + b"\n"
    loaded = load_file(Path("mix.jsonl"), "mix.jsonl", MAX_BYTES, data=data)
    assert [a.doc_id for a in loaded.articles] == ["mix.jsonl#ok"]
    assert loaded.failed == [("mix.jsonl:2", "JSON nested too deeply")]


def test_json_number_beyond_python_int_limit_is_a_reason():
    data = b'{"text": "' + BODY.encode() + b'", "n": ' + b"9" * 5000 + b"}"
    assert _reason("big.json", data) == "JSON holds a number too long to read"


def test_billion_laughs_front_matter_is_refused_quickly():
    began = time.perf_counter()
    reason = _reason("laughs.md", BILLION_LAUGHS)
    assert reason == "YAML front matter uses aliases (&/*), which are not allowed"
    assert time.perf_counter() - began < 1  # expanding it took a minute and a MemoryError


def test_front_matter_size_is_bounded():
    over = b"---\ndescription: " + b"word " * 14_000 + b"\n---\n" + BODY.encode()
    assert _reason("long.md", over).startswith("YAML front matter is 68 KB, over the 64 KB limit")


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        ("title: " + "[" * 5000 + "]" * 5000, "YAML front matter nested too deeply"),
        ("title: " + "9" * 5000, "invalid YAML front matter: ValueError"),
        ("title: [unclosed", "invalid YAML front matter: ParserError"),
        ("- a list", "front matter must be a YAML mapping"),
    ],
)
def test_bad_front_matter_reasons(front, reason):
    assert _reason("a.md", f"---\n{front}\n---\n{BODY}\n".encode()) == reason


def test_metadata_fields_are_bounded_and_scalars_only(tmp_path):
    front = {
        "title": "word " * 300,
        "author": ["Jane Roe", "John Doe", {"nested": "x" * 10_000}],
        "source": {"name": "x" * 10_000},
        "url": "https://ex.com/" + "a" * 3000,
    }
    loaded = load_file(
        Path("m.md"), "m", MAX_BYTES, data=f"---\n{json.dumps(front)}\n---\n{BODY}".encode()
    )
    (a,) = loaded.articles
    assert len(a.title) == 495 and a.title.endswith("word…")  # cut at a word, marked
    assert a.author == "Jane Roe, John Doe"
    assert a.publisher is None  # a mapping is not turned into text
    assert a.url is None  # over 2,048 characters: dropped, not cut into another address


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", "data:text/html,<script>x</script>", "file:///etc"]
)
def test_only_web_urls_are_kept(url):
    md = load_file(Path("a.md"), "a", MAX_BYTES, data=f"---\nurl: '{url}'\n---\n{BODY}".encode())
    rec = json.dumps({"text": BODY, "url": url}).encode()
    js = load_file(Path("a.json"), "a.json", MAX_BYTES, data=rec)
    assert md.articles[0].url is None and js.articles[0].url is None
    ok = json.dumps({"text": BODY, "url": "https://ex.com/a"}).encode()
    assert load_file(Path("b.json"), "b", MAX_BYTES, data=ok).articles[0].url == "https://ex.com/a"


def test_jsonl_record_url_never_becomes_the_source(tmp_path):
    # The API deletes an article's file by its source: a record naming another file as its
    # "url" must not make a delete unlink that file.
    victim = str(tmp_path / "uploads" / "victim.txt")
    rows = [
        {"id": "a", "text": BODY, "url": victim},
        {"id": "b", "text": BODY, "url": "https://x/b"},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    loaded = load_file(path, "feed.jsonl", MAX_BYTES)
    assert [a.source for a in loaded.articles] == [str(path), str(path)]
    assert [a.url for a in loaded.articles] == [None, "https://x/b"]


def test_record_ids_that_are_not_short_scalars_fall_back_to_the_record_number():
    rows = [{"id": {"k": "x" * 1000}, "text": BODY}, {"id": "y" * 500, "text": BODY}]
    loaded = load_file(Path("r.json"), "r.json", MAX_BYTES, data=json.dumps(rows).encode())
    assert [a.doc_id for a in loaded.articles] == ["r.json#1", "r.json#2"]


@pytest.mark.parametrize("ext", [".json", ".jsonl"])
def test_records_per_file_are_bounded(ext):
    limit = limits.MAX_RECORDS_PER_FILE
    rows = [{"id": i, "text": BODY} for i in range(limit + 1)]
    data = (json.dumps(rows) if ext == ".json" else "\n".join(map(json.dumps, rows))).encode()
    reason = _reason("feed" + ext, data)
    assert reason == f"{limit + 1} records, over the limit of {limit} per file; split the file"
    at_limit = (
        json.dumps(rows[:limit]) if ext == ".json" else "\n".join(map(json.dumps, rows[:limit]))
    )
    assert (
        len(load_file(Path("ok" + ext), "ok", MAX_BYTES, data=at_limit.encode()).articles) == limit
    )


# --- bounded fuzzing ---------------------------------------------------------------------------

_FUZZ = settings(
    max_examples=200,
    deadline=None,  # _check enforces its own per-file bound
    database=None,  # no .hypothesis folder in the repository
    derandomize=True,  # the same 200 examples every run: a failure always reproduces
    suppress_health_check=[HealthCheck.too_slow],
)


@_FUZZ
@given(
    ext=st.sampled_from(SUPPORTED),
    data=st.one_of(
        st.binary(max_size=2048),
        st.binary(max_size=2048).map(lambda b: b"%PDF-1.4\n" + b),
        st.binary(max_size=2048).map(lambda b: b"---\n" + b + b"\n---\n" + BODY.encode()),
    ),
)
def test_fuzz_arbitrary_bytes(ext, data):
    _check("fuzz" + ext, data)


_PDF_SEED = _pdf([BODY, "Second page: the talks are expected to continue on Tuesday."])
# PDF syntax that changes structure: dictionaries, arrays, references, key names, operators.
_PDF_TOKENS = b"<< >> [ ] R 0 -1 obj null /Type /Kids /Count /Pages /Contents ( ) stream Tj".split()
_PDF_TOKENS.append(b"1 0 R")


def _splice(edits: list[tuple[int, int, bytes]]) -> bytes:
    data = _PDF_SEED
    for at, cut, insert in edits:
        data = data[:at] + insert + data[at + cut :]
    return data


@_FUZZ
@given(
    data=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(_PDF_SEED) - 1),
            st.integers(min_value=0, max_value=16),
            st.sampled_from(_PDF_TOKENS) | st.binary(max_size=8),
        ),
        min_size=1,
        max_size=4,
    ).map(_splice)
)
def test_fuzz_spliced_pdfs(data):
    """Structured edits of a valid PDF reach deep into pypdf, unlike random bytes."""
    _check("fuzz.pdf", data)


def _containers(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    _containers,
    max_leaves=30,
)
_FIELDS = st.sampled_from(["id", "text", "title", "date", "url", "author", "source", "publisher"])


@_FUZZ
@given(
    records=st.lists(
        st.dictionaries(_FIELDS, _JSON | st.just(BODY), max_size=8) | _JSON, max_size=6
    ),
    lines=st.booleans(),
)
def test_fuzz_json_records(records, lines):
    data = "\n".join(map(json.dumps, records)) if lines else json.dumps(records)
    _check("fuzz.jsonl" if lines else "fuzz.json", data.encode())


_YAMLISH = st.text(alphabet="ab1 :-[]{}&*!|>'\"#\n,?%@`\\\t", max_size=300)


@_FUZZ
@given(front=_YAMLISH, ext=st.sampled_from([".md", ".txt"]))
def test_fuzz_front_matter(front, ext):
    _check("fuzz" + ext, f"---\n{front}\n---\n{BODY}\n".encode())


def _mutants(seed: bytes, count: int, rng: random.Random) -> list[bytes]:
    """``count`` variants of ``seed``: flipped bytes, deletions, duplications, splices, cuts."""
    # Structure-changing tokens of PDF, JSON, HTML and YAML.
    tokens = _PDF_TOKENS + b'{ } " <div> </p> <!-- &# \\u *a &a'.split()
    out = []
    for _ in range(count):
        data = bytearray(seed)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(data) or 1)
            op = rng.randrange(5)
            if op == 0 and data:
                data[at] = rng.randrange(256)
            elif op == 1:
                del data[at : at + rng.randint(1, 64)]
            elif op == 2:
                src = rng.randrange(len(data) or 1)
                data[at:at] = data[src : src + rng.randint(1, 256)] * rng.randint(1, 4)
            elif op == 3:
                data[at:at] = rng.choice(tokens)
            else:
                data = data[: max(at, 1)]  # truncated download
        out.append(bytes(data))
    return out


def _mutation_loop(seeds: list[tuple[str, bytes]], per_seed: int) -> tuple[int, int]:
    """Check ``per_seed`` mutants of each seed; returns (files tried, files accepted)."""
    rng = random.Random(20240819)  # fixed: the same mutants every run
    tried = accepted = 0
    for name, seed in seeds:
        assert isinstance(_check(name, seed), Loaded), f"seed {name} must load"
        for data in _mutants(seed, per_seed, rng):
            tried += 1
            accepted += isinstance(_check(name, data), Loaded)
    return tried, accepted


def test_fuzz_mutations_of_pdf_json_and_markdown():
    """A fixed-seed mutation loop over real PDFs (hand-written, pypdf-compressed, encrypted),
    JSON, JSONL and markdown with front matter."""
    pdf = _pdf([BODY, "Second page: the talks are expected to continue on Tuesday."])
    md = f"---\ntitle: Talks\ndate: June 2023\nurl: https://ex.com/a\n---\n# Talks\n\n{BODY}\n"
    rows = [{"id": "a", "title": "One", "text": BODY, "date": "2023-06-01"}, {"text": BODY}]
    seeds = [
        ("seed.pdf", pdf),
        ("seed-flate.pdf", _rewritten(pdf)),
        ("seed-rc4.pdf", _rewritten(pdf, "RC4-128")),
        ("seed.md", md.encode()),
        ("seed.json", json.dumps(rows).encode()),
        ("seed.jsonl", "\n".join(map(json.dumps, rows)).encode()),
    ]
    tried, accepted = _mutation_loop(seeds, 300)
    # Both outcomes occur: the mutants reach the parsers, not only the early checks.
    assert tried == 1800 and 0 < accepted < tried


def test_fuzz_mutations_of_newspaper_html(newspaper):
    """The same loop over real news pages, read in place from the shared corpus."""
    pages = sorted((newspaper / "html").glob("*.html"))[::20]  # 8 sites, spread alphabetically
    # trafilatura costs ~50x a small PDF per file: fewer mutants keep this within seconds.
    tried, accepted = _mutation_loop([(p.name, p.read_bytes()) for p in pages], 15)
    assert tried == 15 * len(pages) and 0 < accepted < tried


# --- end to end ----------------------------------------------------------------------------


def test_ingest_indexes_every_good_file_and_reports_each_hostile_one(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    stories = [
        "The city council approved the new budget for schools and roads after a long debate.",
        "Rescue teams reached the villages hit by the earthquake; no deaths were reported.",
        "The central bank kept interest rates unchanged, citing slowing inflation this spring.",
        "A new railway line between the two capitals opened to passengers on Saturday.",
    ]
    good = {
        "a.txt": f"---\ntitle: Budget\ndate: June 2023\n---\n{stories[0]}\n".encode(),
        "b.md": f"# Quake\n\n{stories[1]}\n".encode(),
        "c.pdf": _pdf([stories[2]]),
        "d.jsonl": json.dumps({"id": "rail", "text": stories[3], "url": "https://x/r"}).encode(),
    }
    aes, decryptable = _aes_pdf()
    bad = {
        "deep.json": (DEEP_JSON, "JSON nested too deeply"),
        "laughs.md": (BILLION_LAUGHS, "YAML front matter uses aliases"),
        "many.jsonl": (
            "\n".join(json.dumps({"text": f"{BODY} {i}"}) for i in range(2001)).encode(),
            "2001 records, over the limit of 2000 per file",
        ),
        **{name: (data, "cannot read PDF: ") for name, data in PYPDF_CRASHERS.items()},
    }
    if decryptable:
        good["aes.pdf"] = aes
    else:
        bad["aes.pdf"] = (aes, "encrypted PDF")
    for name, data in good.items():
        (folder / name).write_bytes(data)
    for name, (data, _) in bad.items():
        (folder / name).write_bytes(data)

    report = quick_assistant(tmp_path / "d").ingest([folder])

    expected = {f"news/{n}" for n in good if n != "d.jsonl"} | {"news/d.jsonl#rail"}
    assert set(report.added) == expected
    reasons = {Path(path).name: reason for path, reason in report.failed}
    assert set(reasons) == set(bad)
    for name, (_, reason) in bad.items():
        assert reasons[name].startswith(reason), (name, reasons[name])
