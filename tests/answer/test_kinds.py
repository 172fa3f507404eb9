"""The kind of figure a question asks for, and answers that hold it (rag.answer.kinds)."""

import numpy as np
import pytest

from rag.answer.kinds import (
    asked_kind,
    counted_in,
    gate,
    holds_asked,
    kinds_in,
    led_by_asked,
    led_by_count,
    stated_at,
)
from rag.records import Quote


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much is Con Edison spending to replace its old gas lines?", "money"),
        ("How many dollars of wealth does the richest 0.1 percent own?", "money"),
        ("What did it cost to build the new jazz center?", "money"),
        # money under another name, and money asked for (round 23)
        ("What ransom did the hackers demand from the hospitals?", "money"),
        ("What fine does a bar face for loud music?", "money"),
        ("How much is ZeniMax asking for in damages?", "money"),
        ("What award did the film win?", None),
        ("What penalty did the referee give?", None),
        ("What share of US government debt is held by foreign investors?", "share"),
        ("How many people died in the siege?", "count"),
        ("How many Drevna miners were trapped?", "count"),
        # a measure, a change (told as a sum or a share), no figure: nothing to check
        ("How many miles of steam pipes does Con Edison maintain?", None),
        ("How much did the Dow lose on the day?", None),
        ("What did Blinken say?", None),
    ],
)
def test_asked_kind(question, kind):
    assert asked_kind(question) == kind


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Officials began replacing nearly 1,600 miles of gas lines.", set()),
        ("Russia owes $670 billion to foreigners.", {"money", "count"}),
        ("Rainfall will be 40 to 50 percent below normal.", {"share"}),
        ("Blinken's visit marks his ninth trip to the region.", {"count"}),
        ("The war began in October 2023.", set()),
        ("An investigation into 341 American congregations.", {"count"}),
    ],
)
def test_kinds_in(text, kinds):
    assert kinds_in(text) == kinds


def test_an_age_question_needs_an_age():
    assert holds_asked("How old is Tom Reyes?", ["Tom Reyes, 44, runs a bakery."])
    assert not holds_asked("How old is Tom Reyes?", ["Reyes baked 200 loaves."])
    assert holds_asked("What did Reyes say?", ["Reyes baked 200 loaves."])  # asks no figure


def _quotes(*texts: str) -> list[Quote]:
    return [Quote("a", "", "", t, 0, len(t), 0.0, None, None) for t in texts]


def _quote_on(text: str, date: str) -> Quote:
    return Quote("d" + date, "Doc", "test", text, 0, len(text), 0.5, date)


def test_a_pick_without_the_asked_kind_is_led_by_the_best_sentence_with_it():
    texts = [
        "Con Edison maintains nearly 1,600 miles of gas lines.",
        "The utility will spend $1 billion on plastic pipe.",
        "Officials met in 2019.",
    ]
    quotes, probs = _quotes(*texts), np.array([0.9, 0.4, 0.8])
    question = "How much is Con Edison spending to replace its gas lines?"
    chosen = led_by_asked(question, quotes[:1], texts, probs,
                          lambda p: [quotes[i] for i in np.argsort(-p)[:2]])  # fmt: skip
    assert chosen[0].text == texts[1]
    # none of the sentences holds a sum: a near miss
    assert led_by_asked(question, quotes[:1], [texts[0], texts[2]], probs[[0, 2]],
                        lambda p: quotes) == []  # fmt: skip
    # another person's age is no answer to "How old is …?": no sentence is raised
    ages = ["Maria Lopez founded the festival.", "Tom Reyes, 44, won."]
    assert led_by_asked("How old is Maria Lopez?", _quotes(ages[0]), ages, probs[:2],
                        lambda p: _quotes(*ages)) == []  # fmt: skip


def test_a_count_of_the_asked_people_leads_the_pick():
    texts = [
        "Kovrin, a town of about 22,000 people, sits in a seismic zone.",
        "The earthquake struck before dawn, killing at least 38 people.",
        "About 110 people were injured.",
    ]
    quotes, probs = _quotes(*texts), np.array([0.9, 0.8, 0.7])
    question = "How many people did the earthquake kill?"
    chosen = led_by_asked(question, quotes, texts, probs, lambda p: quotes)
    # the killed lead (the short answer is read from the lead); the pick itself is kept
    assert [q.text for q in chosen] == [texts[1], texts[0], texts[2]]
    injured = led_by_asked("How many people were hurt?", quotes, texts, probs, lambda p: quotes)
    assert injured[0].text == texts[2]
    # people counted as people ("how many people live …") are read as they were picked
    assert led_by_asked("How many people live in Kovrin?", quotes, texts, probs,
                        lambda p: quotes) == quotes  # fmt: skip


