"""Generated article pages for the sync tests: distinct stories, outlets' templates, copies."""

from __future__ import annotations

import random
from html import escape

TOPICS = [
    ("harbour", "The city council approved a new harbour wall after the winter storms flooded "
     "the old fish market twice."),
    ("orchard", "Apple growers in the valley reported the smallest harvest in a decade after a "
     "late frost killed the blossoms."),
    ("tramway", "The regional tram line will reopen in March once engineers replace the cracked "
     "rails near the central station."),
    ("library", "A donor gave the public library two thousand rare maps, which go on show in "
     "the reading room next spring."),
    ("glacier", "Researchers measured the glacier retreating forty metres this summer, twice "
     "the rate recorded ten years ago."),
    ("vaccine", "Health officials said the new vaccine clinics vaccinated eleven thousand "
     "children during the first week."),
]  # fmt: skip

_ADJ = (
    "quiet narrow busy modern wooden green heavy early bright costly northern rural "
    "famous empty public private coastal historic frozen crowded"
).split()
_NOUN = (
    "bridge council farmer teacher engine museum village ferry market river doctor "
    "festival stadium bakery mayor painter tunnel garden airport factory hospital "
    "island court choir bakery pilot theatre canal forest clinic"
).split()
_VERB = (
    "visited inspected funded delayed praised rebuilt closed opened measured questioned "
    "welcomed expanded repaired photographed described"
).split()


def story(topic: str, seed: int = 0, sentences: int = 10) -> list[str]:
    """The paragraphs of a story about ``topic`` (its lead sentence first).

    The body is random but readable sentences, so two stories share few word pairs (the
    syndication threshold is measured on word shingles) while a copy shares them all.
    """
    lead = dict(TOPICS)[topic]
    rng = random.Random(f"{topic}{seed}")

    def sentence() -> str:
        a, b = rng.sample(_ADJ, 2)
        n1, n2, n3 = rng.sample(_NOUN, 3)
        return f"A {a} {n1} {rng.choice(_VERB)} {b} {n2} beside {n3} {rng.randint(2, 99)}."

    body = [f"{sentence()} {sentence()}" for _ in range(sentences // 2)]
    return [lead, *body]


def page(
    title: str,
    paragraphs: list[str],
    *,
    outlet: str = "Daily Example",
    date: str | None = None,
    author: str | None = None,
    canonical: str | None = None,
    boilerplate: int = 0,
) -> bytes:
    """An article page as a news site serves it (nav, footer, optional metadata)."""
    meta = f'<meta property="og:site_name" content="{escape(outlet)}">'
    if date:
        meta += f'<meta property="article:published_time" content="{date}">'
    if author:
        meta += f'<meta name="author" content="{escape(author)}">'
    if canonical:
        meta += f'<link rel="canonical" href="{escape(canonical)}">'
    nav = "".join(f'<li><a href="/s{n}">Section {n} of {escape(outlet)}</a></li>'
                  for n in range(3 + boilerplate))  # fmt: skip
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    footer = f"<footer><p>© {escape(outlet)}. All rights reserved.</p></footer>"
    html = (f"<!doctype html><html><head><title>{escape(title)}</title>{meta}</head><body>"
            f"<nav><ul>{nav}</ul></nav><article><h1>{escape(title)}</h1>{body}</article>"
            f"{footer}</body></html>")  # fmt: skip
    return html.encode("utf-8")
