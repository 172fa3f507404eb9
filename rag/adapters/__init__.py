"""Adapters for other frameworks (llama-index, LangChain)."""
