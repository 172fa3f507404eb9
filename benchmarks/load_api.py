"""Load test of `rag serve` on localhost: N concurrent clients x M questions on /search and /ask.

Run: .venv/bin/python benchmarks/load_api.py [--clients 20] [--questions 25] [--shared ../shared]
Prints p50/p95 latency, throughput, errors, and answers that differ from single-client answers.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def questions(n: int) -> list[str]:
    out = []
    for suite in sorted((ROOT / "evals" / "suites").glob("*.jsonl")):
        for line in suite.read_text(encoding="utf-8").splitlines():
            if line.strip() and not json.loads(line).get("history"):
                out.append(json.loads(line)["question"])
    return out[:n]


def run(url: str, path: str, qs: list[str], clients: int, field: str) -> dict:
    with httpx.Client(base_url=url, timeout=300) as c:
        single = {q: c.post(path, json={field: q}).json() for q in qs}
    latencies: list[float] = []
    errors: list[str] = []
    differ: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        with httpx.Client(base_url=url, timeout=300) as c:
            for q in qs:
                t = time.perf_counter()
                r = c.post(path, json={field: q})
                dt = time.perf_counter() - t
                with lock:
                    latencies.append(dt)
                    if r.status_code != 200:
                        errors.append(f"{r.status_code} {r.text[:80]}")
                    elif r.json() != single[q]:
                        differ.append(q)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    lat = sorted(latencies)
    return {
        "endpoint": path,
        "requests": len(lat),
        "errors": len(errors),
        "different answers": len(differ),
        "p50 ms": round(statistics.median(lat) * 1000, 1),
        "p95 ms": round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1),
        "throughput req/s": round(len(lat) / wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=25)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    html = args.shared / "corpora" / "newspaper" / "html"
    with tempfile.TemporaryDirectory() as data:
        rag = [sys.executable, "-m", "rag"]
        paths = [str(ROOT / "corpus")] + ([str(html)] if html.is_dir() else [])
        subprocess.run([*rag, "ingest", *paths, "--data-dir", data], capture_output=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k != "RAG_API_KEY"}
        server = subprocess.Popen(
            [*rag, "serve", "--port", str(port), "--data-dir", data],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    httpx.get(f"{url}/health", timeout=1).raise_for_status()
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            qs = questions(args.questions)
            print(f"{args.clients} clients x {len(qs)} questions, corpus: {', '.join(paths)}")
            for path, field in (("/search", "query"), ("/ask", "question")):
                print(json.dumps(run(url, path, qs, args.clients, field)))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
