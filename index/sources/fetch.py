"""Fetch what is new from the sources, save it into the corpus folder, update the index.

``fetch_sources`` tries every source (one failing source is reported, never fatal), then brings
the index up to date with :func:`index.store.update.update_index`. It, and ``ingest``
(:mod:`index.sources.ingest`), refuse a release the corpus already holds: the same URL, or the
same text once spacing and character width are normalised (a reprint fetched from two feeds).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index import store
from index.errors import FetchError, IndexCorrupt, IndexMismatch, IndexMissing, SourceError
from index.ingest.feeds import feed_links, listing_links, sniff_kind
from index.schema import Document
from index.sources.corpus import (
    SOURCES,
    SUFFIX_FOR_TYPE,
    delete_releases,
    file_name,
    held_texts,
    held_urls,
    read_release,
    release_files,
    save_release,
    sweep,
    text_key,
)
from index.sources.registry import (
    Kind,
    Registry,
    Source,
    check_match,
    check_name,
    name_for,
    now_iso,
)

if TYPE_CHECKING:
    from index.ingest.http import Fetcher, Response
    from index.model.embed import Embedder
    from index.store.build import BuildProgress
    from index.store.update import UpdateReport

log = logging.getLogger(__name__)

MAX_NEW_PER_SOURCE = 30  # a first fetch of a long feed takes its newest releases only


@dataclass(frozen=True)
class Failure:
    source: str
    url: str
    reason: str

    def line(self) -> str:
        return f"{self.source}: {self.url}: {self.reason}"


@dataclass
class FetchReport:
    """What a fetch did: releases saved, releases already held, failures, the index update."""

    new: list[str] = field(default_factory=list)  # corpus-relative paths
    changed: list[str] = field(default_factory=list)  # single pages fetched again, altered
    unchanged: int = 0
    failed: list[Failure] = field(default_factory=list)
    sources: int = 0
    update: UpdateReport | None = None

    def summary(self) -> str:
        line = f"fetched {len(self.new)} new, {self.unchanged} unchanged, {len(self.failed)} failed"
        if self.changed:
            line += f" ({len(self.changed)} changed)"
        return line


def current_documents(index_dir: Path) -> list[Document]:
    """The releases of the current index (empty when there is none or it cannot be read)."""
    try:
        folder = store.resolve(index_dir)
        return store.read_documents(folder, store.read_info(folder))
    except (IndexMissing, IndexMismatch, IndexCorrupt):
        return []


def meeting_of(index_dir: Path, doc_id: str) -> dict[str, Any] | None:
    """The catalogue meeting (as stored) that lists release ``doc_id``, if any."""
    try:
        folder = store.resolve(index_dir)
        meetings = json.loads(store.read_checked(folder, store.read_info(folder), "meetings.json"))
    except (IndexMissing, IndexMismatch, IndexCorrupt, ValueError):
        return None
    for meeting in meetings:
        if any(s.get("path") == doc_id for s in meeting.get("sources", [])):
            return dict(meeting)
    return None


def source_rows(corpus_dir: Path, index_dir: Path) -> list[dict[str, Any]]:
    """Each source as ``secbrief sources list --json`` prints it: name, url, kind, match,
    last fetch, status and the number of releases held in its folder."""
    rows = []
    for source in Registry.at(index_dir).load():
        folder = corpus_dir / SOURCES / source.name
        rows.append(
            {
                "name": source.name,
                "url": source.url,
                "kind": source.kind,
                "match": source.match,
                "last_fetch": source.last_fetch,
                "status": source.status,
                "releases": len(release_files(folder)),
            }
        )
    return rows


def _suffix(response: Response) -> str:
    suffix = SUFFIX_FOR_TYPE.get(response.content_type)
    if suffix is None:
        raise FetchError(
            response.url, f"a {response.content_type} document is a feed or data, not a release"
        )
    return suffix


def _meta(requested: str, response: Response, source: str | None) -> dict[str, Any]:
    return {
        "url": response.url,
        "requested_url": requested,
        "fetched_at": response.fetched_at.isoformat(),
        "content_type": response.content_type,
        "etag": response.etag,
        "last_modified": response.last_modified,
        "source": source,
    }


class Held:
    """What the corpus holds, kept current while a fetch saves releases."""

    def __init__(self, corpus_dir: Path, index_dir: Path) -> None:
        self.urls = held_urls(corpus_dir)
        self.texts = held_texts(current_documents(index_dir))

    def add(self, urls: list[str], doc: Document, rel: str) -> None:
        for url in urls:
            self.urls[url] = rel
        self.texts[text_key(doc.text)] = rel


def save_fetched(
    response: Response,
    requested: str,
    folder: Path,
    corpus_dir: Path,
    held: Held,
    source: str | None,
) -> tuple[str, str | None]:
    """Save one fetched release; returns (its path, the release it duplicates or None)."""
    suffix = _suffix(response)
    doc = read_release(response.body, suffix, corpus_dir, response.url)
    name = file_name(requested, suffix)
    rel_here = (folder / name).relative_to(corpus_dir).as_posix()
    same = held.texts.get(text_key(doc.text))
    if same is not None and same != rel_here:
        return same, same
    saved = save_release(
        folder, name, response.body, corpus_dir, _meta(requested, response, source)
    )
    held.add([requested, response.url], doc, saved.rel)
    return saved.rel, None


def _fetch_source(
    source: Source,
    fetcher: Fetcher,
    corpus_dir: Path,
    held: Held,
    report: FetchReport,
    limit: int,
) -> dict[str, Any]:
    """Fetch one source; returns what to record of it in the registry."""
    folder = corpus_dir / SOURCES / source.name
    if source.kind == "page" and source.url in held.urls and not release_files(folder):
        held.urls.pop(source.url)  # its file was deleted by hand: fetch it again
    response = fetcher.get(source.url, etag=source.etag, last_modified=source.last_modified)
    record: dict[str, Any] = {"etag": response.etag, "last_modified": response.last_modified}
    if response.status == 304:
        report.unchanged += max(1, len(release_files(folder)))
        return {**record, "status": "unchanged"}
    if source.kind == "page":
        before = {p.name: p.read_bytes() for p in release_files(folder)}
        rel, duplicate = save_fetched(response, source.url, folder, corpus_dir, held, source.name)
        if duplicate is not None or before.get(Path(rel).name) == response.body:
            report.unchanged += 1
        elif Path(rel).name in before:
            report.changed.append(rel)
        else:
            report.new.append(rel)
        return {**record, "status": "ok"}
    if source.kind == "feed":
        links = feed_links(response.body, response.url)
    else:
        links = listing_links(response.body, response.url, source.match, response.charset)
    fresh = [link for link in links if link.url not in held.urls]
    report.unchanged += len(links) - len(fresh)
    for link in fresh[:limit]:
        try:
            page = fetcher.get(link.url)
            rel, duplicate = save_fetched(page, link.url, folder, corpus_dir, held, source.name)
        except FetchError as exc:
            report.failed.append(Failure(source.name, link.url, exc.reason))
            continue
        if duplicate is not None:
            held.urls[link.url] = duplicate
            report.unchanged += 1
        else:
            report.new.append(rel)
    if len(fresh) > limit:
        log.info("%s: %d more new links left for the next fetch", source.name, len(fresh) - limit)
    return {**record, "status": "ok"}


def fetch_sources(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder | None,
    fetcher: Fetcher,
    *,
    names: list[str] | None = None,
    limit: int = MAX_NEW_PER_SOURCE,
    progress: Callable[[BuildProgress], None] | None = None,
) -> FetchReport:
    """Fetch every source (or those named), save new releases, then update the index.

    Args:
        embedder: the model for the index update; None fetches and saves only.
        limit: at most this many new releases per source in one fetch.

    Raises:
        SourceError: a name in ``names`` is unknown (nothing is fetched then).
        BuildInProgress: another fetch is running.
    """
    registry = Registry.at(index_dir)
    report = FetchReport()
    with registry.lock():
        sources = registry.load()
        if names:
            unknown = [n for n in names if n not in {s.name for s in sources}]
            if unknown:
                registry.get(unknown[0])  # raises with the list of names
            sources = [s for s in sources if s.name in names]
        sweep(corpus_dir)
        held = Held(corpus_dir, index_dir)
        for source in sources:
            report.sources += 1
            try:
                record = _fetch_source(source, fetcher, corpus_dir, held, report, limit)
            except FetchError as exc:
                report.failed.append(Failure(source.name, exc.url, exc.reason))
                record = {"status": f"failed: {exc.reason}"}
            registry.record(source.name, last_fetch=now_iso(), **record)
    if embedder is not None:
        report.update = update_from(corpus_dir, index_dir, embedder, progress)
    return report


def update_from(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    progress: Callable[[BuildProgress], None] | None = None,
) -> UpdateReport:
    from index.store.update import update_index

    return update_index(corpus_dir, index_dir, embedder, progress)


def detect_kind(url: str, fetcher: Fetcher) -> Kind:
    """What ``url`` is (feed, listing or page), by fetching it once."""
    response = fetcher.get(url)
    return sniff_kind(response.content_type, response.body, response.url)


def add_source(
    index_dir: Path,
    url: str,
    fetcher: Fetcher,
    *,
    name: str | None = None,
    kind: Kind | None = None,
    match: str | None = None,
) -> Source:
    """Follow ``url``. Without ``kind`` the URL is fetched once to tell what it is (and a URL
    that cannot be fetched is refused with the reason)."""
    from index.ingest.http import check_url

    check_url(url, allow_private=fetcher.policy.allow_private)
    check_match(match)
    name = check_name(name or name_for(url))
    registry = Registry.at(index_dir)
    with registry.lock():
        registry_names = {s.name for s in registry.load()}
        if name in registry_names:
            raise SourceError(f"a source named {name!r} exists already; choose one with --name")
        found = kind or detect_kind(url, fetcher)
        return registry.add(Source(name=name, url=url, kind=found, match=match))


def remove_source(
    corpus_dir: Path,
    index_dir: Path,
    name: str,
    embedder: Embedder | None = None,
    *,
    purge: bool = False,
) -> tuple[Source, list[str], UpdateReport | None]:
    """Stop following ``name``; with ``purge`` also delete its releases and update the index.

    Returns the source, the releases deleted, and the index update (when there was one)."""
    registry = Registry.at(index_dir)
    with registry.lock():
        gone = registry.remove(name)
        deleted = delete_releases(corpus_dir / SOURCES / name) if purge else []
    update = None
    if deleted and embedder is not None:
        update = update_from(corpus_dir, index_dir, embedder)
    return gone, deleted, update
