"""Score one answer against its eval case, and summarise many scored answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

from rag.answer.support import SupportScorer
from rag.eval import metrics as m
from rag.eval.suite import Case
from rag.records import Answer
from rag.text.markers import strip_markers

# Per-question metrics, in report order; each has an ``ok``/``unscorable`` status.
QUESTION_METRICS = (
    "hit_rate",
    "mrr",
    "recall",
    "ndcg",
    "fact_recall",
    "all_facts",
    "token_f1",
    "embedding_similarity",
    "citation_precision",
    "citation_recall",
    "faithfulness",
    "cites_expected_source",
    "abstention_correct",
)
# Metrics computed over the whole suite rather than averaged over questions.
SUITE_METRICS = ("abstention_precision", "abstention_recall", "latency_p50", "latency_p95")
ALL_METRICS = QUESTION_METRICS + SUITE_METRICS
_DIGITS = 6  # rounding keeps float noise out of reports, so same inputs give identical files


class Judge:
    """What scoring needs besides the answer: a support scorer and the articles' text.

    Args:
        scorer: entailment judge for citations and faithfulness.
        article_text: ``doc_id -> text`` (to verify that quotes are exact).
    """

    def __init__(self, scorer: SupportScorer, article_text: Callable[[str], str | None]) -> None:
        self.scorer = scorer
        self._article_text = article_text
        self._texts: dict[str, str | None] = {}

    def entails(self, claim: str, passages: list[str]) -> bool:
        return self.scorer.is_supported(claim, passages)

    def verified(self, doc_id: str, start: int, end: int, quote: str) -> bool:
        if doc_id not in self._texts:
            self._texts[doc_id] = self._article_text(doc_id)
        text = self._texts[doc_id]
        return text is not None and text[start:end] == quote

    def similarity(self, a: str, b: str) -> float:
        vectors = self.scorer.embedder.encode([a, b])
        return m.cosine(vectors[0], vectors[1])


def score_case(case: Case, answer: Answer, latency: float, k: int, judge: Judge) -> dict[str, Any]:
    """Every per-question metric, the failing checks and the evidence, as one results row.

    Args:
        case: the eval case.
        answer: what the pipeline answered.
        latency: seconds the answer took.
        k: retrieval cut-off (documents).
        judge: the support scorer and article lookup.

    Returns:
        A JSON-ready dict (one line of ``results.jsonl``).
    """
    s: dict[str, m.Score] = {}
    ranking = m.doc_ranking([(h.doc_id, h.source) for h in answer.hits], k)
    if case.unanswerable:
        for name in ("hit_rate", "mrr", "recall", "ndcg"):
            s[name] = m.unscorable("unanswerable case: nothing to retrieve")
    else:
        r = m.retrieval_scores(ranking, case.sources, k)
        s.update(hit_rate=r["hit"], mrr=r["mrr"], recall=r["recall"], ndcg=r["ndcg"])
    plain = strip_markers(answer.text)
    missing: list[str] = []
    if case.unanswerable:
        s["fact_recall"] = s["all_facts"] = m.unscorable("unanswerable case")
    elif answer.abstained and case.facts:
        s["fact_recall"] = s["all_facts"] = m.ok(0.0, "abstained on an answerable question")
        missing = list(case.facts)
    else:
        s["fact_recall"], s["all_facts"], missing = m.fact_scores(plain, case.facts)
    if case.answer:
        s["token_f1"] = m.ok(round(m.token_f1(plain, case.answer), _DIGITS))
        s["embedding_similarity"] = m.ok(round(judge.similarity(plain, case.answer), _DIGITS))
    else:
        s["token_f1"] = s["embedding_similarity"] = m.unscorable("case has no reference answer")
    by_marker = {c.marker: c for c in answer.citations}
    if answer.abstained:
        for name in ("citation_precision", "citation_recall", "faithfulness"):
            s[name] = m.unscorable("abstained: no answer sentences")
    else:
        cited = [
            (st.text, [by_marker[x] for x in st.markers if x in by_marker])
            for st in answer.sentences
        ]
        s["citation_precision"], s["citation_recall"] = m.citation_scores(
            [(text, [c.quote for c in cs]) for text, cs in cited], judge.entails
        )
        s["faithfulness"] = m.faithfulness(
            [
                (
                    text,
                    [c.quote for c in cs],
                    all(judge.verified(c.doc_id, c.start, c.end, c.quote) for c in cs),
                )
                for text, cs in cited
            ],
            judge.entails,
        )
    if not case.sources or case.unanswerable:
        s["cites_expected_source"] = m.unscorable("case lists no expected sources")
    elif answer.abstained:
        s["cites_expected_source"] = m.ok(0.0, "abstained on an answerable question")
    else:
        hit = any(m.matched_sources(case.sources, c.doc_id, c.source) for c in answer.citations)
        s["cites_expected_source"] = m.ok(
            1.0 if hit else 0.0, None if hit else "no expected source cited"
        )
    right = answer.abstained == case.unanswerable
    why = (
        None
        if right
        else (
            "abstained on an answerable question"
            if answer.abstained
            else "answered an unanswerable question"
        )
    )
    s["abstention_correct"] = m.ok(1.0 if right else 0.0, why)
    checks = _failing_checks(s, missing)
    return {
        "id": case.id,
        "question": case.question,
        "history": case.history,
        "tags": case.tags,
        "unanswerable": case.unanswerable,
        "expected_sources": case.sources,
        "reference": case.answer,
        "answer": answer.text,
        "abstained": answer.abstained,
        "query": answer.query,
        "citations": [c.to_dict() for c in answer.citations],
        "sentences": [st.to_dict() for st in answer.sentences],
        "hits": [
            {
                "rank": i,
                "doc_id": h.doc_id,
                "chunk_id": h.chunk_id,
                "score": round(h.score, _DIGITS),
                "start": h.start,
                "end": h.end,
                "text": h.text,
            }
            for i, h in enumerate(answer.hits, 1)
        ],
        "latency_s": round(latency, 4),
        "metrics": {name: s[name].to_dict() for name in QUESTION_METRICS},
        "missing_facts": missing,
        "failing_checks": checks,
        "passed": not checks,
    }


def _failing_checks(s: dict[str, m.Score], missing: list[str]) -> list[str]:
    checks = []
    if s["hit_rate"].value == 0:
        checks.append(f"retrieval: {s['hit_rate'].reason or 'no expected source in top-k'}")
    if s["abstention_correct"].value == 0:
        checks.append(f"abstention: {s['abstention_correct'].reason}")
    elif s["all_facts"].value == 0:
        checks.append(f"facts missing: {'; '.join(missing)}")
    faithful = s["faithfulness"].value
    if faithful is not None and faithful < 1:
        checks.append(f"faithfulness: {s['faithfulness'].reason}")
    if s["cites_expected_source"].value == 0 and s["abstention_correct"].value != 0:
        checks.append("citations: no expected source cited")
    return checks


def _aggregate(
    values: list[Any], stat: Callable[[list[Any]], float | None] | None = None, seed: int = 0
) -> tuple[float | None, float | None, float | None]:
    if not values:
        return None, None, None
    point = stat(values) if stat else sum(values) / len(values)
    lo, hi = m.bootstrap_ci(values, stat=stat, seed=seed)
    rnd = lambda x: None if x is None else round(x, _DIGITS)  # noqa: E731
    return rnd(point), rnd(lo), rnd(hi)


def _abstention_stat(which: int, pairs: list[tuple[bool, bool]]) -> float | None:
    return m.abstention_scores(pairs)[which].value


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Suite-level metrics: means with bootstrap 95% CIs, unscorable counts, tag breakdown.

    Args:
        rows: results rows from `score_case`.

    Returns:
        ``{"n", "passed", "metrics": {name: {value, ci_low, ci_high, n, unscorable,
        unscorable_reasons}}, "by_tag": {tag: {"n", metric: value}}}``.
    """
    out: dict[str, dict[str, Any]] = {}
    for name in QUESTION_METRICS:
        scored = [r["metrics"][name] for r in rows]
        values = [x["value"] for x in scored if x["status"] == "ok"]
        reasons = Counter(x.get("reason", "") for x in scored if x["status"] != "ok")
        value, lo, hi = _aggregate(values)
        out[name] = {
            "value": value,
            "ci_low": lo,
            "ci_high": hi,
            "n": len(values),
            "unscorable": len(scored) - len(values),
            "unscorable_reasons": dict(sorted(reasons.items())),
        }
    pairs = [(bool(r["abstained"]), bool(r["unanswerable"])) for r in rows]
    for i, name in enumerate(("abstention_precision", "abstention_recall")):
        score = m.abstention_scores(pairs)[i]
        # Resample whole questions; resamples without abstentions/unanswerables are skipped.
        _, lo, hi = _aggregate(pairs, stat=partial(_abstention_stat, i))
        denominator = sum(1 for a, u in pairs if (a if i == 0 else u))
        out[name] = {
            "value": None if score.value is None else round(score.value, _DIGITS),
            "ci_low": lo if score.value is not None else None,
            "ci_high": hi if score.value is not None else None,
            "n": denominator,
            "unscorable": 0 if score.value is not None else len(rows),
            "unscorable_reasons": {score.reason: len(rows)} if score.reason else {},
        }
    latencies = [float(r["latency_s"]) for r in rows]
    for name, q in (("latency_p50", 50), ("latency_p95", 95)):
        p = m.percentile(latencies, q)
        out[name] = {
            "value": None if p is None else round(p, 4),
            "ci_low": None,
            "ci_high": None,
            "n": len(latencies),
            "unscorable": 0,
            "unscorable_reasons": {},
        }
    by_tag: dict[str, dict[str, Any]] = {}
    for tag in sorted({t for r in rows for t in r["tags"]}):
        tagged = [r for r in rows if tag in r["tags"]]
        entry: dict[str, Any] = {"n": len(tagged), "passed": sum(r["passed"] for r in tagged)}
        for name in QUESTION_METRICS:
            vals = [
                r["metrics"][name]["value"] for r in tagged if r["metrics"][name]["status"] == "ok"
            ]
            entry[name] = round(sum(vals) / len(vals), _DIGITS) if vals else None
        by_tag[tag] = entry
    return {
        "n": len(rows),
        "passed": sum(r["passed"] for r in rows),
        "metrics": out,
        "by_tag": by_tag,
    }
