"""End to end on real news pages from ../shared/corpora/newspaper (skipped when absent)."""

import pytest

from rag import Assistant

pytestmark = pytest.mark.real_model
PAGES = ["cricket.com.au1.html", "reuters.com1.html", "bloomberg.com1.html", "cnn.com1.html"]


@pytest.fixture(scope="module")
def news(newspaper, tmp_path_factory) -> Assistant:
    asst = Assistant(data_dir=tmp_path_factory.mktemp("news"))
    files = [newspaper / "html" / p for p in PAGES if (newspaper / "html" / p).exists()]
    report = asst.ingest(files)
    assert len(report.added) >= 3, report.failed
    return asst


def _assert_exact(asst: Assistant, answer) -> None:
    assert answer.citations
    for c in answer.citations:
        assert asst.document_text(c.doc_id)[c.start : c.end] == c.quote


@pytest.mark.parametrize(
    ("question", "doc", "words"),
    [
        ("Who regained the Border-Gavaskar Trophy?", "cricket.com.au1.html", "Border-Gavaskar"),
        ("How did the Sensex and Nifty end on Tuesday?", "reuters.com1.html", "Sensex"),
        ("Which states are furthest from their peak employment?", "bloomberg.com1.html", "Nevada"),
    ],
)
def test_questions_are_answered_from_the_right_page(news, question, doc, words):
    answer = news.ask(question)
    assert not answer.abstained
    _assert_exact(news, answer)
    assert answer.citations[0].doc_id == doc
    assert words in " ".join(c.quote for c in answer.citations)


def test_html_metadata_is_extracted(news):
    docs = {d["doc_id"]: d for d in news.documents()}
    cricket = docs["cricket.com.au1.html"]
    assert cricket["title"] == "Aussies seal series win in MCG draw"
    assert any(d["date"] for d in docs.values())
    assert any((d["url"] or "").startswith("http") for d in docs.values())


def test_unrelated_question_abstains(news):
    assert news.ask("What is the recipe for lasagna?").abstained


def test_source_filter_restricts_answers(news):
    answer = news.ask("What happened on Tuesday?", sources=["reuters"])
    assert all(c.doc_id.startswith("reuters") for c in answer.citations)
