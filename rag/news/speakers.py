"""Who a quoted claim is attributed to: "X said", "said X", "according to X", "X told ...".

A pronoun speaker ("he said") is resolved to the last named speaker of the sentences just
before it in the article, the way a reader does. Hand-written patterns: no attribution or
coreference model ships for this machine (see DEVELOPERS.md), and the patterns are the
reporting conventions of wire copy; tests/news/test_speakers.py holds the forms they cover.
"""

from __future__ import annotations

import re

from rag.news.roles import ROLES as _ROLES
from rag.text.sentences import split_sentences
from rag.text.terms import STOPWORDS

_VERBS = (
    "said|says|say|told|tells|added|adds|announced|announces|stated|states|warned|warns|"
    "claimed|claims|denied|denies|insisted|insists|confirmed|confirms|noted|notes|explained|"
    "acknowledged|argued|argues|reported|reports|wrote|writes|asserted|stressed|declared|"
    "admitted|maintained|alleged|urged|predicted|tweeted|posted|vowed|cautioned|conceded|"
    # Verbs of stance carry a claim as much as "said" does ("Hamas accused Netanyahu of …").
    "accused|accuses|rejected|rejects|dismissed|dismisses|described|describes|characterized|"
    "characterised|blamed|blames|condemned|condemns|welcomed|welcomes|questioned|disputed|"
    # Estimates and beliefs are claims too ("Officials estimate that 12,000 people marched").
    # ("estimates", "forecasts" are left out: as often the plural noun, "Growth forecasts …")
    "estimate|estimated|expect|expects|believe|believes|forecast"
)
# "Organisers put the crowd at 40,000": the subject gives the figure.
_PUT_AT = re.compile(
    r"\bput(?:s|ting)?\s+(?:the|its|their)\s+(?:[\w-]+\s+){0,2}?(?:crowd|toll|number|figure|"
    r"count|turnout|attendance|cost|damage|losses|total)(?:\s+of\s+[\w-]+)?\s+at\b"
)
# Words that open a sentence's clause, never a speaker's name ("As Reuters reported").
_CLAUSE_OPENERS = {"As", "But", "And", "So", "While", "When", "After", "Before", "Since",
                   "Because", "Although", "Though", "If", "Yet"}  # fmt: skip
# An age set off by commas after a name ("Smith, 45, a teacher, said").
_AGE = re.compile(r",\s*\d{1,3}\s*$")
_VERB = re.compile(rf"\b(?:{_VERBS})\b|{_PUT_AT.pattern}")
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
# Naming a thing in quotation marks is a claim of the sentence's subject: 'Green Bay coach
# Mike McCarthy …, going so far as to call Suh's play "ridiculous."', 'Mateen … called the
# massacre "the act of a terrorist."'
_CALLED = re.compile(
    r"\b(?:call(?:s|ed|ing)?|dubb(?:ed|ing)|brand(?:s|ed|ing))\b[^\"“”.]{0,60}[\"“]"
)
_CONNECT = {"of", "for", "the", "de", "al", "bin", "van", "von", "der", "la", "le", "and", "'s"}
_DETERMINERS = {"the", "a", "an", "The", "A", "An"}
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "He", "She", "They", "It", "We", "I"}
_POSSESSIVES = {"its", "their", "his", "her", "our"}
# Who speaks for a body: "spokesman Tomas Reil", "its director, Noor Haddad".
_FOR_A_BODY = re.compile(
    r"\b(?:spokes(?:man|woman|person|people|men)|representative|its\s+\w+|company\s+\w+)\b", re.I
)
_TOKEN = re.compile(r"[\w’'.-]+|[^\w\s]")
_CAP = r"[A-Z][\w’'-]+"
_NAME = re.compile(rf"\b{_CAP}(?:\s+(?:{_CAP}|de|al|bin|van|von|der))*\s+{_CAP}")
_APPOSED_ROLE = re.compile(
    r",\s*((?:the|its|his|her|their|a|an)\s+(?:[\w’'-]+\s+){0,3}?(?P<role>[\w’'-]+))\s*[.,;]"
)


def _words_before(text: str) -> list[str]:
    return _TOKEN.findall(text)[-12:]


def _noun_phrase_back(text: str) -> str | None:
    """The speaker noun phrase that ends ``text`` ("... the Indonesian navy"), or None."""
    tokens = _words_before(text.rstrip())
    taken: list[str] = []
    while tokens:
        tok = tokens[-1]
        bare = tok.rstrip(".")
        named = bare[:1].isupper() and tok not in _DETERMINERS
        if named or bare.lower() in _ROLES or (tok in _CONNECT and taken and tokens[:-1]):
            taken.append(tok)
        elif tok in _DETERMINERS and taken:
            taken.append(tok)
            break
        elif taken and (k := _modifiers_to_determiner(tokens)):
            # "the county emergency office": lower-case modifiers of a role, up to its "the".
            taken.extend(reversed(tokens[-k:]))
            break
        else:
            break
        tokens.pop()
    while taken and (taken[-1] in _CONNECT or (taken[-1] in _CLAUSE_OPENERS and len(taken) > 1)):
        taken.pop()  # never start on "of", "and", nor on the "As" of "As Reuters reported"
    if not taken:
        return None
    phrase = " ".join(reversed(taken)).replace(" 's", "'s")
    return phrase if any(ch.isalpha() for ch in phrase) else None


