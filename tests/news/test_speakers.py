"""Who a quoted claim is attributed to (rag.news.speakers)."""

from __future__ import annotations

import pytest

from rag.news.naming import same_speaker, speaks_as
from rag.news.speakers import speaker_of


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ('"We have found 40 bodies," said First Admiral Widodo, a navy spokesman.',
         "First Admiral Widodo, a navy spokesman"),
        ("Bambang Soelistyo, head of the search and rescue agency, said three bodies had been "
         "recovered.", "Bambang Soelistyo, head of the search and rescue agency"),
        # Who claim an act, as one body (round 23)
        ("The gang still says it holds the records of 600,000 patients.", "The gang"),
        # A reporting verb's participle after a determiner or a preposition is no verb.
        ("It's been answered by David Taylor, a data scientist in Montreal, who's made an "
         "animation of predicted white Christmases.", None),
        # A statement's words are its issuer's.
        ("Following the talks with Blinken, Netanyahu’s office released a statement reiterating "
         "Israel’s commitment to the latest American proposal.", "Netanyahu’s office"),
        ('Amazon issued a separate statement saying, “It allows us to grow our business.”',
         "Amazon"),
        # a name, then its role: both, so that a question naming the role finds the speaker
        ("Dr Hanna Lind, the hospital's medical director, said the staff were tired.",
         "Dr Hanna Lind, the hospital's medical director"),
        ("According to the Indonesian navy, 40 bodies were found.", "the Indonesian navy"),
        # a company's suffix set off by commas is no appositive (the speaker was "Inc.")
        ("PORTLAND -- John W. Houston, managing director of Raymond James Financial Services, "
         "Inc., announced that OnPoint has partnered with Raymond James.", "John W. Houston"),
        ("Over 40,000 people have died, according to the Hamas-run health ministry.",
         "the Hamas-run health ministry"),
        ("A spokesman for the navy said the count was wrong.", "A spokesman for the navy"),
        ("In a statement, Hamas said it would not accept the proposal.", "Hamas"),
        # a participle of speech after the main clause: its subject said it
        ("Earlier in the day, Blinken also met Isaac Herzog, emphasizing that this might be "
         "the last opportunity.", "Blinken"),
        ("The institute lowered its alert on Thursday, saying no explosion had been recorded.",
         "The institute"),
        # verbs of stance, a subject that acts then speaks, the name after its role
        ("In a statement on Friday, the union accused the company of stalling.", "union"),
        ("The harbour authority put the count at nine, and said more were missing.",
         "The harbour authority"),
        ("The mayor of Kelso, Dana Fyfe, visited the shelter and urged calm.",
         "The mayor of Kelso Dana Fyfe"),
        ("The river rose overnight and flooded the lower town.", None),
        # a verb inside the quotation is the quoted person's, not the attribution
        ('"I told them to wait," said Pia Lund, the ferry\'s owner.', "Pia Lund"),
        ("Coast guard commander Ana Ruiz said the ferry had capsized at dawn.",
         "Coast guard commander Ana Ruiz"),
        ("Netanyahu's office denied the report.", "Netanyahu's office"),
        ("U.S. Secretary of State Antony Blinken said Israel had accepted the proposal.",
         "U.S. Secretary of State Antony Blinken"),
        ("The talks collapsed, Reuters reported on Sunday.", "Reuters"),
        ("Rescuers, who worked through the night, said the sea was rough.", "Rescuers"),
        # estimates and beliefs are claims; who puts a figure at a number gives it
        ("Officials estimate that 12,000 people joined the march.", "Officials"),
        ("Organisers put the crowd at 40,000.", "Organisers"),
        ("Police put the number of protesters at 12,000, far fewer than organisers claimed.",
         "Police"),
        ("Growth forecasts were cut in March.", None),
        ("An estimated 12,000 people marched.", None),
        # an age after the name; a clause's opening word is no part of the name
        ("Smith, 45, a teacher from Leeds, said she had waited six hours.", "Smith"),
        ("As Reuters reported on Sunday, the plane climbed steeply.", "Reuters"),
        # a role, then the name in apposition: the name
        ("“Output is at 60 percent,” the company's human resources director, Clara Fenn, said.",
         "director Clara Fenn"),
        ("The attack shocked the family, the father said.", "father"),
        # a role with a possessive, its holder named after a comma
        ('"The warning went out at 4pm," said its director, Noor Haddad.',
         "its director Noor Haddad"),
        ("The plane was carrying 162 people.", None),
        # appositives and clauses between the subject and its verb; the listener of "told"
        ("Sister Ann Holt, the head of the order, who was the only one without a habit, told "
         "reporters that the report was fair.", "Sister Ann Holt, the head of the order"),
        ("A senior ministry official, speaking on condition of anonymity, told Harbour Radio "
         "that the count was wrong.", "A senior ministry official"),
        ("In an interview with Coast FM on Saturday, the mine's chief executive, Piet Lenz, "
         "said the company would pay for the funerals.", "Piet Lenz"),
        ("Kai Moss, defending, said Dunn had 20 years of experience.", "Kai Moss, defending"),
        ("While Hamas sources suggest that the IDF would keep a reduced presence, Israeli "
         "sources say otherwise.", "Hamas sources"),
        ("Orla Kent, whose company in Ashby depends on Brannock, said she had sent 40 of her "
         "120 workers home.", "Orla Kent"),
        ("The Western Grid Operator, the nonprofit body that runs the network for most of the "
         "state, said it had no choice.", "The Western Grid Operator"),
        ("Industry minister Ana Bren, who arrived at the pit on Monday, promised that the "
         "government would spare nothing.", "Industry minister Ana Bren"),
        ('"We are joining the best alliance there is," Nils Pahl, senior vice president of '
         'fleet, finance and alliances, said.', "Nils Pahl, senior vice president of fleet"),
        # the one quoted, an outlet's report, a role with its modifiers after "says"
        ('"I regret nothing," local papers quote Salinas as saying.', "Salinas"),
        ("According to a report in the Daily Courier, the air force is to get new jets.",
         "the Daily Courier"),
        ('"They will shrug and say no," says a senior Afghan economic official.',
         "a senior Afghan economic official"),
        ("Muller criticized the sisters' choice of speakers.", "Muller"),
        # naming something in quotation marks is the subject's claim
        ('Green Bay coach Mike McCarthy was much less diplomatic, going so far as to call '
         'Suh\'s play "ridiculous."', "Green Bay coach Mike McCarthy"),
        ('Seddique Mateen met reporters at his home and called the massacre by his son '
         '"the act of a terrorist."', "Seddique Mateen"),
        ("The search was called off at dusk.", None),
        ("The sea was rough and the search was called off at dusk.", None),
        # a relative clause between subject and verb; a role set after a name; a title
        ("A spokeswoman for the prefecture, who asked not to be named because she was not "
         "authorised to speak, said the hall had run short of beds.",
         "A spokeswoman for the prefecture"),
        ('"We will lift it," Dominic Arlott, Ellesford Water\'s chief executive, told '
         "reporters.", "Dominic Arlott, Ellesford Water's chief executive"),
        ('"It is bad for pregnant women," said Dr. Walid Abu Hatab, an obstetrician.',
         "Dr. Walid Abu Hatab"),
        # adverbs and auxiliaries between the speaker and the verb
        ("Graham Ostby has since conceded that no engineer had been sent.", "Graham Ostby"),
        ("2:10pm: Halcyon Live's barrister, Gideon Fairlie, has told the inquiry that the "
         "company does not accept the estimate.", "Halcyon Live's barrister Gideon Fairlie"),
        # a day is when it was said, not who said it
        ("The World Health Organization on Monday said the number of people infected has "
         "passed 20,000.", "The World Health Organization"),
        ('"When I look in the mirror I\'m angry," Rene, 37, said Wednesday.', "Rene"),
        ('"We are ready," said Monday Okafor, the coach.', "Monday Okafor, the coach"),
        # an initial's full stop ends no name
        ("“It’s very much something to worry about,” said C. Eugene Steuerle, a fellow at the "
         "Urban Institute.", "C. Eugene Steuerle"),
        # a wire dateline is where the copy was filed, not who speaks
        ("SEOUL, Aug. 20 (Yonhap) -- North Korea's official newspaper blasted South Korea on "
         'Tuesday, warning that Seoul will pay dearly for such "stupid" acts.',
         "North Korea's official newspaper"),
    ],
)  # fmt: skip
def test_attributed_claims_carry_their_speaker(sentence: str, speaker: str | None) -> None:
    assert speaker_of(sentence) == speaker


