"""Update the index with the releases added, changed or removed in the corpus folder, without
a full rebuild: only new and changed releases are loaded, split, embedded and tokenized.

Each corpus file's fingerprint is kept in the build (``corpus.json``): a file whose size and
times are unchanged is not read; otherwise its bytes (and its sidecar's) are hashed. The
documents stay in the order of a full build (sorted by path), and the units, vectors, BM25
counts and meeting reports of unchanged releases are carried over by index arithmetic. BM25
weights, the meetings catalogue (meetings whose releases are all unchanged are taken as they
were) and the noise floor are recomputed over the whole corpus, so an update writes the index
a full build would. A removed release is a file gone from the folder.

The new build is written beside the current one and switched to atomically under the build
lock, as a build is (:func:`~index.store.build.write_build`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index import store
from index.errors import CorpusError, IndexCorrupt, IndexMismatch, IndexMissing
from index.ingest.loaders import Skipped
from index.meetings.extract import Found
from index.model.embed import Embedder
from index.schema import Document
from index.store.bm25 import TermCounts
from index.store.build import (
    BuildProgress,
    Catalogued,
    Members,
    Parts,
    build_unlocked,
    catalogue,
    found_from_json,
    found_to_json,
    process_releases,
    read_corpus_state,
    write_build,
)
from index.store.corpus import Fingerprint, code_version, load_releases, scan_corpus
from index.tokenize import JapaneseEnglishTokenizer, Tokenizer

log = logging.getLogger(__name__)

Progress = Callable[[BuildProgress], None]


@dataclass(frozen=True)
class UpdateReport:
    """What an update did. After a full build, every release is in ``added``."""

    added: list[str]  # relative paths (Document.id) of releases new in this update
    changed: list[str]
    removed: list[str]  # gone from the folder, or no longer readable (then also in skipped)
    unchanged: int
    skipped: list[Skipped]  # every file that could not be loaded
    embedded: int  # passages encoded by the model in this update
    documents: int
    chunks: int
    meetings: int
    seconds: float
    index_dir: Path  # the build folder now current
    full_build: bool  # there was no usable index, and a full build ran instead


class _Stale(Exception):
    """The index was written by other code or for another unit length: rebuild it."""


@dataclass
class _Current:
    """The index being updated: what is read before knowing whether anything changed."""

    root: Path
    folder: Path
    info: store.IndexInfo
    files: dict[str, Fingerprint]
    scanned_ns: int
    meetings: int

    @property
    def skipped(self) -> list[Skipped]:
        return [Skipped(s["path"], s["reason"]) for s in self.info.skipped]


@dataclass
class _Plan:
    files: dict[str, Fingerprint]  # every file now in the corpus folder
    scanned_ns: int
    kept: set[str]  # indexed releases that stay as they are
    fresh: dict[str, Document]  # releases to index: added or changed
    skipped: list[Skipped]
    added: list[str]
    changed: list[str]
    removed: list[str]

    def changes(self, current: _Current) -> bool:
        return bool(self.added or self.changed or self.removed) or self.skipped != current.skipped


def update_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    progress: Progress | None = None,
    tokenizer: Tokenizer | None = None,
) -> UpdateReport:
    """Bring the index at ``index_dir`` up to date with ``corpus_dir``.

    Without a usable index (none, another format or model, damaged files, or written by other
    code), a full build runs instead (``full_build``). Nothing changed: no new build, a quick
    return. A failed update leaves the current index serving.

    Raises:
        BuildInProgress: a build or another update of ``index_dir`` is running.
        CorpusError: the corpus folder is missing or holds no readable release.
    """
    started = time.perf_counter()
    tokenizer = tokenizer or JapaneseEnglishTokenizer()
    with store.build_lock(index_dir):
        try:
            current = _open(index_dir, embedder, tokenizer)
            if progress:
                progress(BuildProgress("load", 0, 1))
            plan = _plan(corpus_dir, current, retry_skipped=True)
            if not plan.changes(current):
                return _report(current, plan, 0, started)
            if not plan.kept and not plan.fresh:
                raise CorpusError(f"no readable release in {corpus_dir}")
            parts, embedded = _assemble(current, plan, embedder, tokenizer, progress)
        except (IndexMissing, IndexMismatch, IndexCorrupt, _Stale) as why:
            return _full_build(corpus_dir, index_dir, embedder, progress, tokenizer, why, started)
        final = write_build(index_dir, parts, embedder, tokenizer, progress)
    report = _report(current, plan, embedded, started, (final, parts))
    log.info(
        "updated %s: +%d ~%d -%d releases, %d embedded, in %.1fs",
        final,
        len(report.added),
        len(report.changed),
        len(report.removed),
        embedded,
        report.seconds,
    )
    return report


def pending_changes(corpus_dir: Path, index_dir: Path) -> bool:
    """Whether the corpus folder holds changes the index lacks (an update would write a new
    build), or there is no usable index. Files skipped before and unchanged since are not
    read again."""
    try:
        current = _open(index_dir, None, None)
        return _plan(corpus_dir, current, retry_skipped=False).changes(current)
    except (IndexMissing, IndexMismatch, IndexCorrupt, _Stale):
        return True


def _open(root: Path, embedder: Embedder | None, tokenizer: Tokenizer | None) -> _Current:
    folder = store.resolve(root)
    info = store.read_info(folder)
    if embedder is not None and (info.model_id, info.model_checksum) != (
        embedder.model_id,
        embedder.checksum,
    ):
        raise IndexMismatch(root, f"it was built with model {info.model_id!r}")
    if tokenizer is not None and info.tokenizer != tokenizer.name:
        raise _Stale(f"it was tokenized with {info.tokenizer}")
    state = read_corpus_state(folder, info)
    if state["code"] != code_version():
        raise _Stale("it was built by another version of the code")
    if embedder is not None and state["max_chars"] != embedder.max_chars:
        raise _Stale(f"its units are of at most {state['max_chars']} characters")
    return _Current(root, folder, info, state["files"], state["scanned_ns"], state["meetings"])


def _plan(corpus_dir: Path, current: _Current, retry_skipped: bool) -> _Plan:
    """Which releases are unchanged, new, changed or gone; new and changed ones loaded."""
    scanned_ns = time.time_ns()
    files = scan_corpus(corpus_dir, current.files, current.scanned_ns)
    before = {s.path for s in current.skipped}
    indexed = set(current.files) - before
    known = current.files
    same = {rel for rel, fp in files.items() if rel in known and known[rel].sha256 == fp.sha256}
    kept = indexed & same
    load = [
        r for r in files if r not in kept and (retry_skipped or r not in before or r not in same)
    ]
    docs, skipped = load_releases(corpus_dir, load)
    if not retry_skipped:  # those left alone count as skipped still
        skipped += [s for s in current.skipped if s.path in files and s.path not in load]
        skipped.sort(key=lambda s: s.path)
    old: dict[str, Document] = {}
    if any(d.id in indexed for d in docs):  # a file rewritten as it was (a sidecar's time)
        old = {d.id: d for d in store.read_documents(current.folder, current.info)}
    fresh: dict[str, Document] = {}
    for doc in docs:
        if old.get(doc.id) == doc:
            kept.add(doc.id)
        else:
            fresh[doc.id] = doc
    return _Plan(
        files,
        scanned_ns,
        kept,
        fresh,
        skipped,
        added=[rel for rel in fresh if rel not in indexed],
        changed=[rel for rel in fresh if rel in indexed],
        removed=sorted(indexed - kept - set(fresh)),
    )


@dataclass
class _Source:
    """Releases with their units, vectors, BM25 counts and meeting reports, in that order."""

    docs: list[Document]
    starts: list[int]  # where each release's units start (and, last, where they end)
    spans: np.ndarray
    vectors: np.ndarray
    terms: TermCounts
    found: list[list[dict[str, Any]]]  # as found_to_json writes them


def _assemble(
    current: _Current,
    plan: _Plan,
    embedder: Embedder,
    tokenizer: Tokenizer,
    progress: Progress | None,
) -> tuple[Parts, int]:
    """The new index in memory, in path order: unchanged releases as the current build holds
    them, new and changed ones read afresh; returns it and the passages the model encoded."""
    data = store.load(current.root, embedder.model_id, embedder.checksum, bm25_counts=True)
    old_found = _read_found(current.folder, data)
    assert data.bm25.counts is not None  # asked for
    old = _Source(
        data.docs,
        _starts(data.unit_doc, len(data.docs), current.root),
        data.unit_span,
        _flat_vectors(data.vectors),
        data.bm25.counts,
        old_found["documents"],
    )
    ids = sorted(plan.kept | set(plan.fresh))
    if progress:
        progress(BuildProgress("load", 1, 1))
    fresh = [plan.fresh[rel] for rel in ids if rel in plan.fresh]
    new, embedded = _fresh(fresh, current.root, embedder, tokenizer, progress)
    at = {d.id: (old, i) for i, d in enumerate(old.docs) if d.id in plan.kept}
    at.update({d.id: (new, i) for i, d in enumerate(new.docs)})
    docs: list[Document] = []
    found_json: list[list[dict[str, Any]]] = []
    lengths: list[int] = []
    runs: list[tuple[_Source, int, int]] = []  # consecutive units of one source, in new order
    for rel in ids:
        source, i = at[rel]
        docs.append(source.docs[i])
        found_json.append(source.found[i])
        a, b = source.starts[i], source.starts[i + 1]
        lengths.append(b - a)
        if runs and runs[-1][0] is source and runs[-1][2] == a:
            runs[-1] = (source, runs[-1][1], b)
        else:
            runs.append((source, a, b))
    unit_doc = np.repeat(np.arange(len(docs), dtype=np.int32), lengths)
    unit_span = np.concatenate([s.spans[a:b] for s, a, b in runs], dtype=np.int32)
    vectors = np.concatenate([s.vectors[a:b] for s, a, b in runs], dtype=np.float32)
    terms = TermCounts.stack([s.terms.rows(a, b) for s, a, b in runs])
    found = _found(found_json, current.root)
    if progress:
        progress(BuildProgress("extract", len(docs), len(docs)))
    known = _reusable(data.meetings, old_found["meetings"], plan.kept, current.root)
    meetings = catalogue(docs, found, unit_doc, unit_span, vectors, known)
    parts = Parts(
        docs,
        plan.skipped,
        unit_doc,
        unit_span,
        vectors,
        terms,
        found,
        found_json,
        meetings,
        plan.files,
        plan.scanned_ns,
    )
    return parts, embedded


def _fresh(
    docs: list[Document],
    root: Path,
    embedder: Embedder,
    tokenizer: Tokenizer,
    progress: Progress | None,
) -> tuple[_Source, int]:
    """New and changed releases split, embedded (through the cache), tokenized and read for
    meetings, as a full build does; returns them and the passages the model encoded."""
    unit_doc, spans, vectors, embedded, terms, reports = process_releases(
        docs, root, embedder, tokenizer, progress
    )
    found = [[found_to_json(f) for f in fs] for fs in reports]
    starts = _starts(unit_doc, len(docs), root)
    return _Source(docs, starts, spans, vectors, terms, found), embedded


def _flat_vectors(index: Any) -> np.ndarray:
    """The vectors of a flat FAISS index, as a view of its memory (no copy)."""
    import faiss

    n, d = index.ntotal, index.d
    return faiss.rev_swig_ptr(index.get_xb(), n * d).reshape(n, d) if n else np.zeros((0, d))


def _starts(unit_doc: np.ndarray, documents: int, root: Path) -> list[int]:
    """Where each document's units start (and, last, where the units end)."""
    if len(unit_doc) and (np.any(np.diff(unit_doc) < 0) or unit_doc[-1] >= documents):
        raise IndexCorrupt(root, "units are not in document order")
    return np.searchsorted(unit_doc, np.arange(documents + 1)).tolist()


