"""Saying that the corpus does not answer, when the best passages cannot.

Each decline says why (:class:`Decline`): the question is no closer to any passage than
off-topic probes get; it names a time no release is from; it names a meeting series and a time
when the corpus holds no round of that series (the rounds it holds are listed); it names a
meeting by partner countries no release reports a meeting of ("the Japan-U.K. defense
ministers"); or what it asks
for is a kind of thing none of its best passages states (a figure, a length of time, a next
meeting: :mod:`index.retrieval.answertype`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from index.ingest.dates import Period, query_period
from index.meetings.catalogue import Meeting, SeriesIndex, meetings_named, question_kinds
from index.meetings.countries import (
    EN_PREFIX_RE,
    JA_PREFIX_RE,
    cased_prefixes,
    countries_of_en_prefix,
    countries_of_ja_prefix,
)
from index.meetings.names import name_mentions
from index.retrieval.lexicon import Lexicon
from index.retrieval.ordinals import round_named, states_round
from index.retrieval.passages import Passages
from index.retrieval.ranking import Scores
from index.schema import Document, Hit, Round
from index.text import normalize


@dataclass(frozen=True)
class Decline:
    """Why a question is declined: ``reason`` is "none" (nothing in the corpus is close to
    it), "period" (no release is from the time it names), "round" (the meeting series it
    names held no round the corpus reports at that time; ``rounds`` are those it does),
    "partners" (no release reports a meeting of the countries it names: ``partners``), a
    figure kind, "duration" or "next" (:mod:`index.retrieval.answertype`)."""

    reason: str
    rounds: list[Round] = field(default_factory=list)
    partners: tuple[str, ...] = ()
    number: int | None = None  # the round number no release of the series states
    # for a figure none states: the releases of the question's event, to read for oneself
    releases: list[Document] = field(default_factory=list)


def _series_names(meeting: Meeting) -> set[str]:
    """How releases write a meeting series: its abbreviation and its names (NFKC, casefold)."""
    names = {meeting.abbr or "", meeting.name_ja, re.sub(r"\s*\([^)]*\)$", "", meeting.name_en)}
    return {unicodedata.normalize("NFKC", n).casefold() for n in names if len(n) >= 3}


class Declining(Passages):
    """The declining half of :class:`index.retrieval.search.Retriever` (which sets these
    attributes)."""

    doc_by_id: dict[str, int]
    _release_days: np.ndarray
    _folded: dict[int, str]  # releases' text in NFKC, casefold (filled when first needed)
    _meetings: list[Meeting]
    _series: SeriesIndex
    _prefixes: set[frozenset[str]] | None  # partner prefixes releases write (when first needed)
    lexicon: Lexicon | None

    def decline(self, scores: Scores, hits: list[Hit]) -> Decline | None:
        """Why the corpus cannot answer the question ``scores`` were made for, or None when its
        passages may."""
        q = scores.query
        question = q.read if q is not None else ""
        if not hits:
            return Decline("none")
        if not self.params.decline:
            return None
        if not self._above_noise(scores.dense) and not self._names_what_a_release_reports(scores):
            return Decline("none")
        period = scores.period
        if period is not None and not self._in_period(period).any():
            return Decline("period")
        rounds = self._missing_round(question, period) if self.params.round_check else None
        if rounds:
            return Decline("round", rounds)
        numbered = self._missing_round_number(question) if self.params.round_check else None
        if numbered:
            return Decline("round", numbered[0], number=numbered[1])
        partners = self._missing_partners(question) if self.params.partner_check else None
        if partners:
            return Decline("partners", partners=partners)
        missing = self._missing_figure(scores, hits)
        if missing is None:
            return None
        return Decline(missing, releases=[self.docs[d] for d in scores.event][:4])

    def _missing_round(self, question: str, period: Period | None) -> list[Round] | None:
        """The rounds the corpus holds of the meeting series ``question`` names, when none of
        them falls in the time it names ("the 2023 Japan-U.S.-Australia defense ministers'
        meeting" when the corpus reports those of 2022 and 2024); None otherwise."""
        if period is None:
            return None
        named = meetings_named(question, self._meetings, self._series)
        if not named:
            return None
        slack = dt.timedelta(days=3)  # time zones; a release dated the day after
        if any(
            m.date_start - slack <= period.end and period.start <= m.date_end + slack for m in named
        ):
            return None
        # a release of that time that names the series may report a round the catalogue
        # missed: then the passages, not the catalogue, decide
        names = {n for m in named for n in _series_names(m)}
        for doc_i in np.flatnonzero(self._in_period(period)).tolist():
            text = self._folded.get(doc_i)
            if text is None:  # cached: a large corpus has many releases in one year
                text = unicodedata.normalize("NFKC", self.docs[doc_i].text).casefold()
                self._folded[doc_i] = text
            if any(re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", text) for name in names):
                return None
        ordered = sorted(named, key=lambda m: m.date_start, reverse=True)
        return [Round(m.name_ja, m.name_en, m.date_start, m.place_ja, m.place_en) for m in ordered]

    def _missing_round_number(self, question: str) -> tuple[list[Round], int] | None:
        """The rounds the corpus holds of the series ``question`` names by a round number
        ("the fourth Japan-U.K. 2+2", 「第4回日英2+2」), and that number, when no release of the
        series states it; None otherwise."""
        cased = cased_prefixes(question)  # the mentions' offsets are the cased text's
        spans = [(m.start, m.end) for m in name_mentions(cased)]
        number = round_named(cased, spans) if spans else None
        if number is None:
            return None
        named = meetings_named(question, self._meetings, self._series)
        if not named:
            return None
        paths = {s.path for m in named for s in m.sources}
        if any(states_round(self.docs[self.doc_by_id[p]].text, number) for p in paths):
            return None
        ordered = sorted(named, key=lambda m: m.date_start, reverse=True)
        rounds = [
            Round(m.name_ja, m.name_en, m.date_start, m.place_ja, m.place_en) for m in ordered
        ]
        return rounds, number

    def _missing_partners(self, question: str) -> tuple[str, ...] | None:
        """The countries of the meeting ``question`` names by its partners ("the Japan-U.K.
        defense ministers", 「日印防衛相会談」) when no meeting of the catalogue joins them all and
        no release writes that prefix (the catalogue may miss a meeting a release reports; a
        prefix of more countries, "Japan-U.S.-Australia-India", names another meeting); None
        otherwise, or when the question names no partners."""
        for _, countries in question_kinds(question):
            wanted = set(countries)
            if len(wanted) < 2:
                continue
            if any(wanted <= set(m.countries) for m in self._meetings):
                continue
            if wanted in self._partner_prefixes():
                continue
            return tuple(countries)
        return None

    def _partner_prefixes(self) -> set[frozenset[str]]:
        """The partner prefixes the releases write (日米豪, "U.S.-Japan-ROK"), as country sets,
        each once (worked out on first use)."""
        if self._prefixes is None:
            found: set[frozenset[str]] = set()
            for doc in self.docs:
                for m in re.finditer(JA_PREFIX_RE, doc.text):
                    found.add(frozenset(countries_of_ja_prefix(m.group())))
                for m in re.finditer(EN_PREFIX_RE, doc.text):
                    found.add(frozenset(countries_of_en_prefix(m.group())))
            self._prefixes = found
        return self._prefixes

    def _missing_figure(self, scores: Scores, hits: list[Hit]) -> str | None:
        """The kind of figure the question asks for, if none of the best passages (from the
        time it names) states one, nor any release of its event; None when it asks for none
        or one is stated."""
        wanted = scores.query.figure if scores.query is not None else None
        depth = self.params.figure_depth
        if wanted is None or not depth:
            return None
        shown = hits if len(hits) >= depth else self.select(scores, depth, scores.lang)
        period = scores.period
        if wanted.name == "next" and period is not None and scores.query is not None:
            # the next round of the meeting the question names is announced in that
            # meeting's releases: "after" the time it names does not widen them
            period = query_period(scores.query.read, open_spans=False)
        inside = self._in_period(period) if period is not None else None
        if inside is not None:  # a figure from another time does not answer
            shown = [hit for hit in shown if inside[self.doc_by_id[hit.doc.id]]]
        if any(wanted.stated_in(hit.chunk.text) for hit in shown):
            return None
        # nor do the releases of the question's event, in either language: the figure may
        # stand only in the other language's release, below the best passages
        event = [d for d in scores.event if inside is None or inside[d]]
        if any(wanted.stated_in(self._unit_text(u)) for d in event for u in self._units_of_doc[d]):
            return None
        return wanted.name

    def _unit_text(self, unit: int) -> str:
        a, b = (int(x) for x in self.data.unit_span[unit])
        return self.docs[int(self.data.unit_doc[unit])].text[a:b]

    def _above_noise(self, dense: np.ndarray) -> bool:
        """Whether the best passage is closer than off-topic probes get (index.store.probes)."""
        floor = self.data.info.noise_floor
        if self.params.mode == "bm25" or floor is None or not len(dense):
            return True
        return float(dense.max()) > floor + self.params.noise_margin

    def _names_what_a_release_reports(self, scores: Scores) -> bool:
        """Whether one release holds ``name_terms`` or more of the names the question gives
        (people, places, agreements: proper nouns to MeCab, words the dictionary does not know
        as English words), of the time the question names if it names one.

        A question typed as in a chat ("kono & kang kyung-wha fm mtg in manila aug 2017 - how
        long?") can sit no closer to any passage than off-topic probes get, yet name what a
        release reports; an off-topic question names nothing the releases hold together.
        """
        need = self.params.name_terms
        if not need or scores.query is None:
            return False
        weights = self.data.bm25.weights
        vocab = self.data.bm25.vocab
        cols = sorted({vocab[t] for t in self._names_in(scores.query.read) if t in vocab})
        if len(cols) < need:
            return False
        held = np.zeros(len(self.docs), dtype=np.int32)
        for col in cols:
            units = weights.indices[weights.indptr[col] : weights.indptr[col + 1]]
            held[np.unique(self.data.unit_doc[units])] += 1
        if scores.period is not None:
            held = np.where(self._in_period(scores.period), held, 0)
        return bool((held >= need).any())

    def _names_in(self, question: str) -> set[str]:
        """The question's BM25 terms that are names: proper nouns to MeCab (Japanese), words the
        dictionary does not know (English)."""
        tag = getattr(self.tokenizer, "tag", None)
        proper = (
            {w.surface for w in tag(normalize(question)) if w.feature.pos2 == "固有名詞"}
            if tag is not None
            else set()
        )
        lexicon = self.lexicon
        found: set[str] = set()
        for term in self.tokenizer(question):
            if term.isascii():
                if term.isalpha() and lexicon is not None and not lexicon.knows(term):
                    found.add(term)
            elif term in proper:
                found.add(term)
        return found

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
