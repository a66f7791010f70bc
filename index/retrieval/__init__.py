"""Answering a question from a loaded index: scoring (dense, BM25, word translations), events,
passages and quotes (with a gloss for a reader of the other language), declining, evaluation.
The last stage: it may import all others."""
