"""Syndication pairs as recipes: a side names a page of the shared newspaper corpus and, for a
constructed copy, the seeded transform that makes it; `side_text` turns a recipe back into text.

Texts are never stored: a recipe is regenerated from ``../shared/corpora/newspaper`` through the
product's own extraction (`rag.index.formats.html.parse_html`), so a copy is judged on exactly the
text the index would hold. A transform re-wraps the article's HTML in another outlet's page
template (nav, header, footer, related links, cookie banner, newsletter box) and may change the
headline, add a wire credit, trim the ending, copy-edit, add update paragraphs, or quote a
paragraph of another article.
"""

from __future__ import annotations

import html
import os
import random
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("RAG_SHARED_DIR", ROOT.parent / "shared")) / "corpora" / "newspaper"
HTML_DIR = CORPUS / "html"

Side = dict[str, Any]
Block = tuple[str, Any]  # ("p" | "h" | "quote", text) or ("list", [items])

_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”']))\s+(?=[A-Z“\"])")
_WORD = re.compile(r"\w+")


# --- the corpus, as the product extracts it -------------------------------------------------


def page_html(file: str) -> str:
    """A corpus page, decoded as the product's loader decodes it."""
    from rag.index.loaders import decode_text

    return decode_text((HTML_DIR / file).read_bytes())


def extract(doc_id: str, page: str) -> tuple[str, str]:
    """(text, title) of a page through the product's extractor; empty when it finds nothing."""
    from rag.errors import LoaderError
    from rag.index.formats.html import parse_html

    try:
        article = parse_html(doc_id, doc_id, page)
    except LoaderError:
        return "", ""
    return article.text, article.title or ""


@cache
def original(file: str) -> tuple[str, str]:
    """(text, title) of a corpus page as published."""
    return extract(file, page_html(file))


@cache
def blocks(file: str) -> tuple[Block, ...]:
    """The article body of a page as blocks, from trafilatura's HTML output of the main text.

    A syndicating outlet republishes the article body, not the original page's chrome; this is
    that body (with whatever leftovers trafilatura keeps, e.g. share-button labels).
    """
    import trafilatura
    from lxml import html as lxml_html

    out = trafilatura.extract(page_html(file), output_format="html", include_comments=False)
    if not out:
        return ()
    body = lxml_html.fromstring(out).find(".//body")
    found: list[Block] = []
    for el in body if body is not None else []:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("ul", "ol"):
            items = [_clean(li.text_content()) for li in el.iter("li")]
            if any(items):
                found.append(("list", [i for i in items if i]))
        elif tag == "h1":
            continue  # the headline: every outlet writes its own
        else:
            text = _clean(el.text_content())
            if text:
                kind = "h" if tag in ("h2", "h3", "h4") else "quote" if tag == "blockquote" else "p"
                found.append((kind, text))
    return tuple(found)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> int:
    return len(_WORD.findall(text))


# --- transforms on the article body -----------------------------------------------------------

# Copy-desk substitutions: house style (tense of attribution, spelling, abbreviations).
_SUBS = {
    "said": "says",
    "says": "said",
    "percent": "per cent",
    "u.s.": "US",
    "mr.": "Mr",
    "ms.": "Ms",
    "according": "based",
    "about": "around",
    "around": "about",
    "also": "additionally",
    "however": "but",
    "but": "however",
    "because": "as",
    "big": "large",
    "large": "big",
    "color": "colour",
    "center": "centre",
    "program": "programme",
    "organization": "organisation",
    "told": "said to",
    "people": "persons",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "first": "1st",
    "very": "",
    "really": "",
    "just": "",
    "that": "",
}


def copy_edit(body: list[Block], rate: float, drop_sentences: int, rng: random.Random) -> None:
    """Light copy edits in place: ~``rate`` of the words changed or cut, sentences dropped."""
    paras = [i for i, (kind, _) in enumerate(body) if kind == "p"]
    for i in paras:
        body[i] = ("p", _edit_words(body[i][1], rate, rng))
    # Dropped sentences come from the middle paragraphs: editors cut asides, not the lede.
    middle = paras[1:-1] or paras
    for _ in range(drop_sentences):
        multi = [i for i in middle if len(_SENTENCE.split(body[i][1])) > 1]
        if not multi:
            break
        i = rng.choice(multi)
        sentences = _SENTENCE.split(body[i][1])
        del sentences[rng.randrange(len(sentences))]
        body[i] = ("p", " ".join(sentences))


