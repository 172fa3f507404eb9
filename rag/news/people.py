"""Who is who in an article: how it first introduces each person it names.

Wire copy names a person once with their role ("The operator's chief executive, Mira Osk,
apologised", "Health minister Dalia Ferrant stood by the figure") and later by surname alone
("Osk said", "Ferrant said in parliament"). A reader links the two; so does this module, so
that a later statement is shown as said by "Mira Osk, the operator's chief executive" and a
question that names the speaker by role ("What did the head of the rail operator say …?")
finds it. Hand-written like `rag.news.speakers`, for the same reason (no coreference model
ships for this machine); tests/news/test_people.py holds the forms it reads.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.news.naming import VOICE, name_tokens
from rag.news.phrases import NAME, POSSESSIVES, RELATIVE, is_role
from rag.news.roles import BODIES, DOCUMENTS, SAID_VERBS
from rag.news.speakers import speaker_of
from rag.text.terms import STOPWORDS

# A role set before a name in its own comma segment ("The operator's chief executive, Mira
# Osk,") or after it ("Mira Osk, Tarrow Valley Railways' chief executive,", "Michael Fitton,
# defending,"): one segment of at most this many words, so that a clause is never taken.
_ROLE_WORDS = 6
_TWO_PEOPLE = re.compile(r"[A-Z][\w’'-]*\s+and\b")  # "Chris and mother", not "co-founder and CEO"
_SEGMENT_BEFORE = re.compile(r"(?:^|[.!?;:\"“”(]\s*|,\s*)([^,.!?;:\"“”()]+),\s*$")
# A period inside an abbreviation or after an initial ("director of U.S. Steel", "Dana F.
# Cole & Company") does not end the segment.
_SEGMENT_AFTER = re.compile(
    r",\s*((?:[^,.!?;:\"“”()]|\.(?=\w)|(?<=\b[A-Z])\.)+?)\s*(?:[,;]|(?<!\b[A-Z])\.(?!\w))"
)
# A role written just before the name, in the same phrase ("Health minister Dalia Ferrant",
# "chief executive Arne Holt"): the words back to a punctuation mark, at most three.
_PREFIX = re.compile(r"((?:[^\W\d_][\w’'-]*\s+){1,3})$")  # words, not a dash ("-- but coach X")


def _clean_role(role: str) -> str:
    """A role as it reads after a name: no leading possessive pronoun ("Its chief executive"
    → "chief executive"), and a capital article lowered ("The operator's …" → "the …")."""
    words = role.split()
    while words and words[0].lower() in POSSESSIVES:
        words.pop(0)
    if len(words) > 1 and words[0].lower() in STOPWORDS:
        words[0] = words[0].lower()
    return " ".join(words)


def _a_role(segment: str) -> bool:
    """Whether a comma segment beside a name is its role: a role word, a few words, no
    clause ("whose director", "who runs …") and no second person ("Chris and mother")."""
    words = segment.split()
    return (is_role(segment) and len(words) <= _ROLE_WORDS and not _TWO_PEOPLE.match(segment)
            and not RELATIVE.match(segment))  # fmt: skip


def _role_around(article: str, start: int, end: int) -> str | None:
    """The role the article sets around the name at ``start:end``, if any."""
    line_start = max(article.rfind("\n", 0, start), 0)
    before, after = article[line_start:start], article[end : end + 200]
    if after.startswith(",") and (seg := _SEGMENT_BEFORE.search(before)):
        role = seg[1].strip()
        if _a_role(role) and not NAME.search(role):
            owned = role.split()[0].lower() in ("its", "their")  # "Its chairman, Tobias Renk,"
            if owned and (owner := _owner_before(article, line_start + seg.start(1))):
                return f"{_clean_role(role)} of {owner}"
            return _clean_role(role)
    if seg := _SEGMENT_AFTER.match(after):
        role = seg[1].strip()
        if _a_role(role):
            return _clean_role(role)
    if prefix := _PREFIX.search(before):
        words = prefix[1].split()
        while words and not is_role(" ".join(words)):
            words.pop(0)
        while words and not is_role(words[0]) and words[0].lower() in STOPWORDS:
            words.pop(0)  # "said chief executive …" → "chief executive"
        if words and is_role(words[-1]) and words[-1].lower() not in DOCUMENTS:
            return _clean_role(" ".join(words))
    return None


# The sentence just before a position: "The Red Crescent said … . Its regional director, …".
_SENTENCE_BEFORE = re.compile(r"[^.!?\n]+[.!?][\"”’']?\s*$")
_LEADING_THE = re.compile(r"^(?:The|A|An)\s+")


def _owner_before(article: str, start: int) -> str | None:
    """Whom a role's "its" or "their" at ``start`` belongs to: the body the sentence before
    speaks for ("The Red Crescent said …", "…, according to the institute"), else the name
    it starts with ("The Cabreza Fishers' Association counts differently.")."""
    m = _SENTENCE_BEFORE.search(article, max(0, start - 400), start)
    if not m:
        return None
    sentence = m.group().strip()
    who = speaker_of(sentence)
    if who and not any(c in who for c in ",()"):
        return _LEADING_THE.sub(lambda t: t[0].lower(), who)
    first = NAME.match(sentence)
    if not first or first.group().endswith(("’s", "'s")):
        return None
    # a body, not a person: "The Cabreza Fishers' Association", "The United Vehicle Workers
    # union" (its body word just after the name)
    rest = sentence[first.end() :].split()
    after = re.sub(r"\W", "", rest[0]).lower() if rest else ""
    if (_NAMED_BODIES | BODIES).isdisjoint({first.group().lower().split()[-1], after}):
        return None
    body = first.group() + (f" {after}" if after in BODIES else "")
    return _LEADING_THE.sub(lambda t: t[0].lower(), body)


# Words that open a clause and are capitalised only at a sentence's start.
_OPENERS = frozenset({"whether", "although", "though", "unless", "whereas", "whenever"})


# A name run right after "of" starts with the title's last word ("Secretary of State Antony
# Blinken" was introduced as "State Antony Blinken").
_OF_BEFORE = re.compile(r"\b[A-Z][\w.’'-]*\s+of\s+(?:the\s+)?$")


@lru_cache(maxsize=64)
def introductions(article: str) -> dict[str, str]:
    """Each person's key (the last word of their name) → how the article introduces them.

    Args:
        article: the article's text.

    Returns:
        "osk" → "Mira Osk, the operator's chief executive": the name at its first mention with
        a role (else the first mention), for names of two or more words. A key that two
        different names of the article share ("Omar Mateen", "Seddique Mir Mateen") is left out.
    """
    names: dict[str, set[str]] = {}
    namings: dict[str, str] = {}
    for m in NAME.finditer(article):
        # A name is on one line: a headline or a byline above it is none of it ("… Amid
        # Growing Ceasefire Pressure\n\nBenjamin Netanyahu" read as one name).
        begin = m.start() + m.group().rfind("\n") + 1
        group = article[begin : m.end()]
        words = group.split()
        skip = 0
        while skip < len(words) and words[skip].lower() in STOPWORDS | _OPENERS:
            skip += 1  # "The Rev. …", "For Ingrid Sola", "Whether Solvane": the name after
        if len(words) - skip >= 3 and _OF_BEFORE.search(article[max(0, begin - 40) : begin]):
            skip += 1  # "Secretary of State Antony Blinken": "State" ends the title
        if len(words) - skip < 2 or group.endswith(("’s", "'s")):
            continue
        name = " ".join(words[skip:])
        tokens = name_tokens(name)
        if not tokens:
            continue
        key = tokens[-1]
        names.setdefault(key, set()).add(" ".join(tokens))
        if key in namings and "," in namings[key]:
            continue
        role = _role_around(article, begin + group.find(words[skip]), m.end())
        if role or key not in namings:
            held = role and role.lower() in name.lower()  # "Governor Jay Inslee"
            namings[key] = f"{name}, {role}" if role and not held else name
    return {k: v for k, v in namings.items() if _one_person(names[k])}


def _one_person(names: set[str]) -> bool:
    """Whether the full names that share a key are one person ("Mira Osk", "Ms Mira Osk")."""
    sets = sorted((set(n.split()) for n in names), key=len)
    return all(a <= sets[-1] for a in sets)


def introduced(speaker: str | None, article: str | None) -> str | None:
    """``speaker`` as the article introduced them ("Osk" → "Mira Osk, the operator's chief
    executive"; a bare role, "Governor", → the article's one holder of it); unchanged when it
    already carries a role, is no one person, or the article has no introduction of them."""
    if not speaker or not article:
        return speaker
    if voice := VOICE.fullmatch(speaker):  # a body and the one who spoke for it
        return f"{voice[1]} ({introduced(voice[2], article)})"
    if any(c in speaker for c in ",()"):
        return speaker
    if holder := _holder(speaker, article):
        return holder  # "Governor says …", "the minister said": the one person of that role
    found = NAME.search(speaker)
    if found and found.end() == len(speaker):
        name = found.group()  # "director Tomas Lind" → "Tomas Lind"
    elif re.fullmatch(r"[A-Z][\w’'-]+", speaker):
        name = speaker  # "Osk"
    else:
        return speaker  # "the ministry", "Con Edison officials": no one person's name
    tokens = name_tokens(name)
    naming = introductions(article).get(tokens[-1]) if tokens else None
    if naming is None or not set(tokens) <= set(name_tokens(naming.split(",")[0])):
        return speaker
    # Only when the article says more than the speaker's naming ("director Tomas Lind" →
    # "Tomas Lind, the regulator's director"; "Union leader Mara Vell" stays as it is).
    # "Its spokesman Stefan Strand" reads as the article introduced him, whose "its" it knows.
    owned = speaker.split()[0].lower() in POSSESSIVES
    return naming if owned or not set(name_tokens(naming)) <= set(name_tokens(speaker)) else speaker


# Roles one person holds: "the governor said" is the article's governor. Bodies ("police",
# "the ministry") and plurals speak as many, and stay as they are.
_ONE_HOLDER = frozenset(
    "governor minister president mayor judge coach spokesman spokeswoman spokesperson director "
    "chief head father mother son daughter brother sister wife husband widow lawyer attorney "
    "prosecutor secretary ambassador senator chairman chairwoman executive founder manager "
    "commander adviser".split()
)
_BARE_ROLE = re.compile(r"(?:the\s+|a\s+)?([\w’'-]+(?:\s+[\w’'-]+)?)", re.IGNORECASE)


def _holder(speaker: str, article: str) -> str | None:
    """The article's one person whose role a bare role speaker names ("Governor" → "Governor
    Jay Inslee", "the health minister" → "Dalia Ferrant, Health minister"), or None."""
    bare = _BARE_ROLE.fullmatch(speaker)
    words = bare[1].lower().split() if bare else []
    if not words or words[-1] not in _ONE_HOLDER or NAME.search(speaker):
        return None
    holders = [v for v in introductions(article).values()
               if set(words) <= set(w.lower() for w in re.findall(r"[\w-]+", v))]  # fmt: skip
    return holders[0] if len(holders) == 1 else None


# Bodies an article names, then calls by what they are ("Bluecrest Airlines, the island's main
# carrier, …" then "the airline said"). "company" and "group" are left out: they name any firm.
_NAMED_BODIES = frozenset(
    "airline airport authority ministry agency council union utility carrier operator "
    "regulator inspectorate federation bank watchdog insurer institute service office "
    "prefecture railway contractor carmaker hospital charity association".split()
)
_CAPS = r"(?:[A-Z][\w&’'-]*\s+){0,4}[A-Z][\w&’'-]*"


def body_named(article: str, start: int, speaker: str | None) -> str | None:
    """The body a bare "the airline" speaking at ``start`` of ``article`` is, as the article
    last named it before.

    Args:
        article: the article text.
        start: where the attributed sentence begins.
        speaker: the speaker as the sentence names it.

    Returns:
        "Bluecrest Airlines, the airline", "Shieldline, the festival's security contractor",
        or None (not a bare body word, or no body named so before).
    """
    m = re.fullmatch(r"(?:the\s+)?([a-z]+)", (speaker or "").strip(), re.IGNORECASE)
    word = m[1].lower() if m else ""
    if word not in _NAMED_BODIES:
        return None
    before = article[:start]
    title = word.capitalize()
    found = [*re.finditer(rf"\b{_CAPS}\s+{title}s?\b", before),  # "Bluecrest Airlines"
             # an apposition, not the next clause's subject ("the town of Kovrin, the interior
             # ministry said on Monday": the ministry is no name of Kovrin's)
             *re.finditer(rf"\b({_CAPS}),\s+(?:the|a|an|its)\s+(?:[\w’'-]+\s+){{0,4}}?{word}\b"
                          rf"(?!\s+(?:{SAID_VERBS})\b)", before)]  # fmt: skip
    if not found:
        return None
    last = max(found, key=lambda f: f.start())
    # Named with what the sentence calls it, so that "What did the airline say?" finds it:
    # "Bluecrest Airlines, the airline", "Shieldline, the festival's security contractor".
    named = last[0] if last.groups() else f"{last[0]}, the {word}"
    words = named.split()
    while words and words[0].lower() in ("the", "a", "an", "in", "on", "at", "by"):
        words.pop(0)  # "The Bluecrest Airlines" at a sentence's start
    return " ".join(words) or None
