"""Index stage: files -> articles -> chunks -> vectors (Chroma), catalog and BM25."""
