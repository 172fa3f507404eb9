"""Sync of a feed of the shared newspaper pages vs `rag ingest` of the same files.

Serves ../shared/corpora/newspaper/html on 127.0.0.1 with an RSS feed of every page, then:
1. a first sync into an empty index (fetch, extract, embed), timed by stage;
2. `Assistant.ingest` of the same HTML folder into another empty index;
3. the same articles? (texts compared page by page);
4. an unchanged re-sync: time and requests;
5. a re-sync after one new item: the other pages cost a 304 each.

    .venv/bin/python benchmarks/bench_sync.py [--pages N] [--delay 0] [--shared ../shared]

Prints figures; asserts nothing about speed (the machine is noisy: compare the ratios).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import Assistant  # noqa: E402
from rag.sources.sync import SyncReport  # noqa: E402
from tests.sources.site import Item, Site, serve  # noqa: E402


def _stages(report: object) -> str:
    stages = getattr(report, "stage_seconds", {})
    return ", ".join(f"{k} {v:.1f}s" for k, v in sorted(stages.items()))


def _resync(label: str, assistant: Assistant, site: Site) -> SyncReport:
    """Sync every feed again; print its time, requests and how the server answered them."""
    before, began = len(site.log), time.perf_counter()
    report = assistant.sync(force=True)
    statuses = site.statuses(before)
    print(f"{label:<17} {time.perf_counter() - began:6.3f} s  {report.requests} requests "
          f"({statuses.count(304)} answered 304, {statuses.count(200)} 200)")  # fmt: skip
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=0, help="first N pages (default: all)")
    parser.add_argument("--delay", type=float, default=0.0, help="RAG_FETCH_DELAY for the sync")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--hosts", type=int, default=4, help="hosts of the politeness run")
    args = parser.parse_args()
    html = args.shared / "corpora" / "newspaper" / "html"
    if not html.is_dir():
        print(f"skipping the sync benchmark: {html} not found")
        return
    files = sorted(html.glob("*.html"))[: args.pages or None]
    site = Site(pages={f"/news/{p.name}": p.read_bytes() for p in files})
    items = [Item(f"/news/{p.name}", p.stem) for p in files]  # no dates: the pages' own
    site.feeds["/feed.xml"] = ("rss", items)
    with tempfile.TemporaryDirectory() as tmp, serve(site):
        sync_dir, ingest_dir, folder = Path(tmp, "sync"), Path(tmp, "ingest"), Path(tmp, "html")
        folder.mkdir()
        for p in files:
            (folder / p.name).write_bytes(p.read_bytes())
        synced = Assistant(data_dir=sync_dir, fetch_allow_private=True, fetch_delay=args.delay)
        synced.index.embedder.encode_query("warm up")  # the model's load is not the sync's
        synced.add_feed(site.base + "/feed.xml")
        began = time.perf_counter()
        first = synced.sync()
        sync_s = time.perf_counter() - began
        ingested = Assistant(data_dir=ingest_dir)
        ingested.index.embedder.encode_query("warm up")
        began = time.perf_counter()
        files_report = ingested.ingest([folder])
        ingest_s = time.perf_counter() - began

        print(f"{len(files)} pages; feed sync with fetch delay {args.delay:g} s")
        fetch_s = first.seconds - first.ingest.seconds
        print(f"first sync   {sync_s:6.1f} s  {first.requests} requests, "
              f"{len(first.ingest.added)} added, {len(first.failed)} failed, "
              f"{len(first.ingest.duplicates)} duplicate; fetch+extract {fetch_s:.1f}s, "
              f"{_stages(first.ingest)}")  # fmt: skip
        print(f"rag ingest   {ingest_s:6.1f} s  {len(files_report.added)} added, "
              f"{len(files_report.failed)} failed, {len(files_report.duplicates)} duplicate; "
              f"{_stages(files_report)}")  # fmt: skip
        print(f"sync / ingest time: {sync_s / ingest_s:.2f}")
        by_name = {d["doc_id"].rsplit("/", 1)[-1]: d["doc_id"] for d in synced.documents()}
        same = sum(
            synced.document_text(by_name[d["doc_id"].rsplit("/", 1)[-1]])
            == ingested.document_text(d["doc_id"])
            for d in ingested.documents()
            if d["doc_id"].rsplit("/", 1)[-1] in by_name
        )
        print(f"same text as the file ingest: {same} of {len(ingested.documents())} articles "
              f"(sync has {len(synced.documents())})")  # fmt: skip
        sync_failed = {u.rsplit("/", 1)[-1] for u, _ in first.failed}
        file_failed = {Path(p).name for p, _ in files_report.failed}
        print(f"failed in both: {len(sync_failed & file_failed)}; only in sync: "
              f"{sorted(sync_failed - file_failed)}; only in ingest: "
              f"{sorted(file_failed - sync_failed)}")  # fmt: skip
        for url, why in first.failed[:8]:
            print(f"  sync failed {url.rsplit('/', 1)[-1]}: {why}")

        again = _resync("unchanged re-sync", synced, site)
        print(f"  {len(again.ingest.added) + len(again.ingest.updated)} changed")

        fresh = files[0]
        site.pages["/news/new-item.html"] = fresh.read_bytes().replace(b"<body", b"<body id=n", 1)
        items.append(Item("/news/new-item.html", "new"))
        grown = _resync("one new item", synced, site)
        print(f"  {len(grown.ingest.added)} added")
    if args.hosts:
        polite(files, hosts=args.hosts, per_host=min(10, len(files) // args.hosts))


def polite(files: list[Path], hosts: int = 4, per_host: int = 10, delay: float = 0.5) -> None:
    """Feeds of several hosts with the per-host delay: read in parallel, each host politely."""
    sites = [Site() for _ in range(hosts)]
    for n, site in enumerate(sites):
        chosen = files[n * per_host : (n + 1) * per_host]
        site.pages = {f"/news/{p.name}": p.read_bytes() for p in chosen}
        site.feeds["/feed.xml"] = ("rss", [Item(f"/news/{p.name}", p.stem) for p in chosen])
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        for site in sites:
            stack.enter_context(serve(site))
        asst = Assistant(data_dir=Path(tmp), fetch_allow_private=True, fetch_delay=delay)
        asst.index.embedder.encode(["warm up"])
        for site in sites:
            asst.add_feed(site.base + "/feed.xml")
        began = time.perf_counter()
        report = asst.sync()
        took = time.perf_counter() - began
    per_host_floor = (per_host + 1) * delay  # robots.txt, feed, pages: one gap each after
    print(f"{hosts} hosts x {per_host} pages, delay {delay:g} s: sync {took:.1f} s, "
          f"{len(report.ingest.added)} added; one host alone needs >= {per_host_floor:.1f} s, "
          f"the hosts one after another >= {hosts * per_host_floor:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