def _read_found(folder: Path, data: store.IndexData) -> dict[str, Any]:
    raw = json.loads(store.read_checked(folder, data.info, "found.json"))
    if len(raw["documents"]) != len(data.docs) or len(raw["meetings"]) != len(data.meetings):
        raise IndexCorrupt(folder, "found.json disagrees with the documents or the meetings")
    return raw


def _found(found_json: list[list[dict[str, Any]]], root: Path) -> list[list[Found]]:
    """The meeting reports of every release, read back (people and formats shared)."""
    memo: dict[str, Any] = {}
    try:
        return [[found_from_json(f, j, memo) for f in fs] for j, fs in enumerate(found_json)]
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexCorrupt(root, f"found.json: {exc}") from exc


def _reusable(
    records: list[dict[str, Any]], groups: list[dict[str, Any]], kept: set[str], root: Path
) -> dict[Members, Catalogued]:
    """The previous meetings whose releases are all unchanged, by the reports they were made
    of: the same reports make the same meeting."""
    out = {}
    try:
        for record, group in zip(records, groups, strict=True):
            members = tuple((path, int(k)) for path, k in group["members"])
            if all(path in kept for path, _ in members):
                start, end, name = group["order"]
                order = (dt.date.fromisoformat(start), dt.date.fromisoformat(end), str(name))
                out[members] = Catalogued(record, members, order)
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexCorrupt(root, f"found.json: {exc}") from exc
    return out


