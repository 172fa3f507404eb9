"""Plain-text and markdown articles, with optional YAML front matter."""

from __future__ import annotations

import logging
import re
from typing import Any

import yaml

from rag.errors import LoaderError
from rag.index import limits
from rag.index.metadata import bounded_text, build_article, first_line
from rag.records import Article

logger = logging.getLogger(__name__)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader without aliases: ``*ref`` lets a few hundred bytes expand exponentially
    ("billion laughs"), and article metadata has no use for them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise LoaderError("YAML front matter uses aliases (&/*), which are not allowed")
        return super().compose_node(parent, index)


def _front_matter(block: str) -> dict[str, Any]:
    size = len(block.encode("utf-8"))
    if size > limits.MAX_FRONT_MATTER_BYTES:
        raise LoaderError(
            f"YAML front matter is {size / 1024:.0f} KB, over the "
            f"{limits.MAX_FRONT_MATTER_BYTES // 1024} KB limit"
        )
    try:
        loaded = yaml.load(block, Loader=_NoAliasLoader)  # a SafeLoader: no Python objects
    except LoaderError:
        raise
    except yaml.YAMLError as exc:
        raise LoaderError(f"invalid YAML front matter: {exc.__class__.__name__}") from None
    except RecursionError:
        raise LoaderError("YAML front matter nested too deeply") from None
    except Exception as exc:  # e.g. ValueError for an integer of 5,000 digits
        logger.debug("YAML front matter rejected", exc_info=True)
        raise LoaderError(f"invalid YAML front matter: {exc.__class__.__name__}") from None
    if loaded is not None and not isinstance(loaded, dict):
        raise LoaderError("front matter must be a YAML mapping")
    return loaded or {}


def parse_text(doc_id: str, source: str, text: str, markdown: bool) -> Article:
    """A plain or markdown article with optional YAML front matter; title from the first line.

    Args:
        doc_id: the article's id.
        source: the file it came from.
        text: the decoded file.
        markdown: a ``# heading`` first line is the title.

    Returns:
        The article.

    Raises:
        LoaderError: bad front matter, or no article text.
    """
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        meta = _front_matter(match.group(1))
        text = text[match.end() :]
    if not bounded_text(meta.get("title"), limits.MAX_TITLE_CHARS):
        first = first_line(text)
        if markdown and first.startswith("#"):
            meta["title"] = first.lstrip("#").strip()
        elif len(first) <= 200 and not first.endswith((".", "!", "?")):
            meta["title"] = first
    return build_article(doc_id, source, text, meta)
