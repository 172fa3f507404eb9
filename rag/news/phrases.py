"""The noun phrases that name a speaker around a reporting verb (`rag.news.speakers`).

"Bambang Soelistyo, head of the agency, said", "said its director, Noor Haddad", "Sister
Sharon Holland, the head of the group, who …, told reporters": the name, its role, and the
appositives and clauses news sets between a subject and its verb.
"""

from __future__ import annotations

import re

from rag.news.roles import BODIES, ROLES
from rag.text.terms import STOPWORDS

# Words that open a sentence's clause, never a speaker's name ("As Reuters reported").
CLAUSE_OPENERS = {"As", "But", "And", "So", "While", "When", "After", "Before", "Since",
                  "Because", "Although", "Though", "If", "Yet"}  # fmt: skip
CONNECT = {"of", "for", "the", "de", "al", "bin", "van", "von", "der", "la", "le", "and", "'s"}
DETERMINERS = {"the", "a", "an", "The", "A", "An"}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "He", "She", "They", "It", "We", "I"}
POSSESSIVES = {"its", "their", "his", "her", "our"}
_TOKEN = re.compile(r"[\w’'.-]+|[^\w\s]")
_CAP = r"[A-Z][\w’'-]+"
NAME = re.compile(rf"\b{_CAP}(?:\s+(?:{_CAP}|de|al|bin|van|von|der))*\s+{_CAP}")
_APPOSED_ROLE = re.compile(
    r",\s*((?:the|its|his|her|their|a|an)\s+(?:[\w’'-]+\s+){0,3}?(?P<role>[\w’'-]+))\s*[.,;]"
)
# How far a modifier run may reach from its determiner to the role ("a senior Afghan economic
# official"): four words covers the wire forms seen in the suites; more reaches into clauses.
_MODIFIERS = 4
# Titles whose full stop does not end a name ("said Dr. Walid Abu Hatab" is not "Dr").
_TITLES = ("Dr", "Mr", "Mrs", "Ms", "St", "Gen", "Col", "Lt", "Sgt", "Capt", "Gov", "Sen", "Rep",
           "Prof", "Rev", "Maj", "Cmdr", "Insp", "Supt", "Det")  # fmt: skip
# ... nor does an initial's ("said C. Eugene Steuerle" is not "C").
_NOT_TITLE = "".join(rf"(?<!\b{t})" for t in _TITLES) + r"(?<!\b[A-Z])"
# What ends a speaker phrase read forward: punctuation, or a clause after the name.
_FORWARD_END = re.compile(rf"[,;:\"“”]|{_NOT_TITLE}\.|\s(?:that|who|which|in|on|at|after|when)\s")
# A segment between commas that only describes the subject: a relative clause, an age, or
# any lower-case run ("speaking on condition of anonymity", "the nonprofit entity that …",
# "senior vice president of fleet"): a subject before its verb starts with a capital.
_DESCRIBES = re.compile(r"^(?:\d{1,3}$|[a-z])")
# Words after a name that end an inverted attribution without being part of it ('said Reed
# as he left', 'said Reed to reporters', 'said Reed late on Monday').
_AFTER_NAME = {"as", "to", "before", "while", "during", "adding", "late", "early", "last",
               "this", "yesterday", "today", "shortly", "later", "earlier", "from", "with",
               "via", "over", "outside", "inside", "through"}  # fmt: skip
# A segment that opens the sentence with a circumstance, not a subject ("In an interview …").
_INTRO = re.compile(
    r"^(?:In|On|At|After|Before|During|When|While|As|Since|Asked|Speaking|Later|Earlier|"
    r"Meanwhile|However|But|And|Yet|Still|Then)\b"
)
# A relative clause describes the subject without being its role ("Orla Kent, whose company
# depends on Brannock, said").
RELATIVE = re.compile(r"(?:who|whose|which|that|where|when|whom)\b", re.IGNORECASE)
_ENDS_IN_NAME = re.compile(rf"{NAME.pattern}$")
# Appositives a run may hold between subject and verb, and how many characters in all.
_MAX_APPOSITIVES, _MAX_RUN = 3, 240
# A name's last word, set off by a comma ("Raymond James Financial Services, Inc."): no
# appositive, and no name alone.
NAME_SUFFIXES = frozenset("inc corp co ltd llc plc jr sr".split())


def bare(word: str) -> str:
    """``word`` in lower case without a possessive ("operator's" → "operator")."""
    return word.lower().removesuffix("’s").removesuffix("'s")


