"""Retrieval quality on a QA file: recall@1, @3 (what ``/ask`` shows), @5 and MRR@10 by language,
kind and style, and by whether the answering release was seen (in a given folder) or not."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import CorpusError
from index.schema import Answer


@dataclass(frozen=True)
class QAItem:
    id: str
    lang: str
    question: str
    doc_file: str | None  # None: the corpus cannot answer
    answer_span: str | None
    kind: str
    style: str = ""  # optional column: "tidy", or "casual" (typed as in a chat)


@dataclass
class Outcome:
    item: QAItem
    rank: int | None  # 1-based rank of the first correct passage within the top 10
    answered: bool
    quoted: bool = False  # that passage's marked sentence overlaps the answer span
    seen: bool | None = None  # the answering release is in the --seen folder (None: not asked)


@dataclass(frozen=True)
class Row:
    """The figures of one group of answerable questions."""

    group: str
    n: int
    r1: float
    r3: float
    r5: float
    mrr: float


@dataclass
class EvalReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def rows(self) -> list[Row]:
        """The figures for all, each language, kind and style, and seen/unseen releases."""
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            if o.item.doc_file is None:
                continue
            groups["all"].append(o)
            groups[f"lang={o.item.lang}"].append(o)
            groups[f"kind={o.item.kind}"].append(o)
            if o.item.style:
                groups[f"style={o.item.style}"].append(o)
            if o.seen is not None:
                groups["release=" + ("seen" if o.seen else "unseen")].append(o)
        out = []
        for name in sorted(groups, key=lambda g: (g != "all", g)):
            items = groups[name]
            n = len(items)
            out.append(
                Row(
                    name,
                    n,
                    sum(1 for o in items if o.rank == 1) / n,
                    sum(1 for o in items if o.rank is not None and o.rank <= 3) / n,
                    sum(1 for o in items if o.rank is not None and o.rank <= 5) / n,
                    sum(1.0 / o.rank for o in items if o.rank is not None) / n,
                )
            )
        return out

    def declined(self) -> tuple[int, int, int, int]:
        """(unanswerable declined, unanswerable total, answerable declined, answerable total)."""
        none = [o for o in self.outcomes if o.item.doc_file is None]
        some = [o for o in self.outcomes if o.item.doc_file is not None]
        return (
            sum(not o.answered for o in none),
            len(none),
            sum(not o.answered for o in some),
            len(some),
        )

    def quotes(self) -> tuple[int, int]:
        """(found passages whose marked sentence holds the answer, found passages)."""
        found = [o for o in self.outcomes if o.rank is not None]
        return sum(o.quoted for o in found), len(found)

    def table(self) -> str:
        lines = [f"{'group':<22} {'n':>4} {'R@1':>6} {'R@3':>6} {'R@5':>6} {'MRR@10':>7}"]
        for r in self.rows():
            lines.append(
                f"{r.group:<22} {r.n:>4} {r.r1:>6.3f} {r.r3:>6.3f} {r.r5:>6.3f} {r.mrr:>7.3f}"
            )
        dn, nn, da, na = self.declined()
        lines.append(f"unanswerable declined: {dn}/{nn}; answerable wrongly declined: {da}/{na}")
        for seen in (True, False):
            part = [o for o in self.outcomes if o.seen is seen and o.item.doc_file is not None]
            if part:
                wrong = sum(not o.answered for o in part)
                name = "seen" if seen else "unseen"
                lines.append(f"answerable wrongly declined, {name} releases: {wrong}/{len(part)}")
        quoted, found = self.quotes()
        lines.append(f"marked sentence holds the answer: {quoted}/{found} of the passages found")
        return "\n".join(lines)


# doc_file of a question still waiting for its answer (e.g. exported from the bot's feedback as
# "not answered"): skipped until someone fills it in; "-" means the corpus cannot answer
PENDING = "?"


def read_qa(path: Path, skipped: list[str] | None = None) -> list[QAItem]:
    """The questions of a QA file; the ids of rows still waiting for an answer (doc_file
    ``?``) are left out and appended to ``skipped``."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}") from exc
    items = []
    for row in rows:
        try:
            doc = row["doc_file"].strip()
            span = row["answer_span"].strip()
            if doc == PENDING:
                if skipped is not None:
                    skipped.append(row["id"])
                continue
            items.append(
                QAItem(
                    row["id"],
                    row["lang"],
                    row["question"],
                    None if doc == "-" else doc,
                    None if span == "-" else span,
                    row["kind"],
                    (row.get("style") or "").strip(),
                )
            )
        except (KeyError, AttributeError) as exc:
            raise CorpusError(
                f"{path}: expected columns id, lang, question, doc_file, answer_span, kind"
            ) from exc
    return items


def _occurrences(text: str, span: str) -> list[tuple[int, int]]:
    """Every place ``span`` stands in ``text`` (a release may repeat its lead sentence)."""
    found: list[tuple[int, int]] = []
    at = text.find(span) if span else -1
    while at >= 0:
        found.append((at, at + len(span)))
        at = text.find(span, at + 1)
    return found


def evaluate(
    items: list[QAItem],
    ask: Callable[[str], Answer],
    doc_texts: dict[str, str],
    ranked: Callable[[str], Answer] | None = None,
    seen: Callable[[str], bool] | None = None,
) -> EvalReport:
    """Score ``ask`` (top 10) on ``items``.

    A hit is a passage from the gold document that overlaps the answer span, wherever it
    stands (a release may repeat a sentence); its quote is right when the sentence it marks
    overlaps the span too. ``doc_texts`` maps corpus paths to document
    text; ``ranked`` (default ``ask``) gives the ranking without declining, so recall is
    measured even where the answer was declined. ``seen`` tells whether an answering release
    (its corpus path) counts as seen, for the seen/unseen split.
    """
    report = EvalReport()
    for item in items:
        answer = ask(item.question)
        ranking = ranked(item.question) if ranked else answer
        rank = None
        quoted = False
        if item.doc_file is not None:
            spans = _occurrences(doc_texts.get(item.doc_file, ""), item.answer_span or "")
            for i, hit in enumerate(ranking.hits[:10], start=1):
                if hit.doc.path != item.doc_file:
                    continue
                if not spans or any(hit.chunk.start < b and a < hit.chunk.end for a, b in spans):
                    rank = i
                    quoted = any(hit.quote_start < b and a < hit.quote_end for a, b in spans)
                    break
        was_seen = None if seen is None or item.doc_file is None else seen(item.doc_file)
        report.outcomes.append(Outcome(item, rank, answer.answered, quoted, was_seen))
    return report
