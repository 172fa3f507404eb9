"""Search stage: hybrid dense + BM25 retrieval, fusion and filters."""
