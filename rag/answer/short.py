"""The short answer: the phrase of the best sentence that is the asked name, number, date or place.

The span model scores every span of a sentence; its best one is often the right phrase with
the wrong edges ("Cynthia Nixon plays Emily Dickinson, whose poetry …" for "Who plays Emily
Dickinson?") or a phrase of another kind (a name for "when …?"). So the short answer walks the
model's spans best first and takes the first one that reads as the asked kind once cut to it:
for a name or place, the whole run of capitalised words inside the span that is not the
question's own; for a number or date, the span without a trailing clause or an unclosed
bracket, holding a figure or a date word. Measured on the dev split of evals/reader (short
exact match over the questions asking for one): the best span alone 68 / 293, this walk 86 / 293
(docs/reader.md).
"""

from __future__ import annotations

import re

from rag.answer.ages import age_beside
from rag.answer.asks import AnswerType, asked_figure, asked_type
from rag.news.counts import figures_of
from rag.news.measures import measures_of
from rag.reader.span import Span
from rag.records import Citation, Quote, ShortAnswer
from rag.text.terms import STOPWORDS, words

# A short answer is a name, figure, date or place: a longer "span" is a clause, shown as the
# quoted sentence alone (the longest gold short answers of the labelled data are 10 words).
SHORT_WORDS = 12
# A figure span longer than this is cut to the figure it holds ("58 units of housing were
# built in …" → "58 units"); the labelled figures with their noun are at most 4 words long.
_FIGURE_WORDS = 4
_NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million billion trillion dozen dozens half third quarter twice double
    triple several few""".split()
)
_DATE_WORDS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday yesterday today tomorrow tonight week weeks month months year years decade
    decades century centuries spring summer autumn fall winter morning afternoon evening night
    weekend""".split()
)
_FUNCTION = frozenset("the a an of in on at to for from by with and or as".split())
# Words that join the capitalised words of one name ("Pueblo of Isleta", "Marks & Spencer").
_NAME_JOINS = frozenset("of the de du la del da von van and &".split())
# Titles and roles written before a person's name ("Sen.", "Executive Director", "Sister").
_TITLES = frozenset(
    """mr mrs ms miss dr sen rep gov gen prof sgt lt col capt sir dame rev fr sister brother
    father judge justice president vice prime minister secretary chancellor mayor governor
    senator representative congressman congresswoman councilman councilwoman director
    chairman chairwoman chair chief executive commissioner superintendent inspector
    detective sergeant captain professor doctor coach""".split()
)
# "U.S." is one token: cut at its dots, it gave the name "U".
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[\w’'&-]*\w")
_TRAILING_CLAUSE = re.compile(r",\s+(?=[a-z])")  # ", where …", ", with …", ", the model for …"
_BARE = re.compile(r"[\d.,]+")
_OPEN_BRACKET = re.compile(r"\s*\([^)]*$")
# A live blog's time stamp at the head of an entry ("05.20 Seventh body has reportedly just
# been found."): when the entry was written, never the asked number or date.
_STAMP = re.compile(r"\d{1,2}[.:]\d\d")


def short_span(
    question: str, sentence: str, span: Span, threshold: float, article: str | None = None
) -> tuple[int, int] | None:
    """Where the short answer lies in ``sentence``, when ``question`` asks for one.

    Args:
        question: the question as asked.
        sentence: the best sentence of the answer.
        span: the span model's reading of that sentence (offsets inside it).
        threshold: the span score a short answer needs (the reader's calibrated cut).
        article: the sentence's article, which tells whether the sentence's capitalised
            first word is a name; None: taken as one when no other span gives a name.

    Returns:
        ``(start, end)`` inside ``sentence``, or None when no span reads as the asked kind.
    """
    kind = asked_type(question)
    if kind is None or span.score < threshold:
        return None
    if age := age_beside(question, sentence):
        return age  # "Tom Reyes, 44,": the age beside the asked name
    initial: tuple[int, int] | None = None
    for score, a, b in [(span.score, span.start, span.end), *span.others]:
        if score < threshold:
            break
        if kind in ("name", "place"):
            found, at_start = _name_in(question, sentence, a, b, article)
            if found and at_start:
                # A lone capitalised first word is often not a name ("Since …", "One …"):
                # taken only when no other span gives one.
                initial = initial or found
                continue
        else:
            found = _figure_in(question, sentence, kind, a, b)
        if found and _reads_as(kind, question, sentence[found[0] : found[1]], sentence):
            return found
    return initial


def _figure_in(
    question: str, sentence: str, kind: AnswerType, a: int, b: int
) -> tuple[int, int] | None:
    """The number or date phrase of ``sentence[a:b]``, without a trailing clause."""
    phrase = sentence[a:b]
    phrase = _OPEN_BRACKET.sub("", phrase)
    if cut := _TRAILING_CLAUSE.search(phrase):
        phrase = phrase[: cut.start()]
    phrase = phrase.strip(" ,;:.")
    stamp = _STAMP.match(phrase)
    if stamp and sentence.lstrip().startswith(phrase[: stamp.end()]):
        # "05.20", "04.25 Three people": the entry's time is never (part of) the answer
        phrase = phrase[stamp.end() :].strip()
        if not phrase:
            return None
    if kind == "number":
        if len(words(phrase)) > _FIGURE_WORDS:
            # a count ("58 units"), else a measure or sum ("after a £12m" → "£12m")
            held = (*figures_of(phrase), *measures_of(phrase))
            inside = [f.text for f in held if f.text in phrase]
            phrase = inside[0] if inside else phrase
        phrase = asked_figure(question, sentence, phrase)
        # A bare number with its unit ("5.8" → "5.8 metres", "40" → "40 percent").
        unit = [f.text for f in measures_of(sentence) if f.text.startswith(phrase)]
        phrase = unit[0] if unit and _BARE.fullmatch(phrase) else phrase
    if not phrase:
        return None
    at = sentence.find(phrase, a)
    at = at if at >= 0 else sentence.find(phrase)
    return (at, at + len(phrase)) if at >= 0 else None


def _name_in(
    question: str, sentence: str, a: int, b: int, article: str | None
) -> tuple[tuple[int, int] | None, bool]:
    """The first run of capitalised words inside ``sentence[a:b]`` that is not made of the
    question's words, grown to the whole run in the sentence (a lone first word of the
    sentence only when there is no other); and whether it is that lone first word."""
    tokens = list(_TOKEN.finditer(sentence))
    capital = [t.group()[:1].isupper() and t.group().lower() not in STOPWORDS for t in tokens]
    opens = bool(tokens) and not sentence[: tokens[0].start()].strip(' “"‘(')
    if article is not None and opens and capital[0]:
        # The sentence's first word is capitalised whatever it is. Before another capitalised
        # word it opens the name unless the article writes it in lower case ("Even George
        # Eustice", but "Cynthia Nixon"); alone, only where the article writes it as a name.
        gap = sentence[tokens[0].end() : tokens[1].start()] if len(tokens) > 1 else ""
        word, alone = tokens[0].group(), not (gap == " " and capital[1])
        capital[0] = _written_as_name(word, article) if alone else not _lower_in(word, article)
    asked = set(words(question))

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
        return (tokens[k].group().lower() in _NAME_JOINS and 0 <= far < len(tokens)
                and capital[far] and joins(min(k, far), max(k, far)))  # fmt: skip

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
        first = _after_title(tokens, first, last)
        start, end = tokens[first].start(), tokens[last].end()
        run = sentence[start:end]
        if not all(w in asked for w in words(run)) and not run.endswith("-based"):
            if first != last or sentence[:start].strip(' “"‘('):
                return (start, end), False
            lone_first = lone_first or (start, end)
        i = last + 1
    return lone_first, lone_first is not None


def _written_as_name(word: str, article: str) -> bool:
    """Whether ``article`` writes ``word`` capitalised after another word ("… said
    Varadkar"), as a name, and never in lower case ("thus", "even")."""
    inside = re.search(rf"[\w,;:)]\s+{re.escape(word)}(?![\w’'-])", article)
    return inside is not None and not _lower_in(word, article)


def _lower_in(word: str, article: str) -> bool:
    return re.search(rf"(?<![\w’'-]){re.escape(word.lower())}(?![\w’'-])", article) is not None


def _after_title(tokens: list[re.Match[str]], first: int, last: int) -> int:
    """Where the person's name starts in the run ``tokens[first:last + 1]``: after its last
    title ("Sen. Jim Davis" → "Jim Davis", "Trust Executive Director Javier Betancourt" →
    "Javier Betancourt"), or at the title when only a surname follows it ("Mr Parish"). The
    labelled names are given without the title (evals/reader/WRITING.md: the name in full)."""
    titled = [k for k in range(first, last) if tokens[k].group().lower() in _TITLES]
    if not titled:
        return first
    return titled[-1] + 1 if last - titled[-1] >= 2 else titled[-1]


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
    content = [w for w in ws if w not in _FUNCTION]
    if content and set(content) <= set(words(question)):
        return False
    if kind == "number":
        return any(c.isdigit() for c in phrase) or any(w in _NUMBER_WORDS for w in ws)
    if kind == "date":
        return any(c.isdigit() for c in phrase) or any(w in _DATE_WORDS for w in ws)
    return True


# A name as a sentence writes it, with a title before it ("Dr. Shadlen", "Sen. Jim Davis").
_NAME_RUN = re.compile(
    r"(?:\b(?:Dr|Mr|Mrs|Ms|Sen|Rep|Gov|Gen|Prof|Sgt|Lt|Col)\.\s+)?"
    r"\b[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'-]*|(?:(?:de|van|von|bin|al|der|du|la)\s+)+[A-Z][\w’'-]*))*"
)
_DESCRIBED = re.compile(r"(?:the|a|an|its|their)\s(?!.*[A-Z][\w’'-]*\s+[A-Z])", re.I)
_BODY = re.compile(r"\s(?:of|for|at|from)\s|[,(]")


def speaker_in(sentence: str, speaker: str | None) -> tuple[int, int] | None:
    """Where ``sentence`` names ``speaker``, for a question that asks who said something.

    Args:
        sentence: the best sentence of the answer.
        speaker: who it is attributed to (`rag.news.compose.speaker_at`): "Mira Osk, the
            operator's chief executive", "Throgs Neck resident Dennise Laboy".

    Returns:
        ``(start, end)`` of the person's name as the sentence writes it ("Osk", "Dennise
        Laboy"), or None when the sentence does not name them ("he said").
    """
    if not speaker or _DESCRIBED.match(speaker):
        return None  # "the Government", "a senior official": no name to give
    main, _, rep = speaker.partition("(")
    segments = [_BODY.split(seg, maxsplit=1)[0] for seg in main.split(",")]
    runs = [[m.group() for m in _NAME_RUN.finditer(seg)] for seg in segments]
    # The name: the last run of two or more words of the first part that has one ("Throgs
    # Neck resident Dennise Laboy", "The operator's chief executive, Mira Osk"; not the body
    # of "Mira Osk, Tarrow Valley Railways' chief executive"), else a lone capitalised word
    # ("Woodard"); then the representative of a body ("Bluewater Sound Lines (spokesman
    # Tomas Reil)").
    multi = [[r for r in seg if len(r.split()) > 1] for seg in runs]
    full = next((m for m in multi if m), [])
    names = full[-1:] or (runs[0][-1:] if runs else [])
    names += [m.group() for m in _NAME_RUN.finditer(rep)][-1:]
    for key in [words(name)[-1] for name in names if words(name)]:
        for m in _NAME_RUN.finditer(sentence):
            run = m.group().removesuffix("’s").removesuffix("'s")
            if key in words(run) and run.lower() not in STOPWORDS:
                return m.start(), m.start() + len(run)
    return None


def speaker_short(
    best: Quote, speaker: str | None, citations: list[Citation]
) -> ShortAnswer | None:
    """The short answer to "Who said …?": the speaker's name where the answer's best sentence
    names them, else where another cited sentence of its article does ('"It doesn't take a
    genius." [1] "It just doesn't," said Jeff Miller [2]').

    Args:
        best: the best sentence of the answer.
        speaker: who it is attributed to.
        citations: the answer's citations.

    Returns:
        The name with its offsets in the article, or None when no cited sentence names them.
    """
    mine = [c for c in citations if c.doc_id == best.doc_id]
    mine.sort(key=lambda c: c.start != best.start)  # the best sentence first
    for c in mine:
        if at := speaker_in(c.quote, speaker):
            return ShortAnswer(c.quote[at[0] : at[1]], c.doc_id, c.start + at[0],
                               c.start + at[1], c.marker)  # fmt: skip
    return None
