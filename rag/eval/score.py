"""Score one answer against its eval case: every per-question metric and the failing checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rag.answer.support import SupportScorer
from rag.eval import metrics as m
from rag.eval.metrics import news
from rag.eval.suite import Case
from rag.records import Answer, Hit
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
    "exact_quotes",
    "short_exact",
    "short_f1",
    "timeline_tau",
    "timeline_events",
    "figures_verdict",
    "speaker_correct",
    "as_of_correct",
)
# The kinds of answer a short answer is shown for (rag.answer.asks.asked_type).
SHORT_TYPES = ("name", "number", "date", "place")
# Metrics computed over the whole suite rather than averaged over questions.
ABSTENTION_METRICS = ("abstention_precision", "abstention_recall", "false_abstention")
CONFLICT_METRICS = ("conflict_precision", "conflict_recall")
SUITE_METRICS = (*ABSTENTION_METRICS, *CONFLICT_METRICS, "latency_p50", "latency_p95")
ALL_METRICS = QUESTION_METRICS + SUITE_METRICS
DIGITS = 6  # rounding keeps float noise out of reports, so same inputs give identical files


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
        # A claim that is word for word part of a passage (a short answer, "three-hour") is
        # what the passage says; the embedding scorer rates a bare phrase against a sentence
        # low, as it would an unrelated claim.
        if claim.strip() and any(claim.strip() in p for p in passages):
            return True
        return self.scorer.is_supported(claim, passages)

    def verified(self, doc_id: str, start: int, end: int, quote: str) -> bool:
        if doc_id not in self._texts:
            self._texts[doc_id] = self._article_text(doc_id)
        text = self._texts[doc_id]
        return text is not None and text[start:end] == quote

    def similarity(self, a: str, b: str) -> float:
        return self.scorer.similarity(a, b)


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
    plain = strip_markers(answer.text)
    s = _retrieval(case, answer, k)
    facts, missing = _facts(case, answer, plain)
    s |= facts | _reference(case, plain, judge) | _citations(answer, judge)
    s["cites_expected_source"] = _expected_source(case, answer)
    s["abstention_correct"] = _abstention(case, answer)
    s["exact_quotes"] = _exact_quotes(answer, judge)
    s["short_exact"], s["short_f1"] = _short(case, answer)
    s["timeline_tau"], s["timeline_events"] = news.timeline_scores(case.events, answer)
    s["figures_verdict"] = news.verdict_score(case.verdict, answer)
    s["speaker_correct"] = news.speaker_score(case.speaker, case.gold, answer)
    s["as_of_correct"] = news.as_of_score(case.as_of, answer)
    return _row(case, answer, latency, s, missing)


def _retrieval(case: Case, answer: Answer, k: int) -> dict[str, m.Score]:
    if case.unanswerable:
        why = "unanswerable case: nothing to retrieve"
        return {name: m.unscorable(why) for name in ("hit_rate", "mrr", "recall", "ndcg")}
    ranking = m.doc_ranking([(h.doc_id, h.source) for h in answer.hits], k)
    r = m.retrieval_scores(ranking, case.sources, k)
    return {"hit_rate": r["hit"], "mrr": r["mrr"], "recall": r["recall"], "ndcg": r["ndcg"]}


def _facts(case: Case, answer: Answer, plain: str) -> tuple[dict[str, m.Score], list[str]]:
    """``fact_recall`` and ``all_facts``, and the facts the answer misses."""
    if case.unanswerable:
        score = m.unscorable("unanswerable case")
        return {"fact_recall": score, "all_facts": score}, []
    if answer.abstained and case.facts:
        score = m.ok(0.0, "abstained on an answerable question")
        return {"fact_recall": score, "all_facts": score}, list(case.facts)
    recall, all_facts, missing = m.fact_scores(plain, case.facts)
    return {"fact_recall": recall, "all_facts": all_facts}, missing


def _reference(case: Case, plain: str, judge: Judge) -> dict[str, m.Score]:
    """``token_f1`` and ``embedding_similarity`` against the reference answer."""
    if not case.answer:
        score = m.unscorable("case has no reference answer")
        return {"token_f1": score, "embedding_similarity": score}
    return {
        "token_f1": m.ok(round(m.token_f1(plain, case.answer), DIGITS)),
        "embedding_similarity": m.ok(round(judge.similarity(plain, case.answer), DIGITS)),
    }


def _citations(answer: Answer, judge: Judge) -> dict[str, m.Score]:
    """ALCE citation precision/recall and faithfulness (verified quotes only)."""
    names = ("citation_precision", "citation_recall", "faithfulness")
    if answer.abstained:
        return {name: m.unscorable("abstained: no answer sentences") for name in names}
    by_marker = {c.marker: c for c in answer.citations}
    cited = [
        (st.text, [by_marker[x] for x in st.markers if x in by_marker]) for st in answer.sentences
    ]
    precision, recall = m.citation_scores(
        [(text, [c.quote for c in cs]) for text, cs in cited], judge.entails
    )
    checked = [
        (
            text,
            [c.quote for c in cs],
            all(judge.verified(c.doc_id, c.start, c.end, c.quote) for c in cs),
        )
        for text, cs in cited
    ]
    return dict(
        zip(names, (precision, recall, m.faithfulness(checked, judge.entails)), strict=True)
    )


def _expected_source(case: Case, answer: Answer) -> m.Score:
    if not case.sources or case.unanswerable:
        return m.unscorable("case lists no expected sources")
    if answer.abstained:
        return m.ok(0.0, "abstained on an answerable question")
    hit = any(m.matched_sources(case.sources, c.doc_id, c.source) for c in answer.citations)
    return m.ok(1.0 if hit else 0.0, None if hit else "no expected source cited")


def _exact_quotes(answer: Answer, judge: Judge) -> m.Score:
    """Share of citations (abstentions' included) whose quote is the article's text there."""
    if not answer.citations:
        return m.unscorable("no citations")
    exact = sum(judge.verified(c.doc_id, c.start, c.end, c.quote) for c in answer.citations)
    return m.ok(exact / len(answer.citations))


def _short(case: Case, answer: Answer) -> tuple[m.Score, m.Score]:
    """SQuAD exact match and token F1 of the short answer where a name, number, date or place
    is asked (a missing short answer, or an abstention, is a miss). F1 tells a phrase whose
    edges differ from the writer's ("December" for "in December") from a wrong one."""
    if case.unanswerable or not case.short or case.answer_type not in SHORT_TYPES:
        none = m.unscorable("no short answer asked")
        return none, none
    if answer.short is None:
        return m.ok(0.0, "no short answer given"), m.ok(0.0, "no short answer given")
    gold = [s["text"] for s in case.short]
    hit = m.exact_match(answer.short.text, gold)
    why = None if hit else f"short answer {answer.short.text!r} is not {gold}"
    return m.ok(hit, why), m.ok(max(m.token_f1(answer.short.text, g) for g in gold))


def _abstention(case: Case, answer: Answer) -> m.Score:
    if answer.abstained == case.unanswerable:
        return m.ok(1.0)
    if answer.abstained:
        return m.ok(0.0, "abstained on an answerable question")
    return m.ok(0.0, "answered an unanswerable question")


def _row(
    case: Case, answer: Answer, latency: float, s: dict[str, m.Score], missing: list[str]
) -> dict[str, Any]:
    """The results row: the case, the answer and its evidence, metrics and failing checks."""
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
        "short": answer.short.to_dict() if answer.short else None,
        "as_of": answer.as_of,
        "timeline": [t.to_dict() for t in answer.timeline],
        "disagreements": [d.to_dict() for d in answer.disagreements],
        "verdict": case.verdict,
        "abstained": answer.abstained,
        "query": answer.query,
        "citations": [c.to_dict() for c in answer.citations],
        "sentences": [st.to_dict() for st in answer.sentences],
        "hits": [_hit_row(i, h) for i, h in enumerate(answer.hits, 1)],
        "latency_s": round(latency, 4),
        "metrics": {name: s[name].to_dict() for name in QUESTION_METRICS},
        "missing_facts": missing,
        "failing_checks": checks,
        "passed": not checks,
    }


def _hit_row(rank: int, h: Hit) -> dict[str, Any]:
    return {
        "rank": rank,
        "doc_id": h.doc_id,
        "chunk_id": h.chunk_id,
        "score": round(h.score, DIGITS),
        "start": h.start,
        "end": h.end,
        "text": h.text,
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