def test_a_pronoun_is_the_last_named_speaker_before_it() -> None:
    before = "Bambang Soelistyo said the sea was rough. Waves reached three metres. "
    assert speaker_of("He told reporters the search would continue.", before) == (
        "Bambang Soelistyo"
    )


def test_a_pronoun_after_a_quote_split_over_two_sentences_is_resolved() -> None:
    # The closing mark of a quote opened in the sentence before is not an open quote.
    before = ('Chair Greta Hollis said the offer was the best way to protect the business. '
              '"We looked hard at staying independent. ')  # fmt: skip
    said = 'This deal gives our people a stronger future," she said.'
    assert speaker_of(said, before) == "Chair Greta Hollis"
    assert speaker_of("This deal is good,” she said.", before) == "Chair Greta Hollis"


@pytest.mark.parametrize(
    ("after", "speaker"),
    [
        ('"We have no record of it," spokesman Tomas Reil told the Herald.',
         "Bluewater Sound Lines (spokesman Tomas Reil)"),
        ('"Our lines were in good condition," company spokeswoman Beth Annand said.',
         "Bluewater Sound Lines (company spokeswoman Beth Annand)"),
        # someone else speaking next, or the same voice again, is no representative
        ('"They are lying," said Mia Holt, a crew member.', "Bluewater Sound Lines"),
        ('"We regret it," Bluewater Sound Lines said.', "Bluewater Sound Lines"),
        ("The ferry sank in an hour.", "Bluewater Sound Lines"),
    ],
)  # fmt: skip
def test_a_body_speaks_through_the_representative_quoted_next(after: str, speaker: str) -> None:
    said = "Bluewater Sound Lines denied that any complaint had been made."
    assert speaker_of(said, "", after) == speaker


