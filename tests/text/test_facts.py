"""Whether another outlet's copy holds a passage word for word (rag.text.facts)."""

from __future__ import annotations

from rag.text.facts import held_in, holds, passage_pieces

COPY = ("JAKARTA, Dec 30 (Reuters) - Searchers found 40 bodies on Tuesday. The navy said the "
        "search would go on overnight. Relatives gathered at Surabaya airport.")  # fmt: skip


def test_a_copy_holds_a_passage_despite_case_punctuation_and_dateline() -> None:
    assert holds(COPY, "Searchers found 40 bodies on Tuesday.")
    assert holds(COPY, "SURABAYA (AP) -- The navy said the search would go on overnight!")
    assert holds(COPY, "Headline\nSearchers found 40 bodies on Tuesday.", headline="Headline")


def test_a_changed_figure_or_a_missing_sentence_is_not_held() -> None:
    assert not holds(COPY, "Searchers found 41 bodies on Tuesday.")
    assert not holds(COPY, "Searchers found 40 bodies on Tuesday. Divers saw the tail.")
    # whole words only: "40 body" is not in "40 bodies"
    assert not holds(COPY, "Searchers found 40 body.")


def test_pieces_are_made_once_and_tested_against_many_copies() -> None:
    pieces = passage_pieces("Relatives gathered at Surabaya airport. The navy said the search "
                            "would go on overnight.")  # fmt: skip
    assert pieces == (" relatives gathered at surabaya airport ",
                      " the navy said the search would go on overnight ")  # fmt: skip
    copies = [COPY, COPY.replace("Surabaya", "Jakarta"), ""]
    assert [held_in(c, pieces) for c in copies] == [True, False, False]
