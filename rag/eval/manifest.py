"""What produced an eval run: code version, settings, model, corpus and package versions."""

from __future__ import annotations

import hashlib
import logging
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.answer.support import THRESHOLD
from rag.eval.suite import Case
from rag.index.embeddings import resolve_model

if TYPE_CHECKING:
    from rag.assistant import Assistant

logger = logging.getLogger(__name__)

_PACKAGES = (
    "newsrag",
    "llama-index-core",
    "llama-index-vector-stores-chroma",
    "chromadb",
    "sentence-transformers",
    "transformers",
    "torch",
    "numpy",
    "scipy",
    "matplotlib",
)


def _git(*args: str) -> str | None:
    """Output of a git command run in this package's folder; None outside a checkout."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("cannot run git %s; the manifest will lack it: %s", args[0], exc)
        return None
    if done.returncode != 0:
        logger.debug("git %s failed (not a checkout?): %s", args[0], done.stderr.strip())
        return None
    return done.stdout.strip()


def _versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for pkg in _PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            logger.debug("package %s is not installed; its version is recorded as null", pkg)
            versions[pkg] = None
    return versions


def manifest(assistant: Assistant, suite: Path, cases: list[Case]) -> dict[str, Any]:
    """What produced a run, so that two runs' numbers can be told comparable or not.

    Args:
        assistant: the system under test.
        suite: the suite file.
        cases: its cases.

    Returns:
        A JSON-ready dict: git state, suite hash, settings, model, corpus hash, versions.
    """
    docs = assistant.documents()
    corpus = hashlib.sha256()
    for d in docs:
        corpus.update(f"{d['doc_id']}\x00{d.get('hash') or ''}\n".encode())
    versions = _versions()
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "git_sha": _git("rev-parse", "HEAD"),
        "git_dirty": None if status is None else bool(status),
        "suite": str(suite),
        "suite_sha256": hashlib.sha256(suite.read_bytes()).hexdigest(),
        "n_cases": len(cases),
        "settings": assistant.settings.model_dump(mode="json"),
        "model": {
            "name": assistant.settings.embed_model,
            "path": resolve_model(assistant.settings.embed_model),
            # The identity is "model:backend"; the backend is resolved, never "auto".
            "backend": assistant.index.embedder.identity.rpartition(":")[2],
        },
        "support_threshold": THRESHOLD,
        "corpus": {"documents": len(docs), "sha256": corpus.hexdigest()},
        "packages": versions,
        "python": platform.python_version(),
    }