def test_a_rival_count_of_the_asked_day_leads_an_answer_that_held_none():
    injured = _quote_on("The ministry put the number of injured at 140.", "2026-02-02")
    later = _quote_on("Of the 89 dead, 61 died in Kovrin.", "2026-02-05")
    monday = _quote_on("The governor counted 51 dead late on Monday.", "2026-02-02")
    question = "How many people had died in the Kovrin earthquake by Monday?"
    assert led_by_count(question, [injured, later, monday])[0] is monday
    assert led_by_count("How many people had died?", [injured, later, monday])[0] is later
    assert led_by_count("How many people were hurt?", [injured, later]) == [injured, later]


def test_counted_in_finds_the_asked_count_without_a_span():
    sentence = "The governor counted 51 dead late on Monday, and 140 people were injured."
    at = counted_in("How many people had died?", sentence)
    assert at is not None and sentence[at[0] : at[1]] == "51 dead"
    at = counted_in("How many people were hurt?", sentence)
    assert at is not None and sentence[at[0] : at[1]] == "140 people"
    # people counted as people, or things, are not a state's count
    assert counted_in("How many people live in Kovrin?", sentence) is None


def test_stated_at_finds_a_definition_or_an_age_beside_the_name():
    texts = ["Troops patrol the area.", "Lopez, 51, founded the Riverside Bread Festival."]
    assert stated_at("How old is Maria Lopez?", texts) == 1
    assert stated_at("What is the Riverside Bread Festival?", texts) is None
    # who someone is, by the title news writes before the name
    texts = ["Levy spoke.", "Acting U.S. Attorney Joshua Levy said the case is still open."]
    assert stated_at("Who is Joshua Levy?", texts) == 1
    assert stated_at("Who is Han Lee?", texts) is None


@pytest.mark.parametrize(
    ("question", "passages", "why"),
    [
        # The asked count of people is stated: the near-miss gate is overruled.
        ("How many people did the earthquake in the Zeravan mountains kill?",
         ["A magnitude 6.8 earthquake struck the Zeravan mountains, killing at least 38 people "
          "and flattening much of the market town."], None),
        ("How many people were injured in the blast?",
         ["Police said 54 people had been injured, 11 of them seriously."], None),
        # People to whom something was done, as the figure reader reads them.
        ("How many people were arrested in the Boston sex ring case?",
         ["Three people have been arrested for allegedly running the brothel network."], None),
        ("How many people were arrested in the Boston sex ring case?",
         ["Three people have been charged with running the brothel network."],
         "detail_missing"),
        # A neighbouring count (the killed, for the injured) is the near miss's decoy.
        ("How many people were injured in the blast?",
         ["The blast killed six people and destroyed a row of houses."], "detail_missing"),
        # Not a count of people: the gate stands (votes, units are read by no figure reader).
        ("How many votes did Kristy Marmorato get in total?",
         ["The proposition received approximately 24,000 more yes votes."], "detail_missing"),
        # Other reasons are never overruled.
        ("How many people did the earthquake kill?", ["The quake killed 38 people."],
         "no_evidence"),
    ],
)  # fmt: skip
def test_gate_is_overruled_by_a_stated_count_of_the_asked_people(question, passages, why):
    given = "no_evidence" if why == "no_evidence" else "detail_missing"
    assert gate(given, question, passages) == why


def test_gate_passes_an_answer_through():
    assert gate(None, "How many people died?", []) is None


def test_a_question_asking_no_one_detail_is_not_a_near_miss():
    # a timeline, or a question of several parts (each meets the gate alone)
    question = "How much does the state own, and what price is IAG offering?"
    assert gate("detail_missing", question, ["Ireland owns a 25 per cent stake."]) == (
        "detail_missing"
    )
    assert gate("detail_missing", question, [], no_one_detail=True) is None
    # off the topic is still off the topic
    assert gate("no_evidence", question, [], no_one_detail=True) == "no_evidence"


@pytest.mark.parametrize(
    ("question", "passage", "why"),
    [
        ("How many firefighters were injured?", "The ministry said 212 people had been injured.",
         "detail_missing"),
        ("How many firefighters were injured?", "Three firefighters were injured on Monday.",
         None),
        ("How many miners have died in the Drevna collapse?",
         "The bodies of two of the trapped miners were found, and five miners have died.", None),
        ("How many were killed?", "At least 19 people were killed.", None),
    ],
)  # fmt: skip
def test_gate_wants_the_asked_kind_of_people_named_where_they_are_counted(question, passage, why):
    assert gate("detail_missing", question, [passage]) == why
