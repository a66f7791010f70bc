"""The on-disk index: a folder with a manifest, FAISS vectors, BM25 arrays and metadata.

Layout of an index root (``SECBRIEF_INDEX_DIR``)::

    root/current -> builds/<stamp>     symlink, switched atomically by a build
    root/builds/<stamp>/manifest.json  format, model, counts, fingerprint, file checksums
    root/builds/<stamp>/...            documents.json, units.npz, vectors.faiss, bm25*,
                                       meetings.json, corpus.json and found.json (what an
                                       update needs: index.store.update)
    root/cache/embeddings.sqlite       embedding cache shared by builds
    root/.lock                         held by the one running build
    root/sources.json                  the sources the corpus follows (index.sources)

A folder that holds ``manifest.json`` itself is accepted too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import BuildInProgress, IndexCorrupt, IndexMismatch, IndexMissing
from index.schema import Document
from index.store.bm25 import BM25, COUNTS_FILE, VOCAB_FILE

log = logging.getLogger(__name__)

# 2: BM25 holds each unit with its release's title; 3: page furniture is in no unit;
# 4: BM25 stored as raw term counts (sorted vocabulary), and corpus.json (file fingerprints)
# and found.json (meetings found per release) kept for updates
FORMAT_VERSION = 4
MANIFEST = "manifest.json"
_DATA_FILES = ("documents.json", "units.npz", "vectors.faiss", COUNTS_FILE, VOCAB_FILE)
# written beside the data by a build or an update (index.store.update), checksummed alike
UPDATE_FILES = ("corpus.json", "found.json")


@dataclass(frozen=True)
class IndexInfo:
    """What the manifest says about an index."""

    path: Path
    format_version: int
    model_id: str
    model_checksum: str
    dim: int
    documents: int
    chunks: int
    built_at: dt.datetime
    newest_release: dt.date | None
    corpus_fingerprint: str
    tokenizer: str
    skipped: list[dict[str, str]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    # best similarity of off-topic probe questions (index.store.probes): answers must beat it
    noise_floor: float | None = None


@dataclass
class IndexData:
    """Everything a retriever needs, in memory."""

    info: IndexInfo
    docs: list[Document]
    unit_doc: np.ndarray  # (n,) int32: document index of each unit
    unit_span: np.ndarray  # (n, 2) int32: start, end in that document's text
    vectors: Any  # faiss.Index of normalised unit embeddings (inner product)
    bm25: BM25
    meetings: list[dict[str, Any]] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _doc_to_json(doc: Document) -> dict[str, Any]:
    data = {f.name: getattr(doc, f.name) for f in fields(doc)}  # asdict copies deeply: slow
    data["date"] = doc.date.isoformat() if doc.date else None
    return data


def _doc_from_json(data: dict[str, Any]) -> Document:
    date = dt.date.fromisoformat(data["date"]) if data.get("date") else None
    return Document(**{**data, "date": date})


def resolve(root: Path) -> Path:
    """The concrete build folder behind an index root; raises IndexMissing."""
    if (root / MANIFEST).is_file():
        return root
    current = root / "current"
    if current.exists() and (current / MANIFEST).is_file():
        return current.resolve()
    raise IndexMissing(root)


def read_info(folder: Path) -> IndexInfo:
    try:
        raw = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(folder, f"unreadable manifest: {exc}") from exc
    found = raw.get("format_version")
    if found != FORMAT_VERSION:
        raise IndexMismatch(
            folder,
            f"index format {found}, this version reads {FORMAT_VERSION}",
            outdated=isinstance(found, int) and found < FORMAT_VERSION,
        )
    try:
        newest = raw.get("newest_release")
        return IndexInfo(
            path=folder,
            format_version=raw["format_version"],
            model_id=raw["model_id"],
            model_checksum=raw["model_checksum"],
            dim=int(raw["dim"]),
            documents=int(raw["documents"]),
            chunks=int(raw["chunks"]),
            built_at=dt.datetime.fromisoformat(raw["built_at"]),
            newest_release=dt.date.fromisoformat(newest) if newest else None,
            corpus_fingerprint=raw["corpus_fingerprint"],
            tokenizer=raw["tokenizer"],
            skipped=list(raw.get("skipped", [])),
            files=dict(raw.get("files", {})),
            noise_floor=raw.get("noise_floor"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexCorrupt(folder, f"incomplete manifest: {exc}") from exc


def read_checked(folder: Path, info: IndexInfo, name: str) -> bytes:
    """The bytes of one file of the build folder, as its manifest's checksum says they were."""
    try:
        raw = (folder / name).read_bytes()
    except OSError as exc:
        raise IndexCorrupt(folder, f"{name} is missing or unreadable") from exc
    if info.files.get(name) != hashlib.sha256(raw).hexdigest():
        raise IndexCorrupt(folder, f"{name} is missing or altered")
    return raw


