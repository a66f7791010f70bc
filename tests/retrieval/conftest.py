"""Fixtures of the retrieval tests: the sample corpus indexed with the real model, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.retrieval.search import Retriever
from index.store.build import build_index


@pytest.fixture(scope="session")
def corpus_index(
    tmp_path_factory: pytest.TempPathFactory, real_embedder, sample_corpus: Path
) -> Path:  # type: ignore[no-untyped-def]
    # the 33 releases the dev and held-out questions were written for (see tests/conftest.py)
    index_dir = tmp_path_factory.mktemp("real") / "index"
    build_index(sample_corpus, index_dir, real_embedder)
    return index_dir


@pytest.fixture(scope="session")
def retriever(corpus_index: Path, real_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return Retriever.load(corpus_index, real_embedder)
