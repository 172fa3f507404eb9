"""The short answer: the phrase of the asked kind among the span model's spans."""

import pytest

from rag.answer.short import short_span
from rag.answer.speaker_short import speaker_in, speaker_short
from rag.reader.span import Span
from rag.records import Citation, Quote


def _span(sentence: str, *phrases: str, score: float = 1.0) -> Span:
    """A reading whose spans are ``phrases`` of ``sentence``, best first, scores falling."""
    found = []
    for n, phrase in enumerate(phrases):
        at = sentence.index(phrase)
        found.append((score - n * 0.1, at, at + len(phrase)))
    return Span(*found[0], others=tuple(found[1:]))


def _short(question: str, sentence: str, *phrases: str, threshold: float = -5.0) -> str | None:
    where = short_span(question, sentence, _span(sentence, *phrases), threshold)
    return sentence[where[0] : where[1]] if where else None


NIXON = "Cynthia Nixon plays Emily Dickinson, whose poetry suits director Terence Davies."


@pytest.mark.parametrize(
    ("question", "sentence", "phrases", "expected"),
    [
        # A name is the run of capitalised words inside the span, not the clause around it.
        ("Who plays Emily Dickinson?", NIXON, [NIXON[:-1]], "Cynthia Nixon"),
        # ... grown to the whole name when the span cut it.
        ("Which firm does Jones run?", "Jones runs Beechmont Hotels Corporation, a consultancy.",
         ["Beechmont"], "Beechmont Hotels Corporation"),
        # ... but without the titles before the person's name (the labelled names have none).
        ("Who leads?", "The race is led by Vermont Sen. Bernie Sanders, a poll says.",
         ["Bernie Sanders"], "Bernie Sanders"),
        ("Who asked?", "Trust Executive Director Javier Betancourt asked for details.",
         ["Trust Executive Director Javier Betancourt asked"], "Javier Betancourt"),
        # A surname alone keeps its title: "Davis" would not say who.
        ("Who objected?", "Only GOP Sen. Davis objected to the plan.", ["GOP Sen. Davis"],
         "Sen. Davis"),
        # The question's own name is not the answer: the next span that names someone else is.
        ("Who plays Emily Dickinson?", NIXON, ["Emily Dickinson", "Cynthia Nixon"],
         "Cynthia Nixon"),
        # A lone capitalised first word is a name only when no other span gives one.
        ("Who founded the school?", "Since its founding by saxophonist Kidd Jordan, it grew.",
         ["Since its founding by saxophonist Kidd Jordan"], "Kidd Jordan"),
        ("Who runs Hotelied?", "Sharon runs Hotelied, a start-up.", ["Sharon"], "Sharon"),
        # A figure without the clause after it, or the bracket it does not close.
        ("How pure was the sample?", "It was 85 percent pure, with no other drugs in it.",
         ["85 percent pure, with no other drugs in it"], "85 percent pure"),
        ("How much does the Louvre want from donors?",
         "It hopes to raise 1.3 million euros ($1.4 million) from the public.",
         ["1.3 million euros ($1.4 million"], "1.3 million euros"),
        # A long figure span is cut to the figure it holds.
        ("How many affordable homes were built?",
         "In all, 58 units of income-restricted housing were developed in the district.",
         ["58 units of income-restricted housing were developed"], "58 units"),
        # ... with the word before it that changes what it says.
        ("How many affordable homes were built?",
         "Only 58 units of income-restricted housing were developed in the district.",
         ["58 units of income-restricted housing were developed"], "Only 58 units"),
        ("On how many islands have rats been wiped out?",
         "They have eradicated rats from more than a dozen islands in the area.",
         ["a dozen islands"], "more than a dozen islands"),
        ("How much could the Mozilla contract cost Yahoo?",
         "The contract may result in a payment of up to a $1 billion.", ["$1 billion"],
         "up to a $1 billion"),
        # A figure is whole words: "125kph", not the "125k" of the span model's word pieces.
        ("How fast was the slower ball?", "It was a slow (125kph) orthodox spinner.", ["125k"],
         "125kph"),
        # A comparison of speed asks a share or a measure, not the price beside it.
        ("How much faster is the RTX 3080 than the 2080 Ti?",
         "You get 30% better performance than the RTX 2080 Ti for $700.", ["$700", "30%"], "30%"),
        # A price is no clock time.
        ("When did Home Depot hit its high?",
         "Home Depot traded up 0.87% at $104.64, and the high was posted early Monday.",
         ["$104.64", "early Monday"], "early Monday"),
        # "Which party …?": the name that ends in the asked noun, whatever the span model says.
        ("Which party governs Rojava?",
         "The governing party there is the Democratic Union Party (PYD), founded in Ankara.",
         ["Ankara"], "Democratic Union Party"),
        ("Which Columbia institute is he with?",
         "The team was led by Michael Shadlen, of Columbia University’s Mortimer B. Zuckerman "
         "Mind Brain Behavior Institute, and the findings were published in a journal.",
         ["Michael Shadlen"], "Mortimer B. Zuckerman Mind Brain Behavior Institute"),
        # A capitalised word asks for a person ("Tory"), not a name ending in it.
        ("Which senior Tory spoke?", "Last night, senior Tory MP Neil Parish, who led one "
         "Commons Tory rebellion, spoke.", ["Tory MP Neil Parish"], "Tory MP Neil Parish"),
        # "Which states …?" asks for all of them.
        ("Which states are keeping their hedge funds?",
         "Other states, including New Jersey, Ohio, New Mexico, and Illinois, are sticking with "
         "them.", ["Ohio"], "New Jersey, Ohio, New Mexico, and Illinois"),
        ("Which services stream it?", "It is available to rent on Google Play and YouTube.",
         ["YouTube"], "Google Play and YouTube"),
        # A "when" question takes the first span that holds a date, not the best one.
        ("When did the doctor start posting?", "Fernando Caudevilla began posting in April 2013.",
         ["Fernando Caudevilla", "April 2013"], "April 2013"),
        # A live blog's time stamp is when the entry was written, not the asked number.
        ("How many bodies have been found?", "05.20 Seventh body has reportedly just been found.",
         ["05.20"], None),
        ("How many bodies have been found?", "05.20 Seventh body has reportedly just been found.",
         ["05"], None),  # a part of the stamp, grown to the whole number (time dev, round 24)
        ("How many people fled?", "3.25 million people fled the floods.", ["3.25 million people"],
         "3.25 million people"),
        ("How many bodies were spotted?", "04.25 Three bodies were spotted in the sea.",
         ["04.25 Three bodies"], "Three bodies"),
        # A span that ends inside a number is grown to the whole number.
        ("What's the running total under the current mayor?",
         "Officials have filled more than 1,786,300 potholes since 2014.",
         ["more than 1,786"], "more than 1,786,300"),
        # A sum is asked: the first span holding one, cut to it and its qualifier.
        ("How much did Sky spend on Premier League rights?",
         "Sky paid £4.2bn for Premier League rights, but also has 35 dramas planned.",
         ["35 dramas planned", "£4.2bn for Premier League rights"], "£4.2bn"),
        ("How much has the agency spent on pipes?",
         "The agency has invested more than $1 billion in the past five years.",
         ["more than $1 billion in the past five years"], "more than $1 billion"),
        ("How much do the rooms cost?", "Rooms sell for $300/night in summer.",
         ["$300/night in summer"], "$300/night"),
        # The question's own number is not the answer ("10", not "10 municipalities") …
        ("Of the 10 places with the biggest burns, how many rank high for alerts?",
         "Among the 10 municipalities with the largest burnings, seven are also on the list.",
         ["10 municipalities", "seven"], "seven"),
        # … though a number the question writes otherwise may be ("$300k" against "$300").
        ("If a room costs $300k to build, what nightly price should it fetch?",
         "So a room that cost $300,000 to build should sell for $300/night.",
         ["$300/night"], "$300/night"),
        # A year answers "when", not "how much" or "how many".
        ("How much notice did Torres give before the filing cutoff?",
         "In 1998, Torres declared his retirement just three days before the deadline.",
         ["In 1998", "just three days"], "just three days"),
        # … but "how long" may be answered by one.
        ("How long has the IPHC been regulating catches?",
         "The commission has regulated catches since 1924, it says.", ["since 1924"],
         "since 1924"),
        # No span of the asked kind, or a question that asks for no short answer: nothing.
        ("How many people died?", "The storm hit the coast on Sunday.", ["the coast"], None),
        ("Why did the talks fail?", NIXON, ["Cynthia Nixon"], None),
        # A sum keeps the currency sign the span model left out.
        ("How much did F-Squared agree to pay?", "F-Squared Paid $35 Million In A Settlement",
         ["35 Million"], "$35 Million"),
        # A calendar date is no height, nor any measure asked with "how high".
        ("How high did the ash column rise?",
         "It had moved Teravo to level 3 on September 3, after a swarm of quakes.",
         ["September 3"], None),
        # A count read with its verb is the number alone.
        ("How many people were taken hostage during the initial attack?",
         "Approximately 1,200 people were killed, and 251 were taken hostage during the initial "
         "attack.", ["251 were taken"], "251"),
        # Which one of a series: the ordinal, not a capitalised word of the sentence.
        ("Which trip to the region is this for Blinken?",
         "Blinken’s visit marks his ninth trip to the region since the war began in October.",
         ["October"], "ninth trip"),
        # Who a named person is: their title, never another's name.
        ("Who is Isaac Herzog?", "Blinken also met with Israeli President Isaac Herzog.",
         ["Blinken"], "Israeli President"),
        ("Who is Isaac Herzog?", "Blinken also met Isaac Herzog on Monday.", ["Blinken"], None),
        # A name in the possessive owns what is named: not the asked one, but for "whose".
        ("Who at the lab raved about the cocaine?",
         "Caudevilla stressed that, officially, Energy Control’s service is no quality check.",
         ["Energy Control’s", "Caudevilla"], "Caudevilla"),
        ("Whose service tests the drugs?", "It is Energy Control’s service.",
         ["Energy Control’s"], "Energy Control’s"),
        # A month or a weekday is no place, nor anyone's name.
        ("Where was the paper published?", "He introduced the paper in Oslo on Nov. 2.",
         ["Nov", "Oslo"], "Oslo"),
        ("Who won the final?", "On Thursday, the final went to Ruud.", ["Thursday", "Ruud"],
         "Ruud"),
        # A pronoun's contraction is no name, and owns no place.
        ("Where does David Taylor live?", "He’s lovely, and they live in the same building.",
         ["He’s lovely"], None),
        # A place in the possessive: the phrase it owns, not the next name.
        ("Where is the Philadelphi Corridor?",
         "It is a strategic area on Gaza’s southern border with Egypt.", ["Gaza’s", "Egypt"],
         "Gaza’s southern border with Egypt"),
        ("Where did the storm hit?", "It hit Florida’s long and very old and famous coast.",
         ["Florida’s"], None),
        ("Which publishers settled first?", "Deals were reached with Simon & Schuster in October.",
         ["Simon"], "Simon & Schuster"),
        # "for" joins a body's name, not two names (round 20)
        ("What group sued the academies?", "It says the Students for Fair Admissions group sued.",
         ["Fair Admissions"], "Students for Fair Admissions"),
        ("Which team did he join?", "He left the Jets for Chelsea in May.", ["Chelsea"], "Chelsea"),
        # A headline's capitalised runs are no names.
        ("Which court ruled?", "Amazon Liable for Defective Products Rules CA Appellate Court",
         ["Defective Products Rules CA Appellate Court"], None),
        # A name after its owner's is the person ("Morningstar's Karin Anderson").
        ("Who directed Get Out?", "It is a debut from Key & Peele's Jordan Peele.",
         ["Key & Peele's Jordan Peele"], "Jordan Peele"),
        ("Who wrote the report?", "It was written by Stanford University's Center on Poverty.",
         ["Stanford University's Center"], "Stanford University's Center"),
        # ... and the thing the question's owner owns ("The Guardian’s Ophan architect").
        ("What is the Guardian's analytics tool called?",
         "The Guardian’s Ophan architect showed charts.", ["Guardian’s Ophan"], "Ophan"),
        ("Whose special got a mention?", "It recalls SNL’s “Martha Stewart’s Topless Christmas.”",
         ["Martha Stewart’s Topless Christmas"], "Martha Stewart’s Topless Christmas"),
        # A sum is asked of revenue, a duration keeps "later", a time more than "pm".
        ("How much revenue did WhiteWave bring in?", "Net sales climbed 35% to $857 million.",
         ["35%", "$857 million"], "$857 million"),
        ("How long after the trials did pests strike?",
         "Thirty years later, the strawberries were struggling.", ["Thirty years"],
         "Thirty years later"),
        ("What time of day was the story posted?", "Posted: 10:11 pm CST.", ["pm"], "10:11 pm"),
        ("What time of day was the story posted?", "Posted late pm CST.", ["pm", "late"], None),
        # A photo's credit names its photographer, and the outlet after it: neither answers.
        ("Who attacked London Rene?",
         "Kevin C. Downs/for New York Daily News London Rene suffered scars from the attack.",
         ["Kevin C. Downs", "New York Daily News"], None),
        ("Which hospital will receive the dead?",
         "Ambulances lined up to receive bodies — Tom Phillips (@tomphillipsin) December 31, 2014",
         ["Tom Phillips"], None),
    ],
)  # fmt: skip
def test_short_span(question: str, sentence: str, phrases: list[str], expected: str | None):
    assert _short(question, sentence, *phrases) == expected


