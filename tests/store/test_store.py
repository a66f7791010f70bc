"""Index build, save/load, refusal of mismatched or damaged indexes, atomic switching."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index import store
from index.errors import BuildInProgress, IndexCorrupt, IndexMismatch, IndexMissing
from index.model.embed import HashingEmbedder
from index.retrieval.search import Retriever
from index.schema import Document
from index.store.build import bm25_terms, build_index
from index.tokenize import JapaneseEnglishTokenizer

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SMALL = [
    "001-edd-2024-12-jdefense-raw.txt",
    "002-edd-2024-12-state-en.txt",
    "039-tmm-2024-07-mod-ja.txt",
]


@pytest.fixture()
def small_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in SMALL:
        shutil.copy(CORPUS / name, folder / name)
    return folder


def _ask(retriever: Retriever, question: str) -> list[tuple[str, int, int, str]]:
    answer = retriever.with_params(decline=False).ask(question, k=5)
    return [(h.doc.path, h.chunk.start, h.chunk.end, h.quote) for h in answer.hits]


def test_save_load_same_results(small_corpus: Path, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    index_dir = tmp_path / "index"
    report = build_index(small_corpus, index_dir, embedder)
    assert report.documents == 3 and report.chunks > 10 and not report.skipped
    first = Retriever.load(index_dir, embedder)
    copy = tmp_path / "copy"
    shutil.copytree(store.resolve(index_dir), copy)
    second = Retriever.load(copy, HashingEmbedder())
    for q in ["Who co-chaired the EDD?", "健軍駐屯地を訪問した", "日米韓防衛相会談"]:
        assert _ask(first, q) == _ask(second, q)
        assert _ask(first, q)


def test_quotes_and_passages_are_verbatim(small_corpus: Path, tmp_path: Path) -> None:
    build_index(small_corpus, tmp_path / "index", HashingEmbedder())
    retriever = Retriever.load(tmp_path / "index", HashingEmbedder())
    answer = retriever.with_params(decline=False).ask("EDD co-chairs Kumagai", k=5)
    for hit in answer.hits:
        raw = (small_corpus / hit.doc.path).read_text(encoding="utf-8")
        assert hit.chunk.text in raw
        assert hit.quote in hit.chunk.text
        assert hit.doc.text[hit.quote_start : hit.quote_end] == hit.quote
        assert hit.chunk.start <= hit.quote_start < hit.quote_end <= hit.chunk.end


def test_other_model_refused(small_corpus: Path, tmp_path: Path) -> None:
    build_index(small_corpus, tmp_path / "index", HashingEmbedder())
    other = HashingEmbedder(dim=128)
    other.model_id = "another-model"
    with pytest.raises(IndexMismatch, match="rebuild"):
        Retriever.load(tmp_path / "index", other)


def test_other_format_refused(small_corpus: Path, tmp_path: Path) -> None:
    build_index(small_corpus, tmp_path / "index", HashingEmbedder())
    manifest = store.resolve(tmp_path / "index") / "manifest.json"
    data = json.loads(manifest.read_text())
    data["format_version"] = 999
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexMismatch, match="format") as refused:
        Retriever.load(tmp_path / "index", HashingEmbedder())
    # the rebuild it suggests is of the index, not of the build folder behind it
    assert str(refused.value).endswith(f"`secbrief index build --index {tmp_path / 'index'}`")


def test_bm25_holds_each_unit_with_its_release_title() -> None:
    def doc(path: str, title: str, text: str, lang: str) -> Document:
        return Document(path, path, title, None, None, lang, None, text)

    docs = [
        doc("a.txt", "Extended Deterrence Dialogue", "The U.S. side was co-chaired by Bell.", "en"),
        doc("b.txt", "日米外相会談", "両外相は一致しました。", "ja"),
    ]
    unit_doc = np.array([0, 0, 1])
    unit_span = np.array([[0, 13], [14, 37], [0, 11]])
    terms = bm25_terms(docs, unit_doc, unit_span, JapaneseEnglishTokenizer())
    assert terms[0][-3:] == ["extended", "deterrence", "dialogue"]
    assert "side" in terms[0] and "bell" not in terms[0]
    assert "bell" in terms[1] and terms[1][-3:] == terms[0][-3:]
    assert "外相" in terms[2] and "会談" in terms[2]


def test_missing_and_corrupt_index(small_corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(IndexMissing):
        Retriever.load(tmp_path / "nothing", HashingEmbedder())
    build_index(small_corpus, tmp_path / "index", HashingEmbedder())
    vectors = store.resolve(tmp_path / "index") / "vectors.faiss"
    vectors.write_bytes(b"garbage")
    with pytest.raises(IndexCorrupt, match=r"vectors\.faiss"):
        Retriever.load(tmp_path / "index", HashingEmbedder())


def test_rebuild_reuses_cache_and_drops_removed_files(small_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = build_index(small_corpus, index_dir, HashingEmbedder())
    assert first.embedded == first.chunks and first.reused == 0
    (small_corpus / SMALL[2]).unlink()
    second = build_index(small_corpus, index_dir, HashingEmbedder())
    assert second.embedded == 0 and second.reused == second.chunks
    retriever = Retriever.load(index_dir, HashingEmbedder())
    assert SMALL[2] not in {d.path for d in retriever.docs}
    hits = retriever.with_params(decline=False).ask("日米韓防衛相会談", k=10).hits
    assert all(h.doc.path != SMALL[2] for h in hits)


def test_failed_build_keeps_old_index(small_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(small_corpus, index_dir, HashingEmbedder())
    before = _ask(Retriever.load(index_dir, HashingEmbedder()), "Who co-chaired the EDD?")

    class Broken(HashingEmbedder):
        def encode_passages(self, texts, progress=None):  # type: ignore[no-untyped-def]
            raise RuntimeError("model crashed")

    (small_corpus / "new.txt").write_text("title: New\n\nA new release about something else.")
    with pytest.raises(RuntimeError):
        build_index(small_corpus, index_dir, Broken())
    assert _ask(Retriever.load(index_dir, HashingEmbedder()), "Who co-chaired the EDD?") == before


def test_second_build_refused_while_one_runs(small_corpus: Path, tmp_path: Path) -> None:
    with store.build_lock(tmp_path / "index"), pytest.raises(BuildInProgress):
        build_index(small_corpus, tmp_path / "index", HashingEmbedder())


_SLOW_BUILD = """
import sys, time
from pathlib import Path
from index.store.build import bm25_terms, build_index
from index.model.embed import HashingEmbedder

