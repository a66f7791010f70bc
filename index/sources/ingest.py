"""Adding one release by hand (``secbrief ingest``, ``/ingest``): from a file, an upload or a
URL, into ``corpus/ingested/`` and the index, unless the corpus holds it already."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.errors import FetchError, IndexCorrupt
from index.ingest.loaders import SUFFIXES
from index.schema import Document
from index.sources.corpus import INGESTED, read_release, save_release, text_key
from index.sources.fetch import Held, current_documents, meeting_of, save_fetched, update_from

if TYPE_CHECKING:
    from index.ingest.http import Fetcher
    from index.model.embed import Embedder
    from index.store.update import UpdateReport


@dataclass(frozen=True)
class IngestReport:
    """One release added by hand: the document as indexed, and the meeting it was filed under."""

    doc: Document
    path: str
    duplicate_of: str | None = None  # the release already held; nothing was added
    meeting: dict[str, Any] | None = None
    update: UpdateReport | None = None


def _filed(index_dir: Path, rel: str, update: UpdateReport | None) -> IngestReport:
    docs = {d.id: d for d in current_documents(index_dir)}
    if rel not in docs:
        raise IndexCorrupt(index_dir, f"{rel} was saved but is not in the updated index")
    return IngestReport(docs[rel], rel, None, meeting_of(index_dir, rel), update)


def ingest(
    target: str,
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    fetcher: Fetcher | None = None,
    *,
    data: bytes | None = None,
) -> IngestReport:
    """Add one release to the corpus and the index.

    ``target`` is a URL (fetched with ``fetcher``), or a file name: of ``data`` when given (an
    upload), else a path on this machine. The file is saved under ``corpus/ingested/``; a file
    already inside the corpus folder is indexed where it is.

    Raises:
        FetchError: the URL or file is not a readable release (the reason says why).
    """
    held = Held(corpus_dir, index_dir)
    folder = corpus_dir / INGESTED
    if data is None and target.lower().startswith(("http://", "https://")):
        if fetcher is None:
            raise FetchError(target, "no fetcher to download it with")
        if target in held.urls:
            rel = held.urls[target]
            return replace(_filed(index_dir, rel, None), duplicate_of=rel)
        response = fetcher.get(target)
        rel, duplicate = save_fetched(response, target, folder, corpus_dir, held, None)
    else:
        rel, duplicate = _save_local(target, data, folder, corpus_dir, held)
    if duplicate is not None:
        docs = {d.id: d for d in current_documents(index_dir)}
        if duplicate in docs:
            return IngestReport(docs[duplicate], duplicate, duplicate, meeting_of(index_dir, rel))
    update = update_from(corpus_dir, index_dir, embedder)
    return _filed(index_dir, rel, update)


def _save_local(
    target: str, data: bytes | None, folder: Path, corpus_dir: Path, held: Held
) -> tuple[str, str | None]:
    path = Path(target)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise FetchError(path.name, f"unsupported file type {suffix or '(none)'!r}")
    if data is None:
        try:
            resolved = path.resolve(strict=True)
        except OSError as exc:
            raise FetchError(target, f"cannot read the file ({exc.strerror or exc})") from exc
        if resolved.is_relative_to(corpus_dir.resolve()):  # already in the corpus: index it
            rel = resolved.relative_to(corpus_dir.resolve()).as_posix()
            read_release(resolved.read_bytes(), suffix, corpus_dir, rel)
            return rel, None
        data = resolved.read_bytes()
    doc = read_release(data, suffix, corpus_dir, path.name)
    same = held.texts.get(text_key(doc.text))
    if same is not None:
        return same, same
    name = _free_name(folder, path.name, data)
    saved = save_release(folder, name, data, corpus_dir, None)
    held.add([], doc, saved.rel)
    return saved.rel, None


def _free_name(folder: Path, wanted: str, data: bytes) -> str:
    """``wanted`` made safe, with a number added when another file has that name."""
    stem = "".join(c if c.isalnum() or c in "-_." else "-" for c in Path(wanted).stem)
    stem = stem.strip("-.") or "release"
    suffix = Path(wanted).suffix.lower()
    for n in range(1, 1000):
        name = f"{stem}{'' if n == 1 else f'-{n}'}{suffix}"
        path = folder / name
        if not path.exists() or path.read_bytes() == data:
            return name
    raise FetchError(wanted, f"too many files named {stem}{suffix} in {folder}")
