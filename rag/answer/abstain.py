"""Abstentions: say what the articles mention when they don't give what was asked."""

from __future__ import annotations

import numpy as np

from rag.answer.asks import asked, but_not
from rag.answer.parts import subject
from rag.reader.features import Candidate
from rag.records import Answer, AnswerSentence, Citation, Hit

ABSTAIN_TEXT = "The articles don't say. None of the retrieved passages answers this question."


def abstention(
    question: str, query: str, hits: list[Hit], cands: list[Candidate], probs: np.ndarray
) -> Answer:
    """Abstain, naming what the articles do mention when they mention the subject.

    Args:
        question: the question as asked.
        query: its standalone form (what was retrieved with).
        hits: the retrieved passages.
        cands: their candidate sentences.
        probs: the reader's probability of each candidate.

    Returns:
        A ``detail_missing`` answer citing the sentence that names the subject, else a
        ``no_evidence`` one.
    """
    order = np.argsort(-probs, kind="stable")
    # Whichever model abstained, the wording follows the evidence: when the passages name
    # the question's subject, say so; the topic model alone cannot tell the two apart well
    # (it leans on cosine, low for "How old is Blinken?" over an article about Blinken).
    for i in order[:5]:
        quote = cands[int(i)].quote
        about = subject(query, quote.text)
        if not about:
            continue
        citation = Citation(1, quote.doc_id, quote.title, quote.source, quote.text,
                            quote.start, quote.end, round(float(probs[i]), 4), quote.date,
                            quote.url)  # fmt: skip
        text = f"The articles mention {about} [1] {but_not(question, about)}."
        return Answer(question, text, [citation], True, query,
                      [AnswerSentence(text, (1,))], hits, reason="detail_missing",
                      missing=[asked(question).phrase or question])  # fmt: skip
    return Answer(question, ABSTAIN_TEXT, [], True, query, [], hits, reason="no_evidence")
