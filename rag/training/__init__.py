"""Training the reader: labelled candidates, the span and answerability models, `make reader`."""
