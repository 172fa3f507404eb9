import pytest

from rag.errors import ConfigError, QueryError
from rag.records import Hit
from rag.search.filters import Filters
from rag.search.fusion import ranking, rrf, weighted
from rag.search.retriever import collapse_duplicates
from tests.conftest import SEED_ID, seed_text


def test_rrf_hand_computed():
    scores = rrf([["a", "b", "c"], ["b", "d"]], k=60)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["d"] == pytest.approx(1 / 62)
    assert max(scores, key=scores.__getitem__) == "b"


def test_tied_scores_fuse_the_same_in_any_store_order():
    # Two syndicated copies tie in the dense store, returned in either order by its history.
    one = {"copy-b": 0.8, "copy-a": 0.8, "other": 0.5}
    two = {"other": 0.5, "copy-a": 0.8, "copy-b": 0.8}
    lexical = {"other": 3.0, "copy-b": 2.0}
    assert ranking(one) == ranking(two) == ["copy-a", "copy-b", "other"]
    fused = [rrf([ranking(d), ranking(lexical)]) for d in (one, two)]
    assert fused[0] == fused[1]
    assert fused[0]["copy-a"] == pytest.approx(1 / 61)
    assert fused[0]["copy-b"] == pytest.approx(1 / 62 + 1 / 62)


def test_weighted_hand_computed():
    got = weighted({"a": 0.9, "b": 0.5}, {"b": 10.0, "c": 2.0}, w=0.5)
    assert got == pytest.approx({"a": 0.5, "b": 0.5 * 0 + 0.5 * 1.0, "c": 0.0})


def _hit(cid: str, text: str) -> Hit:
    return Hit(cid, "d", "t", "s", text, 0, len(text), 1.0)


def test_collapse_near_duplicates_keeps_best_ranked():
    hits = [
        _hit("1", "Hamas accused Netanyahu of placing obstacles in the way of a deal."),
        _hit("2", "Hamas accused Netanyahu of placing obstacles in the way of a deal!"),
        _hit("3", "A different sentence about the Philadelphi corridor."),
    ]
    assert [h.chunk_id for h in collapse_duplicates(hits)] == ["1", "3"]


@pytest.mark.real_model
def test_hybrid_search_finds_seed_passages(seeded):
    text = seed_text()
    hits = seeded.retrieve("Philadelphi Corridor IDF presence", top_k=3)
    assert hits[0].doc_id == SEED_ID and "Philadelphi Corridor" in hits[0].text
    for h in hits:
        assert text[h.start : h.end] == h.text
        assert h.title.startswith("Netanyahu Describes Talks")
    # Pure BM25 term and pure paraphrase both reach the right chunk.
    assert "111 hostages" in seeded.retrieve("111", top_k=1)[0].text
    assert "1,200 people were killed" in seeded.retrieve("death toll of the October attack")[0].text


def test_filters(fake_seeded):
    assert fake_seeded.retrieve("hostages", sources=["netanyahu"])
    assert fake_seeded.retrieve("hostages", sources=["no-such-source"]) == []
    # The seed has no date, so any date range excludes it.
    assert fake_seeded.retrieve("hostages", date_from="2000-01-01") == []
    with pytest.raises(QueryError, match="date_from must be a date"):
        fake_seeded.retrieve("hostages", date_from="yesterday-ish")
    assert Filters.make(sources="cnn").sources == ("cnn",)


def test_bad_queries_and_options(fake_seeded, tmp_path):
    from rag import Assistant

    for bad in ("", "   \n"):
        with pytest.raises(QueryError, match="empty"):
            fake_seeded.retrieve(bad)
    with pytest.raises(QueryError, match="limit is 2000"):
        fake_seeded.retrieve("x" * 2001)
    with pytest.raises(ConfigError, match="fusion must be one of rrf, weighted, dense, bm25"):
        Assistant(data_dir=tmp_path, fusion="magic")


@pytest.mark.real_model
@pytest.mark.parametrize("fusion", ["rrf", "weighted", "dense", "bm25"])
def test_every_fusion_method_ranks_the_corridor_chunk_first(seeded, fusion):
    from rag.search.retriever import Retriever

    r = Retriever(
        seeded.index.catalog,
        seeded.index.store,
        seeded.index.lexical,
        seeded.index.embedder,
        fusion,
    )
    assert "Philadelphi" in r.search("Where is the Philadelphi Corridor?", top_k=1)[0].text


def test_as_llama_index_retriever(fake_seeded):
    from llama_index.core.llms import MockLLM
    from llama_index.core.query_engine import RetrieverQueryEngine

    # llm= passed explicitly (its no_text mode ignores it and falls back to global Settings,
    # which reach for OpenAI), so the default compact synthesizer with a mock LLM is used.
    engine = RetrieverQueryEngine.from_args(
        fake_seeded.as_retriever(top_k=2), llm=MockLLM(max_tokens=8)
    )
    response = engine.query("What is disputed about the Philadelphi Corridor?")
    text = seed_text()
    assert len(response.source_nodes) == 2
    for n in response.source_nodes:
        meta = n.node.metadata
        assert meta["doc_id"] == SEED_ID
        assert text[meta["start"] : meta["end"]] == n.node.get_content()
    assert any("Philadelphi" in n.node.get_content() for n in response.source_nodes)


def test_as_langchain_retriever(fake_seeded):
    pytest.importorskip("langchain_core", reason="langchain-core not installed (extra [langchain])")
    docs = fake_seeded.as_langchain_retriever(top_k=2).invoke("Philadelphi Corridor")
    text = seed_text()
    assert len(docs) == 2 and "Philadelphi" in docs[0].page_content
    for d in docs:
        assert text[d.metadata["start"] : d.metadata["end"]] == d.page_content
        assert d.metadata["doc_id"] == SEED_ID
