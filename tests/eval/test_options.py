"""`EvalOptions` and `evaluate`'s keyword overrides; the manifest's logged git failures."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Any

import pytest

from rag import Assistant
from rag.errors import EvalError
from rag.eval import manifest
from rag.eval.run import EvalOptions, evaluate


def test_options_are_checked_before_any_work(tmp_path: Path) -> None:
    assistant = Assistant(data_dir=tmp_path / "data")
    with pytest.raises(EvalError, match="unknown mode 'bogus'"):
        evaluate(tmp_path / "none.jsonl", assistant, tmp_path, EvalOptions(mode="bogus"))
    # A keyword override replaces that field of the options, and the others stay.
    options = EvalOptions(mode="bogus", compare=["bm25"])
    with pytest.raises(EvalError, match="unknown --compare"):
        evaluate(tmp_path / "none.jsonl", assistant, tmp_path, options, mode="extractive")
    with pytest.raises(TypeError):
        evaluate(tmp_path / "none.jsonl", assistant, tmp_path, colour="red")
    with pytest.raises(TypeError):
        EvalOptions(None, None)  # type: ignore[misc]  # keyword-only: the order is no contract


def test_git_failure_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_git(*args: Any, **kwargs: Any) -> None:
        raise FileNotFoundError("git")

    monkeypatch.setattr(subprocess, "run", no_git)
    with caplog.at_level(logging.WARNING, logger="rag.eval.manifest"):
        assert manifest._git("rev-parse", "HEAD") is None
    assert "cannot run git rev-parse" in caplog.text