def _edit_words(text: str, rate: float, rng: random.Random) -> str:
    tokens = text.split(" ")
    for j, token in enumerate(tokens):
        if rng.random() >= rate:
            continue
        core = token.strip(",.;:\"'“”()")
        if core.lower() in _SUBS:
            tokens[j] = token.replace(core, _SUBS[core.lower()], 1) if core else token
        elif rng.random() < 0.5 or j + 1 == len(tokens):
            tokens[j] = ""  # a cut word
        else:
            # reordered words ("said Smith" -> "Smith said"): a reworded phrase's shingles
            tokens[j], tokens[j + 1] = tokens[j + 1], tokens[j]
    return re.sub(r"\s+", " ", " ".join(tokens)).strip()


def trim(body: list[Block], n: int) -> list[Block]:
    """Drop the last ``n`` paragraphs (wire copies often end early), keeping at least half."""
    total = sum(words(_block_text(b)) for b in body)
    out = list(body)
    for _ in range(n):
        paras = [i for i, b in enumerate(out) if b[0] == "p"]
        if len(paras) <= 2:
            break
        rest = out[: paras[-1]] + out[paras[-1] + 1 :]
        if sum(words(_block_text(b)) for b in rest) < total / 2:
            break
        out = rest
    return out


def _block_text(block: Block) -> str:
    return " ".join(block[1]) if block[0] == "list" else block[1]


def donor_paragraphs(file: str, n: int, rng: random.Random, min_words: int = 15) -> list[str]:
    """``n`` consecutive paragraphs of another article (new text for an update or a quote)."""
    paras = [t for kind, t in blocks(file) if kind == "p" and words(t) >= min_words]
    if len(paras) <= n:
        return paras
    start = rng.randrange(len(paras) - n + 1)
    return paras[start : start + n]


_CITIES = ["LONDON", "NEW YORK", "WASHINGTON", "JAKARTA", "CHICAGO", "SYDNEY", "TORONTO"]
_NAMES = [
    "Anna Keller",
    "Tom Okafor",
    "Priya Raman",
    "Luis Ortega",
    "Mei Chen",
    "Sam Whitfield",
    "Jonas Berg",
    "Ruth Adeyemi",
]


def wire_credit(body: list[Block], style: str, rng: random.Random) -> None:
    """A wire dateline on the lede and the agency's credit line at the end, in place."""
    city = rng.choice(_CITIES)
    first = next((i for i, b in enumerate(body) if b[0] == "p"), None)
    agency = {"reuters": "(Reuters) -", "ap": "(AP) —", "afp": "(AFP) -"}[style]
    if first is not None:
        body[first] = ("p", f"{city} {agency} {body[first][1]}")
    a, b = rng.sample(_NAMES, 2)
    credit = {
        "reuters": f"(Reporting by {a}; Editing by {b})",
        "ap": "Copyright 2015 The Associated Press. All rights reserved. This material may not "
        "be published, broadcast, rewritten or redistributed.",
        "afp": f"© 2015 AFP. {a} contributed to this report.",
    }[style]
    body.append(("p", credit))


def headline(title: str, text: str, style: str) -> str:
    """Another outlet's headline for the same story."""
    base = title or " ".join(text.split()[:10])
    base = re.split(r"\s[|–-]\s", base)[0]  # the original outlet's suffix goes
    if style == "update":
        return f"UPDATE 2-{base}"
    if style == "short":
        return " ".join(base.split()[:7])
    if style == "lede":
        first = _SENTENCE.split(text.strip())[0] if text.strip() else base
        return " ".join(first.split()[:12]).rstrip(",.;:")
    return base.upper() if style == "caps" else base


def transformed_body(file: str, spec: dict[str, Any]) -> list[Block]:
    """The article body after the spec's edits, in a fixed order (edit, trim, wire, update)."""
    body = list(blocks(file))
    if "edit" in spec:
        e = spec["edit"]
        copy_edit(body, e["rate"], e["drop_sentences"], random.Random(e["seed"]))
    if "trim" in spec:
        body = trim(body, spec["trim"])
    if "wire" in spec:
        wire_credit(body, spec["wire"]["style"], random.Random(spec["wire"]["seed"]))
    if "update" in spec:
        u = spec["update"]
        new = [("p", t) for t in donor_paragraphs(u["donor"], 2, random.Random(u["seed"]))]
        body = new + body if u["where"] == "top" else body + new
    if "quote" in spec:
        q = spec["quote"]
        rng = random.Random(q["seed"])
        para = donor_paragraphs(q["donor"], 1, rng, min_words=20)
        if para:
            at = 1 + rng.randrange(max(1, len(body) - 1))
            body.insert(at, ("quote", f"“{para[0]}”"))
    return body


