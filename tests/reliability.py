"""Shared by the reliability tests (docs/reliability.md): figures, knobs and store checks.

Figures quoted in docs/reliability.md come from the ``FIGURES`` lines those tests print (run
them with ``-s``). Long runs are parameters: ``RAG_SOAK_SECONDS`` sets the soak duration
(default 10 s here; the documented run used 60) and ``RAG_CRASH_TRIALS`` the number of kill -9
trials (default 5).
"""

from __future__ import annotations

import json
import os
from typing import Any

from rag import Assistant

SOAK_SECONDS = float(os.environ.get("RAG_SOAK_SECONDS", "10"))
CRASH_TRIALS = int(os.environ.get("RAG_CRASH_TRIALS", "5"))
PHILADELPHI = "What is disputed about the Philadelphi Corridor?"


def figures(name: str, **values: Any) -> None:
    """One machine-readable line per measured test, copied into docs/reliability.md."""
    print(f"\nFIGURES {name} {json.dumps(values, sort_keys=True)}", flush=True)


def index_state(assistant: Assistant) -> dict[str, Any]:
    """Everything a clean ingest determines, and the raw id lists to check for duplicates."""
    got = assistant.index.store.collection.get(include=["metadatas", "documents"])
    assistant.index.lexical.refresh()
    catalog_ids = assistant.index.catalog.chunk_ids()
    return {
        "vectors": sorted(
            (i, m["doc_id"], m["start"], m["end"], d)
            for i, m, d in zip(got["ids"], got["metadatas"], got["documents"], strict=True)
        ),
        "catalog": sorted(catalog_ids),
        "bm25": sorted(assistant.index.lexical.ids()),
        "docs": {d["doc_id"]: (d["hash"], d["n_chunks"]) for d in assistant.documents()},
        "files": sorted(
            d for _, ids in assistant.index.catalog.memory.file_digests().values() for d in ids
        ),
    }


def assert_consistent(state: dict[str, Any]) -> None:
    """No duplicates and no orphans: Chroma, catalog and BM25 hold the same chunk ids."""
    vector_ids = [v[0] for v in state["vectors"]]
    assert len(vector_ids) == len(set(vector_ids)), "duplicate vectors"
    assert len(state["catalog"]) == len(set(state["catalog"])), "duplicate catalog chunks"
    assert sorted(vector_ids) == state["catalog"] == state["bm25"], "orphans between stores"
    assert {v[1] for v in state["vectors"]} <= set(state["docs"]), "vectors of unknown articles"
    assert sum(n for _, n in state["docs"].values()) == len(vector_ids)