class Slow(HashingEmbedder):
    def encode_passages(self, texts, progress=None):
        print("embedding", flush=True)
        time.sleep(60)
        return super().encode_passages(texts, progress)

build_index(Path(sys.argv[1]), Path(sys.argv[2]), Slow())
"""


def test_killed_build_leaves_old_index_serving(small_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(small_corpus, index_dir, HashingEmbedder())
    before = _ask(Retriever.load(index_dir, HashingEmbedder()), "Who co-chaired the EDD?")
    (small_corpus / "new.txt").write_text("title: New\n\nA new release about something else.")
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_BUILD, str(small_corpus), str(index_dir)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "embedding"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    retriever = Retriever.load(index_dir, HashingEmbedder())
    assert _ask(retriever, "Who co-chaired the EDD?") == before
    assert "new.txt" not in {d.path for d in retriever.docs}
    # and the next build succeeds, cleaning up the killed build's leftovers
    time.sleep(0.1)
    build_index(small_corpus, index_dir, HashingEmbedder())
    assert "new.txt" in {d.path for d in Retriever.load(index_dir, HashingEmbedder()).docs}
    assert not list((index_dir / "builds").glob(".tmp-*"))


def test_unit_vectors_are_normalised(small_corpus: Path, tmp_path: Path) -> None:
    build_index(small_corpus, tmp_path / "index", HashingEmbedder())
    data = store.load(tmp_path / "index")
    vecs = data.vectors.reconstruct_n(0, data.vectors.ntotal)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
