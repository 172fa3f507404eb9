"""Figures in quotes and whether cited figures conflict, changed or agree (rag.news.figures)."""

from __future__ import annotations

import pytest

from rag.news.asked import asked_quantity
from rag.news.counts import figures_of
from rag.news.figures import DISPUTED, compared_figure, disagreements

NAVY = "The navy said 40 bodies had been recovered from the sea."
AGENCY = "Bambang Soelistyo said three bodies had been recovered."


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        (NAVY, [(40, "bodies")]),
        (AGENCY, [(3, "bodies")]),
        ("There were 155 passengers and seven crew on board.", [(155, "aboard"), (7, "aboard")]),
        ("The plane was carrying 162 people, including 16 children.",
         [(162, "aboard"), (16, "children")]),
        ("The death toll rose to 45 on Tuesday.", [(45, "deaths")]),
        ("At least 12 people were killed when the ferry capsized.", [(12, "deaths")]),
        ("About 30 rescue ships and 1,200 soldiers joined.", [(30, "ships"), (1200, "soldiers")]),
        # increments, years, time spans and percentages are not counts
        ("Three more bodies were found in 2014, 30 percent of them after 10 days.", []),
        ("Twenty-one people were injured.", [(21, "injured")]),
        ("Three people have died in the floods.", [(3, "deaths")]),
        ("As many as 240 people may have boarded, the harbourmaster said.", [(240, "aboard")]),
        # an estimate is not a toll
        ("111 hostages are still held, with 39 presumed dead.",
         [(111, "hostages"), (39, "presumed dead")]),
        # people not aboard anything are counted by what happened to them
        ("About 1,200 people were evacuated from the town.", [(1200, "people evacuated")]),
        ("The fire forced 300 people from their homes.", [(300, "people forced")]),
        ("The flood displaced 20,000 people.", [(20000, "people evacuated")]),
        ("Police arrested 14 people.", [(14, "people arrested")]),
        ("The tour group included 12 people.", [(12, "people")]),
        ("Seven people remain unaccounted for.", [(7, "missing")]),
        # a live blog's time stamp and an ordinal are no count
        ("05.20 Seventh body found, officials say.", []),
        # tallies named before their number
        ("The number of people confirmed dead rose to 31 on Tuesday.", [(31, "deaths")]),
        ("The toll climbed, and officials put the tally of bodies at 40.", [(40, "bodies")]),
        ("Police said the number of homes searched was twelve.", [(12, "homes")]),
        ("The toll, put by police at three, includes a rescuer.", [(3, "deaths")]),
        ("Prices rose in a number of shops.", []),
        # a range is an estimate, not a count; "from X to Y" gives the new figure
        ('A pilot said: "There are seven to eight people."', []),
        ("Between 1,200 and 1,500 people were evacuated.", []),
        ("The company's count rose from 2,100 to 2,900 workers.", [(2900, "workers")]),
        # what happened to people, said before their number or by a state without a noun
        ("Gunmen opened fire, killing at least 19 people, including 17 foreigners.",
         [(19, "deaths"), (17, "foreigners")]),
        ("The blast injured 40 people.", [(40, "injured")]),
        # those crews treated were hurt (time dev's crush: 54 injured against "well over 80")
        ("Our crews treated well over 80 people, at the scene and on the way to hospital.",
         [(80, "injured")]),
        ("The clinic has treated 300 patients this year.", [(300, "patients")]),
        # a utility's households and a council's homes count one thing (time dev's spill)
        ("The notice covered 38,000 households in the north of the city.", [(38000, "homes")]),
        ("About 9,000 homes lost their water.", [(9000, "homes")]),
        ("Officials said 23 were killed.", [(23, "deaths")]),
        ("Twenty people lost their lives.", [(20, "deaths")]),
        ("The storm claimed 14 lives.", [(14, "deaths")]),
        ("Three people were found dead.", [(3, "deaths")]),
        ("Five people were hurt.", [(5, "injured")]),
        ("Three were rescued.", []),
        # the parts of a whole the sentence gives are not counts of their own
        ("The death toll rose to 12 on Thursday after three people died in hospital.",
         [(12, "deaths")]),
        ("Of the 89 dead, 61 died in Kovrin and 28 in the villages.", [(89, "deaths")]),
        # a crowd's size, however it is given, is one quantity
        ("Police put the crowd at 12,000.", [(12000, "crowd")]),
        ("Organisers said some 40,000 marched on Saturday.", [(40000, "crowd")]),
        ("About 40,000 people took part in the march.", [(40000, "crowd")]),
        ("At least 8,000 protesters gathered in the square.", [(8000, "crowd")]),
        ("200 protesters were arrested.", [(200, "protesters")]),
        # people named by what they are, counted by what happened to them
        ("The railway said seven passengers had died.", [(7, "deaths")]),
        ("Fourteen men were still trapped, the union said.", [(14, "trapped")]),
        ("The coast guard said 158 people had now been rescued.", [(158, "people rescued")]),
        ("A far higher count of customers cut off, which it put at 140,000.",
         [(140000, "customers")]),
        # a count's noun comes before the next number
        ("Its figure of nine included two people.", [(2, "people")]),
        # temperatures are readings, not counts
        ("Temperatures passed 40 degrees and have not fallen below 29 degrees.", []),
        # captives, patients in hospital now, inmates who died
        ("The Prison Service said six members of staff were being held inside the wing.",
         [(6, "hostages")]),
        ("Eight employees had been taken hostage, the union said.", [(8, "hostages")]),
        ("Eight employees had been taken, the union said.", [(8, "hostages")]),
        ("The department said five children were being treated in hospital.",
         [(5, "in hospital")]),
        ("Three inmates died during the siege.", [(3, "deaths")]),
        # records of people taken are no captives; what killed the people counted is a toll
        ("It said the personal data of about 41,000 patients had been taken.",
         [(41000, "records")]),
        ("The gang says it holds the records of 600,000 patients.", [(600000, "records")]),
        ('"Sixty-one people have come through our doors whose doctors believe the heat killed '
         'them," the director said.', [(61, "deaths")]),
        # admissions add up over days: not the patients in hospital now
        ("Twelve people were taken to hospital.", [(12, "people")]),
        # the rest of a count is a part of it, not the count
        ("The other two hostages had been let go on Tuesday.", []),
        ("The remaining 14 miners were brought up at dawn.", []),
        # leaving home is one quantity however it is said
        ("Mayor Ricafort said 64,000 residents had been moved out of the lowlands.",
         [(64000, "people evacuated")]),
        ("Some 120,000 people left their homes in the province.", [(120000, "people evacuated")]),
        ("Another 18,000 were moved out of the valley on Monday night.",
         [(18000, "people evacuated")]),
        # where the people are from may come between them and their state
        ("Nine fishermen from Cabreza have gone missing.", [(9, "missing")]),
        ("The nine men from Cabreza were still unaccounted for.", [(9, "missing")]),
        # a tally whose words run long, and one whose number comes first
        ("The number of people killed by Tuesday's avalanche at the Kessrun ski resort rose "
         "to seven on Thursday.", [(7, "deaths")]),
        ("A girl died in hospital, bringing to ten the number of people killed in the crush.",
         [(10, "deaths")]),
        # a tally's noun after its number
        ("The council put the number at 45,000 households.", [(45000, "homes")]),
        # an adverb before "been" ("have so far been reported missing")
        ("17 people have so far been reported missing by relatives.", [(17, "missing")]),
        ("Twelve people have now been confirmed dead.", [(12, "deaths")]),
    ],
)  # fmt: skip
def test_figures_of(sentence: str, figures: list[tuple[float, str]]) -> None:
    assert [(f.value, f.quantity) for f in figures_of(sentence)] == figures


