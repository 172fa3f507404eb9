"""Who a quoted claim is attributed to (rag.news.speakers)."""

from __future__ import annotations

import pytest

from rag.news.speakers import same_speaker, speaker_of


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ('"We have found 40 bodies," said First Admiral Widodo, a navy spokesman.',
         "First Admiral Widodo"),
        ("Bambang Soelistyo, head of the search and rescue agency, said three bodies had been "
         "recovered.", "Bambang Soelistyo"),
        ("According to the Indonesian navy, 40 bodies were found.", "the Indonesian navy"),
        ("Over 40,000 people have died, according to the Hamas-run health ministry.",
         "the Hamas-run health ministry"),
        ("A spokesman for the navy said the count was wrong.", "A spokesman for the navy"),
        ("In a statement, Hamas said it would not accept the proposal.", "Hamas"),
        # verbs of stance, a subject that acts then speaks, the name after its role
        ("In a statement on Friday, the union accused the company of stalling.", "union"),
        ("The harbour authority put the count at nine, and said more were missing.",
         "The harbour authority"),
        ("The mayor of Kelso, Dana Fyfe, visited the shelter and urged calm.",
         "The mayor of Kelso Dana Fyfe"),
        ("The river rose overnight and flooded the lower town.", None),
        # a verb inside the quotation is the quoted person's, not the attribution
        ('"I told them to wait," said Pia Lund, the ferry\'s owner.', "Pia Lund"),
        ("Coast guard commander Ana Ruiz said the ferry had capsized at dawn.",
         "Coast guard commander Ana Ruiz"),
        ("Netanyahu's office denied the report.", "Netanyahu's office"),
        ("U.S. Secretary of State Antony Blinken said Israel had accepted the proposal.",
         "U.S. Secretary of State Antony Blinken"),
        ("The talks collapsed, Reuters reported on Sunday.", "Reuters"),
        ("Rescuers, who worked through the night, said the sea was rough.", "Rescuers"),
        # a role, then the name in apposition: the name
        ("“Output is at 60 percent,” the company's human resources director, Clara Fenn, said.",
         "director Clara Fenn"),
        ("The attack shocked the family, the father said.", "father"),
        ("The plane was carrying 162 people.", None),
        ("The sea was rough and the search was called off at dusk.", None),
    ],
)  # fmt: skip
def test_attributed_claims_carry_their_speaker(sentence: str, speaker: str | None) -> None:
    assert speaker_of(sentence) == speaker


def test_a_pronoun_is_the_last_named_speaker_before_it() -> None:
    before = "Bambang Soelistyo said the sea was rough. Waves reached three metres. "
    assert speaker_of("He told reporters the search would continue.", before) == (
        "Bambang Soelistyo"
    )


def test_an_unresolvable_pronoun_is_no_speaker() -> None:
    assert speaker_of("She said the talks would go on.", "") is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Blinken", "U.S. Secretary of State Antony Blinken", True),
        ("the navy", "the Indonesian navy", True),
        ("Hamas", "a Hamas official", True),
        ("Hamas", "Israel", False),
        ("Netanyahu", "Netanyahu's office", True),
        (None, "Hamas", False),
    ],
)
def test_same_speaker(a: str | None, b: str, same: bool) -> None:
    assert same_speaker(a, b) is same


def test_a_role_keeps_its_modifiers() -> None:
    sentence = "The fire has burned 14,500 hectares, the county emergency office said on Monday."
    assert speaker_of(sentence) == "county emergency office"


def test_a_phrase_after_an_inverted_verb_is_no_speaker() -> None:
    sentence = ('"We keep our commitments," the company\'s human resources director, Clara Fenn, '
                "said in a statement.")  # fmt: skip
    assert speaker_of(sentence) == "director Clara Fenn"
