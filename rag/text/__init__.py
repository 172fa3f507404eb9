"""Text helpers shared by every stage: terms, sentences, [n] markers, similarity, streaming."""
