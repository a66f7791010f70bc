"""Build an index from a corpus folder: load, split, embed (with a cache), store, switch."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index import store
from index.errors import CorpusError
from index.ingest.loaders import Skipped, load_corpus
from index.model.cache import EmbeddingCache
from index.model.embed import Embedder
from index.schema import Document
from index.store.bm25 import BM25
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
    import faiss

    started = time.perf_counter()
    tokenizer = tokenizer or JapaneseEnglishTokenizer()
    with store.build_lock(index_dir):
        if progress:
            progress(BuildProgress("load", 0, 1))
        docs, skipped = load_corpus(corpus_dir)
        if not docs:
            raise CorpusError(f"no readable release in {corpus_dir}")
        if progress:
            progress(BuildProgress("load", 1, 1))
        unit_doc, unit_span = split_corpus(docs, embedder.max_chars)
        texts = [
            embedding_text(docs[d], s, e) for d, (s, e) in zip(unit_doc, unit_span, strict=True)
        ]
        cache = EmbeddingCache(
            index_dir / "cache" / "embeddings.sqlite", embedder.checksum, embedder.dim
        )
        try:
            vectors, encoded = embed_units(texts, embedder, cache, progress)
        finally:
            cache.close()
        flat = faiss.IndexFlatIP(embedder.dim)
        flat.add(vectors)
        noise_floor = _noise_floor(flat, embedder)
        bm25 = BM25.fit(bm25_terms(docs, unit_doc, unit_span, tokenizer))
        meetings = _extract_meetings(docs, unit_doc, unit_span, vectors, progress)
        dates = [d.date for d in docs if d.date]
        info = store.IndexInfo(
            path=index_dir,
            format_version=store.FORMAT_VERSION,
            model_id=embedder.model_id,
            model_checksum=embedder.checksum,
            dim=embedder.dim,
            documents=len(docs),
            chunks=len(unit_doc),
            built_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            newest_release=max(dates) if dates else None,
            corpus_fingerprint=corpus_fingerprint(docs),
            tokenizer=tokenizer.name,
            skipped=[{"path": s.path, "reason": s.reason} for s in skipped],
            noise_floor=noise_floor,
        )
        if progress:
            progress(BuildProgress("write", 0, 1))
        staged = store.staging_folder(index_dir)
        store.save(staged, store.IndexData(info, docs, unit_doc, unit_span, flat, bm25, meetings))
        final = store.publish(index_dir, staged)
        if progress:
            progress(BuildProgress("done", 1, 1))
    seconds = time.perf_counter() - started
    log.info("built %s: %d documents, %d chunks in %.1fs", final, len(docs), len(unit_doc), seconds)
    return BuildReport(
        documents=len(docs),
        chunks=len(unit_doc),
        skipped=skipped,
        embedded=encoded,
        reused=len(texts) - encoded,
        seconds=seconds,
        index_dir=final,
        meetings=len(meetings),
    )


def _noise_floor(vectors: Any, embedder: Embedder) -> float:
    """How close questions this corpus cannot answer come to it: the mean best similarity of
    the off-topic probes plus 3.5 standard deviations (new off-topic questions spread wider
    than the probes' own maximum)."""
    probes = embedder.encode_queries(list(PROBES)).astype(np.float32)
    sims, _ = vectors.search(probes, 1)
    best = sims[:, 0]
    return float(best.mean() + 3.5 * best.std())


def _extract_meetings(
    docs: list[Document],
    unit_doc: np.ndarray,
    unit_span: np.ndarray,
    vectors: np.ndarray,
    progress: Callable[[BuildProgress], None] | None,
) -> list[dict[str, object]]:
    """Meetings found in the releases, stored with the index (empty until extraction exists)."""
    import index.meetings.catalogue as meetings

    if progress:
        progress(BuildProgress("extract", 0, len(docs)))
    found = meetings.extract_meetings(docs, unit_doc, unit_span, vectors)
    return [m.to_json() for m in found]