def test_an_unresolvable_pronoun_is_no_speaker() -> None:
    assert speaker_of("She said the talks would go on.", "") is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Blinken", "U.S. Secretary of State Antony Blinken", True),
        ("the navy", "the Indonesian navy", True),
        ("Hamas", "a Hamas official", True),
        ("Hamas", "Israel", False),
        ("Netanyahu", "Netanyahu's office", True),
        ("Netanyahu", "Netanyahu’s office", True),  # a curly apostrophe
        (None, "Hamas", False),
        ("Muller", "Gerhard Müller", True),  # one name, spelt with and without its accent
        # A question names the speaker by role, the article by name and title.
        ("the head of the rail operator", "Mira Osk, the operator's chief executive", True),
        ("the utility's boss", "Arne Holt, chief executive", True),
        ("Andrew Hartley's barrister", "Michael Fitton, defending", True),
        ("the governor of Upper Zeravan", "Selim Arda, the region's governor", True),
        ("the head of the rail operator", "Stefan Strand, a driver for the operator", False),
        ("the head of the rail operator", "Paolo Strand, chief inspector", False),
        (
            "the head of the Wikimedia Foundation",
            "Katherine Maher, Executive Director of the Wikimedia Foundation",
            True,
        ),
        # The boss of one body is not the director of another.
        ("the utility's boss", "Tomas Lind, the regulator's director", False),
        ("Ombra Power's chief", "Teodor Vasko, chief executive", True),
        # Two people with one title are two people.
        ("Dalia Ferrant, health minister", "Aleks Bren, industry minister", False),
        ("Selim Arda, the region's governor", "Rana Velic, the state governor", False),
        ("Gov. Inslee", "Governor Jay Inslee", True),
        # A body's own statement is not its leader's; its spokesman speaks for it.
        ("the utility's boss", "The utility", False),
        ("Ombra Power's chief", "Ombra Power", False),
        ("the navy", "a spokesman for the navy", True),
        # "official" names no one role: any role holder of the body
        (
            "the city's top health official",
            "Dr Nadia Kesteven, the city's director of health",
            True,
        ),
        ("the city's top health official", "Mayor Ruth Abernet", False),
        # a body and who spoke for it: either is the speaker
        ("Tobias Renk", "The vehicle union (Tobias Renk, chairman of the vehicle union)", True),
        ("the union", "The vehicle union (Tobias Renk, chairman of the vehicle union)", True),
        ("Solvane's boss", "The vehicle union (Tobias Renk, chairman of the Vehicle union)", False),
    ],
)
def test_same_speaker(a: str | None, b: str, same: bool) -> None:
    assert same_speaker(a, b) is same


