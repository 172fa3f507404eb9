"""Dense recall next to one repetitive document, for several Chroma HNSW settings.

An outside probe found that one repetitive document (296 KB, 471 near-identical chunks) made
dense search miss other documents' own exact vectors. This reproduces it: a real embedded
Chroma collection (PersistentClient in a temp dir) holds the chunks of ~20 ordinary articles
(real text, the project's chunker and embedder) plus one document whose 471 chunks are the same
paragraph: verbatim (default; identical vectors, which is what breaks the graph) or with a
number and a word changed (``--repeat-kind numbered``: near-identical, harmless).
Every ordinary chunk is then queried with its own embedding; recall@1 is the share whose own
id comes back first (recall@5: among the first 5),
over the whole collection and restricted to the chunk's article (``where doc_id $in [...]``,
as `VectorStore.query` restricts). ``per-doc`` counts one probe per article (its first chunk),
as the probe did (20/20 -> 5/20).

Run: .venv/bin/python benchmarks/bench_hnsw.py [--shared ../shared] [--trials 3]
Prints a markdown table; asserts nothing (times depend on the machine, and Chroma builds its
graph with several threads, so recall can vary a little between trials: min over trials shown).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import chromadb  # noqa: E402
from chromadb.config import Settings as ChromaSettings  # noqa: E402

from rag.index.chunking import chunk_text  # noqa: E402
from rag.index.embeddings import Embedder  # noqa: E402
from rag.records import Chunk  # noqa: E402

# (label, M, ef_construction, ef_search); None = Chroma's default (16, 100, 100 in chromadb 1.x).
SETTINGS: list[tuple[str, int | None, int | None, int | None]] = [
    ("chroma default", None, None, None),
    ("ef_search 1000", None, None, 1000),
    ("M 32, ef_c 200, ef_s 1000", 32, 200, 1000),
    ("M 64, ef_c 400, ef_s 200", 64, 400, 200),
    ("M 64, ef_c 400, ef_s 500", 64, 400, 500),
    ("M 64, ef_c 400, ef_s 1000", 64, 400, 1000),
    ("M 128, ef_c 400, ef_s 500", 128, 400, 500),
    ("M 128, ef_c 400, ef_s 1000", 128, 400, 1000),
]

# One long sentence (~620 chars), so every ~700-char chunk is exactly one paragraph and the
# chunks differ only in the item number and one word: cosine similarity 0.99 and above.
PARAGRAPH = (
    "Minutes of the county water board, item {n}: the board met again on Tuesday to review the "
    "{word} budget for the water district, members said the figures were unchanged from the "
    "previous session and asked staff to publish the minutes, the meeting was adjourned after "
    "twenty minutes, the next session will take up the same agenda, residents may submit "
    "written comments on the budget before the deadline, no vote was taken, and the chair "
    "thanked the staff of the district office for preparing the documents for the session "
    "on time and the clerk for recording the attendance of every member present\n\n"
)
WORDS = ("annual", "revised", "draft", "proposed", "interim", "amended", "final", "capital")


def ordinary_docs(shared: Path, n_docs: int, chunk_chars: int) -> list[list[Chunk]]:
    """Chunks of ``n_docs`` English articles: the shared newspaper texts, else ``corpus/``."""
    folder = shared / "corpora" / "newspaper" / "text"
    paths = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    paths = paths or sorted((ROOT / "corpus").glob("*.txt"))
    docs: list[list[Chunk]] = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        if len(text) < 1500 or sum(c.isascii() for c in text) < 0.97 * len(text):
            continue  # too short to matter, or not English (the model is English-only)
        docs.append(chunk_text(f"news/{path.name}", text, chunk_chars))
        if len(docs) == n_docs:
            break
    return docs


def repetitive_doc(n_chunks: int, chunk_chars: int, kind: str) -> list[Chunk]:
    """One document of ``n_chunks`` chunks, each one copy of `PARAGRAPH`.

    ``verbatim``: the copies are identical (a boilerplate block pasted again and again), so
    their vectors are too; ``numbered``: each copy has its own item number and one word of
    `WORDS`, so the vectors differ slightly (cosine 0.93 to 0.995).
    """
    parts = [
        PARAGRAPH.format(n=i, word=WORDS[i % len(WORDS)]) if kind == "numbered"
        else PARAGRAPH.format(n=7, word=WORDS[0])
        for i in range(n_chunks)
    ]  # fmt: skip
    chunks = chunk_text("repetitive/minutes.txt", "".join(parts), chunk_chars)
    return chunks[:n_chunks]


def open_collection(path: str, m: int | None, ef_c: int | None, ef_s: int | None) -> Any:
    client = chromadb.PersistentClient(
        path=path, settings=ChromaSettings(anonymized_telemetry=False)
    )
    hnsw: dict[str, Any] = {"space": "cosine"}
    for key, value in (("max_neighbors", m), ("ef_construction", ef_c), ("ef_search", ef_s)):
        if value is not None:
            hnsw[key] = value
    return client.create_collection("articles", configuration={"hnsw": hnsw})  # type: ignore[arg-type]


def run(
    setting: tuple[str, int | None, int | None, int | None],
    order: list[tuple[Chunk, np.ndarray]],
    probes: list[tuple[Chunk, np.ndarray]],
    first: set[str],
) -> dict[str, float]:
    _, m, ef_c, ef_s = setting
    with tempfile.TemporaryDirectory() as tmp:
        coll = open_collection(tmp, m, ef_c, ef_s)
        t0 = time.perf_counter()
        for i in range(0, len(order), 1000):  # VectorStore.upsert's batches
            batch = order[i : i + 1000]
            coll.upsert(
                ids=[c.chunk_id for c, _ in batch],
                embeddings=[v.tolist() for _, v in batch],
                metadatas=[{"doc_id": c.doc_id} for c, _ in batch],
                documents=[c.text for c, _ in batch],
            )
        insert_s = time.perf_counter() - t0
        hits = {"r1": 0, "r5": 0, "r1_where": 0, "doc1": 0}
        times: list[float] = []
        for chunk, vec in probes:
            t0 = time.perf_counter()
            ids = coll.query(query_embeddings=[vec.tolist()], n_results=5, include=[])["ids"][0]
            times.append(time.perf_counter() - t0)
            top1 = bool(ids) and ids[0] == chunk.chunk_id
            hits["r1"] += top1
            hits["r5"] += chunk.chunk_id in ids
            hits["doc1"] += top1 and chunk.chunk_id in first
            where = {"doc_id": {"$in": [chunk.doc_id]}}
            got = coll.query(query_embeddings=[vec.tolist()], n_results=1, where=where, include=[])
            hits["r1_where"] += got["ids"][0][:1] == [chunk.chunk_id]
    return {**hits, "insert_s": insert_s, "query_ms": statistics.median(times) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=471, help="chunks of the repetitive doc")
    parser.add_argument("--chunk-chars", type=int, default=700)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument(
        "--order",
        choices=("repetitive-first", "repetitive-last", "interleaved"),
        default="repetitive-first",
    )
    parser.add_argument("--repeat-kind", choices=("verbatim", "numbered"), default="verbatim")
    parser.add_argument("--only", type=int, nargs="*", help="indices into SETTINGS")
    args = parser.parse_args()

    docs = ordinary_docs(args.shared, args.docs, args.chunk_chars)
    rep = repetitive_doc(args.repeats, args.chunk_chars, args.repeat_kind)
    ordinary = [c for d in docs for c in d]
    embedder = Embedder("bundled", 64, "onnx-int8", ROOT / ".bench-cache" / "models")
    texts = [c.text for c in ordinary + rep]
    # Reruns reuse the vectors (same texts, same model): only Chroma is measured anew.
    key = hashlib.sha256("\0".join([embedder.identity, *texts]).encode()).hexdigest()[:16]
    cached = ROOT / ".bench-cache" / f"hnsw-vectors-{key}.npy"
    t0 = time.perf_counter()
    if cached.exists():
        vectors = np.load(cached)
    else:
        vectors = embedder.encode(texts)
        cached.parent.mkdir(parents=True, exist_ok=True)
        np.save(cached, vectors)
    embed_s = time.perf_counter() - t0
    pairs = list(zip(ordinary + rep, vectors, strict=True))
    ord_pairs, rep_pairs = pairs[: len(ordinary)], pairs[len(ordinary) :]
    if args.order == "repetitive-first":
        order = rep_pairs + ord_pairs
    elif args.order == "repetitive-last":
        order = ord_pairs + rep_pairs
    else:
        step = max(1, len(rep_pairs) // max(1, len(ord_pairs)))
        order = []
        for i, p in enumerate(ord_pairs):
            order.extend(rep_pairs[i * step : (i + 1) * step])
            order.append(p)
        order.extend(rep_pairs[len(ord_pairs) * step :])
    first = {d[0].chunk_id for d in docs}
    rep_bytes = sum(len(c.text.encode()) for c in rep)
    print(
        f"{len(docs)} articles ({len(ordinary)} chunks) + 1 repetitive document "
        f"({len(rep)} {args.repeat_kind} chunks, {rep_bytes / 1000:.0f} KB of chunk text), "
        f"order {args.order}; "
        f"embedded in {embed_s:.1f}s; chromadb {chromadb.__version__}; min over {args.trials} "
        "trials for recall, median for times\n"
    )
    n, d = len(ordinary), len(docs)
    print(
        "| setting | M | ef_construction | ef_search | per-doc recall@1 | recall@1 | recall@5 "
        "| recall@1 in own doc | insert s | query ms (p50) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    chosen = [SETTINGS[i] for i in args.only] if args.only else SETTINGS
    for setting in chosen:
        results = [run(setting, order, ord_pairs, first) for _ in range(args.trials)]
        lo = {k: min(r[k] for r in results) for k in ("doc1", "r1", "r5", "r1_where")}
        ins = statistics.median(r["insert_s"] for r in results)
        qms = statistics.median(r["query_ms"] for r in results)
        label, m, ef_c, ef_s = setting
        print(
            f"| {label} | {m or 16} | {ef_c or 100} | {ef_s or 100} | {lo['doc1']}/{d} "
            f"| {lo['r1']}/{n} | {lo['r5']}/{n} | {lo['r1_where']}/{n} | {ins:.2f} | {qms:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
