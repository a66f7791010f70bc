"""Incremental updates: an update writes the index a full build of the same corpus writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from index import store
from index.errors import BuildInProgress
from index.ingest.loaders import corpus_files, load_corpus, sidecar_path
from index.meetings.catalogue import _joins, extract_meetings, group_found
from index.meetings.extract import Found, extract_document
from index.model.embed import HashingEmbedder
from index.retrieval.search import Retriever
from index.store import corpus as corpus_module
from index.store import update as update_module
from index.store.bm25 import BM25, TermCounts
from index.store.build import (
    build_index,
    catalogue,
    embedding_text,
    found_from_json,
    found_to_json,
    split_corpus,
)
from index.store.update import pending_changes, update_index

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
BASE = [
    "001-edd-2024-12-jdefense-raw.txt",
    "002-edd-2024-12-state-en.txt",
    "039-tmm-2024-07-mod-ja.txt",
    "057-fm-2024-07-mofa-ja.txt",
]
ADDED = "040-tmm-2024-07-dod-en.txt"  # the English report of 039's meeting
QUESTIONS = [
    "Who co-chaired the EDD?",
    "日米韓防衛相会談で何が合意されましたか",
    "What did the US, Japan and Korea defense ministers sign in Tokyo?",
    "What is the recipe for chocolate cake?",
]


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in BASE:
        shutil.copy(CORPUS / name, folder / name)
    return folder


def _builds(index_dir: Path) -> list[str]:
    return sorted(p.name for p in (index_dir / "builds").iterdir())


def assert_same_index(updated: Path, built: Path, exact: bool = True) -> None:
    """The two indexes hold the same releases, units, vectors, BM25 weights, meetings and
    manifest figures (vectors close, not equal, when ``exact`` is off: the model's results
    move in the last bits with the batch a passage was encoded in)."""
    a = store.load(updated, bm25_counts=True)
    b = store.load(built, bm25_counts=True)
    assert a.docs == b.docs
    assert np.array_equal(a.unit_doc, b.unit_doc)
    assert np.array_equal(a.unit_span, b.unit_span)
    va, vb = (x.vectors.reconstruct_n(0, x.vectors.ntotal) for x in (a, b))
    assert np.array_equal(va, vb) if exact else np.allclose(va, vb, atol=1e-5)
    assert a.bm25.vocab == b.bm25.vocab  # sorted: the same columns however gathered
    assert a.bm25.counts is not None and b.bm25.counts is not None
    assert (a.bm25.counts.counts != b.bm25.counts.counts).nnz == 0
    assert np.allclose(a.bm25.weights.toarray(), b.bm25.weights.toarray())
    for terms in (["deterrence"], ["会談", "防衛"], ["kumagai", "edd", "japan"]):
        assert np.allclose(a.bm25.scores(terms), b.bm25.scores(terms))
        assert a.bm25.scores(terms).any()
    assert a.meetings == b.meetings
    for name in ("documents", "chunks", "newest_release", "corpus_fingerprint", "skipped"):
        assert getattr(a.info, name) == getattr(b.info, name), name
    assert a.info.noise_floor == pytest.approx(b.info.noise_floor, abs=0 if exact else 1e-5)


def _answers(retriever: Retriever) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for q in QUESTIONS:
        a = retriever.ask(q, k=5)
        out.append((a.answered, a.missing, [(h.doc.path, h.chunk.start, h.quote) for h in a.hits]))
    return out


@pytest.mark.slow
def test_adding_a_release_gives_what_a_full_build_gives(
    corpus: Path, tmp_path: Path, real_embedder
) -> None:
    index_dir = tmp_path / "index"
    before = build_index(corpus, index_dir, real_embedder)
    shutil.copy(CORPUS / ADDED, corpus / ADDED)
    report = update_index(corpus, index_dir, real_embedder)
    assert report.added == [ADDED] and not report.changed and not report.removed
    assert report.unchanged == len(BASE) and not report.full_build
    assert report.embedded == report.chunks - before.chunks > 0  # the new release's alone
    build_index(corpus, tmp_path / "full", real_embedder)
    assert_same_index(index_dir, tmp_path / "full", exact=False)
    updated = Retriever.load(index_dir, real_embedder)
    built = Retriever.load(tmp_path / "full", real_embedder)
    assert _answers(updated) == _answers(built)
    answers = _answers(updated)
    assert answers[0][0] and not answers[-1][0]  # the EDD answered, the cake declined
    # the new release joined its meeting: the Japan-US-ROK meeting now has both reports
    sources = [{s["path"] for s in m["sources"]} for m in updated.data.meetings]
    assert {BASE[2], ADDED} in sources


def test_changing_and_removing_releases(corpus: Path, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, embedder)
    changed = corpus / BASE[1]
    text = changed.read_text(encoding="utf-8")
    text = text.replace("an enduring venue", "a lasting venue")  # one unit, the same meeting
    changed.write_text(text.replace("date: 2024-12-13", "date: 2024-12-14"), "utf-8")
    report = update_index(corpus, index_dir, embedder)
    assert report.changed == [BASE[1]] and not report.added and not report.removed
    assert 0 < report.embedded < 5  # only the units that changed
    build_index(corpus, tmp_path / "full-1", embedder)
    assert_same_index(index_dir, tmp_path / "full-1")

    (corpus / BASE[0]).unlink()
    report = update_index(corpus, index_dir, embedder)
    assert report.removed == [BASE[0]] and report.embedded == 0
    assert report.documents == len(BASE) - 1
    build_index(corpus, tmp_path / "full-2", embedder)
    assert_same_index(index_dir, tmp_path / "full-2")
    assert BASE[0] not in {d.id for d in Retriever.load(index_dir, embedder).docs}


def test_a_sequence_of_updates_equals_one_build(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    names = sorted(p.name for p in CORPUS.glob("*.txt"))
    corpus.mkdir()
    for name in names[::4]:
        shutil.copy(CORPUS / name, corpus / name)
    build_index(corpus, index_dir, embedder)
    for step in (1, 2, 3):  # releases land between, before and after the indexed ones
        for name in names[step::4]:
            shutil.copy(CORPUS / name, corpus / name)
        (corpus / names[4 * step]).unlink()
        report = update_index(corpus, index_dir, embedder)
        assert report.added and report.removed and not report.full_build
    build_index(corpus, tmp_path / "full", embedder)
    assert_same_index(index_dir, tmp_path / "full")
    assert len(store.load(index_dir).meetings) > 10


def test_nothing_changed_writes_no_build(corpus: Path, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    index_dir = tmp_path / "index"
    built = build_index(corpus, index_dir, embedder)
    before = _builds(index_dir)
    (corpus / BASE[0]).touch()  # a new time, the same bytes
    report = update_index(corpus, index_dir, embedder)
    assert (report.added, report.changed, report.removed) == ([], [], [])
    assert report.unchanged == len(BASE) and report.embedded == 0
    assert report.index_dir == built.index_dir and _builds(index_dir) == before
    assert (report.documents, report.chunks, report.meetings) == (
        built.documents,
        built.chunks,
        built.meetings,
    )


def test_unchanged_files_are_not_read(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = HashingEmbedder()
    index_dir = tmp_path / "index"
    monkeypatch.setattr(corpus_module, "RACY_NS", 0)  # trust a time taken a moment ago
    build_index(corpus, index_dir, embedder)
    read: list[Path] = []
    hashing = corpus_module._sha256

    def counted(path: Path) -> str:
        read.append(path)
        return hashing(path)

    monkeypatch.setattr(corpus_module, "_sha256", counted)
    shutil.copy(CORPUS / ADDED, corpus / ADDED)
    assert update_index(corpus, index_dir, embedder).added == [ADDED]
    assert read == [corpus / ADDED]


def test_a_file_rewritten_within_the_same_tick_is_seen(corpus: Path, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    index_dir = tmp_path / "index"
    path = corpus / BASE[1]
    build_index(corpus, index_dir, embedder)
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Dialogue", "Dialogux"), encoding="utf-8")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time
    assert update_index(corpus, index_dir, embedder).changed == [BASE[1]]


def test_update_without_index_builds_it(corpus: Path, tmp_path: Path) -> None:
    report = update_index(corpus, tmp_path / "index", HashingEmbedder())
    assert report.full_build and report.added == sorted(BASE) and report.documents == len(BASE)
    assert report.index_dir == store.resolve(tmp_path / "index")
    assert not update_index(corpus, tmp_path / "index", HashingEmbedder()).full_build


def test_unusable_index_is_built_again(
    corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, HashingEmbedder())
    manifest = store.resolve(index_dir) / "manifest.json"
    old = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**old, "format_version": store.FORMAT_VERSION - 1}))
    assert update_index(corpus, index_dir, HashingEmbedder()).full_build  # an older format
    other = HashingEmbedder(dim=128)
    assert update_index(corpus, index_dir, other).full_build  # another model
    assert store.load(index_dir).info.dim == 128
    found = store.resolve(index_dir) / "found.json"
    found.write_text(found.read_text().replace('"strong": true', '"strong": false'))
    with caplog.at_level(logging.WARNING, logger="index.store.update"):
        shutil.copy(CORPUS / ADDED, corpus / ADDED)
        report = update_index(corpus, index_dir, other)
    assert report.full_build and "found.json is missing or altered" in caplog.text
    assert report.documents == len(BASE) + 1


def test_index_of_other_code_is_built_again(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(corpus, tmp_path / "index", HashingEmbedder())
    monkeypatch.setattr(update_module, "code_version", lambda: "other code")
    assert pending_changes(corpus, tmp_path / "index")
    assert update_index(corpus, tmp_path / "index", HashingEmbedder()).full_build


def test_failed_update_keeps_the_index_serving(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, HashingEmbedder())
    before = _builds(index_dir)
    serving = store.resolve(index_dir)

    class Broken(HashingEmbedder):
        def encode_passages(self, texts, progress=None):
            raise RuntimeError("model crashed")

    shutil.copy(CORPUS / ADDED, corpus / ADDED)
    with pytest.raises(RuntimeError, match="model crashed"):
        update_index(corpus, index_dir, Broken())
    assert store.resolve(index_dir) == serving and _builds(index_dir) == before
    assert ADDED not in {d.id for d in Retriever.load(index_dir, HashingEmbedder()).docs}
    assert pending_changes(corpus, index_dir)


def test_failed_write_leaves_no_staging_folder(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, HashingEmbedder())
    before = _builds(index_dir)

    def full_disk(folder: Path, data: store.IndexData) -> None:
        (folder / "documents.json").write_text("[")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "save", full_disk)
    shutil.copy(CORPUS / ADDED, corpus / ADDED)
    with pytest.raises(OSError, match="No space"):
        update_index(corpus, index_dir, HashingEmbedder())
    assert _builds(index_dir) == before  # no .tmp-* left either


def test_update_refused_while_a_build_runs(corpus: Path, tmp_path: Path) -> None:
    build_index(corpus, tmp_path / "index", HashingEmbedder())
    with store.build_lock(tmp_path / "index"), pytest.raises(BuildInProgress):
        update_index(corpus, tmp_path / "index", HashingEmbedder())


def test_a_sidecar_is_part_of_its_release(corpus: Path, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, embedder)
    side = sidecar_path(corpus / BASE[1])
    side.parent.mkdir()
    meta = {"url": "https://example.org/edd", "fetched_at": "2025-01-01T00:00:00+00:00"}
    side.write_text(json.dumps(meta))
    assert pending_changes(corpus, index_dir)
    report = update_index(corpus, index_dir, embedder)
    assert report.changed == [BASE[1]] and report.embedded == 0
    docs = {d.id: d for d in store.load(index_dir).docs}
    assert docs[BASE[1]].url == "https://example.org/edd"
    # fetched again, the same page: a new time in the sidecar changes nothing indexed
    side.write_text(json.dumps({**meta, "fetched_at": "2025-02-01T00:00:00+00:00"}))
    before = _builds(index_dir)
    report = update_index(corpus, index_dir, embedder)
    assert not report.changed and _builds(index_dir) == before
    assert not pending_changes(corpus, index_dir)


def test_skipped_files_are_tried_again(corpus: Path, tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    index_dir = tmp_path / "index"
    empty = corpus / "zz-empty.txt"
    empty.write_text("")
    built = build_index(corpus, index_dir, embedder)
    assert [s.path for s in built.skipped] == ["zz-empty.txt"]
    report = update_index(corpus, index_dir, embedder)
    assert [s.path for s in report.skipped] == ["zz-empty.txt"] and not report.added
    empty.write_text("title: Late\n\nThe release, written at last, about the alliance.\n")
    assert pending_changes(corpus, index_dir)
    report = update_index(corpus, index_dir, embedder)
    assert report.added == ["zz-empty.txt"] and not report.skipped
    (corpus / BASE[2]).write_bytes(b"\x00\x01\x02binary")  # indexed, then unreadable
    report = update_index(corpus, index_dir, embedder)
    assert report.removed == [BASE[2]] and [s.path for s in report.skipped] == [BASE[2]]
    build_index(corpus, tmp_path / "full", embedder)
    assert_same_index(index_dir, tmp_path / "full")


def test_corpus_files_are_those_load_corpus_reads(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    (folder / "sub" / ".meta").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    shutil.copy(CORPUS / BASE[1], folder / "sub" / "b.txt")
    shutil.copy(CORPUS / BASE[2], folder / "a-b.txt")  # sorts after "a/…" as a string
    (folder / "a").mkdir()
    shutil.copy(CORPUS / BASE[3], folder / "a" / "c.md")
    (folder / "sub" / ".meta" / "b.txt.json").write_text("{}")
    (folder / ".hidden" / "x.txt").write_text("title: x\n\nhidden")
    (folder / "README.md").write_text("# the corpus")
    (folder / "sub" / "README.md").write_text("title: Readme\n\nA release named README.\n")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    docs, skipped = load_corpus(folder)
    expected = sorted([d.id for d in docs] + [s.path for s in skipped])
    assert [rel for rel, _ in corpus_files(folder)] == expected
    assert "sub/README.md" in expected and "notes.docx" in expected and len(expected) == 5


def test_meetings_reports_round_trip_and_catalogue_matches_extract_meetings() -> None:
    embedder = HashingEmbedder()
    docs, _ = load_corpus(CORPUS)
    unit_doc, unit_span = split_corpus(docs, embedder.max_chars)
    texts = [embedding_text(docs[d], s, e) for d, (s, e) in zip(unit_doc, unit_span, strict=True)]
    vectors = embedder.encode_passages(texts)
    found = [extract_document(doc, i) for i, doc in enumerate(docs)]
    for i, fs in enumerate(found):
        back = [found_from_json(json.loads(json.dumps(found_to_json(f))), i) for f in fs]
        assert back == fs
    ours = [c.record for c in catalogue(docs, found, unit_doc, unit_span, vectors)]
    theirs = [m.to_json() for m in extract_meetings(docs, unit_doc, unit_span, vectors)]
    assert ours == theirs and len(ours) > 15


def test_term_counts_stacked_give_the_weights_of_one_fit() -> None:
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(60)]
    units = [[str(w) for w in rng.choice(words, size=rng.integers(1, 12))] for _ in range(200)]
    first, rest = TermCounts.of(units[:120]), TermCounts.of(units[90:])
    # units 90-119 dropped from ``rest``, 0-49 from ``first``: a gap in the vocabulary too
    stacked = BM25.from_counts(TermCounts.stack([first.rows(50, 120), rest.rows(30, 110)]))
    expected = BM25.fit(units[50:])
    assert stacked.vocab == expected.vocab
    assert (stacked.weights != expected.weights).nnz == 0
    for term in ("w0", "w7", "w59"):
        assert np.allclose(stacked.scores([term]), expected.scores([term]))


def test_grouping_by_day_finds_the_groups_trying_every_group_finds() -> None:
    def every_group(found: list[Found]) -> list[list[Found]]:  # group_found before it indexed
        groups: list[list[Found]] = []
        for f in sorted(
            found, key=lambda f: (f.kind.family == "meeting", not f.strong, f.date_start)
        ):
            home = next((g for g in groups if _joins(g, f)), None)
            if home is not None:
                home.append(f)
            else:
                groups.append([f])
        return groups

    docs, _ = load_corpus(CORPUS)
    found = [f for i, doc in enumerate(docs) for f in extract_document(doc, i)]
    rng = random.Random(0)
    for copy in range(1, 6):  # more reports of the same meetings, a few days off, some reversed
        for f in found[: len(docs) * 2]:
            start = f.date_start + dt.timedelta(days=rng.randint(-5, 5))
            end = start + dt.timedelta(days=rng.randint(-2, 4))
            strong = rng.random() < 0.5
            found.append(
                dataclasses.replace(
                    f, doc=f.doc + 1000 * copy, date_start=start, date_end=end, strong=strong
                )
            )
    expected = [[id(f) for f in g] for g in every_group(found)]
    assert [[id(f) for f in g] for g in group_found(found)] == expected
    assert len(expected) > 20 and any(len(g) > 3 for g in expected)