def _modifiers_to_determiner(tokens: list[str]) -> int:
    """How many tokens from the end of ``tokens`` up to and with a determiner, when the ones
    between are at most three plain lower-case words; else 0."""
    for k in range(2, min(5, len(tokens) + 1)):
        if tokens[-k] in _DETERMINERS:
            return k if all(t.isalpha() and t.islower() for t in tokens[-k + 1 :]) else 0
    return 0


def _noun_phrase_forward(text: str) -> str | None:
    """The speaker noun phrase that starts ``text`` ("Bambang Soelistyo, head of ...")."""
    head = re.split(r"[,.;:\"“”]|\s(?:that|who|which|in|on|at|after|when)\s", text, maxsplit=1)[0]
    words = head.split()[:7]
    if not words:
        return None
    if words[0] in _PRONOUNS:
        return words[0]
    kept = [w[:1].isupper() or _bare(w) in _ROLES | _CONNECT for w in words]
    kept[0] = kept[0] or (words[0].lower() in _POSSESSIVES and len(words) > 1)  # "its director"
    # Lower-case modifiers of a role count with it ("the Hamas-run health ministry").
    for i in range(len(words)):
        role = next((j for j in range(i, min(i + 3, len(words))) if _bare(words[j]) in _ROLES),
                    None)  # fmt: skip
        if kept[i] or role is None or role == i:
            continue
        if all(w.isalpha() and w not in STOPWORDS for w in words[i:role]):
            kept[i : role + 1] = [True] * (role + 1 - i)
    if not all(kept):
        words = words[: kept.index(False)]
    while words and words[-1].lower() in _CONNECT:  # "according to the" is no one
        words.pop()
    phrase = " ".join(words)
    # A role, then its holder's name: "said its director, Noor Haddad." → both.
    named = re.match(rf",\s*({_NAME.pattern})\s*[.,;]", text[len(head) :])
    if phrase and not _NAME.search(phrase) and _bare(words[-1]) in _ROLES and named:
        phrase = f"{phrase} {named[1]}"
    return _with_role(phrase, text[len(head) :]) if phrase else None


def _with_role(name: str, rest: str) -> str:
    """``name`` with the role ``rest`` sets after it ("Selim Arda" and ", the region's
    governor, at …" → "Selim Arda, the region's governor"), so that a question naming the
    speaker by role ("the governor of Upper Zeravan") finds them; else ``name``."""
    apposed = _APPOSED_ROLE.match(rest)
    if _NAME.fullmatch(name) and apposed and _bare(apposed["role"]) in _ROLES:
        return f"{name}, {apposed[1]}"
    return name


def _inside_quote(before: str) -> bool:
    """Whether a quotation opened in ``before`` is still open (curly or straight quotes)."""
    curly = before.count("“") - before.count("”")
    if curly:
        return curly > 0  # a lone closing mark: the quote began in the sentence before
    last = before.rfind('"')
    # A straight mark after a word or punctuation closes a quote ('…a stronger future," she');
    # one at the start or after a space opens one. Counting them took a quote split over two
    # sentences for one still open and lost "she said".
    return last >= 0 and (last == 0 or before[last - 1].isspace() or before[last - 1] in "([")


def _bare(word: str) -> str:
    """``word`` in lower case without a possessive ("operator's" → "operator")."""
    return word.lower().removesuffix("’s").removesuffix("'s")


