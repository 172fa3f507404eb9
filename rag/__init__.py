"""Question answering over news articles with exact-quote citations."""

from rag.assistant import Assistant
from rag.config import Settings
from rag.errors import RagError
from rag.records import Answer, AnswerSentence, Chunk, Citation, Hit, IngestReport

__all__ = [
    "Answer",
    "AnswerSentence",
    "Assistant",
    "Chunk",
    "Citation",
    "Hit",
    "IngestReport",
    "RagError",
    "Settings",
]
__version__ = "0.1.0"
