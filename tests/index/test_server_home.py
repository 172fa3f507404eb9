"""The server home: replicas and workers sharing one `chroma run` server (issue 22)."""

from __future__ import annotations

import shutil
import time

import pytest

from rag.errors import IngestLockedError
from rag.index import stories as stories_module
from rag.index.stories import SIGNATURE_KIND
from tests.appserver import chroma_server
from tests.conftest import ROOT, SEED_ID
from tests.fakes import quick_assistant

pytestmark = pytest.mark.server

STORY = ("The harbour board of Kestrel Bay approved a new breakwater on Tuesday. Engineers "
         "said the breakwater will be 412 metres long and built of granite.")  # fmt: skip


@pytest.fixture
def chroma_url(tmp_path):
    with chroma_server(tmp_path / "server") as url:
        yield url


def _visible(replica, query: str, words: str, seconds: float = 5.0) -> float:
    """Seconds until ``replica`` retrieves a hit holding ``words`` (fails after ``seconds``)."""
    began = time.monotonic()
    while True:
        hits = replica.retrieve(query, top_k=3)
        if any(words in h.text for h in hits):
            return time.monotonic() - began
        assert time.monotonic() - began < seconds, f"{words!r} not visible after {seconds} s"
        time.sleep(0.2)


def test_an_article_a_worker_writes_is_on_every_replica_and_a_cold_one_builds_its_cache(
    chroma_url, tmp_path
):
    worker = quick_assistant(tmp_path / "worker", chroma_url=chroma_url)
    one = quick_assistant(tmp_path / "one", chroma_url=chroma_url)
    assert worker.ingest([ROOT / "corpus"]).added == [SEED_ID]
    _visible(one, "Philadelphi Corridor", "Philadelphi")
    news = tmp_path / "news"
    news.mkdir()
    (news / "breakwater.txt").write_text(STORY, encoding="utf-8")
    worker.ingest([news])
    assert _visible(one, "How long is the Kestrel Bay breakwater?", "412 metres") < 5
    # A replica started later has nothing local: it reads every article from the server.
    cold = quick_assistant(tmp_path / "cold", chroma_url=chroma_url)
    assert {d["doc_id"] for d in cold.documents()} == {SEED_ID, "news/breakwater.txt"}
    _visible(cold, "How long is the Kestrel Bay breakwater?", "412 metres")
    assert cold.document_text(SEED_ID) == worker.document_text(SEED_ID)
    # A deletion on one replica reaches the others, and is remembered by the workers.
    assert one.delete_document("news/breakwater.txt")
    time.sleep(1.2)
    cold.retrieve("breakwater")
    assert "news/breakwater.txt" not in {d["doc_id"] for d in cold.documents()}
    again = worker.ingest([news])
    assert again.skipped == [("news/breakwater.txt", "its text was deleted by a user")]


def test_feeds_live_in_the_server_and_a_feed_is_synced_by_one_worker(chroma_url, tmp_path):
    from tests.sources.pages import page, story
    from tests.sources.site import Item, Site, serve

    web = {"chroma_url": chroma_url, "fetch_allow_private": True, "fetch_delay": 0}
    one = quick_assistant(tmp_path / "one", **web)
    two = quick_assistant(tmp_path / "two", **web)
    with serve(Site()) as site:
        site.pages["/a.html"] = page("Harbour", story("harbour"))
        site.feeds["/rss.xml"] = ("rss", [Item("/a.html", "a")])
        added = one.add_feed(site.base + "/rss.xml")
        assert [f["id"] for f in two.feeds()] == [added["id"]]  # the other worker sees it
        first = one.sync()
        assert first.ingest.added == [f"{site.base}/a.html"]
        fetched = len(site.log)
        # Not due any more for anyone: the other worker's sync fetches nothing.
        assert two.sync().feeds == [] and len(site.log) == fetched
        assert two.feeds()[0]["articles"] == 1 and two.feeds()[0]["last_error"] is None
        # While one worker syncs, another's sync is refused at once (the "sync" lease).
        refused = pytest.raises(IngestLockedError, match="'sync' lease")
        with one._sources._sync_lock(), refused:
            two.sync(force=True)
        assert two.remove_feed(added["id"])["url"] == site.base + "/rss.xml"
        assert one.feeds() == []


