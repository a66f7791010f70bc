"""Build an index from a corpus folder: load, split, embed (with a cache), store, switch.

A build also keeps what an update (:mod:`index.store.update`) needs to change the index
without starting over: each corpus file's fingerprint (``corpus.json``) and the meetings found
in each release with how they were grouped (``found.json``). A full build and an update both
end in :func:`write_build`, so they write the same index for the same corpus.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from index import store
from index.errors import CorpusError, IndexCorrupt
from index.ingest.loaders import Skipped
from index.meetings.catalogue import group_found, meeting_of, newest_first
from index.meetings.extract import Found, extract_document
from index.meetings.names import Kind
from index.meetings.people import Person
from index.model.cache import EmbeddingCache
from index.model.embed import Embedder
from index.schema import Document
from index.store.bm25 import BM25, TermCounts
from index.store.corpus import Fingerprint, code_version, load_releases, scan_corpus
from index.store.probes import PROBES
from index.store.units import document_units
from index.tokenize import JapaneseEnglishTokenizer, Tokenizer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildProgress:
    """Where a build is: ``stage`` is one of load, embed, extract, write, done."""

    stage: str
    done: int
    total: int


@dataclass(frozen=True)
class BuildReport:
    documents: int
    chunks: int
    skipped: list[Skipped]
    embedded: int  # passages encoded by the model in this build
    reused: int  # passages taken from the embedding cache
    seconds: float
    index_dir: Path
    meetings: int = 0
    warnings: list[str] = field(default_factory=list)


def embedding_text(doc: Document, start: int, end: int) -> str:
    """What the model sees for a unit: the release title gives the sentence its context."""
    return f"{doc.title}\n{doc.text[start:end]}"


def bm25_terms(
    docs: list[Document], unit_doc: np.ndarray, unit_span: np.ndarray, tokenizer: Tokenizer
) -> list[list[str]]:
    """What BM25 indexes for each unit: its words and its release's title, as the model sees
    the title too (:func:`embedding_text`). Words the title gives every unit of a release
    ("extended deterrence", 「日米外相会談」) then rank the release as a whole, and within it
    the passage holding the rest of the question's words comes first instead of the one that
    happens to repeat the meeting's name."""
    titles: dict[int, list[str]] = {}
    terms = []
    for d, (s, e) in zip(unit_doc.tolist(), unit_span.tolist(), strict=True):
        if d not in titles:
            titles[d] = tokenizer(docs[d].title)
        terms.append(tokenizer(docs[d].text[s:e]) + titles[d])
    return terms


def corpus_fingerprint(docs: list[Document]) -> str:
    digest = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: d.id):
        digest.update(f"{doc.id}\0{doc.title}\0{doc.date}\0{doc.text}\0".encode())
    return digest.hexdigest()


def split_corpus(docs: list[Document], max_chars: int) -> tuple[np.ndarray, np.ndarray]:
    """Units of every document: (document index per unit, spans)."""
    unit_doc: list[int] = []
    spans: list[tuple[int, int]] = []
    for i, doc in enumerate(docs):
        for span in document_units(doc, max_chars):
            unit_doc.append(i)
            spans.append(span)
    return np.asarray(unit_doc, dtype=np.int32), np.asarray(spans, dtype=np.int32).reshape(-1, 2)