def _report(
    current: _Current,
    plan: _Plan,
    embedded: int,
    started: float,
    written: tuple[Path, Parts] | None = None,
) -> UpdateReport:
    folder, parts = written if written else (current.folder, None)
    return UpdateReport(
        added=plan.added,
        changed=plan.changed,
        removed=plan.removed,
        unchanged=len(plan.kept),
        skipped=plan.skipped,
        embedded=embedded,
        documents=len(parts.docs) if parts else current.info.documents,
        chunks=len(parts.unit_doc) if parts else current.info.chunks,
        meetings=len(parts.meetings) if parts else current.meetings,
        seconds=time.perf_counter() - started,
        index_dir=folder,
        full_build=False,
    )


def _full_build(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    progress: Progress | None,
    tokenizer: Tokenizer,
    why: Exception,
    started: float,
) -> UpdateReport:
    if isinstance(why, IndexCorrupt):
        log.warning("%s; building the index again", why)
    else:
        log.info("no index to update (%s): building it", why)
    report, ids = build_unlocked(corpus_dir, index_dir, embedder, progress, tokenizer)
    return UpdateReport(
        added=ids,
        changed=[],
        removed=[],
        unchanged=0,
        skipped=report.skipped,
        embedded=report.embedded,
        documents=report.documents,
        chunks=report.chunks,
        meetings=report.meetings,
        seconds=time.perf_counter() - started,
        index_dir=report.index_dir,
        full_build=True,
    )
