"""Shared fixtures: the real bundled model, real Chroma, data dirs under tmp_path."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from rag import Assistant

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "netanyahu-blinken-talks.txt"
SEED_ID = "corpus/netanyahu-blinken-talks.txt"
SHARED = Path(os.environ.get("RAG_SHARED_DIR", ROOT.parent / "shared"))
NEWSPAPER = SHARED / "corpora" / "newspaper"
_CACHE_KEY = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """One ONNX model cache for the whole session: the model is exported once, not per data dir.

    Set in the environment, so Settings read it and subprocesses (CLI, app and API servers)
    inherit it.
    """
    cache = tempfile.mkdtemp(prefix="rag-model-cache-")
    config.stash[_CACHE_KEY] = cache
    os.environ["RAG_MODEL_CACHE"] = cache


def pytest_unconfigure(config: pytest.Config) -> None:
    cache = config.stash.get(_CACHE_KEY, None)
    if cache:
        shutil.rmtree(cache, ignore_errors=True)
        if os.environ.get("RAG_MODEL_CACHE") == cache:
            del os.environ["RAG_MODEL_CACHE"]


def seed_text() -> str:
    """The seed article's text as the index holds it (front matter removed)."""
    raw = SEED.read_text(encoding="utf-8")
    return raw.split("---\n", 2)[2]


@pytest.fixture(scope="session")
def newspaper() -> Path:
    """../shared/corpora/newspaper, or skip when this checkout has no shared data."""
    if not (NEWSPAPER / "html").is_dir():
        pytest.skip(f"shared corpus not found at {NEWSPAPER} (set RAG_SHARED_DIR)")
    return NEWSPAPER


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An assistant with the bundled corpus ingested once per test session (read-only use)."""
    assistant = Assistant(data_dir=tmp_path_factory.mktemp("seeded"))
    report = assistant.ingest([ROOT / "corpus"])
    assert report.added == [SEED_ID] and not report.failed
    return assistant


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