def test_a_role_keeps_its_modifiers() -> None:
    sentence = "The fire has burned 14,500 hectares, the county emergency office said on Monday."
    assert speaker_of(sentence) == "county emergency office"


def test_a_phrase_after_an_inverted_verb_is_no_speaker() -> None:
    sentence = ('"We keep our commitments," the company\'s human resources director, Clara Fenn, '
                "said in a statement.")  # fmt: skip
    assert speaker_of(sentence) == "director Clara Fenn"


def test_a_quote_that_runs_on_is_the_speaker_s_named_where_it_closes() -> None:
    after = (' Shelter is the most urgent need," its regional director, Leyla Tamar, said.'
             " The army said it had flown in tents.")  # fmt: skip
    first = '"People are sleeping in their cars and in the snow.'
    assert speaker_of(first, "", after) == "director Leyla Tamar"
    # a sentence outside a quotation is not attributed by the next one
    assert speaker_of("People are sleeping in their cars.", "", after) is None


def test_a_name_after_a_capitalised_function_word_is_the_name() -> None:
    before = "For Ingrid Sola, a retired teacher, the lights came back on Tuesday. "
    said = '"When the power came on, my neighbour started to cry," she said.'
    assert speaker_of(said, before) == "Ingrid Sola"


def test_a_quotation_that_opens_after_an_attributed_one_goes_on_with_its_speaker() -> None:
    before = (
        '"Businesses are moving to a digital-first world," says Michael Litt, co-founder '
        "and CEO of Vidyard. "
    )
    sentence = '"Video is a huge part of that as it is simply more efficient than text.'
    assert speaker_of(sentence, before) == "Michael Litt"
    assert speaker_of(sentence, "The company grew fast. ") is None


def test_a_whole_quotation_after_an_attributed_one_is_the_same_speaker_s() -> None:
    before = ('"We have been asking for years," the town\'s mayor, Teodor Massi, told the '
              "Times. ")  # fmt: skip
    assert speaker_of('"Every summer the barriers are the same."', before) == ("mayor Teodor Massi")
    # a live blog's time stamp before the quotation changes nothing
    assert speaker_of('08:50 — "Every summer the barriers are the same."', before) == (
        "mayor Teodor Massi"
    )
    assert speaker_of('"Every summer the barriers are the same."', "It rained. ") is None


@pytest.mark.parametrize(
    "after",
    [
        "That was the verdict of Wendell Amari, who leads the Green group.",
        "The words were those of Wendell Amari, after a visit to the unit.",
        "Those were the only words Wendell Amari offered reporters.",
    ],
)
def test_a_quotation_named_by_the_sentence_after_it_is_that_speaker_s(after: str) -> None:
    # a quotation in one sentence, and one that runs on over two
    assert speaker_of('"It was always one accident away from this."', "", after) == (
        "Wendell Amari"
    )
    closing = 'It is a danger." ' + after
    assert speaker_of('"We have had women driven twenty miles.', "", closing) == "Wendell Amari"
    assert speaker_of('"It was always one accident away."', "", "The river rose.") is None


def test_a_long_quotation_is_its_closing_speaker_s() -> None:
    sentence = "\u201cI don\u2019t want to be misunderstood on this point."
    after = (
        "The FDA has approved them. It\u2019s found that they\u2019re safe. I am not "
        "contesting that. I don\u2019t want to be misunderstood. I\u2019m sure I will be. "
        "I just want to emphasize I\u2019m not making that point,\u201d Alito said."
    )
    assert speaker_of(sentence, "", after) == "Alito"
    # a quotation that never closes before another opens is not the next speaker's
    assert speaker_of(sentence, "", "\u201cNo,\u201d Prelogar said.") is None


