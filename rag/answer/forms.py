"""Short answers of forms the span walk of `rag.answer.short` misreads.

- Which one of a series: "Which trip is this for Blinken?" is answered by the ordinal
  ("ninth trip"), not by a capitalised word of the sentence ("October" of "since the war began
  in October": the bundled article's answer before this rule).
- Who a named person is: "Who is Isaac Herzog?" by the title before the name ("Israeli
  President") or the apposition after it ("Fernando Caudevilla, a Spanish physician who …"),
  never by the first other name of the sentence ("Blinken").
- A place in the possessive: "Where is the Philadelphi Corridor?" by the phrase it owns
  ("Gaza’s southern border with Egypt"), not "Gaza’s" alone nor the next name ("Egypt").
"""

from __future__ import annotations

import re

from rag.news.attribution import inside_quote
from rag.news.phrases import PRONOUNS as SPEAKER_PRONOUNS

# Which one of a series

_ORDINAL = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
    r"(?:twenty|thirty|forty|fifty)(?:-(?:first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth))?|twentieth|thirtieth|fortieth|fiftieth|hundredth|\d+(?:st|nd|rd|th))"
)
_WHICH = re.compile(r"^\s*(?:and\s+)?(?:which|what\s+number)\s+(?P<noun>[a-z]+)\b", re.I)
# Nouns of a series, whose "which" asks for a position ("Which trip is this?"); other nouns
# ask for a name ("Which film won?" is not "the first film to …").
_SERIES = frozenset(
    "trip visit term time generation edition season round place anniversary birthday version "
    "installment instalment episode leg stage attempt title win victory defeat loss "
    "iteration model day week year".split()
)


def ordinal_in(question: str, sentence: str) -> tuple[int, int] | None:
    """Where ``sentence`` says which one of a series ``question`` asks about ("ninth trip"
    for "Which trip to the region is this?"): the offsets of the ordinal and its noun, or
    None when the question asks no such thing or the sentence gives no ordinal of its noun."""
    m = _WHICH.match(question)
    noun = m["noun"].lower() if m else ""
    stem = noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
    if stem not in _SERIES:
        return None
    found = re.search(
        rf"\b{_ORDINAL}(?:[- ](?:straight|consecutive|successive))?[- ]{re.escape(stem)}s?\b",
        sentence,
        re.I,
    )
    return found.span() if found else None


# Who a named person is

# Titles and roles written before a person's name ("Sen.", "Executive Director", "Sister").
TITLES = frozenset(
    """mr mrs ms miss dr sen rep gov gen prof sgt lt col capt sir dame rev fr sister brother
    father judge justice president vice prime minister secretary chancellor mayor governor
    senator representative congressman congresswoman councilman councilwoman director
    chairman chairwoman chair chief executive commissioner superintendent inspector
    detective sergeant captain professor doctor coach attorney general ambassador spokesman
    spokeswoman spokesperson commander ceo cfo cto founder editor vice-president whip
    meteorologist forecaster analyst economist strategist correspondent columnist reporter
    lawyer scientist researcher officer""".split()
)
_WHO_IS = re.compile(
    r"^\s*(?i:and\s+)?(?i:who)\s+(?i:is|was)\s+"
    r"(?P<name>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s*(?:,[^?]*)?\??\s*$"  # ", quoted on …"
)
# Courtesy titles say nothing of who someone is.
_COURTESY = frozenset("mr mrs ms miss dr sir dame".split())
_WORD = re.compile(r"(?:[A-Z]\.){2,}|[\w’'-]*\w")
_JOINS = frozenset({"of", "the", "for", "and"})
# An apposition: ", a Spanish physician who is better known as …" up to its clause's end.
_APPOSITION = re.compile(
    r",\s+(?P<what>(?:(?:a|an|the)\s+)?[^,;:()“”\"]{3,80}?)"
    # the first of two roles ("a fellow at the Urban Institute and a co-founder of …")
    r"(?=\s+(?:who|which|that)\b|\s+and\s+(?:a|an|the)\s|[,;:.)]|$)"
)
_APPOSITION_WORDS = 10  # longer is a clause, not a description
# Who someone is, in apposition before the name ("The priest, Fidelis Mukonori,", "their
# lawyer, Scott Rynecki"), when its last word is a title or one of these roles.
_ROLE_BEFORE = re.compile(
    r"(?P<what>(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[A-Z][\w’'-]*[’']s)\s+"
    r"(?:(?!(?:of|in|at|for|to|the|a|an|his|her|their|its)\b)[a-z][\w-]*\s+){0,3}?"
    r"(?P<role>[a-z][\w-]*)),\s+$"
)
_NAME_RUN = re.compile(r"(?:[A-Z][\w’'.-]*\s+)+$")
_ROLES = frozenset(
    """sister brother wife husband son daughter mother father friend neighbour neighbor priest
    pastor partner girlfriend boyfriend colleague owner manager teacher victim suspect
    witness""".split()
)
_ROLE_WORDS = TITLES | _ROLES
# Who someone is, said before the name with "named" ("a meteorologist named Edward Lorenz").
_NAMED = re.compile(r"\b(?P<what>(?:a|an)\s+(?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*)\s+(?:named|"
                    r"called)\s+(?:[A-Z][\w’'.-]*\s+)*$")  # fmt: skip