EUSTICE = "Even George Eustice, the environment secretary, backed the plan."
ARTICLE = (
    "Farmers were angry. " + EUSTICE + " The minister, George Eustice, said it would pass. "
    "Thus, the vote went ahead. It was even closer than thought, said Varadkar. "
    "Varadkar agreed. " + NIXON
)


@pytest.mark.parametrize(
    ("question", "sentence", "phrases", "expected"),
    [
        # The first word is capitalised whatever it is: a name only where the article writes
        # it as one, mid-sentence and never in lower case.
        ("Who backed the plan?", EUSTICE, [EUSTICE[:19]], "George Eustice"),
        ("Who decided?", "Thus, the vote went ahead.", ["Thus"], None),
        ("Who agreed?", "Varadkar agreed.", ["Varadkar"], "Varadkar"),
        # A first name is written only before its surname, never in lower case: it stays.
        ("Who plays Emily Dickinson?", NIXON, ["Nixon"], "Cynthia Nixon"),
    ],
)  # fmt: skip
def test_a_first_word_is_a_name_where_the_article_writes_it_as_one(
    question: str, sentence: str, phrases: list[str], expected: str | None
):
    where = short_span(question, sentence, _span(sentence, *phrases), -5.0, ARTICLE)
    assert (sentence[where[0] : where[1]] if where else None) == expected
    if expected == "George Eustice":  # without the article, "Even" is taken into the name
        assert _short(question, sentence, *phrases) == "Even George Eustice"


