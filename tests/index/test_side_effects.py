"""Importing the index stage changes no process-wide state; what a call changes it undoes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings

import pytest
from dateutil.parser import UnknownTimezoneWarning

from rag.index.dates import normalize_date
from rag.index.hf import hub_env
from rag.index.limits import too_big
from rag.index.loaders import SUPPORTED
from rag.index.uploads import ALLOWED_TYPES
from tests.conftest import ROOT


def test_importing_the_index_leaves_warning_filters_and_environment_alone():
    code = textwrap.dedent(
        """
        import os, warnings
        from dateutil.parser import UnknownTimezoneWarning
        env = dict(os.environ)
        import rag.index.embeddings, rag.index.index, rag.index.loaders, rag.index.uploads
        # Third-party imports add filters of their own; ours was a global "ignore" for this.
        assert not [f for f in warnings.filters if f[2] is UnknownTimezoneWarning]
        assert dict(os.environ) == env, "environment changed"
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_unknown_zone_names_are_quiet_only_inside_the_date_parser():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert normalize_date("June 5 2023 10:00 EST") == "2023-06-05"
        from dateutil import parser

        parser.parse("June 5 2023 10:00 EST")  # outside the loaders: the warning is not hidden
    assert [w.category for w in caught] == [UnknownTimezoneWarning]


def test_hub_env_restores_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "0")  # a user's own value is kept
    with hub_env(offline=True):
        assert os.environ["HF_HUB_OFFLINE"] == "1"
        assert os.environ["TRANSFORMERS_OFFLINE"] == "0"
    assert "HF_HUB_OFFLINE" not in os.environ
    assert os.environ["TRANSFORMERS_OFFLINE"] == "0"
    with pytest.raises(RuntimeError), hub_env(offline=True):
        raise RuntimeError
    assert "HF_HUB_OFFLINE" not in os.environ


def test_upload_types_are_the_loaders_types_less_dot_markdown():
    assert tuple(t for t in SUPPORTED if t != ".markdown") == ALLOWED_TYPES
    assert ALLOWED_TYPES == (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".pdf")


def test_size_limit_message():
    assert too_big(7 * 1048576 + 1, 5 * 1048576) == "file is 7.0 MB, over the 5 MB limit"
