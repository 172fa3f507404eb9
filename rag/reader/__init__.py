"""The learned reader at ask time: answer-sentence, span and answerability models (trained by
`rag.training`)."""
