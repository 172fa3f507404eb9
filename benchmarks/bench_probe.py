"""The outside probe's two measurable defects, after the fix (issue 20).

1. Decompression bombs: each body decodes to 200 MB. Peak memory of one fetch, measured in a
   fresh process (ru_maxrss over the process's baseline), with the fetcher and, for the
   same body in the same run, a plain httpx read that decodes as httpx does and checks the
   cap after each decoded piece (the fetcher before the fix).
2. A sync of three feeds where one has a bad link, one drips a byte every 0.2 s and one is
   healthy: what got in, when each feed's articles were committed, the total time.

    .venv/bin/python benchmarks/bench_probe.py [--mb 200]

Prints figures; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sources.pages import page, story  # noqa: E402
from tests.sources.site import Item, Site, serve  # noqa: E402

_CHILD = """
import resource, sys, httpx
from rag.errors import FetchError
from rag.sources.fetch import FetchPolicy, fetch
url, how = sys.argv[1], sys.argv[2]
cap = 5 * 1024 * 1024
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    if how == "fetcher":
        fetch(url, FetchPolicy(allow_private=True, max_bytes=cap))
        why = "accepted"
    else:  # httpx decodes, then the cap is checked (the fetcher before issue 20)
        with httpx.Client() as c, c.stream("GET", url) as r:
            size = 0
            for piece in r.iter_bytes():
                size += len(piece)
                if size > cap:
                    raise FetchError("more than the cap")
        why = "accepted"
except (FetchError, httpx.HTTPError) as exc:
    why = str(exc).split(": ", 1)[-1]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{(peak - base) / 1024:.1f}\\t{why}")
"""


def _bombs(mb: int) -> dict[str, tuple[str, bytes]]:
    import brotli
    import zstandard

    member = gzip.compress(b"\0" * (1024 * 1024), 9)
    zeros = b"\0" * (mb * 1024 * 1024)
    return {
        "brotli": ("br", brotli.compress(zeros, quality=11)),
        "gzip, gzip": ("gzip, gzip", gzip.compress(gzip.compress(zeros, 9), 9)),
        "zstd": ("zstd", zstandard.ZstdCompressor(level=19).compress(zeros)),
        "gzip (one layer, as asked)": ("gzip", member * mb),
    }


def bombs(mb: int) -> None:
    print(f"## Decompression bombs ({mb} MB decoded each; cap 5 MB)")
    print("| body | bytes sent | fetcher: peak MB | reason | httpx decoding first: peak MB |")
    print("|---|---|---|---|---|")
    with serve(Site()) as site:
        for name, (coding, body) in _bombs(mb).items():
            path = f"/{abs(hash(name))}.html"
            site.raw[path] = (200, "text/html", body)
            site.headers[path] = {"Content-Encoding": coding}
            rows = []
            for how in ("fetcher", "httpx"):
                command = [sys.executable, "-c", _CHILD, site.base + path, how]
                run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                                     timeout=600)  # fmt: skip
                rows.append(run.stdout.strip().split("\t") if run.returncode == 0
                            else ["-", run.stderr.strip().splitlines()[-1][:60]])  # fmt: skip
            print(f"| {name} | {len(body):,} | {rows[0][0]} | {rows[0][1][:60]} | {rows[1][0]} |")


def three_feeds() -> None:
    from rag import Assistant

    print("\n## A sync of three feeds: a bad link, a dripping page, a healthy feed")
    with tempfile.TemporaryDirectory() as tmp, serve(Site()) as one, serve(Site()) as two:
        one.pages["/a.html"] = page("Harbour", story("harbour"))
        one.redirects["/b.html"] = "http://127.0.0.1:99999/b.html"  # a port out of range
        one.feeds["/bad-link.xml"] = ("rss", [Item("/a.html", "a"), Item("/b.html", "b")])
        one.raw["/drip.html"] = (200, "text/html", page("Drip", story("vaccine")))
        one.drip["/drip.html"] = 0.2
        one.feeds["/drip.xml"] = ("rss", [Item("/drip.html", "d")])
        two.pages["/c.html"] = page("Glacier", story("glacier"))
        two.feeds["/healthy.xml"] = ("rss", [Item("/c.html", "c")])
        web = Assistant(data_dir=Path(tmp), fetch_allow_private=True, fetch_delay=0,
                        fetch_timeout=5, fetch_deadline=10)  # fmt: skip
        web.index.embedder.encode_query("warm up")
        for site, path in ((one, "/bad-link.xml"), (one, "/drip.xml"), (two, "/healthy.xml")):
            web.add_feed(site.base + path, name=path)
        seen: dict[str, float] = {}
        result = []
        began = time.perf_counter()
        worker = threading.Thread(target=lambda: result.append(web.sync()))
        worker.start()
        while worker.is_alive():
            for doc in web.documents():
                seen.setdefault(doc["doc_id"], time.perf_counter() - began)
            time.sleep(0.05)
        worker.join()
        report = result[0]
        print(f"sync took {report.seconds:.1f} s, {report.requests} requests")
        for f in report.feeds:
            print(f"- {f.name}: {f.status}, {f.fetched} pages fetched, {len(f.failed)} failed")
        for doc_id, at in sorted(seen.items(), key=lambda p: p[1]):
            print(f"- in the index at {at:.1f} s: {doc_id}")
        for url, why in report.failed:
            print(f"- failed: {url}: {why}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200, help="decoded size of each bomb")
    parser.add_argument("--shared", default=None, help="unused; `make bench` passes it")
    args = parser.parse_args()
    bombs(args.mb)
    three_feeds()


if __name__ == "__main__":
    main()
