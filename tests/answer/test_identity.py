"""Who someone is: a title before the name or an apposition after it, never another name."""

import pytest

from rag.answer.identity import asks_who_is, identity_in

HERZOG = (
    "Earlier in the day, Blinken also met with Israeli President Isaac Herzog, emphasizing "
    "that this might be the “best, maybe the last opportunity” to secure a ceasefire."
)
NETANYAHU = (
    "Israeli Prime Minister Benjamin Netanyahu characterized his three-hour meeting with U.S. "
    "Secretary of State Antony Blinken as “positive”."
)


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("Who is Isaac Herzog?", HERZOG, "Israeli President"),
        ("Who is Antony Blinken?", NETANYAHU, "U.S. Secretary of State"),
        ("who is Netanyahu", NETANYAHU, "Israeli Prime Minister"),  # the surname alone
        ("Who is Fernando Caudevilla?",
         "The lab is the brainchild of Fernando Caudevilla, a Spanish physician who is better "
         "known as “DoctorX”.", "a Spanish physician"),
        # a courtesy title or a sentence's first word says nothing of who someone is
        ("Who was Mr Smith?", "Then Mr Smith left.", None),
        ("Who is Blinken?", "Blinken stressed the importance of avoiding escalation.", None),
        ("Who is Isaac Herzog?", "Blinken met the president.", None),  # not named
    ],
)  # fmt: skip
def test_identity_in(question: str, sentence: str, expected: str | None) -> None:
    name = asks_who_is(question)
    assert name is not None
    found = identity_in(name, sentence)
    assert (sentence[found[0] : found[1]] if found else None) == expected


def test_only_who_is_a_named_person_asks_for_an_identity() -> None:
    assert asks_who_is("And who was Ana Muñoz?") == "Ana Muñoz"
    assert asks_who_is("Who is the new chair of the trust?") is None
    assert asks_who_is("Who is replacing SeaWorld's CEO?") is None
