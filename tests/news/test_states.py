"""The state a question about the present asks after, and the sentences that tell its news."""

from pathlib import Path

import numpy as np
import pytest

from rag.news.states import asked_state, tells_state, weigh_state
from rag.records import Quote
from tests.conftest import story_assistant


@pytest.mark.parametrize(
    ("question", "state", "subject"),
    [
        ("Is the rail line through Pitlow still closed after the phenol train crash?", "closed",
         {"rail", "line", "pitlow"}),  # not the crash: every sentence of the story names it
        ("Is the driver of the crashed coach still in hospital?", "in hospital",
         {"driver", "coach", "crash"}),
        ("Are planes flying in and out of Port Vireo again now, after the storm?", "closed",
         {"plane", "port", "vireo"}),
        ("Is anyone still unaccounted for at Drevna?", "missing", {"drevna"}),
        ("Can people from Vellaro go back to their houses yet?", "away", {"peopl", "vellaro"}),
        ("Is the River Aske still rising in Dunmarrow?", "rising", {"river", "ask", "dunmarrow"}),
        ("Is Lionel Dravecki still running Vessenholm?", "in office",
         {"lionel", "dravecki", "vessenholm"}),
        ("Is the convicted mayor behind bars at the moment?", "held", {"convict", "mayor"}),
        # those who search are no search: what they look for is asked
        ("Have searchers found the main body of the AirAsia plane yet?", "missing",
         {"searcher", "airasia"}),
        ("Is the search for AirAsia QZ8501 still going on right now?", "search",
         {"search", "airasia", "qz8501"}),
    ],
)  # fmt: skip
def test_asked_state(question: str, state: str, subject: set[str]) -> None:
    asked = asked_state(question)
    assert asked is not None
    assert (asked.name, set(asked.subject)) == (state, subject)


@pytest.mark.parametrize(
    "question",
    [
        "How many bodies have been recovered so far?",  # a count, no state
        "Is the ceasefire still holding?",
        "What is the latest death toll?",
        "Is anyone still there?",  # nothing named to be in the state
        # "running" and "back" of other things (intent check sets)
        "And what's the running total under the current mayor?",
        "What's the deficit running at these days?",
        "Is the Postcolonial Remembrance project running in Berlin this year?",
        "Are US emissions still falling or did they go back up?",
    ],
)
def test_no_state_asked(question: str) -> None:
    assert asked_state(question) is None


@pytest.mark.parametrize(
    ("question", "sentence", "news"),
    [
        ("Is the airport on Kaelis still closed because of the ash?",
         "Portmahr airport reopened at 7am on Thursday for flights between sunrise and sunset.",
         True),
        ("Is the road up to the Kaldmere valley still cut off by the mud?",
         "Engineers reopened one lane of the R17, the only road into the valley.", True),
        ("Is the mountain road still shut?", "The road will stay closed until Friday.", True),
        ("Is the driver of the crashed coach still in hospital?",
         "The driver was discharged from hospital yesterday morning.", True),
        ("Are the Pitlow villagers still away from home?",
         "The 140 Pitlow residents were allowed home yesterday evening.", True),
        ("How many people are still missing from the Corran Sound ferry?",
         "Eighteen people are still missing, Commander Ines Varga said.", True),
        ("Is Lionel Dravecki still running Vessenholm?",
         "The governor suspended Dravecki from office late on Wednesday.", True),
        ("Is Marko Dallin still contesting the Westmarch election result?",
         "Dallin said he would challenge the result in the regional court.", True),
        # a search is what it is about, whatever else the question names
        ("Is the search for AirAsia QZ8501 still going on right now?",
         "15.25 As night falls in southeast Asia, the search has been called off until tomorrow.",
         True),
        # the state alone is what the question already knows
        ("Is the airport on Kaelis still closed because of the ash?",
         "The airport on Kaelis was closed on Sunday as ash drifted over the island.", False),
        # the news of another thing's state
        ("Is the rail line through Pitlow still closed after the crash?",
         "The leisure centre reopened on Friday after the crash.", False),
        ("Is the driver of the crashed coach still in hospital?",
         "Nineteen passengers were still in hospital last night.", False),
    ],
)  # fmt: skip
def test_tells_state(question: str, sentence: str, news: bool) -> None:
    state = asked_state(question)
    assert state is not None
    assert tells_state(state, sentence) is news


def test_the_news_of_the_state_is_raised_to_lead() -> None:
    state = asked_state("Is the airport on Kaelis still closed?")
    assert state is not None
    texts = [
        "Kaelis Airports said 4,300 passengers had their flights cancelled because of the closure.",
        "Portmahr airport reopened at 7am on Thursday, after four days shut.",
        "The ash cloud drifted east.",
    ]
    quotes = [Quote("a", "", "", t, 0, len(t), 0.0) for t in texts]
    out = weigh_state(state, quotes, np.array([0.8, 0.3, 0.1]))
    assert out.tolist() == pytest.approx([0.792, 0.8, 0.099])  # the news leads


@pytest.mark.real_model
def test_a_still_question_is_answered_by_the_newest_news_of_its_state(tmp_path: Path) -> None:
    asst = story_assistant(tmp_path, "eruption")
    answer = asst.ask("Is the airport on Kaelis still closed because of the ash?")
    # Round 23 quoted the 15 September article's cancellations ("… because of the closure").
    assert answer.as_of == "2026-09-18"
    assert answer.citations[0].quote.startswith("Portmahr airport reopened at 7am on Thursday")
    asst.close()