def noun_phrase_back(text: str) -> str | None:
    """The speaker noun phrase that ends ``text`` ("... the Indonesian navy"), or None."""
    tokens = _TOKEN.findall(text.rstrip())[-12:]
    taken: list[str] = []
    while tokens:
        tok = tokens[-1]
        word = tok.rstrip(".")
        named = word[:1].isupper() and tok not in DETERMINERS
        if named or word.lower() in ROLES or (tok in CONNECT and taken and tokens[:-1]):
            taken.append(tok)
        elif tok in DETERMINERS and taken:
            taken.append(tok)
            break
        elif taken and (k := _modifiers_to_determiner(tokens)):
            # "the county emergency office": lower-case modifiers of a role, up to its "the".
            taken.extend(reversed(tokens[-k:]))
            break
        else:
            break
        tokens.pop()
    while taken and (taken[-1] in CONNECT or (taken[-1] in CLAUSE_OPENERS and len(taken) > 1)):
        taken.pop()  # never start on "of", "and", nor on the "As" of "As Reuters reported"
    if not taken:
        return None
    phrase = " ".join(reversed(taken)).replace(" 's", "'s")
    return phrase if any(ch.isalpha() for ch in phrase) else None


def _modifiers_to_determiner(tokens: list[str]) -> int:
    """How many tokens from the end of ``tokens`` up to and with a determiner, when the ones
    between are at most three plain lower-case words; else 0."""
    for k in range(2, min(5, len(tokens) + 1)):
        if tokens[-k] in DETERMINERS:
            return k if all(t.isalpha() and t.islower() for t in tokens[-k + 1 :]) else 0
    return 0


# A speaker phrase after its verb is read up to this many words ("Bambang Soelistyo, head of
# ..."): enough for a role and a two-word name; more reaches into the reported clause.
_FORWARD_WORDS = 7


def noun_phrase_forward(text: str, whole: bool = False) -> str | None:
    """The speaker noun phrase that starts ``text`` ("Bambang Soelistyo, head of ...").

    Args:
        text: what follows a reporting verb or "according to".
        whole: only a phrase that runs to the end of its clause ('said the company.', not
            'said the company would pay'), as an inverted attribution is.
    """
    head = _FORWARD_END.split(text, maxsplit=1)[0]
    words = head.split()[:_FORWARD_WORDS]
    if not words:
        return None
    if words[0] in PRONOUNS:
        return words[0]
    kept = [w[:1].isupper() or bare(w) in ROLES | CONNECT for w in words]
    kept[0] = kept[0] or (words[0].lower() in POSSESSIVES and len(words) > 1)  # "its director"
    # Lower-case modifiers of a role count with it ("the Hamas-run health ministry", "a
    # senior Afghan economic official").
    for i in range(len(words)):
        role = next((j for j in range(i, min(i + _MODIFIERS + 1, len(words)))
                     if bare(words[j]) in ROLES), None)  # fmt: skip
        if kept[i] or role is None or role == i:
            continue
        if all(w.isalpha() and (w not in STOPWORDS or (j == i and w in DETERMINERS))
               for j, w in enumerate(words[i:role], i)):  # fmt: skip
            kept[i : role + 1] = [True] * (role + 1 - i)
    if not all(kept):
        words = words[: kept.index(False)]
    rest = head.split()[len(words) :]
    # A phrase cut only by the word limit runs on into the name ("said regional fire
    # commander Dana Kowal of the State Fire Service."): its clause is not cut by a verb.
    cut_by_limit = len(words) == _FORWARD_WORDS and all(kept)
    if whole and rest and rest[0].lower() not in _AFTER_NAME and not cut_by_limit:
        return None  # 'said the company would pay': the company is the reported subject
    while words and words[-1].lower() in CONNECT:  # "according to the" is no one
        words.pop()
    phrase = " ".join(words)
    # A role, then its holder's name: "said its director, Noor Haddad." → both.
    named = re.match(rf",\s*({NAME.pattern})\s*[.,;]", text[len(head) :])
    if phrase and not NAME.search(phrase) and bare(words[-1]) in ROLES and named:
        phrase = f"{phrase} {named[1]}"
    return with_role(phrase, text[len(head) :]) if phrase else None


def with_role(name: str, rest: str) -> str:
    """``name`` with the role ``rest`` sets after it ("Selim Arda" and ", the region's
    governor, at …" → "Selim Arda, the region's governor"), so that a question naming the
    speaker by role ("the governor of Upper Zeravan") finds them; else ``name``."""
    apposed = _APPOSED_ROLE.match(rest)
    if NAME.fullmatch(name) and apposed and bare(apposed["role"]) in ROLES:
        return f"{name}, {apposed[1]}"
    return name


def is_role(phrase: str) -> bool:
    """Whether ``phrase`` holds a word that names a speaker by role ("the head of the LCWR")."""
    return any(bare(w) in ROLES for w in phrase.split())


