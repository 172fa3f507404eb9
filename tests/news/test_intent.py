"""What a news question asks: latest state, timeline, a speaker's words (rag.news.intent)."""

from __future__ import annotations

import pytest

from rag.news.intent import Intent, intent_of


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("What is the latest on the AirAsia search?", Intent("recency")),
        ("Is the ceasefire still holding?", Intent("recency")),
        ("How many bodies have been recovered so far?", Intent("recency")),
        # the present state without a recency word
        ("Is power back at the airport?", Intent("recency")),
        ("Have searchers found the main body of the plane?", Intent("recency")),
        ("How is the injured surfer doing?", Intent("recency")),
        ("Is the minister going to resign?", Intent("recency")),
        ("Did the minister resign?", Intent("plain")),
        # the other ways English asks how things stand
        ("What is the death toll at last count?", Intent("recency")),
        ("How many have been rescued thus far?", Intent("recency")),
        ("Where do the ceasefire talks stand?", Intent("recency")),
        ("What is the status of the investigation into the crash?", Intent("recency")),
        ("How many people are missing as things stand?", Intent("recency")),
        ("What's the most up-to-date casualty figure?", Intent("recency")),
        ("What was the last reported death toll?", Intent("recency")),
        ("How many homes remain without power?", Intent("recency")),
        ("What's happening with the search for MH370?", Intent("recency")),
        # round 22: where a story is at, what a count is up to, any word on it
        ("Where's the review of the air defences at?", Intent("recency")),
        ("where are they at with finding the plane", Intent("recency")),
        ("What's the Ebola case tally in Sierra Leone up to?", Intent("recency")),
        ("What is the stock trading at?", Intent("recency")),
        ("Any word on the missing crew?", Intent("recency")),
        ("How are the quadruplets getting on?", Intent("recency")),
        ("What's going on with the conspiracy case?", Intent("recency")),
        # round 23: the newest figures, where a thing stands, chat's "rn"
        ("What's the updated tally of visitors to Huntsville?", Intent("recency")),
        ("Tell me where US carbon emissions stand this year.", Intent("recency")),
        ("what rocket pass is rocket league on atm", Intent("recency")),
        ("how much is insurance running for a 25 year old rn", Intent("recency")),
        ("Where does the senator stand on abortion?", Intent("plain")),
        ("How many RNs work at the hospital?", Intent("plain")),
        # ... and the past, or another thing
        ("What multiple of earnings was it trading at?", Intent("plain")),
        ("How much did the shares rise on their first day of trading?", Intent("plain")),
        ("What did the skipper own up to?", Intent("plain")),
        # ... and what only looks like it
        ("Whose remains were found in the sea?", Intent("plain")),
        ("What is the state of emergency about?", Intent("plain")),
        ("When did Christie give his State of the State speech?", Intent("plain")),
        ("Who criticised Christie after the speech?", Intent("attribution")),
        ("What was the final score of the Ohio State–Alabama game?", Intent("plain")),
        ("How was the plan described?", Intent("plain")),
        ("What was Hamas saying about the talks?", Intent("attribution", "Hamas")),
        # round 22: a request or a clause first, a yes/no question, written words, "X's line on"
        ("Tell me what Dawn Addiego said about Christie.", Intent("attribution", "Dawn Addiego")),
        (
            "Summarize what Pat Lynch said at the press conference.",
            Intent("attribution", "Pat Lynch"),
        ),  # fmt: skip
        ("Mayor Rismaharini — what did she tell the relatives?", Intent("attribution", "she")),
        ("Did Google comment on the Gmail outage?", Intent("attribution", "Google")),
        (
            "What did Tony Fernandes tweet after the bodies were found?",
            Intent("attribution", "Tony Fernandes"),
        ),  # fmt: skip
        ("What's Amazon's line on the pricing deal?", Intent("attribution", "Amazon")),
        # round 23: why someone says so, a figure someone gave, two names joined, has X said
        ("Why does Michael Litt think video beats text?", Intent("attribution", "Michael Litt")),
        ("What death toll did Dr Fauci predict?", Intent("attribution", "Dr Fauci")),
        (
            "How did Fridays For Future and Extinction Rebellion react to the plan?",
            Intent("attribution", "Fridays For Future and Extinction Rebellion"),
        ),  # fmt: skip
        ("Has Joe Biden commented on the racial data?", Intent("attribution", "Joe Biden")),
        ("Is Facebook saying when the fix is coming?", Intent("attribution", "Facebook")),
        ("What is Greta Thunberg accusing the EU of?", Intent("attribution", "Greta Thunberg")),
        ("What's Parse.ly's theory on the decline?", Intent("attribution", "Parse.ly")),
        ("Tell me what Vidyard claims about its new UX", Intent("attribution", "Vidyard")),
        ("Who wrote that leaders are stealing our future?", Intent("attribution")),
        (
            "Which polo player explained that the sport goes in and out of fashion?",
            Intent("attribution"),
        ),
        ("How did Augustus Welby sum up the album?", Intent("attribution", "Augustus Welby")),
        # ... and a time, a noun, a name, a verdict pending, a warning sign
        ("What time did police report the crash?", Intent("plain")),
        ("Which psychoanalyst does the article say was right?", Intent("plain")),
        ("Which countries does the DiEM25 article blame?", Intent("attribution", "DiEM25 article")),
        ("What unemployment rate did the Stanford report find?", Intent("plain")),
        ("Which nations did the US secretary of state single out?", Intent("plain")),
        ("Which browser does the ACLU piece call the most private?", Intent("plain")),
        ("Has the result been confirmed yet?", Intent("recency")),
        ("Are the shark warning signs still posted?", Intent("recency")),
        ("Have they called off the search for the last worker?", Intent("recency")),
        ("Why did the county's acreage differ from the State Fire Service's?", Intent("plain")),
        # ... and what only looks like it: an author, a caller, a noun, a knowing
        ("Who wrote the review of the book?", Intent("plain")),
        ("Who called the strike?", Intent("plain")),
        ("What did the talks achieve?", Intent("plain")),
        ("Did the head of the company know about the miners' complaints?", Intent("plain")),
        ("Has the company responded yet?", Intent("recency")),
        # the other ways a question asks for what someone said
        ("What was the navy's take on the search?", Intent("attribution", "navy")),
        ("What does Hamas think about the proposal?", Intent("attribution", "Hamas")),
        ("What does the union leader make of the review?", Intent("attribution", "union leader")),
        (
            "How has the trucking magnate answered the charges?",
            Intent("attribution", "trucking magnate"),
        ),
        (
            "What has the government pledged after the collapse?",
            Intent("attribution", "government"),
        ),
        ("What reason did the airline give for the delay?", Intent("attribution", "airline")),
        (  # two things asked of one speaker
            "What warning and advice did the city's health officer give families?",
            Intent("attribution", "city's health officer"),
        ),
        ("What was the reaction from Israel?", Intent("attribution", "Israel")),
        ("What did the spokesman have to say about it?", Intent("attribution", "spokesman")),
        ("What does the report say about emissions?", Intent("attribution", "report")),
        ("Which official said the bodies were found?", Intent("attribution")),
        # ... and so do these, which ask for who said it
        ("According to whom did Alaska launch the routes?", Intent("attribution")),
        ("Whose figures are cited for the air defences?", Intent("attribution")),
        ("Who branded Hitler the soul of the undertaking?", Intent("attribution")),
        ("Which agency went public with the cocaine haul?", Intent("attribution")),
        ("Who called the police?", Intent("plain")),
        ("What are they accused of?", Intent("plain")),
        (
            "What did a source close to the investigation tell Reuters?",
            Intent("attribution", "source close to the investigation"),
        ),
        (
            "How did the new justice feel about walking into the state's courthouse?",
            Intent("plain"),
        ),
        # the other ways of asking for the events in order
        ("What were the key events in the AirAsia search?", Intent("timeline")),
        ("Walk me through the ferry disaster.", Intent("timeline")),
        ("How did relations between the two countries sour?", Intent("timeline")),
        ("What has happened to the villagers, from the night of the slide on?", Intent("timeline")),
        ("Which team won from the start on the road?", Intent("plain")),
        ("What happened in court after the mayor pleaded not guilty?", Intent("timeline")),
        ("What happened in the search for the missing fishermen?", Intent("timeline")),
        ("What did the union do after the closures were announced?", Intent("timeline")),
        ("How did water rationing come about and then get tougher?", Intent("timeline")),
        ("How did the airline end up in administration?", Intent("timeline")),
        ("What steps have officials taken since the spill?", Intent("timeline")),
        ("What has happened so far with the recall?", Intent("timeline")),
        ("What steps should I take to apply?", Intent("plain")),
        ("What happened in the meeting?", Intent("plain")),
        ("What has happened since the plane went missing?", Intent("timeline")),
        ("Summarise the blackout day by day.", Intent("timeline")),
        # a story told from its start
        ("What's the story so far on the mine rescue?", Intent("timeline")),
        ("Trace the senator's career since 1990.", Intent("timeline")),
        ("What's the backstory of the tarot deck?", Intent("timeline")),
        ("What are the milestones in the history of radio?", Intent("timeline")),
        ("How has the museum's funding built up over the years?", Intent("timeline")),
        ("What has happened to the contractor since the war, in order?", Intent("timeline")),
        # round 22: one step at a time, a passage from one state to another, in date order
        ("Lay out India's chase wicket by wicket.", Intent("timeline")),
        ("Give me a blow-by-blow of the shooting case", Intent("timeline")),
        ("How have the protests evolved since last year?", Intent("timeline")),
        ("How did chloropicrin go from tear gas to strawberry fields?", Intent("timeline")),
        ("Kobane from October to now: the turning points?", Intent("timeline")),
        ("Track the hopefuls' trips to Iowa in date order.", Intent("timeline")),
        ("So after the slashing, what came next?", Intent("timeline")),
        ("walk me thru the six-month battle from start to finish", Intent("timeline")),
        # round 23: how something went from one point to another, one after another, the
        # lead-up, a story pieced together or laid out, its sequence
        ("How did the Vision Pro demo go, from the face scan to the headset?", Intent("timeline")),
        (
            "what happened with the pool from when it reopened in June up to tonight",
            Intent("timeline"),
        ),
        ("Describe how the price hikes piled up one after another", Intent("timeline")),
        ("give me a timline of border apprehensions", Intent("timeline")),
        ("Can you piece together how Cork went to Level 3?", Intent("timeline")),
        ("Lay out the story of surveillance in Broward schools", Intent("timeline")),
        ("Tell me the sequence of Nissan's recent launches.", Intent("timeline")),
        (
            "How has the Lake Chabot Road situation developed — landslides, then closure?",
            Intent("timeline"),
        ),
        ("Do passengers have to collect their luggage along the way?", Intent("plain")),
        ("Can the car stop itself if someone steps in front of it?", Intent("plain")),
        # ... and one fact, or a route
        ("How did the poisonous gas get from the boiler into the shower room?", Intent("plain")),
        (
            "What's the minimum graphics card needed to run Through the Darkest of Times?",
            Intent("plain"),
        ),  # fmt: skip
        ("What did the party do in order to win the vote?", Intent("plain")),
        ("What is the main event at the festival?", Intent("plain")),
        ("What led to the crash?", Intent("plain")),
        ("Who did Misch allegedly abduct?", Intent("plain")),
        ("What does Yahoo have to pay Verizon if investors reject the sale?", Intent("plain")),
        ("How did the search for flight QZ8501 unfold?", Intent("timeline")),
        ("Give me a timeline of the ferry disaster", Intent("timeline")),
        ("What happened after the plane lost contact?", Intent("timeline")),
        ("How has the search unfolded so far?", Intent("timeline")),
        ("How did the death toll rise over the first days?", Intent("timeline")),
        ("How did the talks progress?", Intent("timeline")),
        # "progress" and "rise" as nouns: what someone said, not how things moved
        (
            "How did Hamas respond to claims of progress in the negotiations?",
            Intent("attribution", "Hamas"),
        ),
        ("How did the union react to the rise in fares?", Intent("attribution", "union")),
        ("What happened to the airline after the crash?", Intent("timeline")),
        ("What did the boss do in the days after the plane went missing?", Intent("timeline")),
        ("What is the schedule for the opening of the centre?", Intent("timeline")),
        ("What milestone did Boeing reach over the weekend?", Intent("plain")),
        ("What happened in New York over the weekend of the killings?", Intent("timeline")),
        ("What happened to the plane on Sunday?", Intent("plain", None, "Sunday")),
        # the events of one day
        ("What happened on Monday, the third day of the blackout?", Intent("timeline")),
        ("What happened in Sardova on the second Saturday of protests?", Intent("timeline")),
        ("What did Hamas say about the talks?", Intent("attribution", "Hamas")),
        ("What did the Indonesian navy claim?", Intent("attribution", "Indonesian navy")),
        ("What was Netanyahu's response to the proposal?", Intent("attribution", "Netanyahu")),
        ("According to Blinken, what is disputed?", Intent("attribution", "Blinken")),
        ("Who said the bodies were found?", Intent("attribution")),
        ("What is disputed about the Philadelphi Corridor?", Intent("plain")),
        ("How many people were aboard?", Intent("plain")),
        # the day a figure or a statement is asked for
        ("How many had died as of Wednesday?", Intent("plain", None, "Wednesday")),
        (
            "How many were still in the dark on Monday afternoon?",
            Intent("plain", None, "Monday afternoon"),
        ),
        ("What did the minister say on July 25?", Intent("attribution", "minister", "July 25")),
        ("What share did the Mail on Sunday's poll give?", Intent("plain")),
    ],
)
def test_intent_of(question: str, intent: Intent) -> None:
    assert intent_of(question) == intent


def test_kinds_a_learned_reader_takes_count_where_no_pattern_reads_them() -> None:
    def learned(question: str) -> frozenset[str]:
        return frozenset(
            {"timeline"} if "blow-by-blow" in question else
            {"recency"} if "where are they at" in question else set()
        )  # fmt: skip

    assert intent_of("Give me a blow-by-blow of the siege", learned).kind == "timeline"
    assert intent_of("where are they at with finding the plane", learned).kind == "recency"
    assert intent_of("How did the search unfold?", learned).kind == "timeline"
    assert intent_of("Who won the vote?", learned).kind == "plain"
    # a pattern of attribution, and a day asked, come before a learned recency
    said = intent_of("What did the mayor say, where are they at", learned)
    assert said == Intent("attribution", "mayor")
    assert intent_of("where are they at on Monday", learned).kind == "plain"
    # where a pattern reads a kind, the learned reader is not asked
    assert intent_of("Is the road still closed?", lambda q: frozenset({"timeline"})).kind == (
        "recency"
    )
