"""What the votes say: the answered share and the questions not answered (``secbrief feedback
stats`` and ``/feedback``), and the rated questions as a QA file ``secbrief eval`` reads."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.feedback import ANSWERED, FeedbackStore
from bot.texts import t

# doc_file and answer_span of a question readers found unanswered: someone fills them in;
# until then ``secbrief eval`` skips the row (``-`` would mean "the corpus cannot answer")
PENDING = "?"
QA_COLUMNS = ("id", "lang", "question", "doc_file", "answer_span", "kind")


@dataclass
class Tally:
    """Votes and how many of them said "answered"."""

    votes: int = 0
    answered: int = 0

    def add(self, answered: bool) -> None:
        self.votes += 1
        self.answered += int(answered)

    @property
    def share(self) -> float | None:
        return self.answered / self.votes if self.votes else None

    def text(self) -> str:
        share = f" ({self.share:.0%})" if self.share is not None else ""
        return f"{self.answered}/{self.votes}{share}"

    def to_json(self) -> dict[str, Any]:
        share = None if self.share is None else round(self.share, 4)
        return {"votes": self.votes, "answered": self.answered, "share": share}


@dataclass
class Stats:
    """The feedback of a period (answers asked from ``since`` on)."""

    since: dt.date | None
    shown: int  # answers shown with the buttons
    rated: int = 0  # answers with at least one vote
    total: Tally = field(default_factory=Tally)
    by_lang: dict[str, Tally] = field(default_factory=dict)
    by_week: dict[str, Tally] = field(default_factory=dict)  # ISO week, "2025-W05"
    # (question, its language, "not answered" votes), the most frequent first
    unanswered: list[tuple[str, str, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "shown": self.shown,
            "rated": self.rated,
            **self.total.to_json(),
            "by_lang": {k: v.to_json() for k, v in sorted(self.by_lang.items())},
            "by_week": {k: v.to_json() for k, v in sorted(self.by_week.items())},
            "unanswered": [
                {"question": q, "lang": lang, "votes": n} for q, lang, n in self.unanswered
            ],
        }


def iso_week(stamp: str) -> str:
    """``2025-01-31T12:00:00Z`` -> ``2025-W05``."""
    year, week, _ = dt.date.fromisoformat(stamp[:10]).isocalendar()
    return f"{year}-W{week:02d}"


def _plain(question: str) -> str:
    return " ".join(question.split())


def tally(
    rows: Iterable[Mapping[str, Any]], shown: int, since: dt.date | None, top: int = 10
) -> Stats:
    """Count ``rows`` (from :meth:`FeedbackStore.rows`) into :class:`Stats`."""
    stats = Stats(since, shown)
    rated: set[str] = set()
    missed: dict[str, list[Any]] = {}  # the question folded: [as last asked, lang, votes]
    for row in rows:
        yes = row["vote"] == ANSWERED
        rated.add(row["key"])
        stats.total.add(yes)
        stats.by_lang.setdefault(row["lang"], Tally()).add(yes)
        stats.by_week.setdefault(iso_week(row["asked_at"]), Tally()).add(yes)
        if not yes:
            question = _plain(row["question"])
            entry = missed.setdefault(question.casefold(), [question, row["lang"], 0])
            entry[0], entry[2] = question, entry[2] + 1
    stats.rated = len(rated)
    ranked = sorted(missed.values(), key=lambda e: (-e[2], e[0]))
    stats.unanswered = [(q, lang, n) for q, lang, n in ranked[:top]]
    return stats


def feedback_stats(
    store: FeedbackStore, since: dt.date | None = None, guild_id: int | None = None
) -> Stats:
    """The stats of ``store``, of answers asked from ``since`` on (in ``guild_id`` only)."""
    return tally(store.rows(since, guild_id), store.shown(since, guild_id), since)


def stats_lines(stats: Stats, lang: str, quote: Callable[[str], str] = str) -> list[str]:
    """The stats for people, in ``lang``; ``quote`` shows a question (escaped for Discord)."""
    since = t(lang, "fb_since", date=stats.since.isoformat()) if stats.since else ""
    lines = [
        t(lang, "fb_stats_head", since=since, shown=stats.shown, rated=stats.rated)
        + t(lang, "fb_stats_votes", votes=stats.total.votes)
    ]
    if not stats.total.votes:
        return [*lines, t(lang, "fb_stats_none")]
    lines.append(t(lang, "fb_stats_share", tally=stats.total.text()))
    langs = " · ".join(f"{k} {v.text()}" for k, v in sorted(stats.by_lang.items()))
    lines.append(t(lang, "fb_stats_lang", items=langs))
    lines.append(t(lang, "fb_stats_week"))
    lines += [f"- {week} {v.text()}" for week, v in sorted(stats.by_week.items())]
    if stats.unanswered:
        lines.append(t(lang, "fb_stats_unanswered"))
        lines += [f"- {n} × [{qlang}] {quote(q)}" for q, qlang, n in stats.unanswered]
    return lines


@dataclass(frozen=True)
class QARow:
    """One line of a QA file (the columns ``secbrief eval`` reads)."""

    id: str
    lang: str
    question: str
    doc_file: str
    answer_span: str
    kind: str

    def line(self) -> str:
        return "\t".join(
            (self.id, self.lang, self.question, self.doc_file, self.answer_span, self.kind)
        )


def verbatim_span(quote: str) -> str:
    """The longest line of ``quote``: a TSV cell holds no tab or newline, and the span must
    stand verbatim in the release for ``eval`` to find it."""
    pieces = [p.strip() for p in re.split(r"[\t\r\n]+", quote)]
    return max(pieces, key=len, default="")


def qa_rows(rows: Iterable[Mapping[str, Any]]) -> tuple[list[QARow], int]:
    """The rated questions as QA rows, and how many "answered" votes named no passage.

    An "answered" vote with its passage is a gold row: the release and the sentence shown
    (kind ``cross-lingual`` when the passage is in the other language, else ``feedback``),
    one per question and passage. A "not answered" vote is a row to triage (doc_file and
    answer_span ``?``, kind ``triage``), one per question, none for a question that also has
    a gold row.
    """
    gold: dict[tuple[str, str, str], QARow] = {}
    triage: dict[str, QARow] = {}
    unchosen = 0
    for row in rows:
        question = _plain(row["question"])
        folded = question.casefold()
        if row["vote"] != ANSWERED:
            triage.setdefault(
                folded,
                QARow(f"fb-{row['key']}-q", row["lang"], question, PENDING, PENDING, "triage"),
            )
            continue
        span = verbatim_span(row["quote"] or "")
        if row["path"] is None or not span:
            unchosen += 1
            continue
        kind = "cross-lingual" if row["passage_lang"] != row["lang"] else "feedback"
        gold.setdefault(
            (folded, row["path"], span),
            QARow(
                f"fb-{row['key']}-{row['passage']}", row["lang"], question, row["path"], span, kind
            ),
        )
    answered = {folded for folded, _, _ in gold}
    pending = [r for folded, r in triage.items() if folded not in answered]
    return [*gold.values(), *pending], unchosen


def qa_tsv(rows: list[QARow]) -> str:
    """The QA file: a header, then one line a row."""
    return "\n".join(["\t".join(QA_COLUMNS), *(r.line() for r in rows)]) + "\n"