def test_it_is_said_is_said_by_no_one() -> None:
    assert speaker_of("It\u2019s said that the benefits greatly outweigh the risks.") is None
    # the publication's "we" outside quotation marks is no one a citation names
    assert speaker_of("As we said in our RTX 3080 review, it is well priced.", "The RTX. ") is None


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The utility said 85,000 customers had lost power.", "The utility"),
        ("The railway said seven passengers had died.", "The railway"),
        ("The morgue said it had received 74 bodies.", "The morgue"),
        ('"Meadows screwed everybody," said one GOP operative in the state.', "one GOP operative"),
        ("“Don’t get nervous,” instructed Milton Velez, the district supervisor.", "Milton Velez"),
    ],
)
def test_bodies_that_speak_as_one(sentence: str, speaker: str) -> None:
    assert speaker_of(sentence) == speaker


@pytest.mark.parametrize(
    ("asked", "speaker", "speaks"),
    [
        ("union leader Jonas Weir", "union", False),
        ("union leader Jonas Weir", "the union leader", True),
        ("union leader Jonas Weir", "Weir", True),
        ("coast guard commander Ines Varga", "The coast guard", False),
        ("Hamas officials", "Hamas", True),
        ("an unnamed ministry source", "the health ministry", True),
        ("Brannock's HR director", "Clara Fenn, Brannock's human resources director", True),
        ("the navy", "a spokesman for the navy", True),
    ],
)
def test_a_body_does_not_speak_as_the_person_who_holds_its_role(
    asked: str, speaker: str, speaks: bool
) -> None:
    assert speaks_as(asked, speaker) is speaks


def test_he_or_she_is_a_person_not_a_body_or_many() -> None:
    before = ("Officials said on Monday they hoped to keep it below that, but Achterberg "
              "warned that the next two weeks would decide it. ")  # fmt: skip
    assert speaker_of('"Measles does not read our charts," he said.', before) == "Achterberg"
    assert speaker_of('"We will not pay," it said.', "The ministry said it was false. ") == (
        "The ministry"
    )


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The fire corps put the burned area at 7,200 hectares yesterday evening.",
         "The fire corps"),
        ("The National Space Office, whose satellite service published its first estimate, "
         "gave a figure of 8,900 hectares.", "The National Space Office"),
        ("Jobs remain 4.6 percent below the peak, according to data compiled by Bloomberg.",
         "Bloomberg"),
        ("Prices rose 3 percent, according to official figures from the Office for National "
         "Statistics.", "the Office for National Statistics"),
    ],
)  # fmt: skip
def test_who_gives_a_figure_is_its_source(sentence: str, speaker: str) -> None:
    assert speaker_of(sentence) == speaker


def test_a_quotation_is_the_speaker_s_named_by_the_next_sentence_of_its_paragraph() -> None:
    after = (
        " Marianne Hollis, 58, whose house was flattened, said nobody did. She was "
        "staying with her sister."
    )
    assert speaker_of('"We rang the number twice."', "The council said it hoped.\n\n", after) == (
        "Marianne Hollis"
    )
    # run on over two sentences: the quote's own "They told us" is no attribution
    closing = 'They told us someone would come out."' + after
    assert speaker_of('"We rang the number twice.', "", closing) == "Marianne Hollis"
    assert speaker_of(closing.split('"')[0] + '"', '"We rang the number twice. ', after) == (
        "Marianne Hollis"
    )
    # the next paragraph, or a pronoun, names no one
    assert speaker_of('"We rang twice."', "", "\nMarianne Hollis said nobody did.") is None