# --- other outlets' page templates -------------------------------------------------------------


def _render(body: list[Block], para_tag: str = "p") -> list[str]:
    out = []
    for kind, value in body:
        if kind == "list":
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in value) + "</ul>")
        elif kind == "h":
            out.append(f"<h2>{html.escape(value)}</h2>")
        elif kind == "quote":
            out.append(f"<blockquote><p>{html.escape(value)}</p></blockquote>")
        elif para_tag == "br":
            out.append(f"{html.escape(value)}<br><br>")
        else:
            out.append(f"<p>{html.escape(value)}</p>")
    return out


def _links(items: list[str], cls: str = "") -> str:
    lis = "".join(f'<li><a href="/{i.lower().replace(" ", "-")}">{i}</a></li>' for i in items)
    return f'<ul class="{cls}">{lis}</ul>'


TEMPLATES: dict[str, dict[str, Any]] = {
    "ledger": {
        "site": "The Daily Ledger",
        "nav": ["Home", "U.S.", "World", "Business", "Tech", "Sports", "Opinion", "Arts", "Obits"],
        "related": [
            "City council approves new budget after long debate",
            "Five things to know before the holiday weekend",
            "Weather service warns of icy roads overnight",
            "School board weighs later start times",
            "Local bakery marks 50 years on Main Street",
            "Transit agency to add late-night bus routes",
        ],
    },
    "portal": {
        "site": "NewsNow Portal",
        "nav": ["News", "Finance", "Sports", "Entertainment", "Lifestyle", "Weather", "Mail"],
        "related": [
            "Stocks close mixed as investors eye Fed minutes",
            "Celebrity couple share first photos of newborn",
            "Here is what experts say about saving for retirement",
            "Viral video shows dog rescuing owner from frozen pond",
            "The best deals you can still get this week",
            "Scientists discover new species in deep ocean trench",
        ],
    },
    "tvnews": {
        "site": "Channel 9 News",
        "nav": ["Watch Live", "Local", "Traffic", "Weather", "Investigations", "Contests"],
        "related": [
            "Trending: driver rescued from overturned truck on I-90",
            "Trending: families line up for free holiday meals",
            "Trending: police search for suspect in string of burglaries",
            "Trending: meteorologist explains the coming cold snap",
            "Trending: high school team heads to state championship",
        ],
    },
    "localpaper": {
        "site": "Riverside Gazette",
        "nav": ["Front Page", "Community", "Police Blotter", "Classifieds", "Legal Notices"],
        "related": [
            "Library to host book sale this Saturday",
            "Fire department open house draws crowd",
            "Letters: readers respond to parking changes",
            "County fair dates announced for next summer",
        ],
    },
    "magazine": {
        "site": "The Modern Review",
        "nav": ["Culture", "Politics", "Science", "Ideas", "Style", "Podcasts", "Subscribe"],
        "related": [
            "The quiet revolution in how we read",
            "Why everyone is suddenly talking about sleep",
            "An oral history of the decade that changed television",
            "What the new economy means for the rest of us",
            "The case for slowing down",
        ],
    },
}

_COOKIE = (
    "We use cookies to improve your experience on our site and to show you personalised "
    "advertising. By continuing to browse you agree to our use of cookies. Learn more. Accept"
)
_NEWSLETTER = (
    "Get the morning briefing. Sign up for our free newsletter and get the day's top stories "
    "delivered to your inbox every morning. Enter your email address. Subscribe"
)


def wrap(template: str, title: str, body: list[Block], seed: int) -> str:
    """The body as a page of another outlet: that outlet's chrome around the article."""
    t = TEMPLATES[template]
    rng = random.Random(seed)
    related = rng.sample(t["related"], 4)
    byline = f"By {rng.choice(_NAMES)}"
    date = f"2015-01-{rng.randint(1, 28):02d}"
    site = t["site"]
    head = (
        f"<head><meta charset='utf-8'><title>{html.escape(title)} | {site}</title>"
        f"<meta property='og:site_name' content='{site}'>"
        f"<meta property='og:title' content='{html.escape(title)}'>"
        f"<meta name='date' content='{date}'></head>"
    )
    nav = f"<nav>{_links(t['nav'], 'menu')}</nav>"
    footer = (
        f"<footer>{_links(['About us', 'Contact', 'Advertise', 'Privacy Policy', 'Terms'])}"
        f"<p>© 2015 {site}. All rights reserved.</p></footer>"
    )
    paras = _render(body, "br" if template == "localpaper" else "p")
    return head_and_body(template, head, nav, footer, title, byline, date, paras, related, rng)