def subject_before(before: str) -> str | None:
    """The subject of a verb that ``before`` (ending in a comma) sets off with appositives:
    'Sister Ann Holt, the head of the group, who …, told' → "Sister Ann Holt, the head of the
    group"; "Halvard's chief executive, Viktor Halmi," → "Halvard's chief executive Viktor
    Halmi"; "Smith, 45, a teacher from Leeds," → "Smith"."""
    segments: list[str] = []
    for segment in before.rstrip().removesuffix(",").split(","):
        if segments and segment.strip().removesuffix(".").lower() in NAME_SUFFIXES:
            segments[-1] += "," + segment  # the name it ends
        else:
            segments.append(segment)
    run: list[str] = []  # the appositives, nearest the verb first
    while len(segments) > 1 and len(run) < _MAX_APPOSITIVES:
        segment = segments[-1].strip()
        if sum(map(len, run)) + len(segment) > _MAX_RUN:
            break
        # "Dominic Arlott, Ellesford Water's chief executive,": a role set after a name.
        after_name = is_role(segment) and _ENDS_IN_NAME.search(segments[-2].strip())
        if not (_DESCRIBES.match(segment) or NAME.fullmatch(segment) or after_name):
            break
        run.append(segment)
        segments.pop()
    head = segments[-1].strip()
    subject = None if _INTRO.match(head) else noun_phrase_back(head)
    if subject is None and not _INTRO.match(head) and is_role(head):
        subject = noun_phrase_forward(head)  # "A spokeswoman for the prefecture, who …,"
    names = [s for s in run if NAME.fullmatch(s)]
    roles = [s for s in run if not NAME.fullmatch(s) and is_role(s) and not RELATIVE.match(s)]
    # "Halcyon Live's barrister, Gideon Fairlie,": a name owns the role, the person is named.
    owned = subject and re.search(r"['’]s\s+[\w-]+$", subject)
    if subject and names and (owned or not NAME.search(subject)) and is_role(subject):
        return f"{subject} {names[-1]}"  # "the company's director, Clara Fenn, said"
    if subject and roles and NAME.fullmatch(subject):
        # "Sister Ann Holt, the head of the order": both, so that a question naming the
        # speaker by role ("the head of the order") finds them.
        return f"{subject}, {roles[-1]}"
    if subject:
        return subject
    return names[-1] if names else None


# A participle of speech after the main clause says its subject said it: "Blinken also met
# Herzog, emphasizing that this might be the last opportunity"; "…, saying the talks failed".
_SAYING = re.compile(
    r",\s+(?:(?:stating|adding|noting|warning|insisting|stressing|emphasi[sz]ing|arguing|"
    r"explaining|claiming|declaring)(?=\s+that\b|\s*[,:“\"])|saying)\b"
)
# A time or place before the subject ("Earlier in the day, Blinken …"), which is no speaker.
SETTING = re.compile(
    r"^(?:Earlier|Later|On|In|At|After|Before|During|Following|Meanwhile|Separately|Yesterday|"
    r"Today|Last|This|Also|However|Then)\b[^,]{0,50},\s+"
)
# A body named by what it is ("The institute", "The regional fire service").
A_BODY = re.compile(rf"^(?:The|A|An)\s+(?:[\w’'-]+\s+){{0,2}}?(?:{'|'.join(sorted(BODIES))})\b")


def saying_subject(sentence: str) -> str | None:
    """The subject of a sentence whose main clause is followed by a participle of speech
    (", emphasizing that …"), as the sentence names it; None when it has no such participle
    or its subject is no person, role or pronoun."""
    m = _SAYING.search(sentence)
    if not m:
        return None
    main = SETTING.sub("", sentence[: m.start()])
    subject = noun_phrase_forward(main) or ((b := A_BODY.match(main)) and b[0])
    if not subject or subject in CLAUSE_OPENERS or subject.lower() in STOPWORDS:
        return None
    person = subject[:1].isupper() and len(subject.split()) == 1  # "Blinken"
    named = bool(NAME.match(subject)) or is_role(subject) or bool(A_BODY.fullmatch(subject))
    return subject if subject in PRONOUNS or named or person else None


def without_lead(name: str) -> str | None:
    """``name`` without a capitalised function word before it ("For Ingrid Sola" → "Ingrid
    Sola"); None when no two-word name is left."""
    words = name.split()
    while words and words[0].lower() in STOPWORDS:
        words.pop(0)
    return " ".join(words) if len(words) >= 2 else None


# Words that join the capitalised words of one name ("Pueblo of Isleta", "Marks & Spencer").
NAME_JOINS = frozenset("of the de du la del da von van and &".split())
# "for" joins a name only after a body's word ("Students for Fair Admissions", "Centre for
# Disease Control"): elsewhere it joins two names ("left Google for Facebook", "Unfortunately
# for Morales" in the corpora).
_FOR_HEADS = frozenset(
    """center centre institute office agency students coalition campaign committee council
    board foundation alliance association society hospital fund partners action commission
    network movement league union federation bureau observatory department ministry doctors
    reporters americans citizens parents mothers fathers women men""".split()
)


def joins_name(word: str, before: str) -> bool:
    """Whether ``word`` between two capitalised words joins them into one name ("Pueblo of
    Isleta"), ``before`` the word before it."""
    low = word.lower()
    return low in NAME_JOINS or (low == "for" and before.lower() in _FOR_HEADS)