def test_a_pronoun_before_adverbs_is_resolved() -> None:
    before = "Norrant's chief executive, Graham Ostby, said the company was sorry. "
    assert speaker_of("He also conceded that no engineer had been sent.", before) == (
        "Norrant's chief executive Graham Ostby"
    )


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        # a long inverted speaker, cut only by the word limit
        (
            "Around 400 firefighters were working the fire on Saturday, said regional fire "
            "commander Dana Kowal of the State Fire Service.",
            "regional fire commander Dana Kowal",
        ),
        # a relative clause's verb: its subject spoke, not the words inside it
        (
            "Molloy, who on Saturday said the defences were holding, said on Monday that he "
            "wanted a review.",
            "Molloy",
        ),
        # anyone the attribution of a quotation names, named or not
        ('"That is not rural recreation," said someone at the meeting.', "someone at the meeting"),
        ('"Are you OK?" the voice asked.', "the voice"),
        ('"I think our best example is the Customs Service," Prelogar responded.', "Prelogar"),
        # adverbs and when it was said, between the speaker and the verb
        ("James Hansen first warned Congress of the threat in 1988.", "James Hansen"),
        ("Karenga matter-of-factly explained that the forces were many.", "Karenga"),
        # no one speaks
        ("All told, it's a neat narrative.", None),
        ("Eventually recalled by the Reich, Peters was rehabilitated.", None),
        ("The advent of COVID-19 added a new level of complexity to travel.", None),
        ("Kevin Yearout has added about 80 jobs to his company since July.", None),
        ("It was not clear if the figures reported by the companies were comparable.", None),
        ("In 2021, the Senate confirmed Prelogar by a vote of 53-36.", None),
        ("The Economist: You say that groups can make better decisions.", None),
    ],
)
def test_attribution_forms_of_real_articles(sentence: str, speaker: str | None) -> None:
    # Forms met in evals/speakers' dev articles (measured there: evals/speakers/README.md).
    assert speaker_of(sentence) == speaker


def test_a_quotation_that_runs_on_keeps_the_speaker_where_it_opened() -> None:
    before = (
        '"I lost two verdicts and both of them turned out wrong," Holtz said. "No. 1 the Big '
        "Ten would have somebody in and Ohio State had a chance. "
    )
    assert speaker_of('Both times he ruled against me."', before) == "Holtz"
    inside = "Not satisfied, Alito continued: “What is your best example? "
    assert speaker_of("Is there one at all?”", inside) == "Alito"
    # an attribution split from its quotation ("… co-author!” Rothman said.") still counts
    split = "“They would be a co-author today!” Rothman said. "
    assert speaker_of("“Automatically, they’d be a co-author.”", split) == "Rothman"


def test_a_quotation_over_paragraphs_is_one_speakers() -> None:
    before = (
        "“Amazon has avoided being liable for years,” noted product liability lawyer Jim "
        "Dunham. “Most courts have said they’re not a seller at all.\n"
        "“If it holds up, Amazon will have to step back. "
    )
    assert speaker_of("It’s that big.", before) == "product liability lawyer Jim Dunham"
    # a paragraph whose quotation is closed carries no speaker into the next one
    closed = "“Amazon has avoided being liable for years,” noted lawyer Jim Dunham.\n“It is big. "
    assert speaker_of("Really big.”", closed) is None


def test_a_pronoun_passes_over_quoted_names_places_and_the_same_pronoun() -> None:
    before = (
        "Ludwig Kreuzberg grows the grape on the Ahr. "
        '"The wine is smoother than Pinot Noir," he says. '
    )
    assert speaker_of('"It is elegant," he adds.', before) == "Ludwig Kreuzberg"
    placed = "It has been answered by David Taylor, a data scientist in Montreal. "
    assert speaker_of('"I was cruising around," he says.', placed) == "David Taylor"
    chain = "Elizabeth Prelogar grew up in Boise. As a teen she won the Miss Idaho title. "
    said = "She said she used the money for law school."
    assert speaker_of(said, chain) == "Elizabeth Prelogar"


def test_the_one_asked_a_question_answers_it() -> None:
    before = "At a press conference, a reporter asked Montoya-Lewis, “What is the problem?”\n"
    said = "“The biggest hurdle is getting people to understand,” she replied."
    assert speaker_of(said, before) == "Montoya-Lewis"


def test_it_says_after_a_body_named_in_the_sentence_is_that_body() -> None:
    sentence = (
        "14.30 Latest figure from Tessa Valley Power: about 210,000 households without power, "
        'it says, "and falling every hour".'
    )
    assert speaker_of(sentence, "Mayor Hanna Voss said the count was wrong. ") == (
        "Tessa Valley Power"
    )


def test_it_said_is_the_body_its_own_sentence_opens_with() -> None:
    # time dev's hacked hospitals: "it" is the health group, not the gang of the sentence before
    before = "The gang still says it holds the records of 600,000 patients. "
    said = ("The health group disputes that: on Sunday it said its own review had found that "
            "the data of about 41,000 patients had been taken.")  # fmt: skip
    assert speaker_of(said, before) == "The health group"
