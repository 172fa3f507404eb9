"""The learned reader: answer-sentence and answerability models, their training and data."""