def test_two_counts_of_the_same_day_conflict() -> None:
    [d] = disagreements([(1, NAVY, "2014-12-30"), (2, AGENCY, "2014-12-30")], "bodies")
    assert d.verdict == "conflict" and [v.value for v in d.values] == [40, 3]


def test_undated_counts_that_differ_conflict() -> None:
    [d] = disagreements([(1, NAVY, None), (2, AGENCY, "2014-12-30")])
    assert d.verdict == "conflict"


def test_a_count_that_rose_over_days_is_a_change_in_date_order() -> None:
    [d] = disagreements([(1, "The death toll rose to 45.", "2025-03-04"),
                         (2, "At least 12 people were killed.", "2025-03-02")])  # fmt: skip
    assert d.verdict == "change"
    assert [(v.value, v.date, v.marker) for v in d.values] == [
        (12, "2025-03-02", 2), (45, "2025-03-04", 1)]  # fmt: skip


def test_a_count_updated_within_a_day_is_a_change() -> None:
    found = (1, "Two people were found dead in a burned-out car on Tuesday morning.", "2026-08-11")
    killed = (2, "A firefighter was killed yesterday, bringing the number of dead in the fire to "
              "three.", "2026-08-11")  # fmt: skip
    [d] = disagreements([killed, found], "deaths")
    assert d.verdict == "change" and [v.value for v in d.values] == [2, 3]
    earlier = (3, "Police had said on Sunday morning that seven people were dead.", "2026-07-19")
    later = (4, "Nine people died in the crush, the health department said.", "2026-07-19")
    [d] = disagreements([later, earlier], "deaths")
    assert d.verdict == "change" and [v.value for v in d.values] == [7, 9]
    # a count "rose to" a figure below another source's of that day: they conflict
    rose = (5, "The number of people killed rose to 23, the disaster office said.", "2025-10-14")
    counted = (6, "The governor said her officers had counted 31 dead.", "2025-10-14")
    for other in (counted, (6, "Her officers counted 31 dead.", "2025-10-14")):
        [d] = disagreements([rose, other], "deaths")
        assert d.verdict == "conflict"


