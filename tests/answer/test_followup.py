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
    assert condense("What did he tell the president?", history) == (
        "What did he tell the president? Blinken ceasefire"
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
