"""Whether two namings are one speaker: "Blinken" and "Secretary of State Antony Blinken",
"the head of the rail operator" and "Mira Osk, the operator's chief executive"."""

from __future__ import annotations

import re

from rag.news.dates import resolve_dates
from rag.news.phrases import DETERMINERS, NAME
from rag.news.roles import ROLES
from rag.text.terms import STOPWORDS, ascii_fold, proper_nouns

# Titles that are no part of whom a naming names ("Gov. Inslee" is "Jay Inslee").
_TITLES = {"mr", "mrs", "ms", "dr", "the", "a", "an", "of", "for", "said", "'s", "gov", "sen",
           "rep", "gen", "prof", "sgt", "lt", "col"}  # fmt: skip
# The words of one role: a question asks for "Andrew Hartley's barrister" of whom the article
# writes "Michael Fitton, defending", for "the utility's boss" of "chief executive Arne Holt".
_SAME_ROLE = {"barrister": "lawyer", "solicitor": "lawyer", "attorney": "lawyer",
              "counsel": "lawyer", "defending": "lawyer", "prosecuting": "prosecutor",
              "boss": "head", "ceo": "head"}  # fmt: skip
_CHIEF_EXECUTIVE = re.compile(r"\bchief executive(?: officer)?\b")
# Titles said in full or by their letters ("Brannock's HR director", "human resources
# director Clara Fenn").
_LETTERS = {"human resources": "hr", "chief financial officer": "cfo",
            "chief operating officer": "coo", "public relations": "pr"}  # fmt: skip
_SPELT_OUT = re.compile(r"\b(?:" + "|".join(_LETTERS) + r")\b")
# Asked for "the head" ("the head of the rail operator", "Ombra Power's chief"), a question
# means whoever leads the body, by whichever title the article gives them ("Katherine Maher,
# Executive Director of the Wikimedia Foundation"); a "chief inspector" leads no body.
_LEADS = {"head", "director", "leader", "president", "chairman", "chairwoman", "chair"}
_VOICES = {"spokesman", "spokeswoman", "spokesperson", "source", "official", "representative"}
_OF = re.compile(r"\s(?:of|for|at|in)\s")
# "Tessa Valley Power (spokeswoman Mira Callen)": a body, and who spoke for it in brackets.
VOICE = re.compile(r"([^()]+?)\s+\(([^()]+)\)")
_POSSESSIVE = re.compile(r"[’']s\b")


def name_tokens(name: str) -> list[str]:
    """The words of a naming that tell who it is: lower case, accents folded, no possessive,
    title or article, and one word per role ("barrister" and "defending" are "lawyer")."""
    # Possessives off before accents are folded (folding drops the "’" of "Netanyahu’s");
    # folded: "Muller" and "Müller" are one person, spelt by two outlets.
    plain = ascii_fold(_POSSESSIVE.sub("", name.lower()))
    plain = _SPELT_OUT.sub(lambda m: _LETTERS[m[0]], _CHIEF_EXECUTIVE.sub("ceo", plain))
    return [_SAME_ROLE.get(t, t) for t in re.findall(r"[\w-]+", plain) if t not in _TITLES]


def _role_first(name: str) -> bool:
    return name[:1].islower() or name.split()[0] in DETERMINERS


def _key(name: str) -> str | None:
    """The word a naming is known by: the last word of the first person's or body's name in
    it ("Mira Osk, the operator's chief executive" → "osk", "Bluewater Sound Lines (spokesman
    Tomas Reil)" → "lines"); for a naming that starts with its role, or holds no name, the
    head of its role ("the utility's boss" → "head", "the governor of Upper Zeravan" →
    "governor")."""
    for m in [] if _role_first(name) else NAME.finditer(name):
        if not m.group().endswith(("’s", "'s")) and (t := name_tokens(m.group())):
            return t[-1]
    tokens = name_tokens(_OF.split(_POSSESSIVE.split(name)[-1])[0]) or name_tokens(name)
    if tokens and tokens[-1] == "chief":
        return "head"  # "Ombra Power's chief"; "chief inspector" keeps its last word
    return tokens[-1] if tokens else None