def read_documents(folder: Path, info: IndexInfo) -> list[Document]:
    """The releases of a build folder (without loading the rest of the index)."""
    try:
        return [_doc_from_json(d) for d in json.loads(read_checked(folder, info, "documents.json"))]
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexCorrupt(folder, f"documents.json: {exc}") from exc


def save(folder: Path, data: IndexData) -> None:
    """Write every file of ``data`` into ``folder``, the manifest last."""
    import faiss

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "documents.json").write_text(
        json.dumps([_doc_to_json(d) for d in data.docs], ensure_ascii=False), encoding="utf-8"
    )
    np.savez(folder / "units.npz", doc=data.unit_doc, span=data.unit_span)
    faiss.write_index(data.vectors, str(folder / "vectors.faiss"))
    data.bm25.save(folder)
    names = list(_DATA_FILES) + [n for n in UPDATE_FILES if (folder / n).is_file()]
    if data.meetings:
        (folder / "meetings.json").write_text(
            json.dumps(data.meetings, ensure_ascii=False), encoding="utf-8"
        )
        names.append("meetings.json")
    info = data.info
    manifest = {
        **{k: v for k, v in asdict(info).items() if k not in ("path", "files")},
        "built_at": info.built_at.isoformat(),
        "newest_release": info.newest_release.isoformat() if info.newest_release else None,
        "files": {name: _sha256(folder / name) for name in names},
    }
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def load(
    root: Path,
    model_id: str | None = None,
    model_checksum: str | None = None,
    *,
    bm25_counts: bool = False,
) -> IndexData:
    """Load an index; refuse one built with another model (IndexMismatch) or damaged files.

    ``bm25_counts`` keeps the BM25 term counts in memory (``data.bm25.counts``), for an update.
    """
    import faiss

    folder = resolve(root)
    try:
        info = read_info(folder)
    except IndexMismatch as exc:  # name the root, which is what gets rebuilt
        raise IndexMismatch(root, exc.reason, exc.outdated) from None
    if model_id is not None and (info.model_id, info.model_checksum) != (model_id, model_checksum):
        raise IndexMismatch(
            root, f"it was built with model {info.model_id!r}, the configured model is {model_id!r}"
        )
    for name, digest in info.files.items():
        path = folder / name
        if not path.is_file() or _sha256(path) != digest:
            raise IndexCorrupt(root, f"{name} is missing or altered")
    try:
        docs = [
            _doc_from_json(d)
            for d in json.loads((folder / "documents.json").read_text(encoding="utf-8"))
        ]
        with np.load(folder / "units.npz") as units:
            unit_doc = units["doc"].astype(np.int32)
            unit_span = units["span"].astype(np.int32)
        vectors = faiss.read_index(str(folder / "vectors.faiss"))
        bm25 = BM25.load(folder, keep_counts=bm25_counts)
        meetings_path = folder / "meetings.json"
        meetings = (
            json.loads(meetings_path.read_text(encoding="utf-8")) if meetings_path.exists() else []
        )
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexCorrupt(root, str(exc)) from exc
    n = len(unit_doc)
    if not (vectors.ntotal == n == bm25.units == info.chunks) or vectors.d != info.dim:
        raise IndexCorrupt(root, "file sizes disagree with the manifest")
    return IndexData(info, docs, unit_doc, unit_span, vectors, bm25, meetings)


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the index root's build lock; BuildInProgress if another build has it."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildInProgress(f"another build of {root} is running") from exc
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def staging_folder(root: Path) -> Path:
    """A fresh folder for a new build; leftovers of killed builds are removed first."""
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    for stale in builds.glob(".tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}.{time.time_ns() % 10**9:09d}"
    folder = builds / f".tmp-{stamp}-{os.getpid()}"
    folder.mkdir()
    return folder


def publish(root: Path, staged: Path) -> Path:
    """Make ``staged`` the current index atomically, keep the previous one, drop older ones."""
    builds = root / "builds"
    final = builds / staged.name.removeprefix(".tmp-")
    os.replace(staged, final)
    previous = (root / "current").resolve() if (root / "current").exists() else None
    link = root / f".current-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(final.relative_to(root))
    os.replace(link, root / "current")
    for old in builds.iterdir():
        if old.name.startswith(".tmp-") or old in (final, previous):
            continue
        shutil.rmtree(old, ignore_errors=True)
    return final