def test_an_abbreviation_with_dots_is_one_word_of_a_name():
    sentence = "The U.S. came last, after Norway and Finland."
    assert _short("Which country came last?", sentence, "The U.S.") == "U.S."


def test_a_long_figure_span_is_cut_to_the_sum_it_holds():
    sentence = "A fall in prize money meant the group went into reverse after a £12m loss."
    span = "meant the group went into reverse after a £12m"
    assert _short("How much money did the group lose?", sentence, span) == "£12m"


def test_an_age_beside_the_asked_name_needs_no_confidence_of_the_span_model():
    sentence = "Prelogar, 43, argues the government’s most consequential cases."
    assert _short("How old is Elizabeth Prelogar?", sentence, "argues", threshold=5.0) == "43"


def test_the_question_s_own_name_with_a_title_is_no_answer():
    sentence = "“No, Justice Alito,” Prelogar said in Trenton."
    assert _short("Where is Alito from?", sentence, "Justice Alito", "Trenton") == "Trenton"


def test_below_the_threshold_there_is_no_short_answer():
    assert _short("Who plays Emily Dickinson?", NIXON, "Cynthia Nixon", threshold=2.0) is None


@pytest.mark.real_model
def test_the_real_span_model_gives_the_name_not_the_clause():
    from rag.reader.features import Candidate
    from rag.reader.model import Reader
    from rag.records import Quote

    reader = Reader()
    question = "Who plays the poet Emily Dickinson in A Quiet Passion?"
    quote = Quote("d", "", "", NIXON, 0, len(NIXON), 0.0)
    span = reader.span_model.read(question, [Candidate(quote, 0, 1.0, NIXON)])[0]
    where = short_span(question, NIXON, span, reader.thresholds.short)
    assert where is not None and NIXON[where[0] : where[1]] == "Cynthia Nixon"


