"""Incremental BM25: scores equal a full rebuild's, one change costs one article's work."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from rag.index.catalog import Catalog
from rag.index.chunking import chunk_text
from rag.index.lexical import K1, B, LexicalIndex
from rag.records import Article
from rag.text.terms import terms

ARTICLES = {
    "a": "The central bank raised interest rates. Inflation stayed high in March.",
    "b": "Rebels shelled the port city. Aid convoys could not reach the harbour.",
    "c": "The election commission counted ballots overnight. Turnout was a record.",
    "d": "Oil prices fell as the cartel raised output. Traders expect cheaper fuel.",
}
QUERIES = ["interest rates inflation", "port aid convoys", "oil prices output", "record turnout"]


def put(catalog: Catalog, doc_id: str, text: str) -> int:
    """Index one article the way ingest does (small chunks, so it has several); its chunk count."""
    article = Article(doc_id=doc_id, text=text, source=f"{doc_id}.txt", title=doc_id.upper())
    chunks = chunk_text(doc_id, text, max_chars=100, overlap=0)
    catalog.put([(article, "/news", chunks, [" ".join(terms(c.text)) for c in chunks])])
    return len(chunks)


def scores(index: LexicalIndex) -> list[list[tuple[str, float]]]:
    return [[(c, round(s, 5)) for c, s in index.search(q, 10)] for q in QUERIES]


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    cat = Catalog(tmp_path / "catalog.sqlite")
    for doc_id, text in ARTICLES.items():
        put(cat, doc_id, text)
    for i in range(12):  # enough rows that a few changes stay below the merge threshold
        put(cat, f"filler{i}", f"Filler story {i} about the weather. Rain is due on day {i}.")
    return cat


def test_scores_are_lucene_bm25(catalog, tmp_path):
    index = LexicalIndex(catalog, tmp_path / "bm25")
    rows = catalog.chunk_table.terms()
    docs = [t.split() for _, _, t, _ in rows]
    avg = sum(map(len, docs)) / len(docs)
    query = ["oil", "price"]
    expected = {}
    for (cid, _, _, _), doc in zip(rows, docs, strict=True):
        total = 0.0
        for term in query:
            df = sum(term in d for d in docs)
            tf = doc.count(term)
            if tf:
                idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
                total += idf * tf / (tf + K1 * (1 - B + B * len(doc) / avg))
        if total:
            expected[cid] = total
    got = dict(index.search("oil prices", 10))
    assert got.keys() == expected.keys() and len(got) == 1
    assert all(got[c] == pytest.approx(expected[c], rel=1e-5) for c in got)


def test_incremental_changes_score_like_a_full_rebuild(catalog, tmp_path):
    live = LexicalIndex(catalog, tmp_path / "bm25")
    before = scores(live)
    put(catalog, "e", "Inflation cooled in April. The central bank held interest rates.")
    put(catalog, "b", "Rebels left the port city. Aid convoys reached the harbour at dawn.")
    catalog.remove("c")
    after = scores(live)
    assert live.last_refresh["merged"] == 0  # applied as a change, not rebuilt
    rebuilt = LexicalIndex(catalog, tmp_path / "fresh")
    assert after == scores(rebuilt)
    assert after != before
    assert sorted(live.ids()) == sorted(catalog.chunk_ids())
    assert [c for c, _ in live.search("record turnout", 10)] == []


def test_one_changed_article_costs_one_article(catalog, tmp_path):
    index = LexicalIndex(catalog, tmp_path / "bm25")
    index.refresh()
    first_segment = sorted((tmp_path / "bm25").glob("*.npz"))
    assert len(first_segment) == 1
    stamp = first_segment[0].stat().st_mtime_ns
    old = len(catalog.chunk_ids("a"))
    new = put(catalog, "a", ARTICLES["a"] + " Markets rallied on the news.")
    index.refresh()
    assert index.last_refresh == {"added": new, "removed": old, "merged": 0}
    assert first_segment[0].stat().st_mtime_ns == stamp  # the big segment was not rewritten
    assert scores(index) == scores(LexicalIndex(catalog, tmp_path / "fresh"))
    assert [c for c, _ in index.search("markets rallied", 3)] == catalog.chunk_ids("a")[-1:]


def test_rewritten_chunk_with_the_same_id_is_reindexed(catalog, tmp_path):
    index = LexicalIndex(catalog, tmp_path / "bm25")
    index.refresh()
    # Same length, so the same offsets and chunk ids, but different words.
    put(catalog, "d", ARTICLES["d"].replace("cartel", "sultan"))
    assert index.search("cartel", 5) == []
    assert [c for c, _ in index.search("sultan", 5)] == catalog.chunk_ids("d")[:1]


def test_saved_index_is_reused_and_a_damaged_one_rebuilt(catalog, tmp_path):
    folder = tmp_path / "bm25"
    first = LexicalIndex(catalog, folder)
    expected = scores(first)
    reopened = LexicalIndex(catalog, folder)
    assert scores(reopened) == expected
    assert reopened.last_refresh == {"added": 0, "removed": 0, "merged": 0}  # loaded, not built
    (folder / "manifest.json").write_text("{not json")
    damaged = LexicalIndex(catalog, folder)
    assert scores(damaged) == expected
    assert damaged.last_refresh["added"] == len(catalog.chunk_ids())


def test_many_small_changes_are_merged(catalog, tmp_path):
    folder = tmp_path / "bm25"
    index = LexicalIndex(catalog, folder)
    index.refresh()
    for i in range(12):
        put(catalog, f"n{i}", f"Story number {i} about harbour cranes and port strikes.")
        index.refresh()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert 2 <= len(manifest["segments"]) <= 9
    assert len(list(folder.glob("*.npz"))) == len(manifest["segments"])
    assert scores(index) == scores(LexicalIndex(catalog, tmp_path / "fresh"))


def test_filter_by_document_and_empty_index(catalog, tmp_path):
    index = LexicalIndex(catalog, tmp_path / "bm25")
    hits = index.search("interest rates port aid", 10, allowed={"b"})
    assert hits and all(cid in catalog.chunk_ids("b") for cid, _ in hits)
    empty = LexicalIndex(Catalog(tmp_path / "empty.sqlite"), tmp_path / "bm25-empty")
    assert empty.search("anything", 5) == [] and empty.idf("anyth") > 0


def test_a_segment_saved_by_the_previous_version_still_loads_and_updates(catalog, tmp_path):
    import numpy as np

    folder = tmp_path / "bm25"
    index = LexicalIndex(catalog, folder)
    expected = scores(index)
    # Rewrite the saved segment as the version before wrote it: str ids, float32 counts.
    (seg,) = folder.glob("*.npz")
    with np.load(seg) as z:
        old = {k: z[k] for k in z.files}
    old.update(ids=old["ids"].astype(str), docs=old["docs"].astype(str),
               data=old["data"].astype(np.float32))  # fmt: skip
    np.savez(seg, **old)
    reopened = LexicalIndex(catalog, folder)
    assert scores(reopened) == expected
    assert reopened.search("interest rates", 5, allowed={"a"})[0][0] in catalog.chunk_ids("a")
    put(catalog, "a", ARTICLES["a"].replace("central bank", "mint"))  # one change on top
    assert scores(reopened) == scores(LexicalIndex(catalog, tmp_path / "fresh"))


def test_a_cold_build_streams_the_catalog_in_pages(catalog, tmp_path):
    rows = list(catalog.chunk_table.pages(page=3))
    assert sorted(rows) == sorted(catalog.chunk_table.terms())
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)  # chunk id order, each once


def test_changes_are_read_from_the_log_not_by_comparing_every_chunk(catalog, tmp_path, monkeypatch):
    index = LexicalIndex(catalog, tmp_path / "bm25")
    index.refresh()

    def every_chunk():
        raise AssertionError("read every chunk's generation")

    monkeypatch.setattr(catalog.chunk_table, "generations", every_chunk)
    put(catalog, "e", "Inflation cooled in April. The central bank held interest rates.")
    catalog.remove("c")
    assert catalog.chunk_table.changed_docs(index._state.generation) == {"e", "c"}  # noqa: SLF001
    assert scores(index) == scores(LexicalIndex(catalog, tmp_path / "fresh"))
    # An index older than the log (a catalog from before it): every chunk is compared.
    monkeypatch.undo()
    stamp = catalog.generation
    put(catalog, "f", "Oil output rose again in May, traders said.")
    catalog.set_meta("removals_from", str(stamp + 5))
    assert catalog.chunk_table.changed_docs(stamp) is None
    assert scores(index) == scores(LexicalIndex(catalog, tmp_path / "fresh2"))


def test_an_article_rewritten_without_chunks_leaves_the_index(catalog, tmp_path):
    index = LexicalIndex(catalog, tmp_path / "bm25")
    assert index.search("record turnout", 3)
    article = Article(doc_id="c", text="", source="c.txt", title="")
    catalog.put([(article, "/news", [], [])])
    assert index.search("record turnout", 3) == []


def test_catalog_reads_of_more_ids_than_sqlite_binds_at_once(catalog):
    # A cold worker's first run asked for the texts of 280,000 unstoried articles in one query
    # ("too many SQL variables"; SQLite binds at most 32,766).
    wanted = ["a", "b", *(f"missing{i}" for i in range(40_000))]
    assert set(catalog.texts(wanted)) == {"a", "b"}
    assert {r[1] for r in catalog.chunk_table.of_docs(wanted)} == {"a", "b"}
    ids = [f"nope{i}" for i in range(40_000)] + catalog.chunk_ids("c")
    assert {r[1] for r in catalog.chunk_table.terms(ids)} == {"c"}
