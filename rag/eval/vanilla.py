"""A plain llama-index pipeline for side-by-side evals: dense top-k + best-sentence answer.

Same Chroma collection, chunks and embedding model as the assistant, none of its extras (no BM25
fusion, no follow-up rewriting, no abstention), so a report shows what those extras are worth.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from llama_index.core import VectorStoreIndex

from rag.adapters.llama_index import LlamaIndexEmbedding
from rag.answer.citations import cite
from rag.records import Answer, Hit, Quote
from rag.text.sentences import split_sentences

if TYPE_CHECKING:
    from rag.assistant import Assistant


def _hit(node: Any, score: float | None) -> Hit:
    meta = node.metadata or {}
    start = int(meta.get("start", node.start_char_idx or 0))
    text = node.get_content()
    return Hit(
        chunk_id=node.node_id,
        doc_id=str(meta.get("doc_id", "")),
        title=str(meta.get("title", "")),
        source=str(meta.get("source", "")),
        text=text,
        start=start,
        end=int(meta.get("end", start + len(text))),
        score=float(score or 0.0),
        date=meta.get("date"),
        url=meta.get("url"),
        dense_score=float(score or 0.0),
    )


class VanillaPipeline:
    """``VectorStoreIndex.from_vector_store`` over the assistant's collection.

    Args:
        assistant: whose store and embedding model to use (embed_model is passed explicitly;
            llama-index's global Settings are never read or changed).
        top_k: chunks to retrieve (default: the assistant's ``top_k``).
    """

    name = "vanilla"

    def __init__(self, assistant: Assistant, top_k: int | None = None) -> None:
        self.assistant = assistant
        self.top_k = top_k or assistant.settings.top_k
        index = VectorStoreIndex.from_vector_store(
            assistant.index.store.llama, embed_model=LlamaIndexEmbedding(assistant.index.embedder)
        )
        self.retriever = index.as_retriever(similarity_top_k=self.top_k)

    def ask(
        self,
        question: str,
        history: Sequence[dict[str, str]] | None = None,
        top_k: int | None = None,
    ) -> Answer:
        """Retrieve densely and answer with the single sentence closest to the question.

        Args:
            question: used as the query as-is (plain pipelines ignore ``history``).
            history: accepted for interface parity with `Assistant.ask`; unused.
            top_k: ignored; fixed at construction.

        Returns:
            An `Answer` citing one exact sentence; it never abstains.
        """
        nodes = self.retriever.retrieve(question)
        hits = [_hit(n.node, n.score) for n in nodes]
        quotes = [
            Quote(
                h.doc_id,
                h.title,
                h.source,
                h.text[a:b],
                h.start + a,
                h.start + b,
                0.0,
                h.date,
                h.url,
            )
            for h in hits
            for a, b in split_sentences(h.text)
            if h.text[a:b].strip()
        ]
        if not quotes:
            return Answer(question, "", [], True, question, [], hits, mode="vanilla")
        vectors = self.assistant.index.embedder.encode([question] + [q.text for q in quotes])
        sims = vectors[1:] @ vectors[0]
        best = int(np.argmax(sims))
        chosen = quotes[best]
        chosen = Quote(**{**chosen.__dict__, "score": float(sims[best])})
        text, citations, sentences = cite([chosen])
        return Answer(question, text, citations, False, question, sentences, hits, mode="vanilla")
