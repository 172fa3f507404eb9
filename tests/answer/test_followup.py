from rag.answer.followup import condense, needs_context


def test_standalone_question_is_unchanged():
    history = [{"role": "user", "content": "What did Blinken say?"}]
    q = "What is disputed about the Philadelphi Corridor?"
    assert condense(q, history) == q
    assert condense("What did he say?", []) == "What did he say?"


def test_pronoun_follow_up_carries_names_from_last_question():
    history = [
        {"role": "user", "content": "What did Blinken say about the ceasefire?"},
        {"role": "assistant", "content": "Blinken met Herzog [1]."},
    ]
    # the answer's names follow the question's: "the president" is Herzog
    assert condense("What did he tell the president?", history) == (
        "What did he tell the president? Blinken Herzog ceasefire"
    )


def test_names_come_from_the_answer_when_the_user_named_nobody():
    history = [
        {"role": "user", "content": "who met the prime minister?"},
        {"role": "assistant", "content": "Antony Blinken met him in Jerusalem [1]."},
    ]
    got = condense("what did they discuss?", history)
    assert got.startswith("what did they discuss?") and "Antony" in got and "[1]" not in got


def test_needs_context():
    assert needs_context("And then?")
    assert needs_context("What did she say about it?")
    assert not needs_context("How many hostages did Hamas release in November?")
    # "And …", "What about …" continue the conversation though they name things of their own
    assert needs_context("And what's the running total under the current mayor?")
    assert needs_context("What about Alienware's RTX 3090 machine?")
    assert not needs_context("Android phones outsold iPhones in which year?")


def test_a_question_opening_with_and_carries_the_last_question():
    history = [
        {"role": "user", "content": "How many potholes did New York City fill last year?"},
        {"role": "assistant", "content": "255,904 potholes [1]."},
    ]
    got = condense("And what's the running total under the current mayor?", history)
    assert got.startswith("And what's the running total under the current mayor? New York")
    assert "potholes" in got and "[1]" not in got


def test_a_short_answer_is_what_that_points_to():
    history = [
        {"role": "user", "content": "Which item in a hotel room carries the most germs?"},
        {"role": "assistant", "content": "The wall-mounted hairdryer [1]. It is rarely cleaned."},
    ]
    got = condense("Why would that be the germiest thing in the room?", history)
    assert "hairdryer" in got.split("?", 1)[1]
    # a long lead is not carried word by word, only its names
    history[1]["content"] = (
        "Housekeepers say the wall-mounted hairdryer in most hotel rooms is never wiped "
        "down by Marriott staff [1]."
    )
    got = condense("Why would that be the germiest thing in the room?", history)
    assert "Marriott" in got and "hairdryer" not in got


def test_a_new_subject_stays_standalone_and_too_or_else_carries():
    history = [
        {"role": "user", "content": "What is disputed about the Philadelphi Corridor?"},
        {"role": "assistant", "content": "Israel wants to keep troops there [1]."},
    ]
    # naming nothing is not leaning on the conversation: a new subject is asked as such
    for question in ("What is the recipe for banana bread?", "How many people were aboard?"):
        assert not needs_context(question)
        assert condense(question, history) == question
    # "too", "else", "as well": it adds to what was said
    for question in ("Did Egypt object too?", "Who else was at the talks?",
                     "Were Rafah crossings discussed as well?"):  # fmt: skip
        assert needs_context(question)
        assert "Philadelphi" in condense(question, history)[len(question) :]


def test_a_sentence_quoted_before_is_stale_unless_it_holds_the_follow_up_s_words():
    from rag.answer.followup import quoted_before

    said = {"Hamas accused Netanyahu of obstacles.", "Blinken met Herzog."}
    texts = ["Hamas accused Netanyahu of obstacles.", "Blinken met Herzog.", "Talks resume."]
    # quoted, and without the question's words; quoted but about it; never quoted
    assert quoted_before("What did Blinken say?", texts, said) == [True, False, False]
    assert quoted_before("Anything else?", texts, set()) == [False, False, False]
