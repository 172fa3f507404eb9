"""Short answers of special forms: an ordinal, a title, a place in the possessive, a date."""

import pytest

from rag.answer.forms import (
    asks_who_is,
    identity_in,
    listed,
    ordinal_in,
    place_phrase,
)

SEED = (
    "Blinken’s visit marks his ninth trip to the region since the war began in October, "
    "reflecting the U.S.’s ongoing efforts to mediate a resolution."
)
HERZOG = (
    "Earlier in the day, Blinken also met with Israeli President Isaac Herzog, emphasizing "
    "that this might be the “best, maybe the last opportunity” to secure a ceasefire."
)
NETANYAHU = (
    "Israeli Prime Minister Benjamin Netanyahu characterized his three-hour meeting with U.S. "
    "Secretary of State Antony Blinken as “positive”."
)


def _cut(sentence: str, found: tuple[int, int] | None) -> str | None:
    return sentence[found[0] : found[1]] if found else None


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("Which trip to the region is this for Blinken?", SEED, "ninth trip"),
        ("What number visit is this?", "It was her 12th visit to Kyiv.", "12th visit"),
        ("Which term is the mayor serving?", "She won a third straight term in May.",
         "third straight term"),
        ("And which round did he go out in?", "He lost in the twenty-first round.",
         "twenty-first round"),
        ("Which generation of the Sentra did Nissan unveil?",
         "Nissan has taken the covers off the eighth-generation Sentra.", "eighth-generation"),
        # the sentence gives no ordinal of the asked noun, or the question asks for a name
        ("Which trip is this for Blinken?", "Blinken arrived in Israel on Monday.", None),
        ("Which company was first to bid?", "It was the first company to bid.", None),
        ("Which film won the prize?", "It was the first film to win it.", None),
        ("Who made the trip?", SEED, None),
    ],
)  # fmt: skip
def test_ordinal_in(question: str, sentence: str, expected: str | None) -> None:
    assert _cut(sentence, ordinal_in(question, sentence)) == expected


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("Who is Isaac Herzog?", HERZOG, "Israeli President"),
        ("Who is Antony Blinken?", NETANYAHU, "U.S. Secretary of State"),
        ("Who is Mike McCarthy?", "Green Bay coach Mike McCarthy was much less diplomatic.",
         "Green Bay coach"),
        ("Who is Ndamukong Suh?", "Star defensive tackle Ndamukong Suh drew their ire.", None),
        ("who is Netanyahu", NETANYAHU, "Israeli Prime Minister"),  # the surname alone
        ("Who is Fernando Caudevilla?",
         "The lab is the brainchild of Fernando Caudevilla, a Spanish physician who is better "
         "known as “DoctorX”.", "a Spanish physician"),
        ("Who is David Kershaw?", "“It looks sexy,” said David Kershaw, division vice "
         "president, Nissan Sales at Nissan North America Inc.", "division vice president"),
        ("Who is Elizabeth Prelogar?", "Prelogar, 43, argues the government’s cases.", None),
        ("Who is Mark Harper?", "Former chief whip Mark Harper told him.", "Former chief whip"),
        ("Who is Todd Borek?", "CNN meteorologist Todd Borek predicted snow.", "CNN meteorologist"),
        # a role in apposition before the name; never any phrase before a comma
        ("Who is Inderdai Deyal?", "On Thursday, Ramdehol’s sister, Inderdai Deyal said so.",
         "Ramdehol’s sister"),
        ("Who is Scott Rynecki?", "They pose in the office of their lawyer, Scott Rynecki.",
         "their lawyer"),
        ("Who is Tom Smith?", "In a statement, Tom Smith said it was over.", None),
        # a role before "named"; a comma inside a quotation is no apposition
        ("Who is Edward Lorenz?", "It came from the office of a meteorologist named Edward "
         "Norton Lorenz.", "a meteorologist"),
        ("Who is Edward Lorenz?", "“Of all that was written about Lorenz, the great discovery — "
         "nothing.”", None),
        # of two roles, the first
        ("Who is C. Eugene Steuerle?", "“It’s worrying,” said C. Eugene Steuerle, a fellow at "
         "the Urban Institute and a co-founder of the Tax Policy Center in Washington.",
         "a fellow at the Urban Institute"),
        # a courtesy title or a sentence's first word says nothing of who someone is
        ("Who was Mr Smith?", "Then Mr Smith left.", None),
        ("Who is Blinken?", "Blinken stressed the importance of avoiding escalation.", None),
        ("Who is Isaac Herzog?", "Blinken met the president.", None),  # not named
    ],
)  # fmt: skip
def test_identity_in(question: str, sentence: str, expected: str | None) -> None:
    name = asks_who_is(question)
    assert name is not None
    assert _cut(sentence, identity_in(name, sentence)) == expected


def test_only_who_is_a_named_person_asks_for_an_identity() -> None:
    assert asks_who_is("And who was Ana Muñoz?") == "Ana Muñoz"
    assert asks_who_is("Who is Mitul Mehta, who weighed in on the study?") == "Mitul Mehta"
    assert asks_who_is("Who is the new chair of the trust?") is None
    assert asks_who_is("Who is replacing SeaWorld's CEO?") is None


@pytest.mark.parametrize(
    ("sentence", "place", "expected"),
    [
        ("It lies on Gaza’s southern border with Egypt.", "Gaza’s",
         "Gaza’s southern border with Egypt"),
        ("The storm hit Florida’s west coast, where thousands lost power.", "Florida’s",
         "Florida’s west coast"),
        ("They met in Geneva on Monday.", "Geneva", "Geneva"),  # no possessive: as it is
        # a possessive that owns no short phrase is no place answer
        ("It is in London’s long-running and very famous and old theatre district.",
         "London’s", None),
    ],
)  # fmt: skip
def test_place_phrase(sentence: str, place: str, expected: str | None) -> None:
    at = sentence.index(place)
    assert _cut(sentence, place_phrase(sentence, at, at + len(place))) == expected


def test_a_figure_in_a_list_of_three_is_listed() -> None:
    def at(sentence: str, figure: str) -> bool:
        i = sentence.index(figure)
        return listed(sentence, i, i + len(figure))

    aboard = "On board were 155 Indonesians, three South Koreans, and one person from Britain."
    assert at(aboard, "three South Koreans") and at(aboard, "155 Indonesians")
    assert not at("The plane carried 162 people, 155 of them Indonesians.", "162 people")
    assert not at("It killed 12 people and injured 40 others.", "12 people")
    assert not at("Of the 89 dead, 61 died in Kovrin and 28 in the villages.", "89 dead")
