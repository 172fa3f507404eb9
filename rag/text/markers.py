"""The ``[n]`` citation markers answers carry: the one pattern every stage uses."""

from __future__ import annotations

import re

MARKER = re.compile(r"\[(\d+)\]")
# A marker with the whitespace before it, so removing it leaves no double spaces.
_SPACED_MARKER = re.compile(r"\s*\[\d+\]")
# Markers at the very start of a piece of text (a model sometimes opens a sentence with them).
LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+\])+")


def markers(text: str) -> list[int]:
    """The marker numbers in ``text``, in order (repeats kept)."""
    return [int(m) for m in MARKER.findall(text)]


def strip_markers(text: str, replacement: str = "") -> str:
    """``text`` without its ``[n]`` markers (and the whitespace before each)."""
    return _SPACED_MARKER.sub(replacement, text)