def embed_units(
    texts: list[str],
    embedder: Embedder,
    cache: EmbeddingCache | None,
    progress: Callable[[BuildProgress], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Embeddings of ``texts``, encoding only those the cache lacks; returns (vectors, encoded)."""
    cached = cache.get_many(texts) if cache else [None] * len(texts)
    missing = [i for i, v in enumerate(cached) if v is None]
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for i, vec in enumerate(cached):
        if vec is not None:
            vectors[i] = vec
    reused = len(texts) - len(missing)

    def report(done: int, total: int) -> None:
        if progress:
            progress(BuildProgress("embed", reused + done, reused + total))

    report(0, len(missing))
    if missing:
        fresh = embedder.encode_passages([texts[i] for i in missing], progress=report)
        vectors[missing] = fresh
        if cache:
            cache.put_many([texts[i] for i in missing], fresh)
    return vectors, len(missing)


def open_cache(index_dir: Path, embedder: Embedder) -> EmbeddingCache:
    return EmbeddingCache(
        index_dir / "cache" / "embeddings.sqlite", embedder.checksum, embedder.dim
    )


# -- meetings ----------------------------------------------------------------------------

Members = tuple[tuple[str, int], ...]  # a meeting's reports: (release path, report's index)


@dataclass(frozen=True)
class Catalogued:
    """A meeting of the catalogue with the reports it was made of and its place in the order."""

    record: dict[str, Any]  # its meetings.json record
    members: Members
    order: tuple[dt.date, dt.date, str]  # catalogue.newest_first


def find_meetings(
    docs: Sequence[Document], progress: Callable[[BuildProgress], None] | None = None
) -> list[list[Found]]:
    """The meetings each release reports (:func:`~index.meetings.extract.extract_document`)."""
    found = []
    for i, doc in enumerate(docs):
        if progress and i % 200 == 0:
            progress(BuildProgress("extract", i, len(docs)))
        found.append(extract_document(doc, i))
    return found


def catalogue(
    docs: Sequence[Document],
    found: Sequence[Sequence[Found]],
    unit_doc: np.ndarray,
    unit_span: np.ndarray,
    vectors: np.ndarray,
    known: dict[Members, Catalogued] | None = None,
) -> list[Catalogued]:
    """The meetings of :func:`~index.meetings.catalogue.extract_meetings` from the reports
    ``found`` in each release. ``known``: meetings of the previous index whose releases are
    all unchanged, taken as they are when the same reports make them up again."""
    where = {id(f): (docs[i].path, k) for i, fs in enumerate(found) for k, f in enumerate(fs)}
    out = []
    for group in group_found([f for fs in found for f in fs]):
        members = tuple(where[id(f)] for f in group)
        if known and members in known:
            out.append(known[members])
            continue
        meeting = meeting_of(group, docs, unit_doc, unit_span, vectors)
        out.append(Catalogued(meeting.to_json(), members, newest_first(meeting)))
    out.sort(key=lambda c: c.order, reverse=True)
    return out


def found_to_json(f: Found) -> dict[str, Any]:
    """One report of :func:`find_meetings` as JSON (without its release's index)."""
    data = _fields(f)
    del data["doc"]
    data["kind"] = _fields(f.kind)
    data["date_start"], data["date_end"] = f.date_start.isoformat(), f.date_end.isoformat()
    data["people"] = [{**_fields(p), "names": sorted(p.names)} for p in f.people]
    return data


def found_from_json(data: dict[str, Any], doc: int, memo: dict[str, Any] | None = None) -> Found:
    """A report read back for release ``doc``; ``memo`` shares the people and formats met
    before (a minister is in thousands of releases, and they are immutable)."""
    memo = {} if memo is None else memo
    kind = _shared(memo, data["kind"], lambda d: Kind(**d))
    people = [
        _shared(memo, p, lambda p: Person(**{**p, "names": frozenset(p["names"])}))
        for p in data["people"]
    ]
    region = data["region"]
    return Found(
        **{
            **data,
            "doc": doc,
            "kind": kind,
            "countries": list(data["countries"]),
            "date_start": dt.date.fromisoformat(data["date_start"]),
            "date_end": dt.date.fromisoformat(data["date_end"]),
            "people": people,
            "region": None if region is None else [(a, b) for a, b in region],
        }
    )


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}  # asdict copies deeply: slow


def _shared(memo: dict[str, Any], data: dict[str, Any], make: Callable[[Any], Any]) -> Any:
    key = repr(data)  # the same JSON gives the same repr
    if key not in memo:
        memo[key] = make(data)
    return memo[key]


# -- writing -----------------------------------------------------------------------------


@dataclass
class Parts:
    """Everything a new build holds, in memory, before it is written."""

    docs: list[Document]
    skipped: list[Skipped]
    unit_doc: np.ndarray
    unit_span: np.ndarray
    vectors: np.ndarray  # (units, dim) float32, normalised
    terms: TermCounts
    found: list[list[Found]]  # the meetings each release reports
    found_json: list[list[dict[str, Any]]]  # the same as found_to_json writes them
    meetings: list[Catalogued]
    files: dict[str, Fingerprint]  # every corpus file, read or skipped
    scanned_ns: int  # when ``files`` was taken


def read_corpus_state(folder: Path, info: store.IndexInfo) -> dict[str, Any]:
    """``corpus.json`` of a build folder: ``files`` (path -> Fingerprint), ``scanned_ns``,
    ``code`` (:func:`code_version`), ``max_chars``, ``meetings`` (their number)."""
    try:
        raw = json.loads(store.read_checked(folder, info, "corpus.json"))
        files = {rel: Fingerprint(tuple(v[:-1]), v[-1]) for rel, v in raw["files"].items()}
        return {**raw, "files": files}
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise IndexCorrupt(folder, f"corpus.json: {exc}") from exc


def _write_update_files(folder: Path, parts: Parts, max_chars: int) -> None:
    corpus = {
        "code": code_version(),
        "max_chars": max_chars,
        "scanned_ns": parts.scanned_ns,
        "meetings": len(parts.meetings),
        "files": {rel: [*fp.stat, fp.sha256] for rel, fp in parts.files.items()},
    }
    found = {
        "documents": parts.found_json,
        "meetings": [
            {
                "members": c.members,
                "order": [c.order[0].isoformat(), c.order[1].isoformat(), c.order[2]],
            }
            for c in parts.meetings
        ],
    }
    for name, data in (("corpus.json", corpus), ("found.json", found)):
        (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _noise_floor(vectors: Any, index_dir: Path, embedder: Embedder) -> float:
    """How close questions this corpus cannot answer come to it: the mean best similarity of
    the off-topic probes plus 3.5 standard deviations (new off-topic questions spread wider
    than the probes' own maximum). The probes' embeddings are cached with the passages'."""
    keys = [f"\0query\0{p}" for p in PROBES]  # apart from any passage's text
    cache = open_cache(index_dir, embedder)
    try:
        cached = cache.get_many(keys)
        if any(v is None for v in cached):  # all at once: the same batch as the first time
            probes = embedder.encode_queries(list(PROBES)).astype(np.float32)
            cache.put_many(keys, probes)
        else:
            probes = np.stack([v for v in cached if v is not None])
    finally:
        cache.close()
    sims, _ = vectors.search(probes, 1)
    best = sims[:, 0]
    return float(best.mean() + 3.5 * best.std())


def write_build(
    index_dir: Path,
    parts: Parts,
    embedder: Embedder,
    tokenizer: Tokenizer,
    progress: Callable[[BuildProgress], None] | None = None,
) -> Path:
    """Write ``parts`` as a new build beside the current one and switch to it; returns the
    build folder. The caller holds the build lock. Nothing is left behind on failure."""
    import faiss

    flat = faiss.IndexFlatIP(embedder.dim)
    flat.add(parts.vectors)
    dates = [d.date for d in parts.docs if d.date]
    info = store.IndexInfo(
        path=index_dir,
        format_version=store.FORMAT_VERSION,
        model_id=embedder.model_id,
        model_checksum=embedder.checksum,
        dim=embedder.dim,
        documents=len(parts.docs),
        chunks=len(parts.unit_doc),
        built_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        newest_release=max(dates) if dates else None,
        corpus_fingerprint=corpus_fingerprint(parts.docs),
        tokenizer=tokenizer.name,
        skipped=[{"path": s.path, "reason": s.reason} for s in parts.skipped],
        noise_floor=_noise_floor(flat, index_dir, embedder),
    )
    if progress:
        progress(BuildProgress("write", 0, 1))
    bm25 = BM25.from_counts(parts.terms)
    meetings = [c.record for c in parts.meetings]
    staged = store.staging_folder(index_dir)
    try:
        _write_update_files(staged, parts, embedder.max_chars)
        data = store.IndexData(
            info, parts.docs, parts.unit_doc, parts.unit_span, flat, bm25, meetings
        )
        store.save(staged, data)
        final = store.publish(index_dir, staged)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    if progress:
        progress(BuildProgress("done", 1, 1))
    return final


def process_releases(
    docs: list[Document],
    index_dir: Path,
    embedder: Embedder,
    tokenizer: Tokenizer,
    progress: Callable[[BuildProgress], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, TermCounts, list[list[Found]]]:
    """What a build does with each release, and an update with the new and changed ones: split
    into units, embedded (through the cache), tokenized for BM25 and read for meetings.
    Returns (unit_doc, spans, vectors, passages the model encoded, term counts, reports)."""
    unit_doc, spans = split_corpus(docs, embedder.max_chars)
    texts = [embedding_text(docs[d], s, e) for d, (s, e) in zip(unit_doc, spans, strict=True)]
    cache = open_cache(index_dir, embedder)
    try:
        vectors, encoded = embed_units(texts, embedder, cache, progress)
    finally:
        cache.close()
    terms = TermCounts.of(bm25_terms(docs, unit_doc, spans, tokenizer))
    return unit_doc, spans, vectors, encoded, terms, find_meetings(docs, progress)


def build_unlocked(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    progress: Callable[[BuildProgress], None] | None = None,
    tokenizer: Tokenizer | None = None,
) -> tuple[BuildReport, list[str]]:
    """:func:`build_index` for a caller that holds the build lock; also returns the ids of
    the releases indexed."""
    started = time.perf_counter()
    tokenizer = tokenizer or JapaneseEnglishTokenizer()
    if progress:
        progress(BuildProgress("load", 0, 1))
    scanned_ns = time.time_ns()
    files = scan_corpus(corpus_dir)  # before loading: a file changed meanwhile is seen next time
    docs, skipped = load_releases(corpus_dir, list(files))
    if not docs:
        raise CorpusError(f"no readable release in {corpus_dir}")
    if progress:
        progress(BuildProgress("load", 1, 1))
    unit_doc, unit_span, vectors, encoded, terms, found = process_releases(
        docs, index_dir, embedder, tokenizer, progress
    )
    meetings = catalogue(docs, found, unit_doc, unit_span, vectors)
    found_json = [[found_to_json(f) for f in fs] for fs in found]
    parts = Parts(
        docs,
        skipped,
        unit_doc,
        unit_span,
        vectors,
        terms,
        found,
        found_json,
        meetings,
        files,
        scanned_ns,
    )
    final = write_build(index_dir, parts, embedder, tokenizer, progress)
    seconds = time.perf_counter() - started
    log.info("built %s: %d documents, %d chunks in %.1fs", final, len(docs), len(unit_doc), seconds)
    report = BuildReport(
        documents=len(docs),
        chunks=len(unit_doc),
        skipped=skipped,
        embedded=encoded,
        reused=len(unit_doc) - encoded,
        seconds=seconds,
        index_dir=final,
        meetings=len(meetings),
    )
    return report, [d.id for d in docs]


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    progress: Callable[[BuildProgress], None] | None = None,
    tokenizer: Tokenizer | None = None,
) -> BuildReport:
    """Build a new index from ``corpus_dir`` beside the old one and switch to it atomically.

    A build that fails, or is killed, leaves the previous index serving. Only one build runs
    per index folder at a time (BuildInProgress otherwise).
    """
    with store.build_lock(index_dir):
        return build_unlocked(corpus_dir, index_dir, embedder, progress, tokenizer)[0]
