"""Saying that the corpus does not answer, when the best passages cannot.

Besides the noise floor (a question no closer to any passage than off-topic probes get) and a
time no release covers, a question is declined when what it asks for is a kind of thing none of
its best passages states (a figure, a next meeting: :mod:`index.answertype`), or when it gives a
name that no release of the time it names mentions.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from index.answertype import expected_type, proper_names
from index.dates import Period, query_period
from index.lexicon import Lexicon
from index.meetings import Meeting, meetings_named
from index.passages import Passages
from index.ranking import Scores, without_dates
from index.schema import Hit, Round
from index.tokenize import JapaneseEnglishTokenizer

_KATAKANA = re.compile(r"[\u30a0-\u30ff]+")


@dataclass(frozen=True)
class Decline:
    """Why a question is declined: ``reason`` is "none" (nothing in the corpus is close to
    it), "period" (no release is from the time it names), "round" (the meeting series it
    names held no round the corpus reports at that time; ``rounds`` are those it does), a
    figure kind or "next" (:mod:`index.answertype`), or "name" (``name`` is mentioned by no
    release of that time)."""

    reason: str
    rounds: list[Round] = field(default_factory=list)
    name: str | None = None


class Declining(Passages):
    """The declining half of :class:`index.search.Retriever` (which sets these attributes)."""

    lexicon: Lexicon | None
    doc_by_id: dict[str, int]
    _release_days: np.ndarray
    _nfkc: dict[int, str]
    _meetings: list[Meeting]

    def decline(self, question: str, scores: Scores, hits: list[Hit]) -> Decline | None:
        """Why the corpus cannot answer ``question``, or None when its passages may."""
        if not hits:
            return Decline("none")
        if not self.params.decline:
            return None
        if not self._above_noise(scores.dense):
            return Decline("none")
        period = scores.period
        if period is not None and not self._in_period(period).any():
            return Decline("period")
        rounds = self._missing_round(question, period) if self.params.round_check else None
        if rounds:
            return Decline("round", rounds)
        missing = self._missing_figure(question, scores, hits)
        if missing is not None:
            return Decline(missing)
        name = self._unmentioned_name(question, scores)
        return Decline("name", name=name) if name else None

    def _missing_round(self, question: str, period: Period | None) -> list[Round] | None:
        """The rounds the corpus holds of the meeting series ``question`` names, when none of
        them falls in the time it names ("the 2023 Japan-U.S.-Australia defense ministers'
        meeting" when the corpus reports those of 2022 and 2024); None otherwise."""
        if period is None:
            return None
        named = meetings_named(question, self._meetings)
        if not named:
            return None
        slack = dt.timedelta(days=3)  # time zones; a release dated the day after
        if any(
            m.date_start - slack <= period.end and period.start <= m.date_end + slack for m in named
        ):
            return None
        ordered = sorted(named, key=lambda m: m.date_start, reverse=True)
        return [Round(m.name_ja, m.name_en, m.date_start, m.place_ja, m.place_en) for m in ordered]

    def _unmentioned_name(self, question: str, scores: Scores) -> str | None:
        """A name (place, person, organisation) a Japanese question gives that no release
        from the time it names mentions, in either language; None when all are mentioned.

        「2024年5月の…会談で、日米安保条約第5条の尖閣への適用は確認されたか」: the May 2024
        releases are found and read as relevant, but none mentions 尖閣 (nor "Senkaku"), so
        they cannot say. Only Japanese questions are checked: unidic marks their names, while
        the Japanese spellings of English names are too often missing from the dictionaries
        ("Philippines", "Kings Bay") for an English name's absence to mean anything. For the
        same reason a name in katakana (a foreign name: ヘグセス) is only looked for as written.
        """
        p = self.params
        if (
            not p.name_check
            or scores.period is None
            or scores.lang != "ja"
            or not isinstance(self.tokenizer, JapaneseEnglishTokenizer)
        ):
            return None
        inside = np.flatnonzero(self._in_period(scores.period))
        if not len(inside):
            return None
        held = np.isin(self.data.unit_doc, inside)  # the units of those releases
        for name in proper_names(without_dates(question), self.tokenizer):
            if any(name in self._normalized_text(int(d)) for d in inside):
                continue
            if _KATAKANA.fullmatch(name):
                continue  # a foreign name (ヘグセス): the dictionaries miss too many of them
            if self.lexicon is not None and any(
                (found := self.data.bm25.postings(terms)) is not None and held[found[0]].any()
                for as_name in (True, False)
                for _, terms in self.lexicon.japanese(name, names=as_name)
            ):
                continue
            return name
        return None

    def _normalized_text(self, doc_i: int) -> str:
        """A release's text in NFKC (cached: names are matched on it)."""
        found = self._nfkc.get(doc_i)
        if found is None:
            found = unicodedata.normalize("NFKC", self.docs[doc_i].text)
            self._nfkc[doc_i] = found
        return found

    def _missing_figure(self, question: str, scores: Scores, hits: list[Hit]) -> str | None:
        """The kind of figure the question asks for, if none of the best passages (from the
        time it names) states one; None when it asks for none or one is stated."""
        wanted = expected_type(question)
        depth = self.params.figure_depth
        if wanted is None or not depth:
            return None
        shown = hits if len(hits) >= depth else self.select(scores, depth, scores.lang)
        if scores.period is not None:  # a figure from another time does not answer
            inside = self._in_period(scores.period)
            shown = [hit for hit in shown if inside[self.doc_by_id[hit.doc.id]]]
        return None if any(wanted.stated_in(hit.chunk.text) for hit in shown) else wanted.name

    def _above_noise(self, dense: np.ndarray) -> bool:
        """Whether the best passage is closer than off-topic probes get (index.probes)."""
        floor = self.data.info.noise_floor
        if self.params.mode == "bm25" or floor is None or not len(dense):
            return True
        return float(dense.max()) > floor + self.params.noise_margin

    def answerable(self, question: str, dense: np.ndarray) -> bool:
        """Whether the corpus likely answers: the best passage beats the index's noise floor
        and, if the question names a time, some release is from that time."""
        if not self._above_noise(dense):
            return False
        period = query_period(question)
        if period is not None:
            return bool(self._in_period(period).any())
        return True

    def _in_period(self, period: Period) -> np.ndarray:
        """Which releases are about a date within ``period``."""
        days = self._release_days
        inside = (days >= period.start.toordinal()) & (days <= period.end.toordinal())
        return np.asarray(inside.any(axis=1))