def test_a_local_data_dir_migrates_into_a_server_and_answers_the_same(chroma_url, tmp_path):
    from rag.migrate import migrate

    local = quick_assistant(tmp_path / "local")
    local.ingest([ROOT / "corpus"])
    news = tmp_path / "news"
    news.mkdir()
    (news / "breakwater.txt").write_text(STORY, encoding="utf-8")
    (news / "gone.txt").write_text("A short note the user deletes: the ferry timetable.")
    local.ingest([news])
    local.delete_document("news/gone.txt")
    local.add_feed("https://news.example/rss.xml", name="Example")
    server = quick_assistant(tmp_path / "server-cache", chroma_url=chroma_url)
    done = migrate(local.index, server.index)
    assert (done.articles, done.feeds) == (2, 1) and done.vectors == local.index.store.count()
    replica = quick_assistant(tmp_path / "replica", chroma_url=chroma_url)
    for q in ("What is disputed about the Philadelphi Corridor?", "How long is the breakwater?"):
        assert [(h.doc_id, h.start, h.end) for h in replica.retrieve(q)] == [
            (h.doc_id, h.start, h.end) for h in local.retrieve(q)
        ]
    assert replica.ask("How long is the breakwater?").citations[0].quote in STORY
    assert [f["name"] for f in replica.feeds()] == ["Example"]
    # The deletion moved too: the note does not come back from the server's workers.
    assert replica.ingest([news]).skipped == [("news/gone.txt", "its text was deleted by a user")]


def test_a_copy_of_the_server_directory_restores_into_a_fresh_server(tmp_path):
    from tests.appserver import chroma_server

    with chroma_server(tmp_path / "server") as url:
        worker = quick_assistant(tmp_path / "worker", chroma_url=url)
        worker.ingest([ROOT / "corpus"])
        before = [(h.doc_id, h.start) for h in worker.retrieve("Philadelphi Corridor")]
    shutil.copytree(tmp_path / "server", tmp_path / "backup")  # the server stopped: a backup
    with chroma_server(tmp_path / "backup") as restored:
        fresh = quick_assistant(tmp_path / "fresh", chroma_url=restored)
        assert [(h.doc_id, h.start) for h in fresh.retrieve("Philadelphi Corridor")] == before
        assert fresh.document_text(SEED_ID) == worker.document_text(SEED_ID)


def test_both_homes_answer_the_seed_suite_alike(chroma_url, tmp_path):
    from rag.eval.suite import load_suite

    local = quick_assistant(tmp_path / "local")
    server = quick_assistant(tmp_path / "server", chroma_url=chroma_url)
    for home in (local, server):
        home.ingest([ROOT / "corpus"])
    replica = quick_assistant(tmp_path / "replica", chroma_url=chroma_url)
    for case in load_suite(ROOT / "evals" / "suites" / "seed.jsonl"):
        a = local.ask(case.question, history=case.history).to_dict()
        b = replica.ask(case.question, history=case.history).to_dict()
        for answer in (a, b):  # scores differ in the last digits between the stores
            for hit in answer["hits"]:
                hit.pop("score"), hit.pop("dense_score")
        assert a == b, case.id


def test_records_are_kept_as_metadata_and_records_of_older_servers_still_read(chroma_url, tmp_path):
    from rag.index.server_home import Records

    worker = quick_assistant(tmp_path / "worker", chroma_url=chroma_url)
    records = Records(worker.index.store, "articles-records")
    records.put({"new": ("a body", {"doc_id": "new"})})
    raw = records._coll()  # noqa: SLF001 - the test looks at what the server holds
    got = raw.get(ids=["new"], include=["documents", "metadatas"])
    assert got["documents"] == [None] and got["metadatas"][0]["record"] == "a body"
    # A server written before: the body as Chroma's document.
    raw.upsert(ids=["old"], embeddings=[[1.0]], documents=["old body"], metadatas=[{"k": 1}])
    assert records.get(["old", "new", "none"]) == {
        "old": ("old body", {"k": 1}), "new": ("a body", {"doc_id": "new"}),
    }  # fmt: skip
    assert sorted(records.scan()) == [("new", "a body", {"doc_id": "new"}),
                                      ("old", "old body", {"k": 1})]  # fmt: skip


