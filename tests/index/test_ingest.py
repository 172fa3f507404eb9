"""Ingest bookkeeping: incremental sync, duplicates, bad files, crashes, locks (fake embedder)."""

import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from rag import Assistant
from rag.errors import IngestLockedError
from tests.conftest import SEED
from tests.fakes import quick_assistant

A = "Storm floods the harbour town. Fishermen lost boats in the night. The mayor asked for aid."
B = "The central bank raised rates by half a point. Inflation rose to 6 percent in March."
C = "A new bridge opened in the capital on Friday. It cost 2 billion euros to build."


def _corpus(root: Path, **files: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _state(assistant: Assistant) -> dict:
    """Everything a clean ingest determines: vectors, catalog rows and BM25 ids."""
    got = assistant.index.store.collection.get(include=["metadatas", "documents"])
    vectors = {
        i: (m["doc_id"], m["start"], m["end"], d)
        for i, m, d in zip(got["ids"], got["metadatas"], got["documents"], strict=True)
    }
    assistant.index.lexical.refresh()
    return {
        "vectors": vectors,
        "catalog": sorted(assistant.index.catalog.chunk_ids()),
        "bm25": sorted(assistant.index.lexical.ids()),
        "docs": {d["doc_id"]: d["hash"] for d in assistant.documents()},
    }


def test_incremental_sync(tmp_path):
    news = _corpus(tmp_path / "news", **{"a.txt": A, "b.txt": B})
    asst = quick_assistant(tmp_path / "data")
    first = asst.ingest([news])
    assert sorted(first.added) == ["news/a.txt", "news/b.txt"] and first.chunks >= 2

    again = asst.ingest([news])
    assert (again.added, again.updated, again.chunks) == ([], [], 0)
    assert sorted(again.unchanged) == ["news/a.txt", "news/b.txt"]

    (news / "a.txt").write_text(A + " Repairs will take a year.", encoding="utf-8")
    (news / "b.txt").unlink()
    (news / "c.txt").write_text(C, encoding="utf-8")
    third = asst.ingest([news])
    assert (third.added, third.updated, third.removed) == (
        ["news/c.txt"], ["news/a.txt"], ["news/b.txt"],
    )  # fmt: skip
    state = _state(asst)
    assert set(state["docs"]) == {"news/a.txt", "news/c.txt"}
    assert {v[0] for v in state["vectors"].values()} == {"news/a.txt", "news/c.txt"}
    assert sorted(state["vectors"]) == state["catalog"] == state["bm25"]
    hits = asst.retrieve("central bank interest rates inflation", top_k=5)
    assert all(h.doc_id != "news/b.txt" for h in hits)
    assert asst.retrieve("how long will repairs take", top_k=1)[0].doc_id == "news/a.txt"


def test_keep_missing(tmp_path):
    news = _corpus(tmp_path / "news", **{"a.txt": A, "b.txt": B})
    asst = quick_assistant(tmp_path / "data")
    asst.ingest([news])
    (news / "b.txt").unlink()
    report = asst.ingest([news], keep_missing=True)
    assert report.removed == []
    assert {d["doc_id"] for d in asst.documents()} == {"news/a.txt", "news/b.txt"}


FRONT = "---\ntitle: Floods\ndate: 2015-03-02\nurl: https://ex.com/f\n---\n"


def test_chroma_metadata_and_offsets(tmp_path):
    news = _corpus(
        tmp_path / "news",
        **{"dated.md": FRONT + f"{A} {B} {C}"},
    )
    asst = quick_assistant(tmp_path / "data", chunk_chars=100)
    asst.ingest([news])
    text = asst.document_text("news/dated.md")
    got = asst.index.store.collection.get(include=["metadatas", "documents"])
    assert len(got["ids"]) >= 2
    for meta, doc in zip(got["metadatas"], got["documents"], strict=True):
        assert text[meta["start"] : meta["end"]] == doc
        assert (meta["doc_id"], meta["title"], meta["date"]) == (
            "news/dated.md",
            "Floods",
            "2015-03-02",
        )
        assert meta["source"] == "https://ex.com/f" and meta["date_num"] == 20150302


def test_bad_files_are_reported_and_the_rest_ingested(tmp_path):
    news = _corpus(tmp_path / "news", **{"a.txt": A, "b.md": B, "empty.txt": "", "x.xyz": "hi"})
    (news / "bin.txt").write_bytes(b"\x00\x01\x02binary" * 50)
    (news / "big.txt").write_bytes(b"word " * 300_000)
    asst = quick_assistant(tmp_path / "data", max_file_mb=1)
    report = asst.ingest([news, tmp_path / "nope"])
    assert sorted(report.added) == ["news/a.txt", "news/b.md"]
    reasons = {Path(p).name: r for p, r in report.failed}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["bin.txt"] == "binary content, not text"
    assert reasons["x.xyz"].startswith("unsupported file type '.xyz'")
    assert reasons["big.txt"].startswith("file is 1.4 MB, over the 1 MB limit")
    assert reasons["nope"] == "no such file or directory"
    assert not report.ok


def test_same_article_under_two_names_is_a_duplicate(tmp_path):
    news = _corpus(tmp_path / "news", **{"a.txt": A, "copy-of-a.txt": A})
    report = quick_assistant(tmp_path / "data").ingest([news])
    assert report.added == ["news/a.txt"]
    assert report.duplicates == [("news/copy-of-a.txt", "news/a.txt")]


def test_rerun_after_interrupted_ingest_converges(tmp_path):
    news = _corpus(tmp_path / "news", **{"a.txt": A, "b.txt": B, "c.txt": C})
    clean = quick_assistant(tmp_path / "clean")
    clean.ingest([news])
    expected = _state(clean)

    broken = quick_assistant(tmp_path / "broken")
    broken.ingest([news])
    # Simulate crashes at different points: vectors written but the catalog row never
    # committed (b), and a catalog row whose vectors were lost (c), plus a stray orphan.
    b_ids = broken.index.catalog.chunk_ids("news/b.txt")
    broken.index.catalog.remove("news/b.txt")
    broken.index.store.delete_ids(broken.index.catalog.chunk_ids("news/c.txt")[:1])
    broken.index.store.collection.upsert(ids=["orphan"], embeddings=[[0.1] * 384], documents=["x"],
                                   metadatas=[{"doc_id": "gone"}])  # fmt: skip
    assert set(b_ids) <= broken.index.store.all_ids()
    report = broken.ingest([news])
    assert set(report.added) == {"news/b.txt"} and set(report.updated) == {"news/c.txt"}
    assert _state(broken) == expected


def test_second_ingest_waits_then_stops_with_clear_message(tmp_path):
    news = _corpus(tmp_path / "news", **{"a.txt": A})
    asst = quick_assistant(tmp_path / "data", write_wait=0.2)
    asst.ingest([news])
    with FileLock(str(tmp_path / "data" / "ingest.lock")), pytest.raises(IngestLockedError) as e:
        asst.ingest([news])
    assert "another ingest is writing" in str(e.value)


def test_seed_corpus_ingest(tmp_path):
    corpus = shutil.copytree(SEED.parent, tmp_path / "corpus")
    asst = quick_assistant(tmp_path / "data")
    report = asst.ingest([corpus])
    assert report.added == ["corpus/netanyahu-blinken-talks.txt"]
    doc = asst.documents()[0]
    assert doc["title"].startswith("Netanyahu Describes Talks") and doc["date"] is None


def test_byte_identical_files_are_skipped_and_settings_changes_rechunk(tmp_path):
    news = _corpus(tmp_path / "news", **{"a.txt": A + " " + B + " " + C})
    asst = quick_assistant(tmp_path / "data")
    asst.ingest([news])
    (news / "a.txt").touch()
    assert asst.ingest([news]).unchanged == ["news/a.txt"]
    before = asst.index.catalog.chunk_ids("news/a.txt")
    smaller = quick_assistant(tmp_path / "data", chunk_chars=100)
    report = smaller.ingest([news])
    assert report.updated == ["news/a.txt"]
    after = smaller.index.catalog.chunk_ids("news/a.txt")
    assert len(after) > len(before)
    assert smaller.index.store.all_ids() == set(after)


def test_files_with_an_old_unchanged_stamp_are_not_read_again(tmp_path, monkeypatch):
    import os

    import rag.index.scan

    news = _corpus(tmp_path / "news", **{"a.txt": A, "b.txt": B})
    for f in news.iterdir():  # older than the "racy" window, so the stamp is trusted
        os.utime(f, (1_700_000_000, 1_700_000_000))
    asst = quick_assistant(tmp_path / "data")
    asst.ingest([news])
    reads: list[str] = []
    real = rag.index.scan.read_bytes
    monkeypatch.setattr(
        rag.index.scan, "read_bytes", lambda p, n: reads.append(p.name) or real(p, n)
    )
    assert sorted(asst.ingest([news]).unchanged) == ["news/a.txt", "news/b.txt"]
    assert reads == []
    # Same size, new bytes, new mtime: read, and indexed again.
    (news / "a.txt").write_text(A.replace("boats", "nets!"), encoding="utf-8")
    report = asst.ingest([news])
    assert reads == ["a.txt"] and report.updated == ["news/a.txt"]
    assert "nets!" in asst.document_text("news/a.txt")
    # Just modified: its stamp is "racy", so the next run hashes it again (and skips it).
    assert asst.ingest([news]).unchanged == ["news/a.txt", "news/b.txt"]
    assert reads == ["a.txt", "a.txt"]