@pytest.mark.parametrize(
    ("sentence", "speaker", "name"),
    [
        ("“It was subjective,” Dr. Shadlen says.", "Dr. Shadlen", "Dr. Shadlen"),
        ("Osk apologised.", "Mira Osk, Tarrow Valley Railways' chief executive", "Osk"),
        # the body a role belongs to is not who spoke
        ("Tarrow Valley Railways apologised.", "Mira Osk, Tarrow Valley Railways' chief", None),
        ("The head, Mira Osk, said so.", "The operator's chief executive, Mira Osk", "Mira Osk"),
        ("Dennise Laboy said she felt ignored.", "Throgs Neck resident Dennise Laboy",
         "Dennise Laboy"),
        ('"No," spokesman Tomas Reil said.', "Bluewater Sound Lines (spokesman Tomas Reil)",
         "Tomas Reil"),
        ("Ursula von der Leyen said so.", "Ursula von der Leyen", "Ursula von der Leyen"),
        ("John W. Houston, a director, announced it.", "John W. Houston", "John W. Houston"),
        ("The haul was announced, Customs and Border Protection said.",
         "Customs and Border Protection", "Customs and Border Protection"),
        ("Prices rose, according to Cirium schedule data.", "Cirium schedule data", "Cirium"),
        # a role is no name: the name is after the body it is a role of
        ("Prices rise, Chief Financial Officer of Super Value Debra Symonette said.",
         "Chief Financial Officer of Super Value Debra Symonette", "Super Value Debra Symonette"),
        # the outlet or body that owns the name is not the speaker's name
        ('"Russia is a reminder," writes Morningstar\'s Karin Anderson.',
         "Morningstar's Karin Anderson", "Karin Anderson"),
        ("The Government said it would act.", "the Government", None),  # no name to give
        ("He said it was over.", "Mira Osk", None),
    ],
)  # fmt: skip
def test_who_said_is_answered_with_the_speaker_s_name(sentence, speaker, name):
    at = speaker_in(sentence, speaker)
    assert (sentence[at[0] : at[1]] if at else None) == name


