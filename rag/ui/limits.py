"""Checks of the chat UI's inputs against the REST API's limits; failures are `gr.Error` messages.

The limits are `rag.config`'s request limits, which the REST schemas use too, so ``/chat``
accepts what ``/ask`` accepts.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from rag.config import DATE_CHARS, MAX_TURNS, ROLES, TOP_K_MAX, TURN_CHARS


def optional_text(value: Any) -> str | None:
    """``value`` as stripped text, or None when it is None or blank."""
    return str(value).strip() or None if value not in (None, "") else None


def checked_top_k(value: Any) -> int | None:
    """``top_k`` as an int from 1 to `TOP_K_MAX` (None: the default); else `gr.Error`.

    Args:
        value: the slider's float, an int, or digits as text (the /chat API).

    Returns:
        The whole number, or None when unset.
    """
    if value is None or value == "":
        return None
    whole_float = isinstance(value, float) and value.is_integer()  # the slider's value
    digits = isinstance(value, str) and value.strip().isascii() and value.strip().isdigit()
    if whole_float or digits:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= TOP_K_MAX:
        got = f" (got {value})" if type(value) is int else ""  # only numbers are echoed
        raise gr.Error(f"top_k must be a whole number from 1 to {TOP_K_MAX}{got}", title="Invalid")
    return value


def checked_date(name: str, value: Any) -> str | None:
    """A date filter as text (the library parses it); None when empty; else `gr.Error`.

    Args:
        name: the field's name, for the message.
        value: what the client sent.

    Returns:
        The stripped text, or None.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise gr.Error(f"{name} must be a date string such as 2024-08-19", title="Invalid")
    if len(value) > DATE_CHARS:
        raise gr.Error(
            f"{name} is {len(value)} characters long; a date has at most {DATE_CHARS}",
            title="Invalid",
        )
    return optional_text(value)


def _turn_text(content: Any, parts: bool) -> str | None:
    """A turn's text; with ``parts``, also Gradio's list of ``{"type": "text"}`` parts."""
    if isinstance(content, str):
        return content
    if parts and isinstance(content, list) and all(isinstance(p, dict) for p in content):
        texts = [p.get("text") for p in content if p.get("type") == "text"]
        if all(isinstance(t, str) for t in texts):
            return "\n".join(t for t in texts if isinstance(t, str))
    return None


def _check_turn(n: int, turn: Any, parts: bool) -> None:
    """Raise `gr.Error` unless history turn ``n`` is a well-formed ``{"role", "content"}``."""
    if not isinstance(turn, dict):
        raise gr.Error(f"history turn {n} must be an object with role and content", title="Invalid")
    if not isinstance(turn.get("role"), str) or turn["role"] not in ROLES:
        raise gr.Error(f"history turn {n}: role must be one of {', '.join(ROLES)}", title="Invalid")
    text = _turn_text(turn.get("content"), parts)
    if text is None:
        raise gr.Error(f"history turn {n}: content must be a string", title="Invalid")
    if len(text) > TURN_CHARS:
        raise gr.Error(
            f"history turn {n} is {len(text)} characters long; at most {TURN_CHARS}",
            title="Invalid",
        )


def checked_history(history: Any, parts: bool) -> list[dict[str, Any]]:
    """``history`` if it is at most `MAX_TURNS` ``{"role", "content"}`` turns, else `gr.Error`.

    Args:
        history: the turns (None: no history).
        parts: whether content may be Gradio's list of text parts (chatbot messages), not only
            a string (the /chat API).

    Returns:
        The turns as a list, unchanged.
    """
    if history is None:
        return []
    if not isinstance(history, list | tuple):
        raise gr.Error("history must be a list of {role, content} turns", title="Invalid")
    if len(history) > MAX_TURNS:
        raise gr.Error(
            f"history has {len(history)} turns; at most {MAX_TURNS} are accepted",
            title="Invalid",
        )
    for n, turn in enumerate(history, 1):
        _check_turn(n, turn, parts)
    return list(history)
