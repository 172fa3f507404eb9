"""The outside probe's defects (issue 20), each against a real news site on 127.0.0.1.

Every test here failed before its fix (see docs/reliability.md, "Live sources, second probe").
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator

import pytest

from rag import Assistant
from rag.errors import ConfigError
from tests.fakes import quick_assistant
from tests.sources.pages import page, story
from tests.sources.site import Item, Site, serve

NOW = time.time()


@pytest.fixture
def site() -> Iterator[Site]:
    with serve(Site()) as news:
        yield news


def _feed(site: Site, path: str, items: list[Item], web: Assistant, name: str = "") -> None:
    site.feeds[path] = ("rss", items)
    web.add_feed(site.base + path, name=name or path)


def _docs(web: Assistant) -> dict[str, dict]:
    return {d["doc_id"]: d for d in web.documents()}


# 1. One bad URL stopped every feed.


@pytest.mark.parametrize("url", ["http://example.com:99999/rss", "http://example.com:port/rss",
                                 "http://[::1/rss"])  # fmt: skip
def test_a_feed_url_with_a_bad_port_is_refused_with_its_reason(web, url):
    with pytest.raises(ConfigError, match="not a valid URL"):
        web.add_feed(url)
    assert web.feeds() == []


def test_bad_links_and_redirects_fail_alone_and_every_other_feed_goes_in(site, web):
    site.pages["/news/good.html"] = page("Good", story("harbour"))
    site.pages["/news/fine.html"] = page("Fine", story("orchard"))
    site.redirects["/news/moved.html"] = "http://127.0.0.1:99999/news/x.html"
    site.redirects["/news/worse.html"] = "http://127.0.0.1:port/x.html"
    _feed(site, "/bad.xml", [Item("/news/good.html", "g", NOW),
                             Item("/news/moved.html", "m", NOW),
                             Item("/news/worse.html", "w", NOW)], web)  # fmt: skip
    site.feeds["/bad.xml"][1].append(Item(":99999/news/nope.html", "n", NOW))  # a bad link
    _feed(site, "/healthy.xml", [Item("/news/fine.html", "f", NOW)], web)
    report = web.sync()  # raised ValueError before: nothing indexed, fresh last_sync
    assert sorted(report.ingest.added) == [f"{site.base}/news/fine.html",
                                           f"{site.base}/news/good.html"]  # fmt: skip
    failed = dict(report.failed)
    assert "not a valid URL" in failed[f"{site.base}/news/moved.html"]
    assert "port" in failed[f"{site.base}/news/worse.html"]  # httpx reads that Location
    assert any("not a valid URL" in why for url, why in failed.items() if "99999" in url)
    bad = next(f for f in web.feeds() if f["name"] == "/bad.xml")
    assert bad["articles"] == 1 and "3 of 4 items failed" in bad["last_error"]
    healthy = next(f for f in web.feeds() if f["name"] == "/healthy.xml")
    assert healthy["articles"] == 1 and healthy["last_error"] is None


def test_ingest_urls_with_bad_ports_reports_them(web):
    report = web.ingest_urls(["http://x:99999/", "http://x:abc/", "http://[::1/"])
    assert report.added == [] and len(report.failed) == 3
    assert all("not a valid URL" in why for _, why in report.failed)


# 2. Decompression bombs: refused with the cap's memory, encodings not asked for refused.

BOMB_BYTES = 200 * 1024 * 1024


def _zeros_gzip(size: int) -> bytes:
    out = gzip.compress(b"\0" * (1024 * 1024), 9)
    # Concatenated gzip members decode as one stream: 200 members of 1 MB each.
    return out * (size // (1024 * 1024))


@pytest.mark.parametrize("coding", ["br", "zstd", "gzip, gzip", "compress"])
def test_encodings_not_asked_for_are_refused_before_decoding(site, web, coding):
    site.raw["/p.html"] = (200, "text/html", b"anything")
    site.headers["/p.html"] = {"Content-Encoding": coding}
    report = web.ingest_urls([f"{site.base}/p.html"])
    (why,) = [r for _, r in report.failed]
    assert "refused" in why or "was not asked for" in why


def test_a_gzip_bomb_stops_at_the_cap_with_the_caps_memory(site):
    import tracemalloc

    from rag.errors import FetchError
    from rag.sources.fetch import FetchPolicy, fetch

    site.raw["/bomb.html"] = (200, "text/html", _zeros_gzip(BOMB_BYTES))
    site.headers["/bomb.html"] = {"Content-Encoding": "gzip"}
    cap = 2 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="once decompressed"):
            fetch(f"{site.base}/bomb.html", FetchPolicy(allow_private=True, max_bytes=cap))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * cap  # was the whole network chunk decoded first: hundreds of MB


# 3. and 4. Canonical URLs: a shared one, and one that names another article.


def test_pages_sharing_one_canonical_url_keep_each_story(site, web):
    topics = ["harbour", "orchard", "tramway"]
    for t in topics:
        site.pages[f"/news/{t}.html"] = page(t, story(t), canonical=f"{site.base}/")
        site.pages[f"/blog/{t}.html"] = page(t, story(t, seed=2), canonical=f"{site.base}/blog/")
    items = [Item(f"/{d}/{t}.html", t, NOW) for d in ("news", "blog") for t in topics]
    _feed(site, "/rss.xml", items, web)
    first = web.sync()
    assert len(first.ingest.added) == 6 and not first.failed
    # The front page is never taken as an article's id; of pages sharing another canonical,
    # one may take it and the others keep their own URLs.
    assert f"{site.base}/" not in _docs(web)
    texts = {d: web.document_text(d) for d in _docs(web)}
    assert len(set(texts.values())) == 6
    site.feeds["/rss.xml"] = ("rss", [*items, Item("/news/new.html", "n", NOW)])
    site.pages["/news/new.html"] = page("new", story("glacier"), canonical=f"{site.base}/blog/")
    web.sync(force=True)
    assert {d: web.document_text(d) for d in texts} == texts  # nothing replaced
    assert len(_docs(web)) == 7


def test_a_canonical_naming_another_article_does_not_replace_it(site, web):
    victim = f"{site.base}/news/victim.html"
    site.pages["/news/victim.html"] = page("Victim", story("library"))
    web.ingest_urls([victim])
    original = web.document_text(victim)
    site.pages["/other/path.html"] = page("Hijack", story("vaccine"), canonical=victim)
    report = web.ingest_urls([f"{site.base}/other/path.html"])
    assert report.added == [f"{site.base}/other/path.html"]
    assert web.document_text(victim) == original
    # The same host on another port is another site: its canonical is not taken.
    with serve(Site()) as other:
        other.pages["/x.html"] = page("Port", story("glacier"), canonical=victim)
        again = web.ingest_urls([f"{other.base}/x.html"])
    assert again.added == [f"{other.base}/x.html"] and web.document_text(victim) == original
    # An article's own page may still update it through its canonical URL.
    site.pages["/news/victim.html?ref=rss"] = page(
        "Victim", [*story("library"), "An update."], canonical=victim
    )
    site.pages["/news/victim.html"] = site.pages["/news/victim.html?ref=rss"]
    updated = web.ingest_urls([victim])
    assert updated.updated == [victim] and "An update." in web.document_text(victim)


# 5. and 6. Copies that differ in a figure, a date or a sentence.

WIRE = [
    "Negotiators met for a three-hour session in Doha on Tuesday to discuss the truce.",
    "The talks ended without a statement from either delegation.",
    "Officials said the next round would take place after the holiday.",
    "Residents of the border towns waited for news late into the night.",
]


def _copy_site(site: Site, order: list[str]) -> None:
    copy = [WIRE[0].replace("three-hour", "ten-hour"), *WIRE[1:3],
            "A senior negotiator resigned in protest after the session.", WIRE[3]]  # fmt: skip
    site.pages["/wire/talks.html"] = page("Truce talks in Doha", WIRE, outlet="Original Wire")
    site.pages["/copy/talks.html"] = page("Truce talks", copy, outlet="Original Wire")
    site.feeds["/rss.xml"] = ("rss", [Item(f"/{o}/talks.html", o, NOW) for o in order])


@pytest.mark.parametrize("order", [["wire", "copy"], ["copy", "wire"]])
def test_a_copy_with_a_changed_figure_neither_hides_nor_borrows(site, web, order):
    _copy_site(site, order)
    web.add_feed(site.base + "/rss.xml")
    web.sync()
    wire, copy = f"{site.base}/wire/talks.html", f"{site.base}/copy/talks.html"
    assert web.index.catalog.stories.of([wire])[wire] == web.index.catalog.stories.of([copy])[copy]
    hits = web.retrieve("How long did the negotiators meet in Doha?", top_k=5)
    shown = " ".join(h.text for h in hits)
    assert "three-hour" in shown and "ten-hour" in shown  # both figures reachable
    answer = web.ask("Who resigned after the session?")
    injected = [c for c in answer.citations if "resigned" in c.quote]
    assert injected and all(c.doc_id == copy for c in injected)
    # The original never printed that sentence: it is not named as carrying it.
    assert all(not c.also_reported_by for c in injected)
    for h in hits:
        for o in h.also_reported_by:
            assert "(127.0.0.1)" in o.label  # the site it came from, beside the claimed name


def test_a_follow_up_with_a_new_toll_does_not_hide_the_first(site, web):
    first = ["Floods in the valley killed 12 people on Monday, officials said.",
             "Rescue teams searched the river banks through the night.",
             "Roads into the villages remained closed."]  # fmt: skip
    later = [first[0].replace("12", "45"), *first[1:]]
    site.pages["/a.html"] = page("Floods kill 12", first)
    site.pages["/b.html"] = page("Floods kill 12", later)
    web.ingest_urls([f"{site.base}/a.html", f"{site.base}/b.html"])
    hits = web.retrieve("How many people died in the valley floods?", top_k=5)
    shown = " ".join(h.text for h in hits)
    assert "killed 12 people" in shown and "killed 45 people" in shown


def test_notes_that_differ_only_in_a_number_are_each_found(tmp_path):
    corpus = tmp_path / "notes"
    corpus.mkdir()
    numbers = [1000 + 37 * n for n in range(20)]
    for n in numbers:
        (corpus / f"note-{n}.txt").write_text(f"Shipment {n} arrived at the north dock.\n")
    with quick_assistant(tmp_path / "data") as asst:
        asst.ingest([corpus])
        for n in numbers:
            hits = asst.retrieve(f"Where did shipment {n} arrive?", top_k=3)
            assert len(hits) == 3  # near-identical notes are not collapsed into one hit
            assert hits[0].doc_id == f"notes/note-{n}.txt"


# 7. and 8. Deleted articles stay deleted; a new ?v=N is not a new article.


def test_a_deleted_web_article_stays_deleted_after_an_edit(site, web):
    site.pages["/news/gone.html"] = page("Gone", story("harbour"))
    _feed(site, "/rss.xml", [Item("/news/gone.html", "g", NOW)], web)
    web.sync()
    url = f"{site.base}/news/gone.html"
    web.delete_document(url)
    site.pages["/news/gone.html"] = page("Gone", [*story("harbour"), "One more word."])
    site.feeds["/rss.xml"] = ("rss", [Item("/news/gone.html", "Gone, edited", NOW)])
    again = web.sync(force=True)
    assert url not in _docs(web)
    assert again.ingest.skipped == [(url, "it was deleted by a user")]


def test_item_links_with_a_new_version_parameter_do_not_grow_the_index(site, web):
    topics = ["harbour", "orchard", "tramway"]
    for version in range(1, 4):
        for t in topics:
            site.pages[f"/news/{t}.html?v={version}"] = page(t, story(t))
        site.feeds["/rss.xml"] = ("rss", [Item(f"/news/{t}.html?v={version}", t, NOW)
                                          for t in topics])  # fmt: skip
        if version == 1:
            web.add_feed(site.base + "/rss.xml")
        report = web.sync(force=True)
        assert not report.failed
        assert len(web.documents()) == 3  # grew 3 -> 6 -> 9 before
    assert len(report.ingest.duplicates) == 3


# 9. A total deadline per request; each feed committed when read.


def test_a_dripping_page_is_cut_off_and_other_feeds_go_in_first(site, tmp_path):
    site.raw["/news/drip.html"] = (200, "text/html", page("Drip", story("vaccine")))
    site.drip["/news/drip.html"] = 0.2  # every read succeeds within the 1 s timeout
    settings = {"fetch_allow_private": True, "fetch_delay": 0, "fetch_timeout": 1,
                "fetch_deadline": 3}  # fmt: skip
    with serve(Site()) as other, quick_assistant(tmp_path / "data", **settings) as web:
        other.pages["/news/fast.html"] = page("Fast", story("glacier"))
        _feed(site, "/slow.xml", [Item("/news/drip.html", "d", NOW)], web)
        other.feeds["/fast.xml"] = ("rss", [Item("/news/fast.html", "f", NOW)])
        web.add_feed(other.base + "/fast.xml", name="/fast.xml")
        seen: list[float] = []
        began = time.monotonic()
        worker = threading.Thread(target=lambda: seen.append(web.sync().seconds))
        worker.start()
        fast_in = None
        while worker.is_alive():
            if fast_in is None and f"{other.base}/news/fast.html" in _docs(web):
                fast_in = time.monotonic() - began
            time.sleep(0.05)
        worker.join()
        failed = {f["name"]: f["last_error"] for f in web.feeds()}
    # Committed while the dripping feed was still being read (all feeds together before).
    assert fast_in is not None and fast_in < 2.5 < seen[0]
    assert seen[0] < 10  # 52 s before, with a 5 s timeout
    assert "took more than 3 s in all" in failed["/slow.xml"]
    assert failed["/fast.xml"] is None


# 10. Declared charsets.

CYRILLIC = "Москва объявила о новом плане строительства метро на ближайшие десять лет."
JAPANESE = "東京都は新しい地下鉄路線の建設計画を発表しました。工事は来年に始まります。"


def _html(text: str, meta: str = "") -> str:
    body = "".join(f"<p>{text} {n}</p>" for n in range(4))
    return f"<html><head>{meta}<title>T</title></head><body><article>{body}</article></body></html>"


@pytest.mark.parametrize(
    ("encoding", "text", "header", "meta"),
    [
        ("windows-1251", CYRILLIC, "text/html; charset=windows-1251", ""),
        ("koi8-r", CYRILLIC, "text/html", '<meta charset="koi8-r">'),
        ("shift_jis", JAPANESE, "text/html; charset=Shift_JIS", ""),
        ("shift_jis", JAPANESE, "text/html",
         '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">'),
    ],
)  # fmt: skip
def test_declared_charsets_are_used(site, web, encoding, text, header, meta):
    site.raw["/p.html"] = (200, "text/html", _html(text, meta).encode(encoding))
    site.headers["/p.html"] = {"Content-Type": header}
    report = web.ingest_urls([f"{site.base}/p.html"])
    assert report.added == [f"{site.base}/p.html"], report.failed
    assert text in web.document_text(f"{site.base}/p.html")


def test_html_files_use_their_meta_charset(tmp_path):
    corpus = tmp_path / "pages"
    corpus.mkdir()
    (corpus / "ru.html").write_bytes(_html(CYRILLIC, '<meta charset="windows-1251">')
                                     .encode("windows-1251"))  # fmt: skip
    (corpus / "jp.html").write_bytes(_html(JAPANESE, '<meta charset="shift_jis">')
                                     .encode("shift_jis"))  # fmt: skip
    with quick_assistant(tmp_path / "data") as asst:
        report = asst.ingest([corpus])
        assert not report.failed
        assert CYRILLIC in asst.document_text("pages/ru.html")
        assert JAPANESE in asst.document_text("pages/jp.html")


# 12. One delay per address however it is spelt; a cap on feeds.


def test_spellings_of_one_address_share_its_delay(site, tmp_path):
    site.pages["/a.html"] = page("A", story("harbour"))
    port = site.base.rsplit(":", 1)[1]
    spellings = ["127.0.0.1", "127.1", "2130706433", "0x7f000001"]
    with quick_assistant(tmp_path / "data", fetch_allow_private=True, fetch_delay=0.3) as web:
        web.ingest_urls([f"http://{host}:{port}/a.html" for host in spellings])
    gaps = [b - a for a, b in zip(site.stamps, site.stamps[1:], strict=False)]
    assert len(site.stamps) == 5  # robots.txt once for the one host, then four pages
    assert min(gaps) >= 0.28


def test_the_number_of_feeds_is_capped(tmp_path):
    with quick_assistant(tmp_path / "data", max_feeds=2) as web:
        web.add_feed("https://one.example/rss")
        web.add_feed("https://two.example/rss")
        with pytest.raises(ConfigError, match="already 2 feeds, the limit"):
            web.add_feed("https://three.example/rss")
        assert len(web.feeds()) == 2
