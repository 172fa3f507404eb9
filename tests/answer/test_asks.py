"""What a question asks, in its own words: the short answer's type, the abstention's phrase."""

import pytest

from rag.answer.asks import asked, asked_type, but_not, defined_in, not_given


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who said the talks were positive?", "name"),
        ("Which company bought the chain?", "name"),
        ("According to whom was the deal close?", "name"),
        ("How many people were aboard?", "number"),
        ("What percentage of voters backed him?", "number"),
        ("How old is Antony Blinken?", "number"),
        ("When did the search begin?", "date"),
        ("In what year did it open?", "date"),
        ("On which weekday was Paltrow on the show?", "date"),
        ("What hours is the class scheduled for?", "date"),
        ("Where did the plane go down?", "place"),
        ("Which city hosts the summit?", "place"),
        ("Why did the talks stall?", None),
        ("What did Hamas say about the talks?", None),
        ("Did it rain?", None),
        # Forms of the round-2 dev questions that asked for a short answer and got none.
        ("Which auctioneer sold the Chardin?", "name"),
        ("On which website did hotel bosses share secrets?", "name"),
        ("What's the name of the hotel firm?", "name"),
        ("In which borough do the workers practice?", "place"),
        ("Of the 10 places, how many rank high for alerts?", "number"),
        ("How pure did the sample turn out to be?", "number"),
        ("What did it cost to build the jazz center?", "number"),
        ("What portion of the legislature comes from the mountains?", "number"),
        # a figure named after "what is the": a score, a margin, a count, a price
        ("What was the final score when Kentucky played Louisville?", "number"),
        ("What's the CU count on the 3070?", "number"),
        ("What's the budget lodging called in the film?", "name"),
        ("Near which hospital is the housing planned?", "name"),
        # a phrase set before the wh-word, and "how quickly"
        ("After Facebook, which social networks sent the most readers?", "name"),
        ("Besides marketing, which parts of a company could use video?", "name"),
        ("How quickly did the attention on Cosby snowball?", "number"),
        # "where … stand" asks how things are, or a measure's value, not a place
        ("Where does the case against Judy Avalos stand now?", None),
        ("Where does the consumer sentiment index stand?", "number"),
        ("Where did the Cronut rank on the global recipe list?", "number"),  # a position
        ("Where is the standing committee based?", "place"),
        ("What is the maximum fine for repeat offenders?", "number"),
        ("What penalty do workers face for not telling their employer?", "number"),
        # "what" before a kind of thing with a proper name asks a name (round 20)
        ("What organization challenged the admissions at Harvard?", "name"),
        ("What New York shop do bars hire to make neon pieces?", "name"),
        ("What was the CIA program exposed in the Vault 7 files?", "name"),
        ("In what outlet did Yamey publish his research?", "name"),
        ("What did the company say about the layoffs?", None),
        ("What should firms be doing to protect themselves?", None),
        ("What is the charity trying to do?", None),
        ("What was the company's revenue?", None),
        ("What was the University of Michigan sentiment index in November?", None),
        ("What heights did the searchers give for the two bodies?", "number"),
    ],
)
def test_asked_type(question, kind):
    assert asked_type(question) == kind


@pytest.mark.parametrize(
    ("question", "kind", "phrase"),
    [
        ("What was Apple's revenue?", "noun", "Apple's revenue"),
        ("What is the final score of the game?", "noun", "the final score of the game"),
        ("What was revenue?", "noun", "the revenue"),
        ("How many people died in the floods?", "wh", "how many people"),
        ("How many members of Congress voted?", "wh", "how many members of Congress"),
        # a compound noun keeps its plural head ("how many film" is no English)
        ("How many film moments made the list?", "wh", "how many film moments"),
        ("How much money did they raise?", "wh", "how much money"),
        ("How old is Antony Blinken?", "wh", "how old"),
        ("In what year did it open?", "wh", "in what year"),
        ("Which team beat Spain?", "wh", "which team"),
        ("What kind of car did he drive?", "wh", "what kind of car"),
        ("When was the general competition held?", "wh", "when"),
        ("And why?", "wh", "why"),
        ("What did Hamas say about the talks?", "wh", "what"),
        ("Did it rain?", "none", ""),
        # "how much of the reef" stands alone; an adjective stays with its noun
        ("How much of the Great Barrier Reef was bleached?", "wh", "how much"),
        ("What big honor did the novel receive?", "wh", "what big honor"),
        ("Which Beyonce line does the column suggest?", "wh", "which Beyonce line"),
    ],
)
def test_asked_phrase(question, kind, phrase):
    got = asked(question)
    assert (got.kind, got.phrase) == (kind, phrase)


@pytest.mark.parametrize(
    ("question", "about", "sentence"),
    [
        # Issue 21: "… but not the date general competing held" was not English.
        ("When was the general competition held?", "the competition",
         "The articles mention the competition [1] but not when."),
        ("What was Acme's quarterly revenue?", "Acme",
         "The articles mention Acme [1] but not Acme's quarterly revenue."),
        ("What is the Philadelphi Corridor?", "Philadelphi Corridor",
         "The articles mention Philadelphi Corridor [1] but don't answer this question."),
        ("How many people were aboard?", "the plane",
         "The articles mention the plane [1] but not how many people."),
        ("What did he tell the president?", "Blinken",
         "The articles mention Blinken [1] but don't answer this question."),
        ("Did it rain in Paris?", "Paris",
         "The articles mention Paris [1] but don't answer this question."),
        # a year and names before the asked noun (was "but not which 2014")
        ("Which 2014 Seth Rogen film set off a hacking controversy?", "Seth Rogen",
         "The articles mention Seth Rogen [1] but not which 2014 Seth Rogen film."),
    ],
)  # fmt: skip
def test_abstentions_and_partials_are_sentences(question, about, sentence):
    assert f"The articles mention {about} [1] {but_not(question, about)}." == sentence


def test_a_missing_part_is_named_in_a_sentence():
    assert not_given("what is its 52-week high") == "The articles don't give its 52-week high."
    assert not_given("when did it open") == "The articles don't say when."
    assert not_given("did it close") == "The articles don't answer “did it close?”"


CORRIDOR = (
    "Reports indicate that one issue is the presence of troops along the Philadelphi "
    "Corridor, a strategic area on Gaza's southern border with Egypt."
)


@pytest.mark.parametrize(
    ("question", "sentences", "at"),
    [
        ("What is the Philadelphi Corridor?", ["The corridor is disputed.", CORRIDOR], 1),
        ("Who is Zeev Sharon?", ["Zeev Sharon is the CEO of Hotelied, a start-up."], 0),
        ("what's the Philadelphi Corridor?", [CORRIDOR], 0),
        # more than what a name is: a detail that may be missing
        ("What is the Philadelphi Corridor used for?", [CORRIDOR], None),
        ("What is Tunisia's population?", ["Tunisia, a country of 11 million, voted."], None),
        # the name without a definition
        ("What is the Philadelphi Corridor?", ["Troops patrol the Philadelphi Corridor."], None),
        # an acronym where news spells it out, and only there
        (
            "What is the IDF?",
            [
                "The IDF left.",
                "It is the presence of Israeli Defense Forces (IDF) along the corridor.",
            ],
            1,
        ),
        ("What is the IDF?", ["Troops (IDF) left."], None),
    ],
)
def test_what_is_a_name_is_defined_in_apposition(question, sentences, at):
    assert defined_in(question, sentences) == at
