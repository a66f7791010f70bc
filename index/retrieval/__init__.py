"""Answering a question from a loaded index: scoring (dense, BM25, word translations),
events, passages and quotes, declining, evaluation. The last stage: it may import all others."""
