"""Ages: a question asking one, a sentence giving one (rag.answer.ages)."""

import pytest

from rag.answer.ages import age_beside, aged_in, asks_age, gives_age


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("How old is Raquel Montoya-Lewis?", True),
        ("And how old is he?", True),
        ("At what age did she qualify as a pilot?", True),
        ("How long is Judge Castro's ruling?", False),
        ("How old-fashioned is the plan?", False),
    ],
)
def test_asks_age(question, asks):
    assert asks_age(question) is asks


@pytest.mark.parametrize(
    ("sentence", "gives"),
    [
        ("Two loggers heard the hunter, identified as 54-year-old Bharrat Ramdehol.", True),
        ("“It’s safe over here,” said Lopiano, 52.", True),
        ("Defendants James Lee, 68, of Torrance, and Junmyung Lee, 30, of Dedham.", True),
        ("He's eight years old and I want him to have fun.", True),
        ("She gave birth to her daughter at the age of 13.", True),
        ("“I was 22 when we met.", True),
        ("Carbon dating showed it to be approximately 50,000 years old.", True),
        # what the reader quoted for "How old …?" questions: no age at all
        ("A woman was killed by a shark in 2003 about 10 miles south of the beach.", False),
        ("On June 7th, 2021, the tribunal found that Chaves had harassed them.", False),
        ("Zoe's family – including father-of-three Chris – were not present.", False),
        ("In a statement on Monday, 12 of the staff left.", False),
    ],
)
def test_gives_age(sentence, gives):
    assert gives_age(sentence) is gives


def test_an_age_is_found_beside_the_asked_name_only():
    sentences = [
        "Maria Lopez, 51, founded the festival in 2005.",
        "The prize went to Tom Reyes, 44, who runs a bakery.",
    ]
    assert aged_in("How old is Tom Reyes?", sentences) == 1
    assert aged_in("How old is Maria Lopez?", sentences) == 0
    assert aged_in("How old is Ana Ruiz?", sentences) is None
    assert aged_in("How old is the festival's founder?", sentences) is None  # names no one
    assert aged_in("What did Tom Reyes bake?", sentences) is None


def test_the_short_answer_is_the_age_beside_the_name():
    sentence = "A car driven by Leanne L. Hivley, 52, of Quincy, was southbound on Route 29."
    at = age_beside("How old is Leanne Hivley?", sentence)
    assert at and sentence[at[0] : at[1]] == "52"
    assert age_beside("How old is Route Hivley?", "Route 29 was shut.") is None
    ring = "Defendants James Lee, 68, of Torrance; and the alleged ringleader Han Lee, 41, of Lynn"
    at = age_beside("What's the age of the suspected boss of the ring, Han Lee?", ring)
    assert at and ring[at[0] : at[1]] == "41"
    assert asks_age("What is the age of the oldest tree?")