def _body(name: str) -> tuple[set[str], bool]:
    """The words of the body a role belongs to ("the operator's chief executive", "head of the
    rail operator" → operator, rail; none when the naming gives none), and whether it is
    named (Upper Zeravan) rather than described (the region)."""
    role = name.split(",", 1)[1] if "," in name and not _role_first(name) else name
    parts = _POSSESSIVE.split(role)
    owner = parts[0] if len(parts) > 1 else ""
    of = _OF.split(parts[-1], maxsplit=1)
    text = f"{owner} {of[1] if len(of) > 1 else ''}"
    words = {w for w in name_tokens(text) if w not in STOPWORDS}
    return words, bool(re.search(r"\b[A-Z]", text.replace("The ", "")))


def _named_in(key: str, tokens: list[str]) -> bool:
    return key in tokens or (key == "head" and not _LEADS.isdisjoint(tokens))


def same_speaker(a: str | None, b: str | None) -> bool:
    """True when two namings are the same speaker: the word one is known by is in the other
    ("Blinken" ~ "Secretary of State Antony Blinken", "the navy" ~ "the Indonesian navy", "the
    head of the rail operator" ~ "Mira Osk, the operator's chief executive"), and where both
    name or describe the body of a role, it is one body ("the utility's boss" ≁ "the
    regulator's director")."""
    if not a or not b:
        return False
    for one, both in ((a, b), (b, a)):  # a body and its voice: either is the speaker
        if voice := VOICE.fullmatch(both):
            return same_speaker(one, voice[1]) or same_speaker(one, voice[2])
    ka, kb = _key(a), _key(b)
    if not (ka and kb):
        return False
    ta, tb = name_tokens(a), name_tokens(b)
    for key, other, mine, theirs in ((ka, tb, a, b), (kb, ta, b, a)):
        if _key(theirs) in _LEADS | {"head"} and key in _body(theirs)[0]:
            continue  # "The utility said" is not said by "the utility's boss"
        if _named_in(key, other):
            by_role = key == "head" or key in ROLES or key in _SAME_ROLE.values()
            (body, named), (other_body, other_named) = _body(mine), _body(theirs)
            # "the region's governor" may be the governor of Upper Zeravan; "the utility's
            # boss" is not "the regulator's director", nor is Halvard's chief Ombra Power's.
            if not (by_role and body and other_body and named == other_named
                    and body.isdisjoint(other_body)):  # fmt: skip
                return True
    # "the city's top health official" is any holder of a role there ("Dr Nadia Kesteven, the
    # city's director of public health"): "official" names no one role.
    for mine, theirs in ((a, b), (b, a)):
        body = _body(mine)[0] if _key(mine) == "official" else set()
        if body & _body(theirs)[0] and not (ROLES | _LEADS).isdisjoint(name_tokens(theirs)):
            return True
    return False


def speaks_as(asked: str, speaker: str | None) -> bool:
    """Whether ``speaker`` says the words of the ``asked`` one: `same_speaker`, but a body
    named only as what a role belongs to is not the person holding it ("the union" does not
    speak as "union leader Jonas Weir"; "the union leader" and "Weir" do)."""
    if speaker and (voice := VOICE.fullmatch(speaker)):
        return speaks_as(asked, voice[1]) or speaks_as(asked, voice[2])
    if not same_speaker(asked, speaker) or not speaker:
        return False
    key, tokens = _key(speaker), name_tokens(asked)
    at = [i for i, t in enumerate(tokens) if t == key]
    role = (ROLES | _LEADS | {"head"}) - _VOICES
    # a person's role after it ("union leader"); plural roles and those who voice the body
    # speak for it ("Hamas officials" ~ "Hamas", "a ministry source" ~ "the health ministry")
    return not (at and all(i + 1 < len(tokens) and tokens[i + 1] in role
                           and not tokens[i + 1].endswith("s") for i in at)
                and key not in _LEADS | {"head"} and not NAME.search(speaker))  # fmt: skip


def names_asked(question: str) -> list[str]:
    """The names a question names, no possessive and no dates ("the strike at Brannock's
    Leddington plant on Monday" → Brannock, Leddington): an article about it names them."""
    return [_POSSESSIVE.sub("", w) for w in proper_nouns(question) if not resolve_dates(w, None)]