def test_parts_that_add_up_are_no_conflict() -> None:
    cited = [(1, "The plane was carrying 162 people.", "2014-12-29"),
             (2, "There were 155 passengers and seven crew on board.", "2014-12-30")]  # fmt: skip
    assert disagreements(cited) == []


def test_the_same_figure_twice_is_no_disagreement() -> None:
    assert disagreements([(1, NAVY, "2014-12-30"), (2, "Navy divers saw 40 bodies.", None)]) == []


def test_only_the_asked_quantity_is_compared() -> None:
    cited = [(1, NAVY + " 20 ships searched.", None), (2, AGENCY + " 30 ships searched.", None)]
    assert [d.quantity for d in disagreements(cited, "bodies")] == ["bodies"]
    assert {d.quantity for d in disagreements(cited)} == {"bodies", "ships"}


@pytest.mark.parametrize(
    ("question", "quantity"),
    [
        ("How many bodies have been recovered?", "bodies"),
        ("How many people were on board?", "aboard"),
        ("What is the death toll?", "deaths"),
        ("How many more ships joined?", "ships"),
        ("Who leads the search?", None),
        ("How many people died in the floods?", "deaths"),
        ("How many people were evacuated?", "people evacuated"),
        ("How many people were on the plane?", "aboard"),
        ("How many were killed?", "deaths"),
        ("How many died?", "deaths"),
        ("How many people were hurt?", "injured"),
        ("How many were there?", None),
        ("How many people did the earthquake kill?", "deaths"),
        ("How many people did the blast injure?", "injured"),
        ("How many people took part in the march?", "crowd"),
        ("How big was the crowd at the second protest?", "crowd"),
        # names before the noun say whose it is
        ("How many Tessa Valley households were still in the dark?", "homes"),
        ("How many Drevna miners were stuck underground?", "trapped"),
        ("How many people had the heatwave killed by July 25?", "deaths"),
        # the head of a compound counts
        ("How many measles cases did the city have?", "cases"),
        ("How many outpatient appointments were postponed?", "appointments"),
        ("How many patients' records did the hackers take?", "records"),
        ("How many prisoners had died by Wednesday?", "deaths"),
        ("How many guards were being held hostage on Monday?", "hostages"),
        ("How many kids were in hospital at the end of January?", "in hospital"),
        # any people in a state, said with "went"; nouns that are plural already
        ("How many skiers were still unaccounted for on Thursday?", "missing"),
        ("How many fishermen went missing when the typhoon struck?", "missing"),
        ("How many fishermen does the port have?", "fishermen"),
        # leaving home, however the question says it
        (
            "How many people have been forced out of their homes by the eruption?",
            "people evacuated",
        ),
        ("How many people in Ondessa had to leave their homes?", "people evacuated"),
    ],
)
def test_asked_quantity(question: str, quantity: str | None) -> None:
    assert asked_quantity(question) == quantity


