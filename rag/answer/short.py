"""The short answer: the phrase of the best sentence that is the asked name, number, date or place.

The span model scores every span of a sentence; its best one is often the right phrase with
the wrong edges ("Cynthia Nixon plays Emily Dickinson, whose poetry …" for "Who plays Emily
Dickinson?") or a phrase of another kind (a name for "when …?"). So the short answer walks the
model's spans best first and takes the first one that reads as the asked kind once cut to it:
for a name or place, the whole run of capitalised words inside the span that is not the
question's own; for a number or date, the span without a trailing clause or an unclosed
bracket, holding a figure or a date word, never cut inside a number. A figure must be of the
asked kind when a sum or a share is asked (a sum is cut to itself), and neither the question's
own number nor only a year (round 11). Measured on evals/reader's dev split (short exact match
over the questions asking for one): the best span alone 68 / 293, this walk 86 / 293.
"""

from __future__ import annotations

import re

from rag.answer.ages import YEARS_OLD, age_beside
from rag.answer.asks import AnswerType, asked_figure, asked_type
from rag.answer.casing import capitalised, headline, lower_in, written_as_name
from rag.answer.forms import (
    DIGITS,
    NUMBER_WORDS,
    POSSESSIVE,
    PRONOUNS,
    TITLES,
    adjective_of_nationality,
    after_title,
    asks_who_is,
    identity_in,
    listed,
    ordinal_in,
    place_phrase,
)
from rag.answer.kinds import asked_kind, counted_in, kinds_in, qualified, sum_in, whole_numbers
from rag.answer.named import named_as, whole_list
from rag.answer.when import DATE_WORDS, YEAR, clock_start, names_a_date, without_dates
from rag.news.counts import figures_of
from rag.news.measures import measures_of
from rag.news.phrases import NAME_SUFFIXES, joins_name
from rag.reader.span import Span
from rag.text.terms import words

