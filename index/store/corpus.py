"""The corpus folder as the index sees it: which files are releases, each file's fingerprint
(so an update reads only what changed), and a checksum of the code that reads them."""

from __future__ import annotations

import ast
import functools
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.ingest.loaders import Skipped, corpus_files, load_release, sidecar_path
from index.schema import Document

# a file changed this close to a scan may change again within the same timestamp tick
RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class Fingerprint:
    """A corpus file as it was indexed: size, mtime_ns and ctime_ns of the file and of its
    sidecar (-1 when it has none), and a sha256 of the file's bytes and then the sidecar's."""

    stat: tuple[int, ...]
    sha256: str


def _stat(path: Path) -> tuple[int, ...]:
    """Size, mtime_ns and ctime_ns of a release file and of its sidecar (-1s without)."""
    st = os.stat(path)
    out = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    try:
        side: os.stat_result | None = os.stat(sidecar_path(path))
    except (FileNotFoundError, NotADirectoryError):
        side = None
    return out + ((side.st_size, side.st_mtime_ns, side.st_ctime_ns) if side else (-1, -1, -1))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    for p in (path, sidecar_path(path)):
        try:
            fh = p.open("rb")
        except FileNotFoundError:
            continue
        with fh:
            while block := fh.read(1 << 20):
                digest.update(block)
        digest.update(b"\0")  # the file's bytes apart from the sidecar's
    return digest.hexdigest()


def scan_corpus(
    corpus_dir: Path, known: dict[str, Fingerprint] | None = None, scanned_ns: int = 0
) -> dict[str, Fingerprint]:
    """The fingerprint of every file of the corpus. A file whose stat matches its ``known``
    fingerprint, taken at ``scanned_ns`` (time.time_ns) well after the file last changed, is
    not read again."""
    out: dict[str, Fingerprint] = {}
    for rel, path in corpus_files(corpus_dir):
        try:
            stat = _stat(path)
            old = (known or {}).get(rel)
            settled = max(stat[1], stat[2], stat[4], stat[5]) < scanned_ns - RACY_NS
            out[rel] = (
                old if old and old.stat == stat and settled else Fingerprint(stat, _sha256(path))
            )
        except OSError as exc:  # gone since the listing, or unreadable: the loader says which
            out[rel] = Fingerprint((), f"unreadable: {exc}")
    return out


def load_releases(corpus_dir: Path, rels: Sequence[str]) -> tuple[list[Document], list[Skipped]]:
    """Load the files ``rels`` as :func:`~index.ingest.loaders.load_corpus` does: a file that
    cannot be loaded is skipped with the reason (and a warning), never stopping the rest."""
    docs: list[Document] = []
    skipped: list[Skipped] = []
    for rel in rels:
        loaded = load_release(corpus_dir / rel, rel)
        if isinstance(loaded, Skipped):
            skipped.append(loaded)
        else:
            docs.append(loaded)
    return docs, skipped


# the modules whose code turns corpus files into what the index keeps, with all they import
# (the model is not among them: vectors are cached per model checksum)
_SHAPING = (
    "index.ingest.loaders",
    "index.store.corpus",
    "index.store.build",
    "index.store.update",
)


@functools.cache
def code_version() -> str:
    """A checksum of the code that turns corpus files into documents, units, BM25 terms and
    meetings: an update keeps those of unchanged releases only when it matches the build's."""
    root = Path(__file__).resolve().parents[2]
    todo, seen = list(_SHAPING), set()
    digest = hashlib.sha256()
    while todo:
        name = todo.pop()
        base = root / name.replace(".", "/")
        path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if name in seen or name.startswith("index.model") or not path.is_file():
            continue
        seen.add(name)
        source = path.read_bytes()
        digest.update(f"{name}\0".encode() + source + b"\0")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.startswith("index.")]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("index"):
                todo += [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
    return digest.hexdigest()
