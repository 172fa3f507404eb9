"""Text helpers shared by every stage: terms, sentence markers, similarity."""