def test_the_speaker_s_name_may_come_from_the_next_cited_sentence():
    article = (
        '"It doesn\u2019t take a genius." "It just doesn\u2019t," said Jeff Miller, a councilman.'
    )
    end = article.index('." ') + 2
    best = Quote("a", "A", "src", article[:end], 0, end, 0.9, None, None)
    cites = [
        Citation(1, "a", "A", "src", article[:end], 0, end, 0.9, None),
        Citation(2, "a", "A", "src", article[end + 1 :], end + 1, len(article), 0.8, None),
    ]
    short = speaker_short(best, "Jeff Miller, a councilman", cites)
    assert short is not None and short.text == "Jeff Miller" and short.marker == 2
    assert article[short.start : short.end] == "Jeff Miller"


def test_a_count_the_span_model_never_read_is_the_asked_people_s():
    sentence = "The governor counted 51 dead late on Monday, and 140 people were injured."
    where = short_span("How many people had died by Monday?", sentence, None, 0.0)
    assert where is not None and sentence[where[0] : where[1]] == "51 dead"
    assert short_span("Who counted the dead?", sentence, None, 0.0) is None


def test_what_year_is_answered_by_a_year():
    sentence = "Adoboli was given a seven-year sentence in 2012."
    question = "What year was Adoboli imprisoned?"
    assert _short(question, sentence, "seven-year", "in 2012") == "in 2012"


def test_an_age_is_no_count():
    sentence = "They scaled back the search for the last person still missing, a 34-year-old."
    assert _short("How many people are still missing?", sentence, "34-year-old") is None


def test_a_part_of_a_list_of_counts_is_no_total():
    sentence = "On board were 155 Indonesians, three South Koreans, and one person from Britain."
    assert _short("How many people were on board?", sentence, "three South Koreans") is None
    whole = "The plane carried 162 people, 155 of them Indonesians."
    assert _short("How many people were on board?", whole, "162 people") == "162 people"


@pytest.mark.parametrize(
    ("question", "sentence", "phrases", "expected"),
    [
        # a company's suffix alone is no name
        ("Which executive revealed OnPoint's new deal?",
         "PORTLAND -- John W. Houston, managing director of Raymond James Financial Services, "
         "Inc., announced that OnPoint has partnered with Raymond James.",
         ["Inc", "John W. Houston"], "John W. Houston"),
        # a name after "a" or "an" is no place
        ("Where did Avalos and her boyfriend drive to fetch a vehicle?",
         "Avalos told investigators that she and her boyfriend had gone to Bakersfield "
         "together to retrieve a Jeep and she followed him back.",
         ["Jeep", "Bakersfield"], "Bakersfield"),
    ],
)  # fmt: skip
def test_a_span_of_no_name_or_place_is_passed_over(question, sentence, phrases, expected):
    assert _short(question, sentence, *phrases) == expected
