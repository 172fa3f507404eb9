"""Build the labelled syndication pairs (evals/syndication/dev.jsonl and test.jsonl).

Run from the repo root with the project's venv (deterministic: fixed seed; needs
``../shared/corpora/newspaper``):

    .venv/bin/python evals/syndication/build.py

Positives (label true, "one outlet republished the other's text") are constructed from real
pages: the article re-wrapped in another outlet's template and extracted like the product does,
with a new headline and, by kind, a wire credit, a trimmed ending, copy edits, update paragraphs,
or all of them. Negatives are other articles, hardest first: the other pages of the same site,
the closest article on the topic, another article in the same template, an article quoting a
paragraph of the other, and random pages (non-articles and non-English pages included). The
split is by source article: every file of a pair is in that pair's split, never in the other.
The test split is frozen: its sha256 is in README.md, and this script refuses to change it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from recipes import HTML_DIR, TEMPLATES, blocks, donor_paragraphs, original, words  # noqa: E402

SEED = 20150101
DEV_SHARE = 0.6
# Sites whose articles are this close in TF-IDF are kept in one split (the AirAsia and Ebola
# stories of Reuters, the Telegraph, the Globe and Mail and the Daily Star): their pairs are the
# hardest same-topic negatives, and splitting them would lose them.
TOPIC_LINK = 0.28
# Constructed copies need an article to copy: English text of some length. Shorter or
# non-English pages still appear in negatives as they come.
MIN_WORDS = 60
NOT_ARTICLES = {
    # error, front and listing pages: nothing an outlet would syndicate
    "cnn_main_site.html",
    "yahoo_main_site.html",
    "ap_meta_refresh.html",
    "details.com1.html",
    "fool.com2.html",
    "pixable.com1.html",
    "pixable.com2.html",
    "wnet.org1.html",
    "wnet.org2.html",
}
POSITIVE_KINDS = ["rewrap", "wire", "trim", "edit", "update", "hard"]
HEADLINES = ["same", "short", "lede", "caps", "update"]
_ENGLISH = {"the", "and", "of", "to", "is", "that", "for", "with", "was", "it"}


def site_of(file: str) -> str:
    """The site of a corpus file (``reuters.com3.html`` -> ``reuters.com``)."""
    return re.sub(r"\d*\.html$", "", file)


def is_english(text: str) -> bool:
    """English prose has common function words in a share no other language here reaches."""
    tokens = re.findall(r"\w+", text.lower())
    return bool(tokens) and sum(t in _ENGLISH for t in tokens) / len(tokens) >= 0.08


def topic_similarity(files: list[str]) -> np.ndarray:
    """Cosine similarity of TF-IDF word vectors (log counts) between the files' texts."""
    counts = [Counter(re.findall(r"[a-z]{3,}", original(f)[0].lower())) for f in files]
    vocab = {w: i for i, w in enumerate(sorted(set().union(*counts)))}
    x = np.zeros((len(files), len(vocab)))
    for i, c in enumerate(counts):
        for w, k in c.items():
            x[i, vocab[w]] = k
    idf = np.log(len(files) / np.maximum((x > 0).sum(0), 1)) + 1
    x = np.log1p(x) * idf
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-12
    sim = x @ x.T
    np.fill_diagonal(sim, -1.0)
    return sim


def split_files(files: list[str], sim: np.ndarray, rng: random.Random) -> dict[str, str]:
    """dev or test for each file: whole groups (a site, plus sites on one story) to one split."""
    parent = {site_of(f): site_of(f) for f in files}

    def root(s: str) -> str:
        while parent[s] != s:
            s = parent[s]
        return s

    for i, j in zip(*np.nonzero(sim >= TOPIC_LINK), strict=True):
        parent[root(site_of(files[i]))] = root(site_of(files[j]))
    groups: dict[str, list[str]] = {}
    for f in files:
        groups.setdefault(root(site_of(f)), []).append(f)
    order = sorted(groups)
    rng.shuffle(order)
    split, dev = {}, 0
    for g in order:
        name = "dev" if dev < DEV_SHARE * len(files) else "test"
        dev += len(groups[g]) if name == "dev" else 0
        split.update({f: name for f in groups[g]})
    return split


def copy_spec(rng: random.Random, **extra: object) -> dict[str, object]:
    """A constructed copy's base: another outlet's template and headline."""
    return {
        "template": rng.choice(sorted(TEMPLATES)),
        "seed": rng.randrange(10**6),
        "headline": rng.choice(HEADLINES),
        **extra,
    }


def positive(kind: str, file: str, donors: list[str], rng: random.Random) -> dict:
    """One constructed copy of ``file`` of the given kind."""
    spec = copy_spec(rng)
    a: dict = {"file": file}
    if kind == "rewrap" and rng.random() < 0.4:
        # two outlets both carrying the wire copy, neither the original page
        other = sorted(set(TEMPLATES) - {spec["template"]})
        a = {"file": file, "transform": copy_spec(rng, template=rng.choice(other))}
    if kind in ("wire", "hard"):
        spec["wire"] = {"style": rng.choice(["reuters", "ap", "afp"]), "seed": rng.randrange(999)}
    if kind in ("trim", "hard"):
        spec["trim"] = rng.choice([1, 2, 3] if kind == "trim" else [2, 3])
    if kind in ("edit", "hard"):
        rate = rng.choice([0.01, 0.02, 0.04, 0.06] if kind == "edit" else [0.03, 0.05])
        spec["edit"] = {
            "seed": rng.randrange(999),
            "rate": rate,
            "drop_sentences": rng.randint(0, 2),
        }
    if kind in ("update", "hard"):
        donor = rng.choice([d for d in donors if d != file])
        spec["update"] = {"donor": donor, "where": rng.choice(["top", "end"]), "seed": 0}
    return {"a": a, "b": {"file": file, "transform": spec}, "label": True, "kind": kind}


