"""The short answer's phrase says what a "how many" question counts."""

import pytest

from rag.answer.asks import asked_figure

HELD = "Currently, 111 hostages are still being held, with 39 presumed dead."


@pytest.mark.parametrize(
    ("question", "sentence", "phrase", "expected"),
    [
        # The span model read the other figure of the sentence: the asked count replaces it.
        ("How many hostages are still being held?", HELD, "39 presumed dead", "111 hostages"),
        ("How many hostages are still being held?", HELD, "111 hostages", "111 hostages"),
        # A bare number is given with what it counts.
        ("How many gas leaks did Con Ed log?", "Con Ed logged 750 leaks in January.", "750",
         "750 leaks"),
        # Nothing to do for a name, or when the asked quantity is not in the sentence.
        ("Who won?", "Smith won 750 votes.", "Smith", "Smith"),
        ("How many ships searched?", HELD, "111 hostages", "111 hostages"),
        # A part of a whole is what happened to the part, not the whole.
        ("How many wagons derailed?", "Six of its 31 wagons came off the rails.", "Six", "Six"),
        ("How many wagons derailed?", "Six of its 31 wagons came off the rails.",
         "Six of its 31 wagons", "Six of its 31 wagons"),
        # A phrase of two figures is the span's first ("nine", not "nine included two people").
        ("How many people had died?", "Police said its figure of nine included two people "
         "who had died at the scene.", "nine included two people", "nine"),
    ],
)  # fmt: skip
def test_asked_figure(question: str, sentence: str, phrase: str, expected: str) -> None:
    assert asked_figure(question, sentence, phrase) == expected