# A short answer is a name, figure, date or place: a longer "span" is a clause, shown as the
# quoted sentence alone (the longest gold short answers of the labelled data are 10 words).
SHORT_WORDS = 12
# A figure span longer than this is cut to the figure it holds ("58 units of housing were
# built in …" → "58 units"); the labelled figures with their noun are at most 4 words long.
_FIGURE_WORDS = 4
_FUNCTION = frozenset("the a an of in on at to for from by with and or as".split())
# "U.S." is one token: cut at its dots, it gave the name "U"; a lone "&" joins ("Simon & Schuster").
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[\w’'&-]*\w|(?<= )&(?= )")
_TRAILING_CLAUSE = re.compile(r",\s+(?=[a-z])")  # ", where …", ", with …", ", the model for …"
_BARE = re.compile(r"[\d.,]+")
_OPEN_BRACKET = re.compile(r"\s*\([^)]*$")
_LATER = re.compile(r"\s+(?:later|earlier|ago|afterwards?)\b", re.I)  # after a duration
# A live blog's entry time ("05.20 Seventh body …"), not a figure ("3.25 million fled").
_STAMP = re.compile(r"\d{1,2}[.:]\d\d(?![\d.,]|\s*(?:million|billion|trillion|%|per ?cent))", re.I)

# A number as the question writes it, with a suffix ("$300k" is not the "$300" of "$300/night").
_QUESTION_NUMBER = re.compile(r"\d+(?:[.,]\d+)*[A-Za-z%]*")
# A year (`when.YEAR`) answers "when", not "how many/much" ("In 1998" of "In 1998, … Torres
# declared his retirement just three days before …"); "how long" may ("since 1924").
_HOW_MUCH = re.compile(r"\bhow (?:much|many)\b", re.I)
# A comparison of speed, size or quality asks a share or a measure, never a sum: a sum beside
# it is the price ("30% better performance … for $700").
_COMPARED = re.compile(
    r"\bhow much (?:faster|slower|quicker|taller|shorter|longer|heavier|lighter|better|worse|"
    r"stronger|weaker|hotter|colder|warmer|further|farther)\b",
    re.I,
)
_MEASURE = re.compile(r"\bhow (?:high|tall|deep|far|big|large|wide|heavy|fast|much|many)\b", re.I)
# A name run in the possessive (`forms.POSSESSIVE`) names an owner ("André Aciman’s" novel,
# "Jessica Hopper’s" piece): on dev, 3 of the 4 such short answers were another name.
_WHOSE = re.compile(r"\bwhose\b", re.I)
_ARTICLE_BEFORE = re.compile(r"\b(?:a|an)\s+$", re.I)
# A count read with its verb ("251 were taken" of "251 were taken hostage"): the number alone.
_VERB_AFTER = re.compile(r"^(\S+)\s+(?:were|was|are|is|have|has|had|remain(?:s|ed)?)\b.*$", re.S)


def short_span(
    question: str, sentence: str, span: Span | None, threshold: float, article: str | None = None
) -> tuple[int, int] | None:
    """Where the short answer lies in ``sentence``, when ``question`` asks for one.

    Args:
        question: the question as asked.
        sentence: the best sentence of the answer.
        span: the span model's reading of that sentence (offsets inside it); None when it
            did not read it: only forms tied to what is asked give one then.
        threshold: the span score a short answer needs (the reader's calibrated cut).
        article: the sentence's article, which tells whether the sentence's capitalised
            first word is a name; None: taken as one when no other span gives a name.

    Returns:
        ``(start, end)`` inside ``sentence``, or None when no span reads as the asked kind.
    """
    kind = asked_type(question)
    if age := age_beside(question, sentence):  # forms tied to what is asked: no span needed
        return age  # "Tom Reyes, 44,": the age beside the asked name
    if ordinal := ordinal_in(question, sentence):
        return ordinal  # "ninth trip" for "Which trip is this?"
    if (who := asks_who_is(question)) is not None:
        return identity_in(who, sentence)  # a title, never another name ("Blinken")
    if kind == "name" and not headline(sentence) and (named := named_as(question, sentence)):
        return named  # "Democratic Union Party" for "Which party …?"
    if span is None and kind == "number":
        return counted_in(question, sentence)  # a rival's "51 dead": the span model never read it
    if kind is None or span is None or span.score < threshold:
        return None
    if kind in ("name", "place") and headline(sentence):
        return None  # a headline's capitalised runs are no names
    initial: tuple[int, int] | None = None
    for score, a, b in [(span.score, span.start, span.end), *span.others]:
        if score < threshold:
            break
        if kind in ("name", "place"):
            found, at_start = _name_in(question, sentence, a, b, article)
            if found and at_start:
                # A lone capitalised first word is often no name ("Since …", "He’s …"):
                # taken only when no other span gives one.
                if _reads_as(kind, question, sentence[found[0] : found[1]], sentence):
                    initial = initial or found
                continue
            if found and kind == "place" and _ARTICLE_BEFORE.search(sentence, 0, found[0]):
                continue  # "a Jeep": no labelled place (0 of 95) follows "a" or "an"
            if found and kind == "place":
                found = place_phrase(sentence, *found)  # "Gaza’s southern border with Egypt"
        else:
            found = _figure_in(question, sentence, kind, a, b)
            if found and _HOW_MUCH.search(question) and _other_part(question, sentence, found):
                continue  # a part of a list ("three South Koreans" of 162 aboard)
        if found and _reads_as(kind, question, sentence[found[0] : found[1]], sentence):
            return whole_list(question, sentence, found) if kind == "name" else found
    return initial


def _other_part(question: str, sentence: str, found: tuple[int, int]) -> bool:
    """Whether ``found`` is a part of a list of figures that is not the asked one."""
    own = set(words(sentence[found[0] : found[1]])) & set(words(question))
    return listed(sentence, *found) and not own  # "155 Indonesians" for "How many Indonesians"


def _figure_in(
    question: str, sentence: str, kind: AnswerType, a: int, b: int
) -> tuple[int, int] | None:
    """The number or date phrase of ``sentence[a:b]``, without a trailing clause."""
    # A live blog's entry time ("05.20", "04.25 Three people") is never (part of) the answer.
    if (
        entry := _STAMP.match(sentence, len(sentence) - len(sentence.lstrip()))
    ) and a < entry.end():
        a = entry.end()
    phrase = _OPEN_BRACKET.sub("", sentence[a:b]) if a < b else ""
    if cut := _TRAILING_CLAUSE.search(phrase):
        phrase = phrase[: cut.start()]
    if not (phrase := phrase.strip(" ,;:.")):
        return None
    if kind == "number":
        if len(words(phrase)) > _FIGURE_WORDS:
            # a count ("58 units"), else a measure or sum ("after a £12m" → "£12m")
            held = (*figures_of(phrase), *measures_of(phrase))
            inside = [f.text for f in held if f.text in phrase]
            phrase = inside[0] if inside else phrase
        if asked_kind(question) == "money":
            phrase = sum_in(phrase)
        phrase = _VERB_AFTER.sub(r"\1", asked_figure(question, sentence, phrase))
        # A bare number with its unit ("5.8" → "5.8 metres", "40" → "40 percent").
        unit = [f.text for f in measures_of(sentence) if f.text.startswith(phrase)]
        phrase = unit[0] if unit and _BARE.fullmatch(phrase) else phrase
    if not phrase:
        return None
    at = sentence.find(phrase, a)
    at = at if at >= 0 else sentence.find(phrase)
    if at < 0:
        return None
    # "more than a dozen islands"; "10:11 pm" of a span "pm"
    start = qualified(sentence, at) if kind == "number" else clock_start(sentence, at)
    start, end = whole_numbers(sentence, start, at + len(phrase))
    # "Thirty years later", "a year ago": 6 of train and dev's 8 such labelled spans keep it.
    later = _LATER.match(sentence, end) if kind == "number" else None
    return start, later.end() if later else end


def _name_in(
    question: str, sentence: str, a: int, b: int, article: str | None
) -> tuple[tuple[int, int] | None, bool]:
    """The first run of capitalised words inside ``sentence[a:b]`` that is not made of the
    question's words, grown to the whole run in the sentence (a lone first word of the
    sentence only when there is no other); and whether it is that lone first word."""
    tokens = list(_TOKEN.finditer(sentence))
    capital = capitalised([t.group() for t in tokens])
    opens = bool(tokens) and not sentence[: tokens[0].start()].strip(' “"‘(')
    if article is not None and opens and capital[0]:
        # The sentence's first word is capitalised whatever it is. Before another capitalised
        # word it opens the name unless the article writes it in lower case ("Even George
        # Eustice", but "Cynthia Nixon"); alone, only where the article writes it as a name.
        gap = sentence[tokens[0].end() : tokens[1].start()] if len(tokens) > 1 else ""
        word, alone = tokens[0].group(), not (gap == " " and capital[1])
        capital[0] = written_as_name(word, article) if alone else not lower_in(word, article)
    asked, whose = set(words(question)), bool(_WHOSE.search(question))

    def joins(i: int, j: int) -> bool:  # tokens i and j = i + 1 belong to one name
        gap = sentence[tokens[i].end() : tokens[j].start()]
        abbreviation = gap == ". " and capital[i] and len(tokens[i].group()) <= 3  # Sen., B.
        return gap in (" ", "-") or abbreviation

    def part(i: int, step: int) -> bool:  # token i + step continues the name
        k = i + step
        if not 0 <= k < len(tokens) or not joins(min(i, k), max(i, k)):
            return False
        if capital[k]:
            return True
        far = k + step  # a joining word needs a capitalised word beyond it
        return (0 <= far < len(tokens) and capital[far]
                and joins_name(tokens[k].group(), tokens[min(i, far)].group())
                and joins(min(k, far), max(k, far)))  # fmt: skip

    lone_first: tuple[int, int] | None = None
    i = 0
    while i < len(tokens):
        if not (capital[i] and tokens[i].start() >= a and tokens[i].end() <= b):
            i += 1
            continue
        first = last = i
        while part(first, -1):
            first -= 1
        while part(last, 1):
            last += 1
        first = after_title(tokens, first, last)
        owners = [k for k in range(first, last) if POSSESSIVE.search(tokens[k].group())]
        # Of "Key & Peele's Jordan Peele", the person ("Stanford University's Center" stays);
        # of "The Guardian’s Ophan", "Ophan" when the question names its owner.
        owned = owners and all(w in asked for w in words(tokens[owners[-1]].group()))
        if owners and (last - owners[-1] >= 2 or owned) and not whose:
            first = owners[-1] + 1
        start, end = tokens[first].start(), tokens[last].end()
        run = sentence[start:end]
        # A photo's credit ("Kevin C. Downs/for …"), a post's ("Tom Phillips (@tomphillipsin)")
        credit = "/" in sentence[end : end + 1] + sentence[max(0, start - 5) : start]
        credit = credit or sentence[end : end + 3] == " (@"
        if not all(w in asked for w in words(run)) and not run.endswith("-based") and not credit:
            if first != last or sentence[:start].strip(' “"‘('):
                return (start, end), False
            lone_first = lone_first or (start, end)
        i = last + 1
    return lone_first, lone_first is not None


def _reads_as(kind: AnswerType, question: str, phrase: str, sentence: str) -> bool:
    """Whether ``phrase`` can be the asked kind of answer: balanced, short, not the question's
    own words, and for a number or date, holding one."""
    ws = words(phrase)
    if not ws or len(ws) > SHORT_WORDS or phrase == sentence.strip(" ."):
        return False
    if phrase.count("(") != phrase.count(")") or phrase.count('"') % 2:
        return False
    if phrase.count("“") != phrase.count("”"):
        return False
    content = [w for w in ws if w not in _FUNCTION and w not in TITLES]
    if content and set(content) <= set(words(question)):
        return False  # the question's own words ("Justice Alito" for "Where is Alito from?")
    if kind in ("name", "place") and POSSESSIVE.search(phrase) and not _WHOSE.search(question):
        return False  # "Energy Control’s" service: the owner of what is named, not the answer
    if kind in ("name", "place") and (set(ws) <= DATE_WORDS or ws[0] in PRONOUNS):
        return False  # "Nov" (of "on Nov. 2") is no place, nor "October" or "He’s" a name
    if kind == "name" and (
        set(ws) <= NAME_SUFFIXES or adjective_of_nationality(question, phrase, sentence)
    ):
        return False  # "Inc" (of "… Services, Inc."), "Indonesian" of "the Indonesian …"
    if kind == "number":
        return _reads_as_figure(question, phrase, ws)
    if kind == "date":
        return names_a_date(phrase, question)
    return True


def _reads_as_figure(question: str, phrase: str, ws: list[str]) -> bool:
    """Whether ``phrase`` can be the figure ``question`` asks: it holds one, of the asked
    kind when the question asks a sum or a share ("£4.2bn", not "35 dramas planned", for "How
    much did Sky spend …?"), that is not the question's own ("seven", not "10 municipalities",
    for "Of the 10 Amazon places …, how many …?"), nor only a year for "how much/many", nor
    only a calendar date for a measure ("September 3" for "How high …?")."""
    numbers = DIGITS.findall(phrase)
    if not numbers and not any(w in NUMBER_WORDS for w in ws):
        return False
    kinds, wanted = kinds_in(phrase), asked_kind(question)
    if wanted in ("money", "share") and wanted not in kinds:
        return False
    if kinds == {"money"} and _COMPARED.search(question):
        return False  # "$700" for "How much faster is the RTX 3080 …?"
    own = set(_QUESTION_NUMBER.findall(question))
    if numbers and set(_QUESTION_NUMBER.findall(phrase)) <= own:
        return False
    rest = without_dates(phrase) if _MEASURE.search(question) else phrase
    rest = YEARS_OLD.sub("", rest) if _HOW_MUCH.search(question) else rest  # "34-year-old" no count
    if not DIGITS.search(rest) and not set(words(rest)) & NUMBER_WORDS:
        return False
    only_years = bool(numbers) and all(YEAR.fullmatch(n) for n in numbers)
    return not (only_years and _HOW_MUCH.search(question)) or "money" in kinds
