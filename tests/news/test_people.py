"""Who is who in an article: a later "Osk said" named as the article introduced her
(rag.news.people)."""

from __future__ import annotations

import pytest

from rag.news.compose import speaker_at
from rag.news.people import body_named, introduced, introductions

ARTICLE = (
    "CARVELL — Nine people died when the 07.40 from Ossery left the rails on Tuesday.\n\n"
    "The operator's chief executive, Mira Osk, apologised to the families of the dead. "
    '"We failed the people on that train," she said.\n\n'
    "Health minister Dalia Ferrant visited the site. "
    "Its spokesman, Stefan Strand, gave no figure. "
    "Michael Fitton, defending, said the driver had followed his briefing. "
    "Tarrow Valley Railways, whose director, Osmund Pryle, resigned, did not comment. "
    "Omar Mateen and Seddique Mir Mateen were not involved. "
    "The rail union backed the driver, says Ada Vine, co-founder and head of the union.\n\n"
    "Osk said the company had ordered a check of every route briefing. "
    '"Every death is being examined," Ferrant said in parliament.'
)


def test_each_person_is_named_with_the_role_they_were_introduced_with() -> None:
    who = introductions(ARTICLE)
    assert who["osk"] == "Mira Osk, the operator's chief executive"
    assert who["ferrant"] == "Dalia Ferrant, Health minister"  # a role before the name
    assert who["strand"] == "Stefan Strand, spokesman"  # "Its": whose is not known here
    assert who["fitton"] == "Michael Fitton, defending"  # a role after the name
    assert who["pryle"] == "Osmund Pryle"  # "whose director" is a clause, not a role
    assert "mateen" not in who  # two people share the surname: neither is assumed
    assert who["vine"] == "Ada Vine, co-founder and head of the union"


@pytest.mark.parametrize(
    ("speaker", "named"),
    [
        ("Osk", "Mira Osk, the operator's chief executive"),
        ("Mira Osk", "Mira Osk, the operator's chief executive"),
        ("Health minister Dalia Ferrant", "Health minister Dalia Ferrant"),  # says it all
        ("Kai Moss", "Kai Moss"),  # not in the article
        ("the ministry", "the ministry"),  # no one person's name
        ("Michael Fitton, defending", "Michael Fitton, defending"),  # a role already
        ("Mateen", "Mateen"),
        # a bare role is the article's one holder of it; a body stays a body
        ("the health minister", "Dalia Ferrant, Health minister"),
        ("the spokesman", "Stefan Strand, spokesman"),
        ("the operator", "the operator"),
        (None, None),
    ],
)
def test_a_speaker_is_named_as_the_article_introduced_them(
    speaker: str | None, named: str | None
) -> None:
    assert introduced(speaker, ARTICLE) == named


def test_a_later_statement_carries_its_speaker_s_role() -> None:
    quote = "Osk said the company had ordered a check of every route briefing."
    at = ARTICLE.index(quote)
    assert speaker_at(ARTICLE, quote, at, at + len(quote)) == (
        "Mira Osk, the operator's chief executive"
    )
    quote = '"Every death is being examined," Ferrant said in parliament.'
    at = ARTICLE.index(quote)
    assert speaker_at(ARTICLE, quote, at, at + len(quote)) == "Dalia Ferrant, Health minister"


def test_a_body_called_by_what_it_is_is_the_body_the_article_named() -> None:
    article = (
        "Bluecrest Airlines, the island's main carrier, cancelled 40 flights. "
        "Shieldline, the festival's security contractor, was hired in May. "
        '"No one will pay a cent," the airline said. The contractor said it had no say.'
    )
    assert body_named(article, article.index('"No one'), "the airline") == (
        "Bluecrest Airlines, the airline"
    )
    assert body_named(article, article.index("The contractor"), "The contractor") == (
        "Shieldline, the festival's security contractor"
    )
    # before it is named, or a word that names any firm: no one
    assert body_named(article, 0, "the airline") is None
    assert body_named(article, len(article), "the company") is None
    # the subject of the next clause is no apposition ("Kovrin, the interior ministry said")
    quake = ("It flattened much of the town of Kovrin, the interior ministry said on Monday. "
             "The ministry put the number of injured at 140.")  # fmt: skip
    assert body_named(quake, quake.index("The ministry"), "The ministry") is None


@pytest.mark.parametrize(
    ("article", "key", "naming"),
    [
        (  # "its" is the body the sentence before speaks for
            "The Rail Accident Investigation Office said it had sent a team to the site. "
            "Its chief inspector, Paolo Strand, said it was too early to say.",
            "strand",
            "Paolo Strand, chief inspector of the Rail Accident Investigation Office",
        ),
        (  # else the body that sentence starts with
            "The United Vehicle Workers union called the decision a betrayal. "
            "Its chairman, Tobias Renk, said the union would strike.",
            "renk",
            "Tobias Renk, chairman of the United Vehicle Workers union",
        ),
        (  # a person is no body a role belongs to
            "Health minister Dalia Ferrant visited the site. "
            "Its spokesman, Stefan Strand, said there was no figure.",
            "strand",
            "Stefan Strand, spokesman",
        ),
    ],
)
def test_its_role_belongs_to_the_body_of_the_sentence_before(
    article: str, key: str, naming: str
) -> None:
    assert introductions(article)[key] == naming
    start = article.index("Its")
    assert speaker_at(article, article[start:], start, len(article)) == naming


def test_a_clause_opener_is_no_part_of_a_name() -> None:
    article = "Whether Mira Osk will stay is unclear. Osk said nothing on Tuesday."
    assert introductions(article)["osk"] == "Mira Osk"


def test_an_abbreviation_does_not_cut_a_role_short() -> None:
    article = "John Herrmann, director of U.S. Steel research, said prices rose. Herrmann added."
    assert introductions(article)["herrmann"] == "John Herrmann, director of U.S. Steel research"


def test_a_reporting_verb_before_a_name_is_no_role() -> None:
    article = (
        'Oil will fall further, "analysts see declines," reports Janet Levaux. Levaux adds more.'
    )
    assert introductions(article)["levaux"] == "Janet Levaux"


def test_a_name_is_introduced_on_its_own_line_and_after_its_title() -> None:
    article = (
        "Netanyahu Describes Talks as Positive Amid Growing Pressure\n\nBenjamin Netanyahu\n\n"
        "Israeli Prime Minister Benjamin Netanyahu met U.S. Secretary of State Antony Blinken. "
        "Blinken said talks went well. Netanyahu agreed."
    )
    who = introductions(article)
    # the headline above is no part of the name, nor "State" of the title before it
    assert who["netanyahu"] == "Israeli Prime Minister Benjamin Netanyahu"
    assert who["blinken"] == "Antony Blinken"
    assert introduced("Blinken", article) == "Antony Blinken"


def test_a_role_before_a_name_is_words_not_a_dash() -> None:
    article = (
        "Suh skipped his postgame obligations -- a violation of league rules -- but coach Jim "
        "Caldwell vouched for him after the game. Caldwell said he had not seen it."
    )
    assert introductions(article)["caldwell"] == "Jim Caldwell, coach"
