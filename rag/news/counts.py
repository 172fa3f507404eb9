"""Counts in quoted sentences: a number with what it counts ("40 bodies", "162 people", "a
death toll of 45", "killing at least 19 people"), and the words that name what people are
counted as (`rag.news.asked` reads a "how many" question with them).

Hand-written: no quantity extraction model ships here, and news counts follow few forms
(tests/news/test_figures.py); `rag.news.figures` compares them between citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.news.numbers import NUMBER as _NUMBER
from rag.news.numbers import Tally, is_number_word, tallies
from rag.news.numbers import number_value as _value
from rag.text.terms import STOPWORDS

# What is counted, by the noun after the number; people aboard split into their parts so that
# parts that add up to the whole are recognised.
KIND = {"body": "bodies", "bodies": "bodies", "corpse": "bodies", "corpses": "bodies",
         "dead": "deaths", "deaths": "deaths", "death": "deaths", "fatalities": "deaths",
         "victims": "deaths", "people": "aboard", "persons": "aboard", "passengers": "aboard",
         "passenger": "aboard", "crew": "aboard", "crewmembers": "aboard",
         "injured": "injured", "wounded": "injured", "injuries": "injured",
         "missing": "missing", "lives": "deaths",
         # a utility's notice counts households where the council counts homes (time dev)
         "households": "homes", "homes": "homes"}  # fmt: skip
STATE = re.compile(r"^\s*(?:people\s+|persons\s+|of\s+staff\s+)?(?:(?:were|was|are|is)\s+|"
                    r"ha(?:ve|s|d)\s+been\s+|ha(?:ve|s|d)\s+|remain(?:s|ed)?\s+)?"
                    r"(?:now\s+|so\s+far\s+|already\s+|still\s+)?(?:being\s+|been\s+|went\s+|gone\s+)?"
                    r"(?:known\s+to\s+have\s+|confirmed\s+|reported\s+|feared\s+|presumed\s+|"
                    r"found\s+)?"
                    r"(?P<state>killed|dead|died|injured|wounded|hurt|missing|unaccounted|"
                    r"trapped|stuck|lost(?=\s+their\s+lives)|"
                    # Captives: "six members of staff were being held", "taken hostage".
                    r"(?:held|taken)\s+(?=hostage|captive)|held(?=\s+(?:inside|in\s+the|by)\b)|"
                    # "Eight employees had been taken, the union said": taken, with no place
                    r"taken(?=\s*[,;:]|\.\s|\.?$)|"
                    r"kidnapped|abducted|"
                    # In hospital now: "five children were being treated in hospital" (not
                    # "admitted" or "taken to hospital": counts of admissions, which add up).
                    r"in\s+hospital|treated\s+in\s+hospital)\b")  # fmt: skip
# An act done to people, before their number ("killing at least 19 people", "injured 40
# people"): what happened to them, as "19 people were killed" says it after.
# Those whom crews or doctors "treated" were hurt ("Our crews treated well over 80 people").
_ACTED = re.compile(r"\b(?P<verb>kill(?:s|ed|ing)?|injur(?:es|ed|ing)|wound(?:s|ed|ing)|"
                    r"hurt(?:ing)?|treat(?:s|ed|ing)?)\s+(?:at\s+least\s+|about\s+|nearly\s+|"
                    r"some\s+|more\s+than\s+|(?:well\s+)?over\s+|up\s+to\s+|as\s+many\s+as\s+)?$",
                    re.IGNORECASE)  # fmt: skip
_FIGURE = re.compile(
    rf"(?<![\w$£€.,-]){_NUMBER}(?P<more>\s+(?:more|additional|other|further))?"
    r"(?=(?P<words>(?:\s+[a-z][\w-]*){1,3}))",  # a lookahead: "155 passengers and seven crew"
    re.IGNORECASE,
)
_TOLL = re.compile(rf"\bdeath toll\b[^.;]{{0,40}}?\b(?:to|of|at|is|was|stands at|reached)\s+"
                   rf"(?:at least\s+|about\s+|nearly\s+)?{_NUMBER}\b", re.IGNORECASE)  # fmt: skip
# The size of a crowd, however it is given ("police put the crowd at 12,000", "some 40,000
# marched", "8,000 protesters gathered", "15,000 people took part"): one quantity, so that
# the police's and the organisers' figures are set against each other.
_CROWD_AT = re.compile(rf"\bcrowds?\b[^.;]{{0,30}}?\b(?:at|of)\s+(?:about\s+|some\s+|around\s+|"
                       rf"nearly\s+|roughly\s+|more than\s+|at least\s+|up to\s+)?{_NUMBER}\b",
                       re.IGNORECASE)  # fmt: skip
_CROWD_VERB = re.compile(r"^\s*(?:had\s+|have\s+)?(?:marched|march|protested|rallied|"
                         r"demonstrated|gathered|attended|turned\s+out|took\s+part|"
                         r"joined|filled|packed|massed)\b", re.IGNORECASE)  # fmt: skip
_CROWD_NOUNS = {"protesters", "protestors", "demonstrators", "marchers", "participants"}
STATE_KIND = {"killed": "deaths", "dead": "deaths", "died": "deaths", "injured": "injured",
               "wounded": "injured", "hurt": "injured", "missing": "missing", "lost": "deaths",
               "unaccounted": "missing", "trapped": "trapped", "stuck": "trapped",
               "kill": "deaths", "injur": "injured", "wound": "injured", "held": "hostages",
               "taken": "hostages", "kidnapped": "hostages", "abducted": "hostages",
               "treat": "injured"}  # fmt: skip
# Nouns that are never what a figure counts in the sense meant here (time spans, ages, units;
# a temperature is a reading of one place and hour, "passed 40 degrees" and "not cooled below
# 29 degrees" being the day's high and low, so two of them never dispute each other).
NOT_COUNTS = set(
    "years year months month days day weeks week hours hour minutes percent "
    "per cent times km miles metres meters feet kilometres kilometers degrees "
    "celsius fahrenheit".split()
)


# What people are counted as: in a state, or aboard.
PEOPLE_STATES = frozenset({*STATE_KIND.values(), "in hospital", "aboard"})


def state_of(m: re.Match[str]) -> str:
    """The quantity a `STATE` match names ("were being held" → "hostages")."""
    state = " ".join(m["state"].split()).lower()
    return "in hospital" if state.endswith("hospital") else STATE_KIND[state]


_PRESUMED = re.compile(
    r"\s+(?:people\s+|persons\s+)?(?:(?:are|were)\s+)?(?:presumed|feared)\s+"
    r"(?:to\s+be\s+)?dead\b",
    re.IGNORECASE,
)
# The upper end of a range ("seven to eight people", "between 20 and 30 bodies"): an estimate
# that no single count contradicts, so no figure is read from it; "from 2,100 to 2,900
# workers" is a change, its second number the figure.
_RANGE_END = re.compile(rf"(?<!\bfrom\s)(?<![\w,.]){_NUMBER}\s+(?:to|or|and)\s+$", re.IGNORECASE)
_OF_THE = re.compile(r"\bof the\s+$", re.IGNORECASE)
_PART = re.compile(r"\b(?:the|its|their)\s+(?:other|remaining)\s+$", re.IGNORECASE)
_CLOCK = re.compile(r"\d{1,2}[.:]\d\d")  # 05.20, 9.45: times in live blogs, never counts
_ORDINAL = re.compile(r"\s+(?:\w+th|first|second|third|\w+-first|\w+-second|\w+-third)\b", re.I)
# People counted without being aboard ("1,200 people were evacuated"): a quantity of their own,
# named by the verb, so that evacuees are not set against the dead or the passengers.
PEOPLE_VERB = re.compile(
    r"^\s*(?:were\s+|ha(?:ve|d)\s+(?:now\s+)?been\s+|are\s+)?(?:now\s+)?"
    r"(?P<verb>[a-z]+ed)\b"
)
# What was done to people, before their number ("displaced 20,000 people", "arrested 14
# people"): the same quantity as "20,000 people were displaced"; verbs that only link a
# whole to its number ("included 12 people", "topped 500 people") name no act.
_DONE_TO = re.compile(r"\b(?!(?:includ|involv|number|total|exceed|reach|topp|surpass)ed\b)"
                      r"(?P<verb>[a-z]+ed)\s+(?:at\s+least\s+|about\s+|nearly\s+|some\s+|"
                      r"more\s+than\s+|up\s+to\s+|as\s+many\s+as\s+)?$")  # fmt: skip
ABOARD = re.compile(
    r"\b(?:aboard|on board|onboard|board(?:ed|ing)|passengers?|crew|manifest|flight|ferry|"
    r"ship|vessel|boat|plane|bus|train)\b",
    re.IGNORECASE,
)

# Records of people ("the personal data of about 41,000 patients had been taken", "the records
# of 600,000 patients"): a count of records, as "How many patients' records …?" asks, and no
# state of the people's (round 23, time dev's hacked hospital group: 41,000 read as hostages).
_RECORDS_OF = re.compile(
    r"\b(?:data|records|details|information|files|accounts|addresses|numbers)\s+of\s+"
    r"(?:about\s+|some\s+|nearly\s+|around\s+|roughly\s+|more\s+than\s+|up\s+to\s+)?$",
    re.IGNORECASE,
)
# What killed the people counted, said after them ("Sixty-one people have come through our doors
# … whose doctors believe the heat killed them"): a count of the dead (round 23, time dev's
# heatwave morgue figure, read as people).
_KILLED_THEM = re.compile(r"^[^.;]{0,120}?\b(?:killed|kill)\s+them\b", re.IGNORECASE)
_FROM_PLACE = re.compile(r"\s+(?:from|in|at|of)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
_IRREGULAR = {"children", "men", "women", "mice", "geese", "feet", "teeth", "staff", "police"}
# Nouns for people: a state after them names what is counted ("seven passengers had died",
# "Fourteen men were still trapped"), as after "people"; without one they count themselves.
PERSONS = frozenset(
    "people persons passengers passenger crew crewmembers miners men women children workers "
    "residents soldiers civilians pilgrims migrants students tourists climbers hikers "
    "firefighters fishermen villagers patients victims inmates prisoners detainees hostages "
    "guards officers staff employees members kids pupils nurses teachers skiers snowboarders "
    "travellers travelers holidaymakers visitors spectators fans evacuees survivors farmers "
    "drivers sailors fishers firemen policemen".split()
)
# Leaving home under threat, however it is said ("3,800 people had been moved out", "64,000
# residents were evacuated", "120,000 people left their homes", "forced out of their homes"):
# one quantity, so that one source's evacuees are set against another's, not against nothing.
DISPLACED = re.compile(
    r"^\s*(?:(?:were|was|are|is|have|has|had)\s+(?:now\s+)?(?:been\s+)?|had\s+to\s+)?"
    r"(?:now\s+)?(?:evacuated|moved\s+out|displaced|forced\s+(?:out|from)|relocated|"
    r"rehoused|uprooted|fled\s+(?:their|the)|le(?:ft|ave)\s+their\s+homes)\b",
    re.IGNORECASE,
)


def did_to_people(verb: str) -> str:
    """The quantity of people a verb names ("displaced" → "people evacuated", as `DISPLACED`;
    "arrested" → "people arrested")."""
    return "people evacuated" if DISPLACED.match(verb) else f"people {verb}"


@dataclass(frozen=True)
class Figure:
    """A figure of a sentence: ``value`` of ``quantity`` ("bodies"), ``part`` the noun read."""

    value: float
    quantity: str
    part: str
    text: str


def _counted(m: re.Match[str]) -> tuple[str | None, int]:
    """The noun a number counts among the (up to three) words after it, and where it ends:
    a known kind first ("40 bodies"), else the first plural ("30 rescue ships")."""
    start = m.start("words")
    spans = [(w.group(0).lower(), start + w.end()) for w in re.finditer(r"[a-z][\w-]*",
             m["words"], re.IGNORECASE)]  # fmt: skip
    for word, end in spans:
        if word in KIND:
            return word, end
        if word in STOPWORDS or is_number_word(word):
            break  # "40 of", "12 in the", "nine included two people": the count ends there
        if (word.endswith("s") and not word.endswith("ss")) or word in _IRREGULAR | PERSONS:
            return word, end
    return None, m.end()


def figures_of(sentence: str) -> list[Figure]:
    """The counted figures ``sentence`` states; increments ("three more bodies") and the parts
    of a whole the sentence gives ("rose to 12 after three people died", "Of the 89 dead, 61
    died in Kovrin") are left out."""
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    # Figures whose noun comes before the number: a death toll, a crowd put at a number.
    for pattern, quantity, part in ((_TOLL, "deaths", "death toll"), (_CROWD_AT, "crowd", "crowd")):
        for m in pattern.finditer(sentence):
            taken.append(m.span())
            value = _value(m["num"], m["scale"])
            if value is not None:
                found.append(Figure(value, quantity, part, m.group(0)))
    for t in tallies(sentence):
        if not any(s < t.span[1] and t.span[0] < e for s, e in taken):
            found.append(Figure(t.value, _tally_quantity(t, sentence), t.head, t.text))
            taken.append(t.span)
    whole = len(found)  # the tallies come first: a sentence's whole, where it names one
    for m in _FIGURE.finditer(sentence):
        value = _value(m["num"], m["scale"])
        noun, end = _counted(m)
        if value is None or m["more"] or noun in NOT_COUNTS or _PART.search(sentence[: m.start()]):
            continue  # "three more bodies", "the other two hostages": part of a count
        if _CLOCK.fullmatch(m["num"]) or _ORDINAL.match(m["words"]):
            continue  # "05.20 Seventh body": a live blog's time stamp, then an ordinal
        if _RANGE_END.search(sentence[max(0, m.start() - 40) : m.start()]):
            continue
        if any(s < end and m.start() < e for s, e in taken):
            continue
        if noun is None:  # "23 were killed": a number whose state names what it counts
            bare = STATE.match(sentence[m.end() :])
            if (march := _CROWD_VERB.match(sentence[m.end() :])) and value >= 100:
                text = sentence[m.start() : m.end() + march.end()]  # "some 40,000 marched"
                found.append(Figure(value, "crowd", "crowd", text))
                continue
            if DISPLACED.match(sentence[m.end() :]) and not re.fullmatch(r"(19|20)\d\d", m["num"]):
                text = sentence[m.start() : m.end()]  # "Another 18,000 were moved out"
                found.append(Figure(value, "people evacuated", "people", text))
                continue
            if bare and not re.fullmatch(r"(19|20)\d\d", m["num"]):
                text = sentence[m.start() : m.end() + bare.end()].rstrip()  # "taken " hostage
                found.append(Figure(value, state_of(bare), bare["state"], text))
            continue
        text = sentence[m.start() : end]
        acted = _ACTED.search(sentence[max(0, m.start() - 40) : m.start()])
        if acted and noun in ("people", "persons"):
            act = re.sub(r"(?:s|ed|es|ing)$", "", acted["verb"].lower())
            found.append(Figure(value, STATE_KIND[act], act, text))
            continue
        if _PRESUMED.match(m["words"]):
            # "39 presumed dead", "20 people feared dead": an estimate of its own, not a toll
            found.append(Figure(value, "presumed dead", "presumed dead", text))
            continue
        # "nine men from Cabreza were still unaccounted for": where they are from may come
        # between the people and their state.
        after = end + (where.end() if (where := _FROM_PLACE.match(sentence[end:])) else 0)
        records = _RECORDS_OF.search(sentence[max(0, m.start() - 40) : m.start()])
        state = STATE.match(sentence[after:]) if noun in PERSONS else None
        verb = PEOPLE_VERB.match(sentence[end:]) if noun in ("people", "persons") else None
        if noun in PERSONS and records:
            found.append(Figure(value, "records", noun, text))
        elif noun in PERSONS and DISPLACED.match(sentence[end:]):
            found.append(Figure(value, "people evacuated", noun, text))
        elif state:  # "12 people were killed": deaths, not people aboard
            found.append(Figure(value, state_of(state), state["state"], text))
        elif noun in PERSONS and _KILLED_THEM.match(sentence[end:]):
            found.append(Figure(value, "deaths", "killed", text))
        elif noun in ("people", *_CROWD_NOUNS) and _CROWD_VERB.match(sentence[end:]):
            found.append(Figure(value, "crowd", noun, text))
        elif noun in ("people", "persons") and not ABOARD.search(sentence):
            done = _DONE_TO.search(sentence[max(0, m.start() - 40) : m.start()])
            did = verb["verb"] if verb else done["verb"] if done else None
            found.append(Figure(value, did_to_people(did) if did else "people", noun, text))
        elif noun in KIND:
            found.append(Figure(value, KIND[noun], noun, text))
        elif not re.fullmatch(r"(19|20)\d\d", m["num"]):  # a year is not a count
            found.append(Figure(value, noun, noun, text))
    wholes = {f.quantity for f in found[:whole]} | {f.quantity for f in found[whole:]
                                                     if _whole(f, sentence)}  # fmt: skip
    return [f for i, f in enumerate(found)
            if i < whole or f.quantity not in wholes or _whole(f, sentence)]  # fmt: skip


def _whole(f: Figure, sentence: str) -> bool:
    """Whether the figure is the whole the sentence divides ("Of the 89 dead, 61 died …")."""
    at = sentence.find(f.text)
    return at >= 0 and bool(_OF_THE.search(sentence[max(0, at - 12) : at]))


def _tally_quantity(t: Tally, sentence: str) -> str:
    """What a tally counts, read as `figures_of` reads a noun after a number; "" when its
    words name nothing ("the number recovered overnight": see `disagreements`)."""
    # and the word after the number: "put the number at 45,000 households"
    after = re.match(r"\s+([a-z][\w-]*)", sentence[t.span[1] :], re.IGNORECASE)
    what = f"{t.what} {after[1]}" if after else t.what
    words = [w.lower() for w in re.findall(r"[a-z][\w-]*", what, re.IGNORECASE)]
    if t.head == "toll" or {"dead", "died", "killed", "deaths", "fatalities"} & set(words):
        return "deaths"
    for w in words:
        if w in STATE_KIND:
            return STATE_KIND[w]
        if w in ("people", "persons"):
            return "aboard" if ABOARD.search(sentence) else "people"
        if w in KIND:
            return KIND[w]
        if w not in STOPWORDS and w.endswith("s") and not w.endswith("ss"):
            return w
    return ""
