"""Writing releases into the corpus folder, safely, and knowing which ones it holds.

A release is saved as the file it was (HTML, PDF or text). Its URL and fetch time go to a
sidecar (``.meta/<file name>.json``, see :func:`index.ingest.loaders.sidecar_path`), written
first; then the release itself, to a hidden temporary name that a build ignores, checked to be a
readable article, and renamed. A process killed at any point leaves no half-written release.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from index.errors import CorpusError, FetchError
from index.ingest.loaders import SUFFIXES, corpus_files, load_file, read_sidecar, sidecar_path
from index.schema import Document

# media type -> the file suffix a release of that type is saved with
SUFFIX_FOR_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/markdown": ".md",
}
SOURCES = "sources"  # corpus/sources/<source name>/: releases fetched from a source
INGESTED = "ingested"  # corpus/ingested/: releases added one at a time
MIN_ARTICLE_CHARS = 80
_ERROR_TITLE = re.compile(
    r"\b(?:404|403|410|500|502|503|not found|page not found|forbidden|error)\b"
    r"|見つかりません|存在しません|エラー|アクセスできません",
    re.I,
)
_ERROR_PAGE_MAX_CHARS = 1500


@dataclass(frozen=True)
class Saved:
    """A release written into the corpus folder."""

    path: Path
    rel: str  # relative to the corpus folder: the release's id once indexed
    replaced: bool  # an earlier version of the same file was overwritten


def text_key(text: str) -> str:
    """Equal for the same text however it was spaced or which width its characters have (a
    reprint fetched from two feeds, or a page saved twice)."""
    norm = unicodedata.normalize("NFKC", text)
    norm = re.sub(r"\s+", "", norm).lower()
    return hashlib.sha256(norm.encode()).hexdigest()


def file_name(url: str, suffix: str) -> str:
    """A stable file name for a release URL: the last path segment's words and a short hash of
    the URL, so fetching the same URL again overwrites the same file."""
    parts = urlsplit(url)
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    stem = last.rsplit(".", 1)[0] if "." in last else last
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:60] or "release"
    digest = hashlib.sha256(url.encode()).hexdigest()[:8]
    return f"{stem}-{digest}{suffix}"


def release_files(folder: Path) -> list[Path]:
    """The release files under ``folder`` (recursively; hidden ones and sidecars left out)."""
    if not folder.is_dir():
        return []
    return [p for _, p in corpus_files(folder) if p.suffix.lower() in SUFFIXES]


def held_urls(corpus_dir: Path) -> dict[str, str]:
    """Every URL a release of the corpus was fetched from (before and after redirects) ->
    its path relative to the corpus folder. Sidecars whose release is gone are ignored."""
    held: dict[str, str] = {}
    for meta in corpus_dir.rglob(".meta/*.json"):
        release = meta.parent.parent / meta.name.removesuffix(".json")
        if not release.is_file():
            continue
        data = read_sidecar(release)
        rel = release.relative_to(corpus_dir).as_posix()
        for key in ("url", "requested_url"):
            if isinstance(data.get(key), str):
                held[data[key]] = rel
    return held


def held_texts(docs: list[Document]) -> dict[str, str]:
    """Normalised text -> release id, for the duplicate check."""
    return {text_key(d.text): d.id for d in docs}


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _looks_like_error(doc: Document) -> str | None:
    text = doc.text.strip()
    if len(text) < MIN_ARTICLE_CHARS:
        return f"no article text on the page ({len(text)} characters)"
    if len(text) <= _ERROR_PAGE_MAX_CHARS and _ERROR_TITLE.search(doc.title or ""):
        return f"looks like an error page (title: {doc.title[:80]!r})"
    return None


def read_release(data: bytes, suffix: str, corpus_dir: Path, where: str) -> Document:
    """Load ``data`` as a release would be loaded, without adding it to the corpus.

    Raises:
        FetchError: it is not a readable article (binary, empty, a PDF without a text layer,
            an error page); ``where`` (a URL or a file name) names it in the message.
    """
    scratch = corpus_dir / ".incoming"
    scratch.mkdir(parents=True, exist_ok=True)
    probe = scratch / f"{os.getpid()}-{hashlib.sha256(data).hexdigest()[:12]}{suffix}"
    try:
        probe.write_bytes(data)
        try:
            doc = load_file(probe, corpus_dir)
        except CorpusError as exc:
            reason = str(exc).split(": ", 1)[-1]
            raise FetchError(where, reason) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            probe.unlink()
    problem = _looks_like_error(doc)
    if problem:
        raise FetchError(where, problem)
    return doc


def save_release(
    folder: Path, name: str, data: bytes, corpus_dir: Path, meta: dict[str, Any] | None = None
) -> Saved:
    """Write a release (and its sidecar, first) into ``folder`` under ``name``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    replaced = path.exists()
    if meta is not None:
        side = sidecar_path(path)
        side.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
        _write_atomic(side, body.encode())
    _write_atomic(path, data)
    return Saved(path, path.relative_to(corpus_dir).as_posix(), replaced)


def sweep(corpus_dir: Path, older_than: float = 600.0) -> int:
    """Remove what killed fetches left behind (hidden temporary files, probes) once they are
    ``older_than`` seconds old, so a write still under way is never touched. Builds ignore
    them anyway; this only keeps the folder clean. Returns how many were removed."""
    now = time.time()
    stale = [
        *corpus_dir.glob(".incoming/*"),
        *corpus_dir.glob(f"{SOURCES}/**/.tmp-*"),
        *corpus_dir.glob("ingested/**/.tmp-*"),
    ]
    removed = 0
    for path in stale:
        with contextlib.suppress(OSError):
            if path.is_file() and now - path.stat().st_mtime > older_than:
                path.unlink()
                removed += 1
    return removed


def delete_releases(folder: Path) -> list[str]:
    """Delete a folder of fetched releases with its sidecars; returns the releases' names."""
    gone = [p.name for p in release_files(folder)]
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink()
    if folder.is_dir():
        folder.rmdir()
    return gone