def test_figures_of_one_article_are_never_rivals() -> None:
    released = "A ceasefire deal in November led to the release of 105 hostages by Hamas."
    held = "Currently, 111 hostages are still being held, with 39 presumed dead."
    cited = [(1, released, None), (2, held, None)]
    one = {1: ("seed.txt", None), 2: ("seed.txt", None)}
    assert disagreements(cited, None, one) == []
    two = {1: ("a.txt", None), 2: ("b.txt", None)}
    assert [d.verdict for d in disagreements(cited, None, two)] == ["conflict"]


def test_a_count_of_people_known_to_have_died_is_deaths() -> None:
    [f] = figures_of("The coast guard said 47 people were now known to have died.")
    assert (f.quantity, f.value) == ("deaths", 47.0)


def test_evacuees_and_the_dead_are_no_disagreement() -> None:
    cited = [(1, "About 1,200 people were evacuated.", "2025-04-04"),
             (2, "Three people have died.", "2025-04-07")]  # fmt: skip
    assert disagreements(cited, None, {1: ("a.txt", None), 2: ("b.txt", None)}) == []


def test_two_sides_giving_counts_a_day_apart_dispute_them() -> None:
    company = "About 2,100 hourly workers did not report for their shifts, the company said."
    union = "Union leaders said 3,400 workers were now on strike."
    cited = [(1, company, "2025-05-12"), (2, union, "2025-05-13")]
    sides = {1: ("a.txt", "the company"), 2: ("b.txt", "Union leaders")}
    assert [d.verdict for d in disagreements(cited, "workers", sides)] == ["conflict"]
    # The same side a day later, or two sides a week apart: the count moved.
    same = {1: ("a.txt", "the company"), 2: ("b.txt", "the company")}
    assert [d.verdict for d in disagreements(cited, "workers", same)] == ["change"]
    later = [(1, company, "2025-05-12"), (2, union, "2025-05-20")]
    assert [d.verdict for d in disagreements(later, "workers", sides)] == ["change"]
    # Two sides in a live blog's entries hours apart: the count moved between them.
    police = "19.15 Police say 86 people have been arrested so far."
    ministry = "22.05 A total of 112 people were arrested today, the interior ministry says."
    blog = [(1, police, "2026-02-14T19:15"), (2, ministry, "2026-02-14T22:05")]
    voices = {1: ("blog.txt", "Police"), 2: ("blog.txt", "interior ministry")}
    assert [d.verdict for d in disagreements(blog, "people arrested", voices)] == ["change"]
    # ... unless the count jumps back: then the two sides dispute it.
    utility = "14.30 Tessa Valley Power says about 210,000 households are without power."
    mayor = "15.05 The mayor said closer to 260,000 households are without power."
    later = "19.10 Tessa Valley Power says about 190,000 households are without power."
    blog = [(1, utility, "2026-01-12T14:30"), (2, mayor, "2026-01-12T15:05"),
            (3, later, "2026-01-12T19:10")]  # fmt: skip
    voices = {1: ("blog.txt", "Tessa Valley Power"), 2: ("blog.txt", "The mayor"),
              3: ("blog.txt", "Tessa Valley Power")}  # fmt: skip
    assert "conflict" in [d.verdict for d in disagreements(blog, "homes", voices)]