def head_and_body(
    template: str,
    head: str,
    nav: str,
    footer: str,
    title: str,
    byline: str,
    date: str,
    paras: list[str],
    related: list[str],
    rng: random.Random,
) -> str:
    """The page's markup; each template places its chrome differently (some inside the story)."""
    h1 = f"<h1>{html.escape(title)}</h1>"
    meta = f"<p class='byline'>{byline} | Published {date}</p>"
    if template == "ledger":
        mid = len(paras) // 2
        aside = f"<aside class='related'><h3>Related coverage</h3>{_links(related)}</aside>"
        story = "".join(paras[:mid]) + aside + "".join(paras[mid:])
        page = (
            f"<div class='cookie-banner'><p>{_COOKIE}</p></div><header><a href='/'>"
            f"{TEMPLATES[template]['site']}</a>{nav}</header><main><article>{h1}{meta}{story}"
            f"</article><div class='newsletter'><p>{_NEWSLETTER}</p></div></main>{footer}"
        )
    elif template == "portal":
        page = (
            f"<header>{nav}<form><input placeholder='Search the web'></form></header>"
            f"<div class='sidebar'><h3>Trending now</h3>{_links(related)}</div>"
            f"<div class='story-body'>{h1}<p class='byline'>{byline}, Partner content</p>"
            + "".join(paras)
            + f"<p>Read more from our partners.</p><p>{rng.randint(3, 400)} comments</p></div>"
            f"{footer}<div class='cookie'>{_COOKIE}</div>"
        )
    elif template == "tvnews":
        share = _links(["Share on Facebook", "Tweet", "Email"], "share")
        page = (
            f"<header>{nav}<p>WATCH LIVE: Channel 9 News at 6</p></header><main><article>{h1}"
            f"{meta}{share}<figure><div class='video'></div><figcaption>Video: {html.escape(title)}"
            "</figcaption></figure>"
            + "".join(paras)
            + f"<h3>Trending stories</h3>{_links(related)}</article></main>{footer}"
        )
    elif template == "localpaper":
        page = (
            f"<table><tr><td>{nav}</td></tr><tr><td><div class='headline'><b>"
            f"{html.escape(title)}</b></div><div class='text'>{byline}<br><br>"
            + "".join(paras)
            + f"<br>See also: {' | '.join(related)}</div></td><td><div>{_NEWSLETTER}</div>"
            f"</td></tr></table>{footer}"
        )
    else:  # magazine
        pull = next((p for p in paras if p.startswith("<p>") and len(p) > 120), "")
        quote = f"<blockquote class='pullquote'>{pull}</blockquote>" if pull else ""
        story = "".join(paras[:2]) + quote + "".join(paras[2:])
        page = (
            f"<header>{nav}</header><main><article><header>{h1}<p class='dek'>{byline}</p>"
            f"</header><figure><img src='/a.jpg'><figcaption>Photo illustration by "
            f"{rng.choice(_NAMES)}</figcaption></figure>{story}<div class='newsletter'>"
            f"<p>{_NEWSLETTER}</p></div></article><aside><h3>Most popular</h3>{_links(related)}"
            f"</aside></main>{footer}<div class='consent'>{_COOKIE}</div>"
        )
    return f"<!DOCTYPE html><html lang='en'>{head}<body>{page}</body></html>"


# --- a recipe's text --------------------------------------------------------------------------


def side_text(side: Side) -> str:
    """The text of one side of a pair: the page as published, or the constructed copy."""
    return _side_text(side["file"], _freeze(side.get("transform")))


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        return {k: _thaw(v) for k, v in value}
    return value


@lru_cache(maxsize=4096)
def _side_text(file: str, frozen: Any) -> str:
    if frozen is None:
        return original(file)[0]
    spec = _thaw(frozen)
    text, title = original(file)
    new_title = headline(title, text, spec.get("headline", "same"))
    page = wrap(spec["template"], new_title, transformed_body(file, spec), spec["seed"])
    return extract(f"copy:{file}", page)[0]