class _Meanwhile:
    """An embedder that runs ``then`` the first time it is asked for vectors."""

    def __init__(self, base, then) -> None:
        self.base, self.then, self.done = base, then, []

    def __getattr__(self, name):
        return getattr(self.base, name)

    def encode(self, texts):
        if not self.done:
            self.done.append(self.then())
        return self.base.encode(texts)


def test_workers_take_the_lease_per_commit_and_skip_what_another_committed_meanwhile(
    chroma_url, tmp_path
):
    news, wire = tmp_path / "news", tmp_path / "wire"
    news.mkdir(), wire.mkdir()
    (news / "breakwater.txt").write_text(STORY, encoding="utf-8")
    (news / "port.txt").write_text("Dockers at Kestrel Bay voted to end their strike.", "utf-8")
    (wire / "copy.txt").write_text(STORY, encoding="utf-8")
    # A's own copy of the story, edited: grouped with the copy B committed meanwhile.
    (news / "edited.txt").write_text(STORY + " Work starts in May.", encoding="utf-8")
    a = quick_assistant(tmp_path / "a", chroma_url=chroma_url, write_wait=2)
    b = quick_assistant(tmp_path / "b", chroma_url=chroma_url, write_wait=2)
    # While A embeds its batch it holds no lease, so B writes at once (with the lease held for
    # A's whole write, B was refused after 2 s) and commits the same articles first.
    theirs = tmp_path / "b-side" / "news"  # B's own folder "news", holding port.txt only
    theirs.mkdir(parents=True)
    shutil.copy(news / "port.txt", theirs / "port.txt")
    meanwhile = _Meanwhile(a.index.embedder, lambda: b.ingest([wire, theirs]))
    a.index.__dict__["embedder"] = meanwhile
    report = a.ingest([news])
    (by_b,) = meanwhile.done
    assert by_b.added == ["wire/copy.txt", "news/port.txt"]
    # A writes nothing twice: its port.txt is B's, its breakwater a copy of B's wire copy.
    assert (report.added, report.updated) == (["news/edited.txt"], [])
    assert report.unchanged == ["news/port.txt"]
    assert report.duplicates == [("news/breakwater.txt", "wire/copy.txt")]
    cold = quick_assistant(tmp_path / "cold", chroma_url=chroma_url)
    docs = {"wire/copy.txt", "news/port.txt", "news/edited.txt"}
    assert {d["doc_id"] for d in cold.documents()} == docs
    stories = dict((d, s) for d, s, _ in cold.index.catalog.stories.rows())
    assert stories["news/edited.txt"] == stories["wire/copy.txt"]
    chunks = sum(d["n_chunks"] for d in cold.documents())
    assert a.index.store.count() == chunks  # no duplicate vectors, no orphans


def test_a_cold_worker_keeps_the_stories_it_reads_from_the_server(
    chroma_url, tmp_path, monkeypatch
):
    news, more = tmp_path / "news", tmp_path / "more"
    news.mkdir(), more.mkdir()
    (news / "breakwater.txt").write_text(STORY, encoding="utf-8")
    (news / "port.txt").write_text("Dockers at Kestrel Bay voted to end their strike.", "utf-8")
    (more / "copy.txt").write_text(STORY + " Work starts in May.", encoding="utf-8")
    quick_assistant(tmp_path / "first", chroma_url=chroma_url).ingest([news])
    # A fresh worker: its catalog comes from the server's records, stories and signatures too.
    cold = quick_assistant(tmp_path / "cold", chroma_url=chroma_url)
    signed: list[str] = []
    real = stories_module.signature
    monkeypatch.setattr(stories_module, "signature", lambda text: signed.append(text) or real(text))
    report = cold.ingest([more])
    assert report.added == ["more/copy.txt"]
    # Only the new article is signed (before, every article read from the server was signed
    # again, its stories taken for another shingling's), and it joins its story.
    assert len(signed) == 1
    assert cold.index.catalog.get_meta("stories") == SIGNATURE_KIND
    stories = dict((d, s) for d, s, _ in cold.index.catalog.stories.rows())
    assert stories["more/copy.txt"] == stories["news/breakwater.txt"] != stories["news/port.txt"]
