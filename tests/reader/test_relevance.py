import pytest

from rag.reader.relevance import answer_pattern, rare_term_coverage


@pytest.mark.parametrize(
    ("question", "sentence", "ok"),
    [
        ("How many hostages are still held?", "Israel claims that 111 hostages are held.", True),
        ("How many moons does Neptune have?", "Neptune is a cold, distant planet.", False),
        ("How long was the meeting?", "He called the three-hour meeting positive.", True),
        ("How old is Isaac Herzog?", "Blinken met President Isaac Herzog.", False),
        ("When did the war begin?", "The war began in October.", True),
        ("When did the war begin?", "The war was long and bloody.", False),
        ("How much money did Macmillan pay?", "Macmillan paid $20 million.", True),
        ("How much money did Macmillan pay?", "Macmillan settled with Amazon.", False),
        ("What is disputed about the corridor?", "Anything at all.", True),
    ],
)
def test_expected_answer_type(question, sentence, ok):
    # The reader's "asks_type"/"type_found" features: what the question's answer must contain.
    pattern = answer_pattern(question)
    assert (pattern is None or pattern.search(sentence) is not None) is ok


def test_no_pattern_for_open_questions():
    assert answer_pattern("Why did the talks stall?") is None


def test_rare_term_coverage_hand_computed():
    idf = {"neptun": 3.0, "moon": 1.0}.get
    assert rare_term_coverage("How many moons does Neptune have?", ["Our moon is bright."],
                              lambda t: idf(t) or 0.0) == pytest.approx(1 / 4)  # fmt: skip
    assert rare_term_coverage("moons of Neptune", ["Neptune has moons"], lambda t: 1.0) == 1.0
    assert rare_term_coverage("the of", ["x"], lambda t: 1.0) == 1.0  # no content terms


@pytest.mark.real_model
def test_unanswerable_near_miss_abstains(seeded):
    """The article names Herzog but never his age; a sentence about him is not an answer."""
    assert seeded.ask("How old is Isaac Herzog?").abstained
    assert seeded.ask("How many moons does Neptune have?").abstained
    assert not seeded.ask("How many hostages were taken during the initial attack?").abstained


def test_a_specific_number_no_passage_states_is_unmatched():
    from rag.reader.relevance import unmatched_numbers
    from rag.records import Hit

    hit = Hit("c", "d", "Finals", "s", "The 2019 title went to Toronto; 1,200 fans came.", 0, 9,
              1.0, "2020-10-12")  # fmt: skip
    assert unmatched_numbers("Who won the 2021 NBA title?", [hit]) == ["2021"]
    assert unmatched_numbers("Who won the 2019 NBA title?", [hit]) == []
    assert unmatched_numbers("Did 1200 fans come?", [hit]) == []  # written with or without ","
    # the articles' own year counts, small numbers may be spelt out, versions are no years
    assert unmatched_numbers("Who won in 2020?", [hit]) == []
    assert unmatched_numbers("Did 3 fans come?", [hit]) == []
    assert unmatched_numbers("What does the RTX 5090 cost?", [hit]) == ["5090"]
    # more texts to look in (a timeline's whole articles): a period the article names
    question = "How did the Raptors' rebuild unfold through 2021?"
    assert unmatched_numbers(question, [hit]) == ["2021"]
    assert unmatched_numbers(question, [hit], ["In 2021 they traded Lowry."]) == []


def test_the_question_s_numbers_must_be_stated_near_the_sentence():
    from rag.reader.relevance import NUMBERS_BEFORE, numbers_stated
    from rag.records import Quote

    article = ("The Amazon is burning, scientists say. " + "Filler words here. " * 4 +
               "Fires in the Amazon release 500 megatons in a typical year. In 2019 so far, "
               "they have released 228 megatons. " + "Filler words here. " * 60 +
               "The RTX 3070 sells for $499.")  # fmt: skip
    at = article.index("they have")
    quote = Quote("d", "Amazon fires", "s", article[at : at + 31], at, at + 31, 1.0, "2020-01-05")
    assert numbers_stated("How much CO2 did the fires release in 2019?", quote, article)
    assert not numbers_stated("How much CO2 did the fires release in 2018?", quote, article)
    assert numbers_stated("How much CO2 did the fires release in 2020?", quote, article)  # dated
    assert numbers_stated("How much did they release?", quote, article)  # no number asked
    assert numbers_stated("How much in 2018?", quote, None)  # no article: nothing to hold
    far = article.index("The RTX")
    card = Quote("d", "Cards", "s", article[far:], far, len(article), 1.0)
    assert far - article.index("2019") > NUMBERS_BEFORE
    assert numbers_stated("What does the RTX 3070 cost?", card, article)
    assert not numbers_stated("What does the RTX 3060 cost?", card, article)
    assert not numbers_stated("What did the RTX 3070 cost in 2019?", card, article)  # too far
    dated = "December 28, 2014: Markets opened lower. " + article  # a dated opening
    moved = Quote("d", "Cards", "s", card.text, far + 41, len(dated), 1.0)
    assert numbers_stated("What did the RTX 3070 cost in 2014?", moved, dated)


@pytest.mark.real_model
def test_a_question_about_another_year_abstains(seeded):
    answer = seeded.ask("How many hostages did Hamas release in the 2019 ceasefire deal?")
    assert answer.abstained
    assert not seeded.ask("How many hostages are still being held in Gaza?").abstained


def test_a_pick_is_led_by_a_sentence_stating_the_question_s_year():
    import numpy as np

    from rag.reader.relevance import led_by_numbers
    from rag.records import Quote

    article = ("Fires release 500 megatons in a typical year. " + "Filler words here. " * 40 +
               "In 2019 so far, they have released 228 megatons.")  # fmt: skip
    quotes = []
    for text in (
        "Fires release 500 megatons in a typical year.",
        "they have released 228 megatons.",
    ):
        at = article.index(text)
        quotes.append(Quote("d", "Amazon fires", "s", text, at, at + len(text), 0.0))
    probs = np.array([0.9, 0.5])

    def select(p: np.ndarray) -> list[Quote]:
        return [quotes[i] for i in np.argsort(-p)]

    def pick(question: str) -> list[Quote]:
        return led_by_numbers(question, select(probs), quotes, probs, lambda _d: article, select)

    assert pick("How much CO2 did the fires release in 2019?")[0] is quotes[1]
    assert pick("How much CO2 did the fires release?")[0] is quotes[0]  # no year asked
    assert pick("How much CO2 did the fires release in 2018?") == []  # none states 2018
