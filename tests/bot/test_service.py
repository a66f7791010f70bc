"""Opening the retriever service at start-up: a missing or outdated index is built, one built
with another model is refused."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from bot.service import RetrieverService
from bot.settings import Settings
from index import store
from index.errors import IndexMismatch
from index.model.embed import HashingEmbedder
from index.store.build import build_index

ROOT = Path(__file__).resolve().parents[2]


def _settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ["002-edd-2024-12-state-en.txt", "039-tmm-2024-07-mod-ja.txt"]:
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    return Settings(  # type: ignore[call-arg]
        _env_file=None, corpus_dir=corpus, index_dir=tmp_path / "index", model="hashing-test"
    )


def _set_manifest(index: Path, **fields: object) -> None:
    manifest = store.resolve(index) / "manifest.json"
    data = json.loads(manifest.read_text())
    data.update(fields)
    manifest.write_text(json.dumps(data))


async def test_an_index_of_an_older_format_is_rebuilt_at_start_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(tmp_path)
    build_index(settings.corpus_dir, settings.index_dir, HashingEmbedder())
    _set_manifest(settings.index_dir, format_version=store.FORMAT_VERSION - 1)
    with caplog.at_level(logging.WARNING):
        service = await RetrieverService.open(settings, HashingEmbedder())
    assert "an outdated index" in caplog.text
    assert service.info.format_version == store.FORMAT_VERSION
    assert service.retriever.with_params(decline=False).ask("EDD", k=3).hits


async def test_an_index_of_a_newer_format_or_another_model_is_refused(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    build_index(settings.corpus_dir, settings.index_dir, HashingEmbedder())
    _set_manifest(settings.index_dir, format_version=store.FORMAT_VERSION + 1)
    with pytest.raises(IndexMismatch, match="format"):
        await RetrieverService.open(settings, HashingEmbedder())
    _set_manifest(settings.index_dir, format_version=store.FORMAT_VERSION, model_id="other")
    with pytest.raises(IndexMismatch, match="model"):
        await RetrieverService.open(settings, HashingEmbedder())
