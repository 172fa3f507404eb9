"""Answer stage: the extractive reader, relevance, follow-ups, citations, support."""
