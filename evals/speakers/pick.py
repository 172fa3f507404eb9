"""How the sentences of evals/speakers were picked (run once, before labelling).

    .venv/bin/python evals/speakers/pick.py --shared ../shared --out /tmp/todo

Writes todo-{a,b,c,d,e}.jsonl: 20, 20, 22, 15 and 15 articles (a and b became dev, c the
frozen test, d and e the fresh check that became dev2), from each its first 14 sentences
with a reporting verb, "according to" or a quotation mark, and 3 others at random (seed
2026). Articles of the frozen time test are left out.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from rag.news.roles import SAID_VERBS  # noqa: E402
from rag.text.sentences import split_sentences  # noqa: E402

QUOTE = re.compile(r'["“”]')


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--shared", type=Path, default=HERE.parents[1].parent / "shared")
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    # The reporting verbs as they were when the set was picked (round 14 added these).
    added = {"responded", "responds", "continued", "complained", "complains", "whispered",
             "whispers", "echoed", "asked", "asks", "written"}  # fmt: skip
    verbs = "|".join(v for v in SAID_VERBS.split("|") if v not in added)
    verb = re.compile(rf"\b(?:{verbs})\b|according to", re.I)
    excluded = set()
    for line in (HERE.parent / "time" / "test.jsonl").read_text().splitlines():
        case = json.loads(line)
        for g in case.get("gold", []) + case.get("events", []):
            excluded.add(os.path.basename(g["doc_id"]).rsplit(".", 1)[0])
    arts = []
    for corpus in ("newspaper", "news-train"):
        root = args.shared / "corpora" / corpus / "text"
        for f in sorted(os.listdir(root)):
            if f.rsplit(".", 1)[0] in excluded:
                continue
            text = (root / f).read_text(encoding="utf-8")
            spans = split_sentences(text)
            said = [i for i, (a, b) in enumerate(spans) if verb.search(text[a:b])
                    or QUOTE.search(text[a:b])]  # fmt: skip
            if len(said) >= 6 and len(text) < 30000:
                arts.append((corpus, f, text, spans, said))
    rng = random.Random(2026)
    rng.shuffle(arts)
    args.out.mkdir(parents=True, exist_ok=True)
    groups = {"a": arts[0:20], "b": arts[20:40], "c": arts[40:62], "d": arts[62:77],
              "e": arts[77:92]}  # fmt: skip
    for group, items in groups.items():
        with (args.out / f"todo-{group}.jsonl").open("w") as out:
            for corpus, f, text, spans, said in items:
                plain = [i for i in range(len(spans)) if i not in set(said)]
                pick = set(said[:14]) | set(rng.sample(plain, min(3, len(plain))))
                for i in sorted(pick):
                    a, b = spans[i]
                    row = {"id": f"{group}-{f}-{a}", "doc": f"{corpus}/text/{f}", "start": a,
                           "end": b, "sentence": text[a:b]}  # fmt: skip
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