def _attributed(sentence: str) -> str | None:
    """The speaker as ``sentence`` names it (possibly a pronoun), or None when unattributed."""
    m = _ACCORDING.search(sentence)
    if m:
        return _noun_phrase_forward(sentence[m.end() :])
    for m in _VERB.finditer(sentence):
        before = sentence[: m.start()].rstrip()
        if _inside_quote(before):  # '"I told Galih …," said Budi': the quote's own verb
            continue
        # Inverted after a quote or clause: '..., said Bambang Soelistyo, head of ...'
        if before.endswith((",", '"', "”", "’")) or not before:
            after = _noun_phrase_forward(sentence[m.end() :].lstrip())
            if after and after not in _PRONOUNS and (after[:1].isupper() or " " in after):
                return after
        # An appositive between speaker and verb: 'Soelistyo, head of the agency, said'
        if before.endswith(","):
            cut = before[:-1].rfind(",")
            if cut > 0 and _AGE.search(before[:-1]):  # "Smith, 45, said"
                return _noun_phrase_back(_AGE.sub("", before[:-1]))
            if cut > 0 and cut > len(before) - 80:
                named = _noun_phrase_back(_AGE.sub("", before[:cut]))
                # 'the company's director, Clara Fenn, said': the role, then its name.
                appositive = before[cut + 1 : -1].strip()
                if _NAME.fullmatch(appositive) and (not named or _bare(named) in _ROLES):
                    return f"{named} {appositive}" if named else appositive
                if named:  # 'Dr Hanna Lind, the hospital's medical director, said'
                    return _with_role(named, f", {appositive},")
        last = before.split()[-1] if before.split() else ""
        if last in _PRONOUNS:
            return last
        if last == "and":  # "The coast guard put the number at seven, and said …": the subject
            subject = _noun_phrase_forward(sentence) or ""
            roles = any(_bare(w) in _ROLES for w in subject.split())
            if roles or subject in _PRONOUNS or _NAME.fullmatch(subject):
                # "The mayor of Surabaya, Tri Rismaharini, comforted … and urged": the name.
                rest = sentence[sentence.find(subject) + len(subject) :]
                apposed = re.match(r",\s*([^,]{3,40}),", rest)
                if roles and apposed and _NAME.fullmatch(apposed[1]):
                    return f"{subject} {apposed[1]}"
                return subject
        named = _noun_phrase_back(before)
        if named:
            return named
    namer = _noun_phrase_forward(sentence) if _CALLED.search(sentence) else None
    if namer and (_NAME.search(namer) or any(_bare(w) in _ROLES for w in namer.split())):
        return namer
    return None


def _through(who: str, after: str) -> str:
    """``who``, with who spoke for them when the next sentence quotes their representative.

    "Bluewater Sound Lines denied that any complaint had been made." then '"We have no
    record …," spokesman Tomas Reil told the Herald.': the company, through its spokesman.
    """
    spans = split_sentences(after)
    rep = _attributed(after[spans[0][0] : spans[0][1]]) if spans else None
    speaks_for = rep and _FOR_A_BODY.search(rep) and _NAME.search(rep)
    return f"{who} ({rep})" if speaks_for and not same_speaker(rep, who) else who


# Sentences a quotation runs on over before its speaker is named (news quotes run on for one
# or two sentences before "…," she said).
_QUOTE_RUNS_ON = 3


def _without_lead(name: str) -> str | None:
    """``name`` without a capitalised function word before it ("For Ingrid Sola" → "Ingrid
    Sola"); None when no two-word name is left."""
    words = name.split()
    while words and words[0].lower() in STOPWORDS:
        words.pop(0)
    return " ".join(words) if len(words) >= 2 else None


def speaker_of(sentence: str, before: str = "", after: str = "") -> str | None:
    """Who ``sentence`` attributes its claim to, as the text names them.

    Args:
        sentence: the quoted sentence.
        before: the article text just before it, to resolve "he said" to a name.
        after: the article text just after it, where a body's representative may speak on.

    Returns:
        The speaker ("Bambang Soelistyo", "the Indonesian navy", "Bluewater Sound Lines
        (spokesman Tomas Reil)"), or None when the claim is not attributed or a pronoun
        cannot be resolved.
    """
    who = _attributed(sentence)
    if who is None and _inside_quote(sentence):
        # '"People are sleeping in their cars.' then 'Shelter is the most urgent need," its
        # director, Leyla Tamar, said.': a quote runs on, its speaker named where it closes.
        for a, b in split_sentences(after)[:_QUOTE_RUNS_ON]:
            if '"' in after[a:b] or "”" in after[a:b]:
                who = _attributed(after[a:b])
                break
    if who is None:
        return None
    if who not in _PRONOUNS:
        return _through(who, after)
    # A pronoun: the last named speaker of the preceding sentences, else the last full name.
    previous = [before[a:b] for a, b in split_sentences(before)][-3:]
    for earlier in reversed(previous):
        named = _attributed(earlier)
        if named and named not in _PRONOUNS:
            return named
        names = [n for name in _NAME.findall(earlier) if (n := _without_lead(name))]
        if names:
            return names[-1]
    return None


_TITLES = {"mr", "mrs", "ms", "dr", "the", "a", "an", "of", "for", "said", "'s"}


def _tokens(name: str) -> list[str]:
    return [t for t in re.findall(r"[\w-]+", name.lower().replace("’s", "").replace("'s", ""))
            if t not in _TITLES]  # fmt: skip


def same_speaker(a: str | None, b: str | None) -> bool:
    """True when two namings are the same speaker: one's last word is in the other
    ("Blinken" ~ "Secretary of State Antony Blinken", "the navy" ~ "the Indonesian navy")."""
    if not a or not b:
        return False
    ta, tb = _tokens(a), _tokens(b)
    return bool(ta and tb) and (ta[-1] in tb or tb[-1] in ta)
