"""Retrieve/ask latency and memory at 1k/10k/100k chunks vs vanilla llama-index, and cold start.

Run: .venv/bin/python benchmarks/bench_scale.py [--sizes 1000,10000,100000]
     [--backends onnx-int8,torch] [--shared ../shared] [--cache .bench-cache]

Method (also in docs/performance.md):
- Corpus: synthetic articles, each two or three runs of 3-8 consecutive sentences taken from
  the real articles in ``../shared/corpora/newspaper/text`` (the seed article without it),
  written as .txt files until the chunker yields the requested number of chunks.
- Vectors: every distinct sentence is embedded once with the real model (cached as .npy); a
  chunk's vector is the normalised mean of its sentences' vectors, because embedding 100k
  chunks exactly would take ~30 min here. The cosine to the exact embedding is printed.
- The index is built through the real ingest path (Chroma, SQLite catalog, BM25) and cached.
- A fresh process then serves each eval-suite question once through the assistant and through
  ``VectorStoreIndex.from_vector_store`` on the same collection with the same model (the query
  embedding cache is cleared before every call, so both pay for embedding the query).
Prints a table; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import Assistant  # noqa: E402
from rag.index.chunking import chunk_text  # noqa: E402
from rag.index.embeddings import Embedder  # noqa: E402
from rag.text.sentences import split_sentences  # noqa: E402


def proc_status(field: str) -> float:
    """A VmRSS/VmHWM-style field of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(xs: list[float], q: float) -> float:
    """The q-th percentile of durations in seconds, in milliseconds."""
    return float(np.percentile(np.array(xs) * 1000, q)) if xs else float("nan")


def sentence_pool(shared: Path) -> list[list[str]]:
    """Sentences of each real article (notes such as EXTRACTED NOTHING are skipped)."""
    folder = shared / "corpora" / "newspaper" / "text"
    files = sorted(folder.glob("*.txt") if folder.is_dir() else (ROOT / "corpus").glob("*.txt"))
    articles = []
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace").split("---\n", 2)[-1]
        sents = [text[a:b] for a, b in split_sentences(text)]
        good = [s for s in sents if 40 <= len(s) <= 300 and s[0].isupper() and s[-1] in '.!?"”']
        if len(good) >= 5:
            articles.append(good)
    return articles


def questions() -> list[str]:
    """Every distinct question of the shipped eval suites."""
    seen: dict[str, None] = {}
    for suite in sorted((ROOT / "evals" / "suites").glob("*.jsonl")):
        for line in suite.read_text().splitlines():
            if line.strip():
                case = json.loads(line)
                seen.setdefault(case["question"], None)
                for turn in case.get("history") or []:
                    if turn.get("role") == "user":
                        seen.setdefault(turn["content"], None)
    return list(seen)


def index_paths(cache: Path, backend: str, size: int) -> tuple[Path, Path]:
    """The cached index folder and its corpus folder for one backend and corpus size."""
    return cache / f"index-{backend}-{size}", cache / f"corpus-{size}"


def synthetic_body(rng: random.Random, pool: list[list[str]]) -> str:
    """An article of two or three runs of 3-8 consecutive sentences of pool articles."""
    runs = []
    for _ in range(rng.randint(2, 3)):
        article = rng.choice(pool)
        n = rng.randint(3, 8)
        start = rng.randrange(max(1, len(article) - n))
        runs.append(" ".join(article[start : start + n]))
    return "\n\n".join(runs)


def make_corpus(
    pool: list[list[str]], n_chunks: int, folder: Path, chars: int, overlap: int
) -> int:
    """Write synthetic articles into ``folder`` until they make ``n_chunks`` chunks; the count."""
    rng = random.Random(n_chunks)
    folder.mkdir(parents=True, exist_ok=True)
    total, i = 0, 0
    while total < n_chunks:
        body = synthetic_body(rng, pool)
        total += len(chunk_text(f"s{i}", body, chars, overlap))
        path = folder / f"{i:06d}.txt"
        path.write_text(f"---\ntitle: Synthetic article {i}\n---\n{body}\n")
        # An hour old, like a corpus that existed before the run (no "racy" fresh stamps).
        os.utime(path, (time.time() - 3600,) * 2)
        i += 1
    return total


class ComposedEmbedder:
    """Chunk vectors as the normalised mean of cached sentence vectors (ingest-time only)."""

    def __init__(self, base: Embedder, table: dict[str, np.ndarray]) -> None:
        self.base, self.table = base, table

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = []
        for text in texts:
            parts = [text[a:b] for a, b in split_sentences(text)]
            missing = [p for p in parts if p not in self.table]
            if missing:
                self.table.update(zip(missing, self.base.encode(missing), strict=True))
            v = np.mean([self.table[p] for p in parts], axis=0)
            out.append(v / np.linalg.norm(v))
        return np.stack(out).astype(np.float32)


