"""A short answer of another form than the question asks is another detail's."""

import pytest

from rag.answer.misfit import another_detail, misfit


@pytest.mark.parametrize(
    ("question", "phrase", "other"),
    [
        # round 19's near misses: each the article's value for a neighbouring attribute
        ("When is Robert Mugabe's current presidential term due to end?", "93 year-old", True),
        ("How long has David Taylor lived in Montreal?", "44-year-old", True),
        ("How many games did Ego Ferguson miss after the stomp?", "just one week", True),
        ("How many touchdown passes did Aaron Rodgers throw?", "30-20", True),
        # round 24: a measure for a count of things (reader dev and train near misses)
        ("How many Indigenous people live in intact forest landscapes?", "20.8 to 23.5 percent",
         True),
        ("How many sewer line breaks does New York City have in a typical year?",
         "roughly 6,500 miles", True),
        ("How many copies of the Rider-Waite deck has U.S. Games sold?", "$20", True),
        # the asked form
        ("How many of the voters backed him?", "52 percent", False),
        ("How many people took part?", "a dozen people", False),
        ("How many Americans did AAA expect to travel?", "more than 43 million", False),
        ("How much did the jets fetch?", "$30m", False),
        ("How old is the hunter?", "54-year-old", False),
        ("What age was she when she won?", "aged 22", False),
        ("How long does the deal run?", "until Dec. 18", False),
        ("How long did the strike last?", "three weeks", False),
        ("How long is the bridge?", "2.5 miles", False),
        # a day for "how long" may be where the duration starts (train)
        ("How long has the ransomware been around?", "at least July 12", False),
        # a two-part question's other part
        ("How many stores does it run, and how long will stock last?", "about six months", False),
        ("How many days did the search last?", "two weeks", False),
        ("How many points did the Warriors score?", "106-103", False),
        ("How many people were aboard?", "162", False),
        ("When did the hunter leave home?", "on Thursday", False),
    ],
)  # fmt: skip
def test_misfit(question: str, phrase: str, other: bool) -> None:
    assert misfit(question, phrase) is other


@pytest.mark.parametrize(
    ("question", "phrase", "sentence", "other"),
    [
        # round 20's near miss: the storm's dead for its injured
        ("How many people were hurt when the ice storm hit?", "12 people",
         "Last week, 12 people died, most of them in car crashes.", True),
        ("How many people are still missing?", "40 people", "The blast killed 40 people.", True),
        # the sentence counts the asked state too: the phrase is read, not judged
        ("How many people were hurt?", "12 people",
         "Last week, 12 people died and 30 people were injured.", False),
        # the asked state
        ("How many people died in the storm?", "12 people", "Last week, 12 people died.", False),
        # the dead of a crash are aboard too (train: MH17's "killing all 298 people aboard")
        ("How many people died when MH17 was shot down?", "all 298 people",
         "MH17 was shot down, killing all 298 people aboard.", False),
        # the injured may be counted by those in hospital
        ("How many people were injured?", "20 people", "20 people remain in hospital.", False),
        # no people asked
        ("How many houses were destroyed?", "12 people", "Last week, 12 people died.", False),
    ],
)  # fmt: skip
def test_a_count_of_people_in_another_state_is_another_detail(
    question: str, phrase: str, sentence: str, other: bool
) -> None:
    assert misfit(question, phrase, sentence) is other


def test_another_detail_holds_the_past_date_of_a_future_question() -> None:
    assert another_detail("When will Chaves be sworn in?", "in 2018", "", "2022-04-04")
    assert not another_detail("When did Chaves resign?", "in 2018", "", "2022-04-04")
    assert another_detail("How long has she lived there?", "44-year-old", "", None)