def test_a_tally_that_names_nothing_counts_as_the_asked_quantity() -> None:
    rival = (
        "The coast guard put the number recovered overnight at seven, and said two of the "
        "bodies had been found by fishermen."
    )
    [d] = disagreements([(1, "Divers brought up 11 bodies overnight.", "2025-03-11"),
                         (2, rival, "2025-03-11")], "bodies")  # fmt: skip
    assert d.verdict == "conflict" and [v.value for v in d.values] == [11, 7]
    # unasked, or in a sentence not about it, such a tally is nobody's count
    assert disagreements([(1, "Divers brought up 11 bodies.", None), (2, rival, None)]) == []
    unrelated = [(1, "Divers brought up 11 bodies.", None),
                 (2, "Officials put the number at seven.", None)]  # fmt: skip
    assert disagreements(unrelated, "bodies") == []


def test_a_figure_set_against_another_source_s_is_a_conflict_however_far_apart() -> None:
    company = (1, "The firm told staff that about 600 jobs would go.", "2025-01-07")
    union = (2, "The union said 1,200 jobs could go, a far higher figure than the firm's.",
             "2025-01-14")  # fmt: skip
    assert [d.verdict for d in disagreements([company, union], "jobs")] == ["conflict"]
    # the same two figures a week apart, without the contrast, read as a change
    plain = (2, "The union said 1,200 jobs could go.", "2025-01-14")
    assert [d.verdict for d in disagreements([company, plain], "jobs")] == ["change"]


def test_a_figure_given_against_another_counts_what_the_question_asks() -> None:
    authority = (1, "The aviation authority said about 38,000 passengers were abroad.",
                 "2025-12-10")  # fmt: skip
    others = (2, "The administrators gave a higher figure: up to 45,000, their partner said.",
              "2025-12-10")  # fmt: skip
    [d] = disagreements([authority, others], "aboard")
    assert (d.verdict, [v.value for v in d.values]) == ("conflict", [38000, 45000])
    # a number that counts something else is not the figure set against the other
    governor = (2, "The governor gave a higher toll of 52, counting five people seen inside.",
                "2025-12-10")  # fmt: skip
    assert disagreements([authority, governor], "aboard") == []


def test_the_police_s_crowd_and_the_organisers_conflict() -> None:
    police = "Police put the crowd at 12,000."
    organisers = "Organisers said some 40,000 people marched through the capital."
    [d] = disagreements([(1, police, "2026-02-07"), (2, organisers, "2026-02-07")], "crowd")
    assert d.verdict == "conflict" and sorted(v.value for v in d.values) == [12000, 40000]


def test_people_counted_by_nothing_else_are_compared_only_when_asked() -> None:
    cited = [(1, "The mine employs about 1,900 people.", "2025-11-03"),
             (2, "The 26 people in the section were accounted for.", "2025-11-05")]  # fmt: skip
    sides = {1: ("a.txt", None), 2: ("b.txt", None)}
    assert disagreements(cited, None, sides) == []
    assert [d.quantity for d in disagreements(cited, "people", sides)] == ["people"]


def test_a_figure_dated_years_before_the_others_is_another_event_s() -> None:
    cited = [(1, "About 190,000 households are still without power.", "2026-01-12"),
             (2, "About 210,000 households are without power.", "2026-01-12"),
             (3, "The 2019 blackout left 90,000 households without power.", "2019-02")]  # fmt: skip
    sides = {1: ("a.txt", None), 2: ("b.txt", None), 3: ("c.txt", None)}
    [d] = disagreements(cited, "homes", sides)
    assert sorted(v.value for v in d.values) == [190000, 210000]


