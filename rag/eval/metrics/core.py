"""The result of one per-question metric: a value, or the reason it cannot be scored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Entails = Callable[[str, list[str]], bool]


@dataclass(frozen=True)
class Score:
    """One metric of one question: a value, or None with the reason it cannot be scored."""

    value: float | None
    reason: str | None = None

    @property
    def status(self) -> str:
        return "ok" if self.value is not None else "unscorable"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "value": self.value}
        if self.reason:
            out["reason"] = self.reason
        return out


def ok(value: float, reason: str | None = None) -> Score:
    """A scored metric (``reason`` may explain a failing value)."""
    return Score(float(value), reason)


def unscorable(reason: str) -> Score:
    """A metric that does not apply to this question, and why."""
    return Score(None, reason)
