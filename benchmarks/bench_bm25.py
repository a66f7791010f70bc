"""index/store/bm25.py against the bm25s library: the same BM25 (Lucene idf, k1=1.2, b=0.75),
fitted on the shipped corpus's units and on a synthetic 100k-unit corpus built from them.

    pip install bm25s    # not a dependency of secbrief: only this comparison needs it
    python benchmarks/bench_bm25.py [--size 100000]

Prints fit time, query time (p50 over the dev questions' terms) and the largest relative score
difference once bm25s's scores are multiplied by k1 + 1 (Lucene's variant leaves that constant
factor out, which changes no ranking).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import DEV_QA, ROOT, p50, table

from index.ingest.loaders import load_corpus
from index.retrieval.evaluate import read_qa
from index.store.bm25 import BM25
from index.store.build import bm25_terms, split_corpus
from index.tokenize import JapaneseEnglishTokenizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    try:
        import bm25s
    except ImportError:
        print("bm25s is not installed (pip install bm25s); nothing to compare")
        return
    tokenizer = JapaneseEnglishTokenizer()
    docs = load_corpus(ROOT / "corpus")[0]
    unit_doc, unit_span = split_corpus(docs, 700)
    shipped = bm25_terms(docs, unit_doc, unit_span, tokenizer)
    queries = [tokenizer(item.question) for item in read_qa(DEV_QA)]
    rows = []
    for label, corpus in (
        ("shipped", shipped),
        (f"synthetic {args.size:,}", (shipped * (args.size // len(shipped) + 1))[: args.size]),
    ):
        t0 = time.perf_counter()
        ours = BM25.fit(corpus)
        t1 = time.perf_counter()
        theirs = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        theirs.index(corpus, show_progress=False)
        t2 = time.perf_counter()
        ours_q, theirs_q, diff = [], [], 0.0
        for terms in queries:
            known = [t for t in terms if t in theirs.vocab_dict] or [""]
            a = time.perf_counter()
            mine = ours.scores(terms)
            b = time.perf_counter()
            other = theirs.get_scores(list(dict.fromkeys(known)))
            c = time.perf_counter()
            ours_q.append(b - a)
            theirs_q.append(c - b)
            scaled = other * 2.2  # k1 + 1
            diff = max(diff, float((np.abs(mine - scaled) / np.maximum(mine, 1e-6)).max()))
        rows.append(
            [
                label,
                len(corpus),
                f"{t1 - t0:.2f} / {t2 - t1:.2f}",
                f"{p50(ours_q) * 1000:.2f} / {p50(theirs_q) * 1000:.2f}",
                f"{diff:.2e}",
            ]
        )
    print(
        f"BM25: index/store/bm25.py / bm25s {bm25s.__version__} (p50 over {len(queries)} queries)\n"
    )
    header = [
        "corpus",
        "units",
        "fit s (ours / bm25s)",
        "query ms",
        "max relative difference (x k1+1)",
    ]
    print(table(header, rows))


if __name__ == "__main__":
    main()