def sentence_table(emb: Embedder, pool: list[list[str]], cache: Path) -> dict[str, np.ndarray]:
    """Vectors of every distinct pool sentence, embedded once per backend and cached."""
    sents = sorted({s for a in pool for s in a})
    key = hashlib.sha1("\n".join(sents).encode()).hexdigest()[:10]
    path = cache / f"sentences-{emb.backend}-{key}.npy"
    if path.exists():
        vectors = np.load(path)
    else:
        cache.mkdir(parents=True, exist_ok=True)
        vectors = emb.encode(sents)
        np.save(path, vectors)
    return dict(zip(sents, vectors, strict=True))


def build(size: int, backend: str, pool: list[list[str]], cache: Path) -> dict[str, Any]:
    """Build (or reuse) the index of ``size`` chunks; build figures come from its marker file."""
    data_dir, corpus = index_paths(cache, backend, size)
    marker = data_dir / "bench.json"
    if marker.exists():
        return {**json.loads(marker.read_text()), "data_dir": str(data_dir)}
    asst = Assistant(data_dir=data_dir, embed_backend=backend)
    s = asst.settings
    if not corpus.is_dir():
        make_corpus(pool, size, corpus, s.chunk_chars, s.chunk_overlap)
    table = sentence_table(asst.index.embedder, pool, cache)
    composed = ComposedEmbedder(asst.index.embedder, table)
    asst.index.__dict__["embedder"] = composed  # the ingest writes composed vectors
    began = time.perf_counter()
    report = asst.ingest([corpus])
    first = time.perf_counter() - began
    # How close the composed vectors are to exact chunk embeddings.
    sample = [r[0] for r in asst.index.catalog._rows("SELECT text FROM chunks LIMIT 200")]  # noqa: SLF001
    cos = np.sum(composed.encode(sample) * composed.base.encode(sample), axis=1)
    # One changed article: one article's work, BM25 included.
    victim = sorted(corpus.glob("*.txt"))[size % 97]
    original = victim.read_text()
    victim.write_text(original.rstrip("\n") + " One more sentence changes this article.\n")
    began = time.perf_counter()
    change = asst.ingest([corpus])
    changed = time.perf_counter() - began
    victim.write_text(original)
    asst.ingest([corpus])
    began = time.perf_counter()
    asst.ingest([corpus])
    unchanged = time.perf_counter() - began
    figures = {
        "chunks": asst.index.catalog.chunk_count(),
        "articles": len(report.added),
        "build_s": round(first, 1),
        "build_stages": {k: round(v, 1) for k, v in report.stage_seconds.items()},
        "one_changed_s": round(changed, 3),
        "one_changed_stages": {k: round(v, 3) for k, v in change.stage_seconds.items()},
        "unchanged_s": round(unchanged, 3),
        "composed_cos_mean": round(float(cos.mean()), 3),
        "composed_cos_min": round(float(cos.min()), 3),
    }
    marker.write_text(json.dumps(figures))
    return {**figures, "data_dir": str(data_dir)}


def serve(data_dir: str, backend: str, n_queries: int) -> dict[str, Any]:
    """Run in a fresh process: open the index, answer each question once, report timings."""
    from rag.eval.vanilla import VanillaPipeline

    began = time.perf_counter()
    asst = Assistant(data_dir=data_dir, embed_backend=backend)
    asst.warm_up()
    open_s = time.perf_counter() - began
    vanilla = VanillaPipeline(asst)
    clear = asst.index.embedder.encode_query.cache_clear
    for q in ("warm up the pipelines", "What happened next?"):
        asst.ask(q), vanilla.ask(q)
    timings: dict[str, list[float]] = {"retrieve": [], "vanilla_retrieve": [], "ask": [],
                                       "vanilla_ask": []}  # fmt: skip
    calls = {
        "vanilla_retrieve": vanilla.retriever.retrieve,
        "retrieve": asst.retrieve,
        "ask": asst.ask,
        "vanilla_ask": vanilla.ask,
    }
    for q in questions()[:n_queries]:
        for name, call in calls.items():
            clear()
            t = time.perf_counter()
            call(q)
            timings[name].append(time.perf_counter() - t)
    out: dict[str, Any] = {"open_s": round(open_s, 2), "queries": len(timings["ask"])}
    for name, xs in timings.items():
        out[f"{name}_p50"], out[f"{name}_p95"] = round(pct(xs, 50), 1), round(pct(xs, 95), 1)
    out["peak_rss_mb"] = round(proc_status("VmHWM"))
    return out


