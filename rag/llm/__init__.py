"""LLM answers: backends (llama.cpp, OpenAI-compatible, Ollama) and verified generation."""