def nearest(file: str, pool: list[str], index: dict[str, int], sim: np.ndarray) -> str | None:
    """The file of ``pool`` on the closest topic to ``file`` (another site's, where possible)."""
    others = [p for p in pool if p != file and site_of(p) != site_of(file)]
    if not others:
        return None
    return max(others, key=lambda p: (sim[index[file], index[p]], p))


def para_share(file: str, para: str) -> float:
    return words(para) / max(1, words(original(file)[0]))


def pairs_for_split(
    files: list[str], sources: list[str], index: dict[str, int], sim: np.ndarray, rng: random.Random
) -> list[dict]:
    """All labelled pairs among one split's files."""
    rows: list[dict] = []
    donors = [f for f in sources if len(donor_paragraphs(f, 2, random.Random(0))) == 2]
    order = list(sources)
    rng.shuffle(order)
    for i, file in enumerate(order):
        for k in range(3):
            kind = POSITIVE_KINDS[(3 * i + k) % len(POSITIVE_KINDS)]
            rows.append(positive(kind, file, donors, rng))
    # the other pages of the same site: shared template, often shared boilerplate
    by_site: dict[str, list[str]] = {}
    for f in files:
        by_site.setdefault(site_of(f), []).append(f)
    for group in by_site.values():
        for x, y in combinations(sorted(group), 2):
            # the same article at two URLs (identical title and text) is a copy, not a negative
            same = original(x) == original(y) and bool(original(x)[0])
            kind = "natural_copy" if same else "same_site"
            rows.append({"a": {"file": x}, "b": {"file": y}, "label": same, "kind": kind})
    # the closest article on the topic, from another site
    seen: set[tuple[str, str]] = set()
    texted = [f for f in files if original(f)[0]]
    for f in texted:
        y = nearest(f, texted, index, sim)
        if y and tuple(sorted((f, y))) not in seen:
            seen.add(tuple(sorted((f, y))))
            rows.append(_negative(*sorted((f, y)), "same_topic"))
    for f in sources:
        y = nearest(f, sources, index, sim)
        if y is None:
            continue
        # another article in the very template of a constructed copy
        spec = copy_spec(rng)
        other = {**copy_spec(rng), "template": spec["template"]}
        rows.append(
            {
                "a": {"file": f, "transform": spec},
                "b": {"file": y, "transform": other},
                "label": False,
                "kind": "same_template",
            }
        )
        # same event, different article: the copy quotes one paragraph of the other article
        q = {"donor": y, "seed": rng.randrange(999)}
        quoted = donor_paragraphs(y, 1, random.Random(q["seed"]), min_words=20)
        if quoted and max(para_share(f, quoted[0]), para_share(y, quoted[0])) <= 0.25:
            rows.append(
                {
                    "a": {"file": y},
                    "b": {"file": f, "transform": copy_spec(rng, quote=q)},
                    "label": False,
                    "kind": "shared_quote",
                }
            )
    # random pages of other sites, non-articles and non-English pages included
    for _ in range(int(0.4 * len(files))):
        x, y = sorted(rng.sample(files, 2))
        if site_of(x) != site_of(y) and (x, y) not in seen:
            seen.add((x, y))
            rows.append(_negative(x, y, "random"))
    return rows


def _negative(x: str, y: str, kind: str) -> dict:
    return {"a": {"file": x}, "b": {"file": y}, "label": False, "kind": kind}


def build() -> dict[str, list[dict]]:
    """The pairs of both splits, with ids."""
    rng = random.Random(SEED)
    files = sorted(p.name for p in HTML_DIR.glob("*.html"))
    sim = topic_similarity(files)
    index = {f: i for i, f in enumerate(files)}
    split = split_files(files, sim, rng)
    out = {}
    for name in ("dev", "test"):
        mine = [f for f in files if split[f] == name]
        sources = [f for f in mine if _is_source(f)]
        rows = pairs_for_split(mine, sources, index, sim, rng)
        out[name] = [{"id": f"{name}-{i:04d}", **r} for i, r in enumerate(rows)]
    return out


def _is_source(file: str) -> bool:
    text = original(file)[0]
    ok = file not in NOT_ARTICLES and words(text) >= MIN_WORDS and is_english(text)
    return ok and len(blocks(file)) >= 2


def recorded_sha() -> str | None:
    """The frozen test split's sha256 as README.md records it."""
    readme = HERE / "README.md"
    found = re.search(r"sha256 `([0-9a-f]{64})`", readme.read_text()) if readme.exists() else None
    return found.group(1) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="rebuild and compare, write nothing")
    args = parser.parse_args()
    splits = build()
    for name, rows in splits.items():
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
        path = HERE / f"{name}.jsonl"
        sha = hashlib.sha256(data).hexdigest()
        kinds = Counter(f"{r['kind']}:{'+' if r['label'] else '-'}" for r in rows)
        print(name, len(rows), sha, dict(sorted(kinds.items())))
        if args.check:
            same = path.exists() and path.read_bytes() == data
            print(f"  {path.name}: {'identical' if same else 'DIFFERS'}")
            continue
        frozen = recorded_sha()
        if name == "test" and frozen and sha != frozen:
            sys.exit(f"test.jsonl is frozen at {frozen}; this build differs ({sha}): not written")
        path.write_bytes(data)


if __name__ == "__main__":
    main()