def cold_start(cache: Path, backend: str) -> dict[str, float]:
    """Seconds from starting ``python app.py`` to the first answer, with the index built."""
    import httpx

    data_dir = cache / f"app-{backend}"
    env = {**os.environ, "RAG_DATA_DIR": str(data_dir), "RAG_EMBED_BACKEND": backend}
    rag = [sys.executable, "-m", "rag", "ingest", str(ROOT / "corpus")]
    subprocess.run(rag, env=env, check=True, capture_output=True, cwd=ROOT)
    with socket.socket() as sock:  # a free port on localhost
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env.update(GRADIO_SERVER_PORT=str(port), GRADIO_SERVER_NAME="127.0.0.1")
    url = f"http://127.0.0.1:{port}/gradio_api/call/chat"
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        while True:
            if proc.poll() is not None or time.perf_counter() - began > 300:
                raise RuntimeError("app.py did not come up")
            try:
                q = {"data": ["What is disputed about the Philadelphi Corridor?"]}
                event = httpx.post(url, json=q, timeout=60).json()["event_id"]
                reply = httpx.get(f"{url}/{event}", timeout=120).text
                break
            except (httpx.HTTPError, KeyError, ValueError):
                time.sleep(0.2)
        first = time.perf_counter() - began
        if "Philadelphi" not in reply:
            raise RuntimeError(f"unexpected first answer: {reply[:300]}")
        return {"cold_start_s": round(first, 1)}
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--backends", default="onnx-int8,torch")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench-cache")
    parser.add_argument("--queries", type=int, default=200, help="questions per index")
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI (no timing checks)")
    parser.add_argument(
        "--baseline-ref",
        help="also serve each index with the code of this git revision (a worktree in the "
        "cache), in the same run: ask p50 is reported as a ratio to it",
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(serve(args.serve, args.backend, args.queries)))
        return
    pool = sentence_pool(args.shared)
    if args.smoke:
        pool, args.sizes, args.queries = pool[:12], "300", 8
        args.cache = args.cache / "smoke"
    # One ONNX export for every index the benchmark builds.
    os.environ.setdefault("RAG_MODEL_CACHE", str(args.cache / "models"))
    baseline = worktree(args.baseline_ref, args.cache) if args.baseline_ref else None
    rows = []
    for backend in args.backends.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            built = build(size, backend, pool, args.cache)
            served = serve_in(ROOT, built["data_dir"], backend, args.queries)
            row = {"backend": backend, "target": size, **built, **served}
            if baseline is not None:
                # The same index and questions, served by the older code right after.
                old = serve_in(baseline, built["data_dir"], backend, args.queries)
                row["baseline_ask_p50"], row["baseline_ask_p95"] = old["ask_p50"], old["ask_p95"]
                row["ask_vs_baseline"] = round(served["ask_p50"] / old["ask_p50"], 2)
            rows.append(row)
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        rows[-1].update(cold_start(args.cache, backend))
    print_table(rows)


def worktree(ref: str, cache: Path) -> Path:
    """A checkout of ``ref`` (its code and its shipped reader model) under the cache."""
    target = cache / f"worktree-{ref}"
    if not target.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(target), ref], cwd=ROOT,
                       check=True, capture_output=True)  # fmt: skip
    return target


def serve_in(code: Path, data_dir: str, backend: str, queries: int) -> dict[str, Any]:
    """`serve` in a fresh process running the code of the checkout at ``code``."""
    cmd = [sys.executable, str(code / "benchmarks" / "bench_scale.py"), "--serve", data_dir,
           "--backend", backend, "--queries", str(queries)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(code)}
    run = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, cwd=code)
    return dict(json.loads(run.stdout.splitlines()[-1]))


def print_table(rows: list[dict[str, Any]]) -> None:
    """Markdown table, one row per backend and corpus size."""
    cols = [
        ("backend", "backend"), ("chunks", "chunks"), ("build_s", "build s"),
        ("one_changed_s", "1 changed s"), ("unchanged_s", "re-ingest s"),
        ("retrieve_p50", "retrieve p50"), ("retrieve_p95", "p95"),
        ("vanilla_retrieve_p50", "vanilla p50"), ("vanilla_retrieve_p95", "p95"),
        ("ask_p50", "ask p50"), ("ask_p95", "p95"), ("vanilla_ask_p50", "vanilla ask p50"),
        ("open_s", "open s"), ("peak_rss_mb", "peak RSS MB"), ("cold_start_s", "app cold start s"),
        ("composed_cos_mean", "cos mean"), ("baseline_ask_p50", "baseline ask p50"),
        ("ask_vs_baseline", "ask / baseline"),
    ]  # fmt: skip
    print("| " + " | ".join(h for _, h in cols) + " | retrieve / vanilla |")
    print("|" + " --- |" * (len(cols) + 1))
    for r in rows:
        ratio = r["retrieve_p50"] / r["vanilla_retrieve_p50"]
        cells = [str(r.get(k, "")) for k, _ in cols] + [f"{ratio:.2f}"]
        print("| " + " | ".join(cells) + " |")
    print(f"\nms unless marked; {statistics.median([r['queries'] for r in rows]):g} questions")


if __name__ == "__main__":
    main()
