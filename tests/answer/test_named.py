from rag.answer.named import asked_noun, asks_plural, named_as, whole_list


def _cut(sentence: str, at: tuple[int, int] | None) -> str | None:
    return sentence[at[0] : at[1]] if at else None


def test_the_asked_noun_is_a_common_noun_after_which() -> None:
    assert asked_noun("Which party governs Rojava?") == ["governs", "party"]  # second first
    assert asked_noun("Which political party won?") == ["party", "political"]
    assert asked_noun("Which senior Tory said it?") == ["senior"]  # "Tory" asks for a person
    assert asked_noun("Who won?") == []


def test_a_name_ending_in_the_asked_noun_answers() -> None:
    sentence = "Wein founded the Newport Jazz Festival, the model for all outdoor jazz festivals."
    assert _cut(sentence, named_as("Which festival did Wein start?", sentence)) == (
        "Newport Jazz Festival"
    )
    award = "Woodson won the National Book Award for this memoir."
    assert _cut(award, named_as("What award did the memoir win?", award)) == "National Book Award"
    # the question's own name is no answer, nor a lone capitalised noun
    own = "The Newport Jazz Festival drew a crowd."
    assert named_as("Which festival did the Newport Jazz Festival follow?", own) is None
    assert named_as("Which party won?", "The Party met.") is None


def test_several_asked_names_are_the_whole_list() -> None:
    sentence = "Viewers in France, Spain and Italy can watch it."
    at = sentence.index("Spain")
    assert asks_plural("Which countries can watch it?")
    assert _cut(sentence, whole_list("Which countries can watch it?", sentence, (at, at + 5))) == (
        "France, Spain and Italy"
    )
    assert whole_list("Which country can watch it?", sentence, (at, at + 5)) == (at, at + 5)
