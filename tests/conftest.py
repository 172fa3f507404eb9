"""Shared fixtures: the real bundled model or a fake embedder, real Chroma, data dirs.

Tests that need the bundled model's judgement (answer quality, abstention, calibrated scores)
use `seeded` and carry the ``real_model`` marker; tests that only need *an* index use
`fake_seeded` or `fake_assistant` (tests/fakes.py), which load no model: ``make test-fast``.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rag import Assistant
from rag.index import embeddings
from tests.fakes import quick_assistant

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
    embeddings.load_model = _guarded(embeddings.load_model)  # type: ignore[assignment]
    embeddings._onnx_encoder = _guarded(embeddings._onnx_encoder)  # type: ignore[assignment]


# The test being set up or run when it has no ``real_model`` marker: it must not load the model.
_unmarked: list[str] = []


def _guarded(load: Any) -> Any:
    """``load`` (a model loader), refused inside a test without the ``real_model`` marker.

    A test that loads the bundled model in-process without the marker would make
    ``make test-fast`` slow, and would hide that it depends on the model: it fails instead.
    """

    @functools.wraps(load)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if _unmarked:
            raise AssertionError(
                f"{_unmarked[0]} loads the bundled model: mark it real_model, or use the fake "
                "embedder (tests/fakes.py)"
            )
        return load(*args, **kwargs)

    guarded.cache_clear = load.cache_clear  # type: ignore[attr-defined]
    return guarded


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    # Set for setup too: a shared real-model fixture first built for an unmarked test fails.
    if item.get_closest_marker("real_model") is None:
        _unmarked.append(item.nodeid)
    try:
        return (yield)
    finally:
        _unmarked.clear()


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


def story_assistant(tmp_path: Path, story: str) -> Assistant:
    """An assistant over one story of the time suite's own articles
    (`evals/time/articles/<story>-*.md`), ingested under ``tmp_path``."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in (ROOT / "evals" / "time" / "articles").glob(f"{story}-*.md"):
        shutil.copy(path, corpus / path.name)
    assistant = Assistant(data_dir=tmp_path / "data")
    assistant.ingest([corpus])
    return assistant


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An assistant with the bundled corpus ingested once per test session (read-only use)."""
    assistant = Assistant(data_dir=tmp_path_factory.mktemp("seeded"))
    report = assistant.ingest([ROOT / "corpus"])
    assert report.added == [SEED_ID] and not report.failed
    return assistant


@pytest.fixture(scope="session")
def fake_seeded(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The bundled corpus ingested once per session with the fake embedder (read-only use)."""
    assistant = quick_assistant(tmp_path_factory.mktemp("fake-seeded"))
    report = assistant.ingest([ROOT / "corpus"])
    assert report.added == [SEED_ID] and not report.failed
    return assistant


@pytest.fixture
def fake_assistant(tmp_path: Path) -> Iterator[Assistant]:
    """An empty assistant on the fake embedder, its data dir under ``tmp_path / "data"``."""
    with quick_assistant(tmp_path / "data") as assistant:
        yield assistant


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Assistant]:
    """An empty fake-embedder assistant that fetches from 127.0.0.1 without a per-host delay
    (the test servers of tests/sources/site.py), its data dir under ``tmp_path / "data"``."""
    with quick_assistant(tmp_path / "data", fetch_allow_private=True, fetch_delay=0) as assistant:
        yield assistant


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