def test_only_the_values_of_one_day_conflict() -> None:
    cited = [(1, "The fire had burned 4,200 hectares.", "2025-08-09"),
             (2, "The fire has burned 11,800 hectares.", "2025-08-11"),
             (3, "The fire has burned 14,500 hectares.", "2025-08-11")]  # fmt: skip
    sides = {1: ("a.txt", None), 2: ("b.txt", None), 3: ("c.txt", None)}
    [d] = disagreements(cited, "hectares", sides)
    assert d.verdict == "conflict" and [v.value for v in d.values] == [11800, 14500]
    # the other days' values, when they differ, changed over time
    later = [*cited, (4, "The fire had burned 6,000 hectares.", "2025-08-10")]
    conflict, change = disagreements(later, "hectares", {**sides, 4: ("d.txt", None)})
    assert [v.value for v in conflict.values] == [11800, 14500]
    assert change.verdict == "change" and [v.value for v in change.values] == [4200, 6000]


def test_people_set_against_a_figure_are_no_count_of_things() -> None:
    hospital = (2, "The hospital put the number higher: it said seven children were on its "
                "wards.", "2026-01-27")  # fmt: skip
    city = (1, "The city said five children were being treated in hospital.", "2026-01-27")
    [d] = disagreements([city, hospital], "in hospital")
    assert [v.value for v in d.values] == [5, 7]
    cases = (1, "The city had recorded 38 cases.", "2026-01-27")
    assert disagreements([cases, hospital], "cases") == []


def test_a_count_put_lower_by_another_source_is_its_rival() -> None:
    sentence = "The county fire service puts its count far lower, at 17."
    compared = compared_figure(sentence, "houses", figures_of(sentence))
    assert compared is not None and compared.value == 17
    # "that count" is another sentence's: what it counts is not known here
    that = "The county fire service puts that count lower, at 17."
    assert compared_figure(that, "deaths", figures_of(that)) is None
    narrower = "Lukas Ambril gave a narrower figure: 17 people have been reported missing."
    assert DISPUTED.search(narrower)


def test_one_sentence_giving_two_sources_values_is_a_dispute() -> None:
    # issue 23's own example: the navy's first count against the search agency's
    navy = ("The navy initially said 40 bodies had been recovered, although other media later "
            "quoted the head of the search and rescue agency, Fransiskus Bambang Soelistyo, as "
            "saying only three bodies had been retrieved.")  # fmt: skip
    [d] = disagreements([(1, navy, "2014-12-30")], "bodies", {1: ("r.txt", "The navy")})
    assert d.verdict == "conflict" and [v.value for v in d.values] == [40, 3]
    crush = ("Police said 54 people were injured, while the ambulance service said it treated "
             "80 injured.")  # fmt: skip
    assert [d.verdict for d in disagreements([(1, crush, "2026-07-19")], "injured")] == ["conflict"]
    # one voice, or a part of the whole after the contrast: no dispute
    one = "Police said 54 people had been injured, but 11 of them were hurt seriously."
    assert disagreements([(1, one, "2026-07-19")], "injured") == []
    parts = "Police said 54 people were injured, while 11 were killed, the ministry said."
    assert disagreements([(1, parts, "2026-07-19")], "injured") == []


def test_a_sentence_disputing_another_of_its_article_is_its_rival() -> None:
    # time dev's hacked hospitals: the gang's claim, then the group's own count in one article;
    # the speaker reader names no one for the first
    gang = "The gang still says it holds the records of 600,000 patients."
    group = ("The health group disputes that: on Sunday it said its own review had found that "
             "the personal data of about 41,000 patients had been taken.")  # fmt: skip
    sources = {1: ("a.md", None), 2: ("a.md", "researchers")}
    cited = [(1, gang, "2026-10-19"), (2, group, "2026-10-18")]
    [d] = disagreements(cited, "records", sources)
    assert d.verdict == "conflict" and [v.value for v in d.values] == [600000, 41000]
    # without the dispute, one article's two figures count different things
    plain = "On Sunday it said the personal data of about 41,000 patients had been taken."
    assert disagreements([(1, gang, "2026-10-19"), (2, plain, "2026-10-18")], "records",
                         sources) == []  # fmt: skip
