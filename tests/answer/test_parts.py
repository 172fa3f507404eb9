import pytest

from rag.answer.parts import part_query, split_parts, subject


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "By how much did SandRidge fall on Monday, and what is its 52-week high?",
            ["By how much did SandRidge fall on Monday", "what is its 52-week high"],
        ),
        ("How many hostages are held and who negotiates?",
         ["How many hostages are held", "who negotiates"]),
        ("Why did it fall? What did analysts say?", ["Why did it fall", "What did analysts say"]),
        # "and" between names or nouns is not a second question.
        ("What did Israel and Hamas agree?", ["What did Israel and Hamas agree?"]),
        ("What are the talks and the deal about?", ["What are the talks and the deal about?"]),
    ],
)  # fmt: skip
def test_split_parts(question, parts):
    assert split_parts(question) == parts


def test_part_query_carries_the_names_a_part_lacks():
    question = "How far did SandRidge fall, and what is its 52-week high?"
    assert part_query("what is its 52-week high", question) == "what is its 52-week high SandRidge"
    assert part_query("How far did SandRidge fall", question) == "How far did SandRidge fall"


def test_subject_is_what_the_evidence_mentions():
    evidence = "Secretary of State Blinken met Netanyahu for three hours."
    assert subject("How old is Antony Blinken?", evidence) == "Blinken"
    # A name the evidence never mentions: the articles are about something else.
    assert subject("What are the moons of Neptune?", evidence) == ""
    assert subject("How long did the meeting with Netanyahu last?", evidence) == "Netanyahu"


def test_a_possessive_subject_names_its_owner():
    evidence = "Netanyahu’s office released a statement reiterating Israel’s commitment."
    assert subject("What did Netanyahu's office reiterate?", evidence) == "Netanyahu"


def test_part_of_a_name_is_named_only_when_it_still_names_something():
    evidence = "Crowds filled the Grand hall. Fire swept the Island. British farms keep hens."
    # "Grand" of "Grand Central", "Island" of "Kangaroo Island": no subject, a plain abstention
    assert subject("When did the LIRR terminal at Grand Central open?", evidence) == ""
    assert subject("How many koalas died on Kangaroo Island?", evidence) == ""
    # an adjective of nationality before a noun names no one
    assert subject("How many hens do the biggest British farms keep?", evidence) == ""
    assert subject("How many hens does the UK keep?", "The UK keeps hens.") == "UK"


@pytest.mark.parametrize(
    ("question", "evidence", "mentioned"),
    [
        # a name with "of"/"de" in it is said whole, and a part after them names another thing
        ("How big is Chardin's Basket of Wild Strawberries?",
         "Chardin painted the Basket of Wild Strawberries.",
         "Chardin's Basket of Wild Strawberries"),
        ("Who won the 2023 Tour de France?", "The Tour de France ended.", "Tour de France"),
        ("Who won the 2023 Tour de France?", "France is hot in July.", ""),
        ("What did the Bank of Japan decide in July?", "The bank held rates.", ""),
        # a part that skips a word, or a generic head alone, names nothing
        ("Which city was named European Green Capital?", "The European capital of culture.", ""),
        # dots inside a name; one name inside another is said once
        ("How many films made the A.V. Club's list?", "The A.V. Club list.", "A.V. Club"),
        ("Which Seth Rogen film did Rogen disown?", "Seth Rogen said Rogen.", "Seth Rogen"),
        # words of a phrase side by side stay one phrase
        ("How much does the satin ribbon for the wreath cost?", "a satin ribbon on a wreath",
         "satin ribbon and wreath"),
    ],
)  # fmt: skip
def test_subject_names_as_the_question_does(question, evidence, mentioned):
    assert subject(question, evidence) == mentioned
