"""Quotes a reader can check in their own language: of the passages shown in the other language
than the question's, how many come with the release of the same meeting in the question's
language, and with a gloss of at least one name or date.

    python benchmarks/bench_xlquotes.py --index DIR QA.tsv [QA.tsv ...] [-k 3] [--show]

Asks each question of kind ``cross-lingual`` (its answer stands only in the other language) with
``k`` passages, as ``/ask`` shows them, and counts the other-language passages among those shown:
with a release link, with a gloss of a name or a date, with any gloss (figures too). Split by
direction: an English question shown a Japanese passage (en→ja) and the reverse. ``--show``
prints each such quote with its link and gloss, to read them.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path

from _common import table

from bot.crosslingual import reader_lines
from index import store
from index.model.embed import load_embedder
from index.retrieval.evaluate import QAItem, read_qa
from index.retrieval.ranking import Scores
from index.retrieval.search import Retriever
from index.schema import Hit


@dataclass
class Tally:
    """The other-language quotes shown for one group of questions."""

    questions: int = 0
    answered: int = 0
    quotes: int = 0
    linked: int = 0
    named: int = 0  # glossed with a name or a date
    glossed: int = 0  # glossed with anything (a figure too)
    seconds: list[float] = field(default_factory=list)  # spent on the links and glosses

    def add(self, hits: list[Hit], lang: str) -> None:
        for hit in hits:
            if hit.doc.lang == lang:
                continue
            self.quotes += 1
            self.linked += hit.counterpart is not None
            self.named += any(g.kind in ("name", "date") for g in hit.gloss)
            self.glossed += bool(hit.gloss)

    def row(self, name: str) -> list[object]:
        def share(n: int) -> str:
            return f"{n}/{self.quotes} ({n / self.quotes:.2f})" if self.quotes else "-"

        ms = 1000 * sum(self.seconds) / max(self.questions, 1)
        return [
            name,
            self.questions,
            self.answered,
            self.quotes,
            share(self.linked),
            share(self.named),
            share(self.glossed),
            f"{ms:.0f}",
        ]


def direction(item: QAItem) -> str:
    return "en→ja" if item.lang == "en" else "ja→en"


def timed(retriever: Retriever, spent: list[float]) -> None:
    """Record the time ``retriever`` spends on the links and glosses in ``spent``."""
    for_reader = retriever.for_reader

    def run(hits: list[Hit], scores: Scores) -> list[Hit]:
        started = time.perf_counter()
        try:
            return for_reader(hits, scores)
        finally:
            spent.append(time.perf_counter() - started)

    retriever.for_reader = run  # type: ignore[method-assign]


def measure(retriever: Retriever, items: list[QAItem], k: int, show: bool) -> dict[str, Tally]:
    """The tallies of the cross-lingual questions: all, and per direction."""
    tallies = {"all": Tally(), "en→ja": Tally(), "ja→en": Tally()}
    spent: list[float] = []
    timed(retriever, spent)
    for item in items:
        if item.kind != "cross-lingual":
            continue
        spent.clear()
        answer = retriever.ask(item.question, k=k)
        for tally in (tallies["all"], tallies[direction(item)]):
            tally.questions += 1
            tally.answered += answer.answered
            tally.seconds += spent
            tally.add(answer.hits, answer.lang)
        if show:
            print(f"\n{item.id} ({direction(item)}): {item.question}")
            for hit in answer.hits:
                if hit.doc.lang != answer.lang:
                    print(f"  [{hit.doc.path}] {hit.quote[:160]}")
                    for label, text in reader_lines(hit, answer.lang):
                        print(f"    {label}: {text}")
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("qa", nargs="+", help="QA files (TSV with id, lang, question, ..., kind)")
    parser.add_argument("--index", required=True, help="index folder")
    parser.add_argument("-k", type=int, default=3, help="passages asked for (default 3)")
    parser.add_argument("--show", action="store_true", help="print each quote and its gloss")
    args = parser.parse_args()
    index = Path(args.index)
    info = store.read_info(store.resolve(index))
    retriever = Retriever.load(index, load_embedder(info.model_id))
    header = [
        "set",
        "cross-lingual questions",
        "answered",
        "other-language quotes",
        "with a release link",
        "with a name or date glossed",
        "with any gloss",
        "ms/question for them",
    ]
    rows = []
    for qa in args.qa:
        tallies = measure(retriever, read_qa(Path(qa)), args.k, args.show)
        rows += [tally.row(f"{Path(qa).name} {name}") for name, tally in tallies.items()]
    print(f"\nOther-language quotes among the first {args.k} passages ({info.documents} releases)")
    print(table(header, rows))


if __name__ == "__main__":
    main()