def asks_who_is(question: str) -> str | None:
    """The name a "Who is X?" question asks about, or None for any other question."""
    m = _WHO_IS.match(question)
    return m["name"] if m else None


def identity_in(name: str, sentence: str) -> tuple[int, int] | None:
    """Where ``sentence`` says who ``name`` is: the title before the name ("Israeli
    President" of "… met with Israeli President Isaac Herzog"), else the apposition after it
    (", a Spanish physician"); None when it says neither.

    Args:
        name: the person asked about, as the question writes it.
        sentence: a sentence that may name them (in full or by the last word of the name).

    Returns:
        ``(start, end)`` in ``sentence``, or None.
    """
    parts = name.split()
    found = re.search(rf"\b{re.escape(name)}\b", sentence) or re.search(
        rf"\b{re.escape(parts[-1])}\b", sentence
    )
    if found is None:
        return None
    title = _title_before(sentence, found.start())
    if title is not None:
        return title
    if named := _NAMED.search(sentence[: found.start()]):
        return named.start("what"), named.end("what")  # "a meteorologist named Edward Lorenz"
    run = _NAME_RUN.search(sentence[: found.start()])  # the first names before the surname
    before = _ROLE_BEFORE.search(sentence[: run.start() if run else found.start()])
    if before and before["role"].lower() in _ROLE_WORDS:
        return before.start("what"), before.end("what")  # "Ramdehol’s sister, Inderdai Deyal"
    # A comma after a name inside a quotation is no apposition ("“… about Lorenz, the great
    # discovery — nothing.”").
    quoted = inside_quote(sentence[: found.start()])
    after = None if quoted else _APPOSITION.match(sentence, found.end())
    what = after["what"].split() if after else []
    # With no article, an apposition is a role ("David Kershaw, division vice president, …"),
    # not any phrase after a comma ("Prelogar, 43,").
    role = what and (what[0].lower() in ("a", "an", "the") or what[-1].lower() in TITLES)
    if after and role and len(what) <= _APPOSITION_WORDS:
        return after.start("what"), after.end("what")
    return None


def _title_before(sentence: str, at: int) -> tuple[int, int] | None:
    """The run of capitalised words right before ``at`` that holds a title ("U.S. Secretary of
    State", "Israeli President", "Green Bay coach"), joined by "of" or "the"; None when none.
    A name asked by its surname leaves its first names in the run: they end it, and are no
    title ("Israeli Prime Minister Benjamin" for "Who is Netanyahu?")."""
    tokens = [m for m in _WORD.finditer(sentence[:at]) if m.end() <= at]
    start = None
    i = len(tokens) - 1
    while i >= 0:
        t = tokens[i]
        gap = sentence[t.end() : (tokens[i + 1].start() if i + 1 < len(tokens) else at)]
        if gap.strip():  # a comma or a quote mark ends the run
            break
        word, lower = t.group(), t.group().lower()  # a title may be lower case: "coach"
        if word[:1].isupper() or lower in TITLES or (lower in _JOINS and start is not None):
            start = i
            i -= 1
            continue
        break
    if start is None:
        return None
    while start < len(tokens) and tokens[start].group().lower() in _JOINS:
        start += 1
    run = tokens[start:]
    while len(run) > 1 and run[-1].group().lower() not in TITLES:
        if run[-2].group().lower() in _JOINS:
            break  # "Secretary of State": the title goes on
        run = run[:-1]
    if not run or not any(t.group().lower().rstrip(".") in TITLES - _COURTESY for t in run):
        return None
    return run[0].start(), run[-1].end()


# A place in the possessive

