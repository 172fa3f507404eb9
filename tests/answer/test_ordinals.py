"""Which one of a series: "Which trip is this?" is answered by the ordinal ("ninth trip")."""

import pytest

from rag.answer.ordinals import ordinal_in

SEED = (
    "Blinken’s visit marks his ninth trip to the region since the war began in October, "
    "reflecting the U.S.’s ongoing efforts to mediate a resolution."
)


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("Which trip to the region is this for Blinken?", SEED, "ninth trip"),
        ("What number visit is this?", "It was her 12th visit to Kyiv.", "12th visit"),
        ("Which term is the mayor serving?", "She won a third straight term in May.",
         "third straight term"),
        ("And which round did he go out in?", "He lost in the twenty-first round.",
         "twenty-first round"),
        # the sentence gives no ordinal of the asked noun, or the question asks for a name
        ("Which trip is this for Blinken?", "Blinken arrived in Israel on Monday.", None),
        ("Which company was first to bid?", "It was the first company to bid.", None),
        ("Who made the trip?", SEED, None),
    ],
)  # fmt: skip
def test_ordinal_in(question: str, sentence: str, expected: str | None) -> None:
    found = ordinal_in(question, sentence)
    assert (sentence[found[0] : found[1]] if found else None) == expected
