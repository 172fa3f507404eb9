"""How an article writes a word (rag.answer.casing)."""

from rag.answer.casing import capitalised, headline, lower_in, written_as_name


def test_a_headline_is_written_in_title_case() -> None:
    assert headline("Amazon Liable for Defective Third-Party Products Rules CA Appellate Court")
    assert not headline("On Thursday, California’s 4th District Court found Amazon liable.")
    assert not headline("Benjamin Netanyahu")


def test_a_word_is_a_name_where_the_article_writes_it_capitalised_and_never_lower() -> None:
    article = "Thus, the vote went ahead. It was closer than thought, said Varadkar. Even so."
    assert written_as_name("Varadkar", article)
    assert not written_as_name("Thus", article)  # first word only
    assert lower_in("Even", "It was even closer.") and not lower_in("Varadkar", article)


def test_the_number_of_a_designation_belongs_to_the_name() -> None:
    words = "The legislature passed Senate Bill 10 in May with 10 votes".split()
    assert [w for w, c in zip(words, capitalised(words), strict=True) if c] == [
        "Senate", "Bill", "10", "May"]  # fmt: skip
