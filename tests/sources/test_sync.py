"""Feeds synced from a real HTTP server on 127.0.0.1: adds, 304s, updates, failures, copies."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from rag import Assistant
from rag.errors import FeedError, IngestLockedError
from rag.search.retriever import _KeptCopies
from tests.fakes import quick_assistant
from tests.sources.pages import TOPICS, page, story
from tests.sources.site import Item, Site, serve

NOW = time.time()


@pytest.fixture
def site() -> Iterator[Site]:
    news = Site()
    for n, (topic, _) in enumerate(TOPICS):
        news.pages[f"/news/{topic}.html"] = page(f"The {topic} story", story(topic),
                                                 date="2024-03-0" + str(n + 1))  # fmt: skip
    with serve(news):
        yield news


def _items(topics: list[str], published: float | None = NOW) -> list[Item]:
    return [Item(f"/news/{t}.html", f"The {t} story", published) for t in topics]


def _follow(site: Site, web: Assistant, topics: list[str]) -> list[Item]:
    """Serve ``topics`` as /rss.xml, follow it and sync once; edit the list to change the feed."""
    items = _items(topics)
    site.feeds["/rss.xml"] = ("rss", items)
    web.add_feed(site.base + "/rss.xml")
    web.sync()
    return items


def test_first_sync_adds_every_item_of_rss_atom_and_rdf(site, web):
    topics = [t for t, _ in TOPICS]
    site.feeds["/rss.xml"] = ("rss", _items(topics[:2]))
    site.feeds["/atom.xml"] = ("atom", _items(topics[2:4]))
    site.feeds["/rdf.xml"] = ("rdf", _items(topics[4:], published=None))
    for path in site.feeds:
        web.add_feed(site.base + path, name=path)
    report = web.sync()
    assert sorted(report.ingest.added) == sorted(f"{site.base}/news/{t}.html" for t in topics)
    assert not report.failed and all(f.status == "updated" for f in report.feeds)
    assert {f["name"]: f["articles"] for f in web.feeds()} == {
        "/rss.xml": 2, "/atom.xml": 2, "/rdf.xml": 2
    }  # fmt: skip
    docs = {d["doc_id"]: d for d in web.documents()}
    harbour = docs[f"{site.base}/news/harbour.html"]
    assert harbour["url"] == harbour["doc_id"] and harbour["publisher"] == "Daily Example"
    assert harbour["fetched"].startswith(time.strftime("%Y-%m-%d", time.gmtime()))
    # The feed's date wins; with none in the feed (RDF here) the page's own date is kept.
    assert harbour["date"] == time.strftime("%Y-%m-%d", time.gmtime(NOW))
    assert docs[f"{site.base}/news/glacier.html"]["date"] == "2024-03-05"
    hits = web.retrieve("How far did the glacier retreat this summer?", top_k=1)
    assert hits[0].doc_id == f"{site.base}/news/glacier.html"


def test_unchanged_resync_is_answered_by_304s(site, web):
    site.feeds["/rss.xml"] = ("rss", _items(["harbour", "orchard"]))
    site.feeds["/atom.xml"] = ("atom", _items(["tramway"]))
    for path in site.feeds:
        web.add_feed(site.base + path)
    web.sync()
    before = len(site.log)
    again = web.sync(force=True)
    assert again.ingest.added == again.ingest.updated == [] and not again.failed
    assert [f.status for f in again.feeds] == ["not_modified", "not_modified"]
    # robots.txt once per sync, then one 304 per feed: no page is fetched.
    assert again.requests == 3
    assert sorted(site.statuses(before)) == [200, 304, 304]


def test_changed_page_is_updated_and_new_item_added(site, web):
    items = _follow(site, web, ["harbour", "orchard"])
    url = f"{site.base}/news/harbour.html"
    site.pages["/news/harbour.html"] = page(
        "The harbour story", [*story("harbour"), "Late on Friday the wall was finished early."]
    )
    items.append(Item("/news/library.html", "The library story", NOW))
    before = len(site.log)
    report = web.sync(force=True)
    assert report.ingest.updated == [url]
    assert report.ingest.added == [f"{site.base}/news/library.html"]
    # The unchanged page was asked about once and answered 304.
    assert site.statuses(before).count(304) == 1
    hit = web.retrieve("When was the wall finished?", top_k=1)[0]
    assert hit.doc_id == url and "finished early" in web.document_text(url)


def test_an_item_that_drops_off_the_feed_stays_indexed(site, web):
    items = _follow(site, web, ["harbour", "orchard"])
    del items[0]
    items.append(Item("/news/vaccine.html", "The vaccine story", NOW))
    web.sync(force=True)
    ids = {d["doc_id"] for d in web.documents()}
    assert f"{site.base}/news/harbour.html" in ids and len(ids) == 3


def test_every_failure_is_reported_and_nothing_is_lost(site, web):
    site.feeds["/good.xml"] = ("rss", _items(["harbour", "orchard"]))
    site.raw["/error.xml"] = (500, "text/html", b"boom")
    site.raw["/broken.xml"] = (200, "application/rss+xml", b"<rss><channel><item><title>x")
    site.raw["/html.xml"] = (200, "text/html", b"<html><body><p>Not a feed.</p></body></html>")
    site.raw["/huge.xml"] = (200, "application/rss+xml", b"<rss>" + b" " * 6_000_000)
    site.redirects["/loop.xml"] = "/loop.xml"
    site.feeds["/slow.xml"] = ("rss", _items(["tramway"]))
    site.slow["/slow.xml"] = 3.0
    names = ["/good.xml", "/error.xml", "/broken.xml", "/html.xml", "/huge.xml", "/loop.xml",
             "/slow.xml"]  # fmt: skip
    for name in names:
        web.add_feed(site.base + name, name=name)
    web.settings.fetch_timeout = 1.0
    report = web.sync()
    reasons = {f.name: f.error for f in report.feeds}
    assert reasons["/good.xml"] is None and len(report.ingest.added) == 2
    assert "HTTP 500" in reasons["/error.xml"]
    assert "not an RSS, Atom or RDF feed" in reasons["/broken.xml"]
    assert "not an RSS, Atom or RDF feed" in reasons["/html.xml"]
    assert "bytes" in reasons["/huge.xml"] and "more than 5 redirects" in reasons["/loop.xml"]
    assert "timed out" in reasons["/slow.xml"]
    state = {f["name"]: f for f in web.feeds()}
    assert state["/error.xml"]["failures"] == 1 and "HTTP 500" in state["/error.xml"]["last_error"]
    first_wait = state["/error.xml"]["next_due"] - state["/error.xml"]["last_sync"]
    assert 0 < first_wait <= 300  # retried soon, not after the feed's 30 minutes
    # A feed that worked and then fails keeps its articles; the backoff doubles.
    site.raw["/good.xml"] = (503, "text/html", b"down")
    again = web.sync(force=True)
    assert {f.name for f in again.feeds if f.status == "failed"} == set(names)
    assert len(web.documents()) == 2
    state = {f["name"]: f for f in web.feeds()}
    assert state["/error.xml"]["failures"] == 2
    assert state["/error.xml"]["next_due"] - state["/error.xml"]["last_sync"] == 2 * first_wait


def test_a_failed_page_is_retried_on_the_next_sync(site, web):
    items = _items(["harbour", "orchard"]) + [Item("/news/missing.html", "Gone", NOW)]
    items.append(Item("/private/secret.html", "Kept out by robots.txt", NOW))
    site.pages["/private/secret.html"] = page("Secret", story("library"))
    site.feeds["/rss.xml"] = ("rss", items)
    web.add_feed(site.base + "/rss.xml")
    first = web.sync()
    failed = dict(first.failed)
    assert failed[f"{site.base}/news/missing.html"] == "HTTP 404"
    assert "disallowed by" in failed[f"{site.base}/private/secret.html"]
    assert len(first.ingest.added) == 2
    assert "2 of 4 items failed" in web.feeds()[0]["last_error"]
    # A 404 may be a page not published yet: the feed's validators were not kept, so the
    # next sync reads the feed again (not a 304) and asks for that page again. The page
    # robots.txt keeps out is not asked for again.
    before = len(site.log)
    second = web.sync(force=True)
    assert dict(second.failed) == {f"{site.base}/news/missing.html": "HTTP 404"}
    assert ("/rss.xml", 200) in site.log[before:] and ("/private/secret.html", 200) not in site.log
    site.pages["/news/missing.html"] = page("Found", story("vaccine"))
    third = web.sync(force=True)
    assert third.ingest.added == [f"{site.base}/news/missing.html"] and not third.failed
    # Every item is in or settled: now an unchanged feed costs one 304.
    before = len(site.log)
    assert web.sync(force=True).feeds[0].status == "not_modified"
    assert site.statuses(before) == [200, 304]  # robots.txt, the feed


def test_a_page_failing_for_good_is_dropped_after_a_few_tries(site, web):
    site.pages["/news/empty.html"] = b"<html><body><nav>Menu</nav></body></html>"
    site.raw["/news/down.html"] = (503, "text/html", b"later")
    items = _items(["harbour"]) + [
        Item("/news/empty.html", "e", NOW),
        Item("/news/down.html", "d", NOW),
    ]
    site.feeds["/rss.xml"] = ("rss", items)
    web.add_feed(site.base + "/rss.xml")
    reasons = [dict(web.sync(force=True).failed) for _ in range(4)]
    empty, down = f"{site.base}/news/empty.html", f"{site.base}/news/down.html"
    assert "no article text" in reasons[0][empty] and empty not in reasons[1]  # 304 after
    assert [down in r for r in reasons] == [True, True, True, False]  # three tries
    assert reasons[2][down] == "HTTP 503"
    assert len(web.documents()) == 1


def test_private_addresses_are_refused_by_default(site, tmp_path):
    with quick_assistant(tmp_path / "strict", fetch_delay=0) as strict:
        site.feeds["/rss.xml"] = ("rss", _items(["harbour"]))
        strict.add_feed(site.base + "/rss.xml")
        report = strict.sync()
    assert "private, loopback or reserved address" in (report.feeds[0].error or "")
    assert site.log == [] and strict.documents() == []


def test_syndicated_copies_group_into_one_story(site, web):
    text = story("orchard", sentences=14)
    added = "The Herald learned that the old cider press closes in May."
    site.pages["/wire/orchard.html"] = page("Frost hits valley orchards", text, outlet="Wire")
    site.pages["/herald/apples.html"] = page(
        "Smallest apple harvest in a decade", ["(Wire) -", *text, added],
        outlet="The Herald", boilerplate=6,
    )  # fmt: skip
    site.feeds["/rss.xml"] = ("rss", [Item("/wire/orchard.html", "a", NOW),
                                      Item("/herald/apples.html", "b", NOW),
                                      *_items(["harbour"])])  # fmt: skip
    web.add_feed(site.base + "/rss.xml")
    web.sync()
    assert len(web.documents()) == 3  # both copies are kept, as articles
    wire, herald = f"{site.base}/wire/orchard.html", f"{site.base}/herald/apples.html"
    assert (
        web.index.catalog.stories.of([wire])[wire] == web.index.catalog.stories.of([herald])[herald]
    )
    hits = web.retrieve("Why was the apple harvest so small?", top_k=5)
    leads = [h for h in hits if text[0] in h.text]
    assert len(leads) == 1  # the lead passage is shown from one copy only
    other = leads[0].also_reported_by
    assert [o.label for o in other] == (
        ["The Herald (127.0.0.1)"] if leads[0].doc_id == wire else ["Wire (127.0.0.1)"]
    )
    # A passage of the other copy is left out only when a copy shown holds it word for word:
    # the paragraph one outlet added is still found.
    kept = _KeptCopies(web.index.catalog)
    story_id = web.index.catalog.stories.of([wire])[wire]
    assert not kept.repeats(story_id, wire, text[0])  # the first copy shown
    assert kept.repeats(story_id, herald, f"(Wire) - {text[0]}")  # its dateline aside
    assert kept.repeats(story_id, herald, " ".join(text[1:4]))
    assert not kept.repeats(story_id, herald, text[-1] + " " + added)
    found = web.retrieve("What is closing at the old cider press?", top_k=3)
    assert any(added in h.text and h.doc_id == herald for h in found)
    answer = web.ask("Why was the apple harvest so small?")
    assert answer.citations and answer.citations[0].also_reported_by
    assert answer.to_dict()["citations"][0]["also_reported_by"][0]["url"].startswith(site.base)


def test_canonical_url_is_the_doc_id_on_the_same_site_only(site, web):
    site.pages["/a.html?utm_source=rss"] = page(
        "Moved", story("tramway"), canonical=f"{site.base}/canonical/tramway"
    )
    site.pages["/b.html"] = page(
        "Syndicated", story("library"), canonical="https://other.example/x"
    )
    site.pages["/c.html"] = page("No canonical", story("glacier"))
    report = web.ingest_urls(
        [f"{site.base}/a.html?utm_source=rss", f"{site.base}/b.html", f"{site.base}/c.html#top"]
    )
    assert sorted(report.added) == sorted(
        [f"{site.base}/canonical/tramway", f"{site.base}/b.html", f"{site.base}/c.html"]
    )


def test_ingest_urls_reports_bad_ones_and_re_fetches_conditionally(site, web):
    good = f"{site.base}/news/harbour.html"
    report = web.ingest_urls([good, f"{site.base}/nope.html", "ftp://example.com/x", "nonsense"])
    assert report.added == [good]
    failed = dict(report.failed)
    assert failed[f"{site.base}/nope.html"] == "HTTP 404"
    assert "not an http(s) URL" in failed["ftp://example.com/x"] and "nonsense" in failed
    before = len(site.log)
    again = web.ingest_urls([good])
    assert again.unchanged == [good] and again.added == [] and site.statuses(before)[-1] == 304


def test_a_deleted_article_does_not_come_back_with_a_sync(site, web):
    items = _follow(site, web, ["harbour", "orchard"])
    url = f"{site.base}/news/harbour.html"
    assert web.delete_document(url)
    items.append(Item("/news/library.html", "new", NOW))
    site.pages["/news/harbour.html"] += b" "  # re-sent in full, same text
    report = web.sync(force=True)
    assert url not in {d["doc_id"] for d in web.documents()}
    assert [d for d, _ in report.ingest.skipped] == [url]


def test_feeds_are_added_listed_and_removed(site, web):
    feed = web.add_feed(site.base + "/rss.xml", every="2h")
    assert feed["every"] == 7200 and feed["name"] == "127.0.0.1" and feed["next_due"] == 0
    with pytest.raises(FeedError, match="already a feed"):
        web.add_feed(site.base + "/rss.xml")
    with pytest.raises(Exception, match="interval"):
        web.add_feed(site.base + "/other.xml", every="soon")
    with pytest.raises(Exception, match="http"):
        web.add_feed("file:///etc/passwd")
    site.feeds["/rss.xml"] = ("rss", _items(["harbour"]))
    web.sync()
    assert web.remove_feed(feed["id"])["url"] == site.base + "/rss.xml"
    assert web.feeds() == [] and len(web.documents()) == 1  # its article stays
    with pytest.raises(FeedError, match="no feed with id"):
        web.remove_feed(feed["id"])
    with pytest.raises(FeedError):
        web.sync([10**30])


def test_only_one_sync_runs_at_a_time(site, web):
    site.feeds["/slow.xml"] = ("rss", _items(["harbour"]))
    site.slow["/slow.xml"] = 1.0
    web.add_feed(site.base + "/slow.xml")
    import threading

    worker = threading.Thread(target=web.sync)
    worker.start()
    time.sleep(0.3)
    with pytest.raises(IngestLockedError, match="already running"):
        web.sync(force=True)
    worker.join()
    assert len(web.documents()) == 1


def test_feeds_of_different_hosts_sync_in_parallel_each_host_politely(site, tmp_path):
    other = Site(pages={k: v for k, v in site.pages.items() if "glacier" in k or "vaccine" in k})
    site.feeds["/rss.xml"] = ("rss", _items(["harbour", "orchard", "tramway"]))
    other.feeds["/rss.xml"] = ("rss", _items(["glacier", "vaccine"]))
    with serve(other), quick_assistant(tmp_path / "polite", fetch_allow_private=True,
                                       fetch_delay=0.3) as web:  # fmt: skip
        web.add_feed(site.base + "/rss.xml")
        web.add_feed(other.base + "/rss.xml")
        report = web.sync()
    assert len(report.ingest.added) == 5 and not report.failed
    for host in (site, other):  # one request at a time per host, spaced by the delay
        gaps = [b - a for a, b in zip(host.stamps, host.stamps[1:], strict=False)]
        assert len(host.stamps) >= 4 and min(gaps) >= 0.29
    # ... while the two hosts were read at the same time
    assert other.stamps[0] < site.stamps[-1] and site.stamps[0] < other.stamps[-1]


def test_a_folder_ingest_keeps_the_web_articles(site, web, tmp_path):
    """The app ingests corpus/ at every start: that must not remove what feeds brought."""
    site.feeds["/rss.xml"] = ("rss", _items(["harbour"]))
    web.add_feed(site.base + "/rss.xml")
    web.sync()
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "note.txt").write_text("A local note\n\n" + " ".join(story("library")))
    report = web.ingest([folder])
    assert report.removed == [] and report.added == ["corpus/note.txt"]
    assert {d["doc_id"] for d in web.documents()} == {
        f"{site.base}/news/harbour.html",
        "corpus/note.txt",
    }