# Pronouns that open a sentence capitalised: no name ("He’s lovely").
PRONOUNS = frozenset(
    {p.lower() for p in SPEAKER_PRONOUNS}
    | {"you", "this", "that", "these", "those", "there", "here"}
)
# "Gaza’s", not a pronoun's contraction ("He’s lovely" was taken for a place it owns).
POSSESSIVE = re.compile(
    r"(?<!\b[Hh]e)(?<!\b[Ss]he)(?<!\b[Ii]t)(?<!\b[Tt]hat)(?<!\b[Tt]here)"
    r"(?<!\b[Ww]ho)(?<!\b[Ww]hat)(?<!\b[Hh]ere)(?<!\b[Ll]et)[’']s$"
)
# What a place in the possessive owns, up to the end of its noun phrase: "southern border",
# "northern coast of the island", "eastern suburbs near Ostbury".
_OWNED = re.compile(
    r"(?:\s+[a-z][\w-]*){1,4}?(?:\s+(?:border|coast|edge|side|outskirts|suburbs?|region|part|"
    r"end|shore|bank|capital|centre|center|north|south|east|west)\b)?"
    r"(?:\s+(?:with|of|near|on)\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)?"
    r"(?=\s*(?:[,;:.()]|$|\s+(?:where|which|that|who)\b))"
)


def place_phrase(sentence: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` of a place name in ``sentence`` grown to what it owns when it is in the
    possessive ("Gaza’s southern border with Egypt"); unchanged when it is not; None when a
    possessive owns no short noun phrase (it is then no place answer)."""
    if not POSSESSIVE.search(sentence[start:end]):
        return start, end
    owned = _OWNED.match(sentence, end)
    return (start, owned.end()) if owned and owned.end() > end else None


# Numbers as written

DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million billion trillion dozen dozens half third quarter twice double
    triple several few""".split()
)


_ITEM = (
    r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"(?:\s+[A-Za-z][\w-]*){1,3}"
)
_LIST = re.compile(rf"{_ITEM}(?:,?\s+(?:and\s+)?{_ITEM})+", re.I)


def listed(sentence: str, start: int, end: int) -> bool:
    """Whether the figure at ``(start, end)`` is one of a list of three or more ("155
    Indonesians, three South Koreans, and one person each from …"): a part, never a total.
    The whole that a list divides is none ("Of the 89 dead, 61 died in Kovrin and 28 …")."""
    if re.search(r"\bof the\s+$", sentence[:start], re.I):
        return False
    return any(m.start() <= start < m.end() and
               len(re.findall(r",\s+|\s+and\s+", m.group())) >= 2
               for m in _LIST.finditer(sentence))  # fmt: skip


def after_title(tokens: list[re.Match[str]], first: int, last: int) -> int:
    """Where the person's name starts in the run ``tokens[first:last + 1]``: after its last
    title ("Sen. Jim Davis" → "Jim Davis", "Trust Executive Director Javier Betancourt" →
    "Javier Betancourt"), or at the title when only a surname follows it ("Mr Parish"). The
    labelled names are given without the title (evals/reader/WRITING.md: the name in full)."""
    titled = [k for k in range(first, last) if tokens[k].group().lower() in TITLES]
    if not titled:
        return first
    return titled[-1] + 1 if last - titled[-1] >= 2 else titled[-1]


# An adjective of nationality ("the Indonesian search authority") names no one, unless a
# language or a nationality is asked ("Which language did she use?" → "Spanish").
_DEMONYM = re.compile(r"(?:ish|ese|ian|ican|ous)$")
_ASKS_ADJECTIVE = re.compile(r"\b(?:language|nationality|cuisine|accent|dialect)\b", re.I)


def nationality_adjective(word: str, text: str) -> bool:
    """Whether ``word`` is one word of nationality before a lower-case word of ``text``
    ("Indonesian" of "the Indonesian search authority", "British" of "British farms")."""
    word = word.strip()
    if " " in word or not _DEMONYM.search(word):
        return False
    return re.search(rf"\b{re.escape(word)}\s+[a-z]", text) is not None


def adjective_of_nationality(question: str, phrase: str, sentence: str) -> bool:
    """Whether the short answer ``phrase`` is an adjective of nationality of ``sentence``
    (`nationality_adjective`) and ``question`` asks no language or nationality (round 20:
    of the recorded runs' 10 such short answers, the one right was "Spanish" for a
    language)."""
    return nationality_adjective(phrase, sentence) and not _ASKS_ADJECTIVE.search(question)
