"""Hybrid retrieval: FAISS (dense) + BM25 fused by reciprocal rank, with word translations
across languages and preferences for the time, meeting and source a question names.

:class:`Retriever` scores every passage here; choosing the passages to show and marking their
answering sentence is in :mod:`index.retrieval.passages`, saying the corpus does not answer in
:mod:`index.retrieval.declining`."""

from __future__ import annotations

import copy
import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np

from index import store
from index.ingest.dates import Period, find_dates
from index.ingest.publishers import Publisher
from index.meetings.catalogue import LATEST, Meeting, meeting_for_question, series_index
from index.model.embed import Embedder
from index.questions import MAX_QUESTION_CHARS as MAX_QUESTION_CHARS
from index.questions import validate_question as validate_question
from index.retrieval.crosslingual import Translated, translated_evidence
from index.retrieval.declining import Declining
from index.retrieval.lexicon import Lexicon, TermSet, open_lexicon, question_sets
from index.retrieval.query import Query, parse
from index.retrieval.quoting import is_sentence
from index.retrieval.ranking import Scored, Scores, SearchParams, rrf
from index.retrieval.spelling import Speller
from index.schema import Answer, Document
from index.tokenize import JapaneseEnglishTokenizer, Tokenizer

log = logging.getLogger(__name__)


class Retriever(Declining):
    """Answers questions from a loaded index.

    Args:
        data: the loaded index (see ``index.store.load``).
        embedder: the model the index was built with.
        tokenizer: BM25 tokenizer; must match the one used at build time.
        params: the ranking knobs.
        lexicon: word translations between the languages (None: BM25 stays within one).
    """

    def __init__(
        self,
        data: store.IndexData,
        embedder: Embedder,
        tokenizer: Tokenizer | None = None,
        params: SearchParams | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.data = data
        self.embedder = embedder
        self.tokenizer = tokenizer or JapaneseEnglishTokenizer()
        self.params = params or SearchParams()
        self.lexicon = lexicon
        self.docs = data.docs
        self.doc_by_id = {d.id: i for i, d in enumerate(data.docs)}
        self._meetings = [Meeting.from_json(m) for m in data.meetings]
        self._series = series_index(self._meetings)
        # the dates each release is about, as day ordinals padded with 0 (docs x dates)
        dates = [[d.toordinal() for d in _doc_dates(doc)] for doc in data.docs]
        width = max((len(x) for x in dates), default=0) or 1
        self._release_days = np.zeros((len(dates), width), dtype=np.int64)
        for i, row in enumerate(dates):
            self._release_days[i, : len(row)] = row
        self._doc_lang = np.array([d.lang for d in data.docs])
        self._unit_lang = self._doc_lang[data.unit_doc] if len(data.docs) else np.array([])
        self._unit_langs = sorted(set(self._unit_lang.tolist()))
        df = np.diff(data.bm25.weights.indptr) if data.bm25.weights.shape[1] else np.zeros(0)
        self._idf = np.log1p((len(data.unit_doc) - df + 0.5) / (df + 0.5))
        # units without a whole sentence: headings, photo captions, link lines (about 22 us a
        # unit: 0.2 s at load for 10k passages)
        self._fragment = np.array(
            [
                not is_sentence(data.docs[d].text[a:b])
                for d, (a, b) in zip(data.unit_doc.tolist(), data.unit_span.tolist(), strict=True)
            ],
            dtype=bool,
        )
        self._publisher_docs: dict[str, np.ndarray] = {}
        self._prefixes: set[frozenset[str]] | None = None
        self._speller: Speller | None = None
        self._folded: dict[int, str] = {}
        # whether each unit names a person: -1 until a question asking who needs it
        self._person = np.full(len(data.unit_doc), -1, dtype=np.int8)
        self._doc_day = np.array(
            [doc.date.toordinal() if doc.date else 0 for doc in data.docs], dtype=np.int64
        )
        spans = np.asarray(data.unit_span, dtype=np.int64).reshape(-1, 2)
        self._unit_len = spans[:, 1] - spans[:, 0]
        self._units_of_doc: dict[int, list[int]] = {}
        for u, d in enumerate(data.unit_doc.tolist()):
            self._units_of_doc.setdefault(d, []).append(u)
        # the events (meetings of the catalogue) each release reports, and their releases
        self._event_docs = [
            [self.doc_by_id[s.path] for s in m.sources if s.path in self.doc_by_id]
            for m in self._meetings
        ]
        self._doc_events: list[list[int]] = [[] for _ in data.docs]
        for e, docs_of_event in enumerate(self._event_docs):
            for doc_i in docs_of_event:
                self._doc_events[doc_i].append(e)
        dated = [d.date for d in data.docs if d.date]
        self._held = (min(dated), max(dated)) if dated else None  # the corpus's first and last

    @classmethod
    def load(
        cls, index_dir: Path, embedder: Embedder, params: SearchParams | None = None
    ) -> Retriever:
        """Load the index at ``index_dir``; refuses one built with another model."""
        data = store.load(index_dir, embedder.model_id, embedder.checksum)
        tokenizer = JapaneseEnglishTokenizer()
        if data.info.tokenizer != tokenizer.name:
            tokenizer = JapaneseEnglishTokenizer(data.info.tokenizer.rsplit("-", 1)[-1])
        return cls(data, embedder, tokenizer, params, open_lexicon(tokenizer))

    @property
    def speller(self) -> Speller:
        """The corpus's vocabulary as a spelling corrector (built on first use)."""
        if self._speller is None:
            df = np.diff(self.data.bm25.weights.indptr)
            lexicon = self.lexicon
            known = None if lexicon is None else lexicon.knows
            self._speller = Speller({t: int(df[c]) for t, c in self.data.bm25.vocab.items()}, known)
        return self._speller

    @property
    def info(self) -> store.IndexInfo:
        return self.data.info

    def with_params(self, **changes: object) -> Retriever:
        """The same index with other ranking knobs (for benchmarks)."""
        other = copy.copy(self)  # shares the index and what was derived from it at load
        other.params = replace(self.params, **changes)  # type: ignore[arg-type]
        return other

    # -- scoring -----------------------------------------------------------------------

    def read(self, question: str) -> Query:
        """The question parsed once for every later step (misspelt words corrected when
        ``spelling`` is on; "the latest" meeting of a series read as that meeting's days)."""
        correct = self.speller.correct if self.params.spelling else None
        q = parse(question, self.tokenizer, correct, shorthand=self.params.chat_shorthand)
        return self._latest_as_time(q)

    def _latest_as_time(self, q: Query) -> Query:
        """ "the latest Japan-Canada foreign ministers' meeting", 「直近の日豪2+2」: the newest
        round of that series in the catalogue, across every publisher and both languages, gives
        the question its time, which then works as a time the question names (a constraint:
        that meeting's releases, in either language, first)."""
        if q.period is not None or not self.params.latest_as_time or not self.data.meetings:
            return q
        if not LATEST.search(q.read):
            return q
        named = meeting_for_question(
            q.read, self.data.meetings, parsed=self._meetings, series=self._series, period=None
        )
        if named is None:
            return q
        start = dt.date.fromisoformat(named["date_start"])
        end = dt.date.fromisoformat(named.get("date_end") or named["date_start"])
        # a release dated the day after (time zones) still reports it
        period = Period(start, end + dt.timedelta(days=1), "day")
        return replace(q, period=period, meeting=tuple(s["path"] for s in named["sources"]))

    def encode(self, question: str | Query) -> np.ndarray:
        """The query embedding (of the question without its dates, which are matched apart)."""
        q = question if isinstance(question, Query) else parse(question, self.tokenizer)
        focus = q.focus if self.params.dense_drop_dates else q.read
        return self.embedder.encode_queries([focus])[0].astype(np.float32)

    def score(
        self,
        question: str | Query,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        lang: str | None = None,
        qvec: np.ndarray | None = None,
    ) -> Scores:
        """Score every unit for ``question`` (a string is parsed as it stands, without spelling
        correction: :meth:`read` does that); candidates come sorted best first."""
        p = self.params
        n = len(self.data.unit_doc)
        q = question if isinstance(question, Query) else parse(question, self.tokenizer)
        if qvec is None:
            qvec = self.encode(q)
        allowed = self._allowed_docs(since, until, lang)
        # deeper than the candidates: each language ranks its own dense scores
        depth = n if allowed is not None else min(n, 4 * p.candidates)
        dense = np.full(n, -1.0, dtype=np.float32)
        if p.mode != "bm25":
            sims, ids = self.data.vectors.search(qvec[None, :], depth)
            keep = ids[0] >= 0
            dense[ids[0][keep]] = sims[0][keep]
            if q.period is not None:
                self._score_period(dense, qvec, q.period)
        q_lang, period = q.lang, q.period
        focus = q.focus if p.bm25_drop_dates else q.read
        terms = q.terms if p.bm25_drop_dates else self.tokenizer(focus)
        bm25 = self.data.bm25.scores(terms) if p.mode != "dense" else np.zeros(n, np.float32)
        if p.bm25_same_lang and p.mode == "hybrid":
            bm25 = np.where(self._unit_lang == q_lang, bm25, 0.0).astype(np.float32)
        mask = np.ones(n, dtype=bool) if allowed is None else allowed[self.data.unit_doc]
        fused = self._fuse(q_lang, dense, bm25, terms, mask)
        found = None
        if p.mode == "hybrid" and p.translate_weight and self.lexicon is not None:
            sets = question_sets(focus, q_lang, self.lexicon, self.tokenizer)
            # with filters, what the question's language holds is judged on all its releases
            everywhere = np.ones(n, dtype=bool)
            ranked = (
                fused if allowed is None else self._fuse(q_lang, dense, bm25, terms, everywhere)
            )
            found = self._translated(q_lang, ranked, mask, sets, period)
            ranks = rrf(np.where(found.scores > 0, found.scores, -np.inf), p.candidates, p.rrf_k)
            fused += p.translate_weight * ranks
        if p.release_weight and p.mode != "bm25":
            releases = self._release_ranks(dense, mask)
            fused += np.where(fused > 0, p.release_weight * releases[self.data.unit_doc], 0.0)
        self._cut_back(fused)
        fused += self._preferences(q, fused)
        event = self._event_releases(fused)
        order = self._candidates(fused)
        scored = [Scored(int(u), float(fused[u]), float(dense[u]), float(bm25[u])) for u in order]
        siblings: list[Scored] = []
        if p.event_slots:
            siblings = [
                Scored(u, float(fused[u]), float(dense[u]), float(bm25[u]))
                for u in self._event_siblings(event, qvec, q_lang, mask)
            ]
        return Scores(
            scored,
            dense,
            bm25,
            qvec,
            terms,
            q_lang,
            translated=None if found is None else found.scores,
            translated_terms=frozenset() if found is None else found.terms,
            translations={} if found is None else found.pairs,
            period=period,
            sought=q.sought,
            siblings=siblings,
            event=tuple(np.flatnonzero(event).tolist()),
            query=q,
        )

    def _score_period(self, dense: np.ndarray, qvec: np.ndarray, period: Period) -> None:
        """Similarities for the units of the releases from the time the question names that the
        nearest-neighbour search left out (``dense`` is changed). The search keeps a fixed
        number of units, mostly in the question's language; the time's releases in the other
        language must still be ranked, since the time makes them the candidates."""
        inside = self._in_period(period)[self.data.unit_doc] & (dense <= -1.0)
        units = np.flatnonzero(inside)[: self.params.period_units]
        if len(units):
            vecs = self.data.vectors.reconstruct_batch(units)
            dense[units] = np.asarray(vecs @ qvec, dtype=np.float32)

    def _cut_back(self, fused: np.ndarray) -> None:
        """Cut back headings and captions (``fused`` is changed; before the preferences, which
        rank tiers above it)."""
        p = self.params
        positive = np.flatnonzero(fused > 0)
        if p.fragment_penalty:
            fused[positive[self._fragment[positive]]] *= 1.0 - p.fragment_penalty

    def _candidates(self, fused: np.ndarray) -> np.ndarray:
        """The ``candidates`` best units, best first."""
        p = self.params
        positive = np.flatnonzero(fused > 0)
        if len(positive) > p.candidates:
            positive = positive[np.argpartition(-fused[positive], p.candidates - 1)[: p.candidates]]
        return positive[np.argsort(-fused[positive], kind="stable")]

    def _translated(
        self,
        q_lang: str,
        fused: np.ndarray,
        mask: np.ndarray,
        sets: list[TermSet],
        period: Period | None,
    ) -> Translated:
        """Other-language evidence for the words the question's own language lacks: in the
        releases from the time it names, or else in the releases of its best passages. A word
        counts when its translation points at few passages about the question (see
        SearchParams.translate_units)."""
        p = self.params
        same = self._unit_lang == q_lang
        inside = self._in_period(period)[self.data.unit_doc] if period is not None else None
        scope: np.ndarray | None = None
        if inside is not None and (same & inside).any():
            context = same & inside
            scope = ~same & mask & inside
        else:
            context = self._releases_of(self._best(fused, same, p.translate_context))
            if inside is None:
                scope = ~same & mask & self._releases_of(self._best(fused, None, p.translate_scope))
            # else only the other language holds releases from that time: all its words count
        # headings and captions (「協議の様子」) are no evidence that a passage answers
        eligible = ~same & mask & ~self._fragment
        return translated_evidence(
            self.data.bm25,
            sets,
            eligible,
            context,
            p.translate_readings,
            None if scope is None else scope & eligible,
            p.translate_units,
        )

    @staticmethod
    def _best(fused: np.ndarray, among: np.ndarray | None, top: int) -> np.ndarray:
        """The ``top`` best-scored units (of ``among``)."""
        candidates = np.flatnonzero((fused > 0) if among is None else among & (fused > 0))
        if len(candidates) > top:
            candidates = candidates[np.argpartition(-fused[candidates], top - 1)[:top]]
        return candidates

    def _releases_of(self, units: np.ndarray) -> np.ndarray:
        """Every unit of the releases ``units`` belong to."""
        held = np.zeros(len(self.data.unit_doc), dtype=bool)
        for doc_i in set(self.data.unit_doc[units].tolist()):
            held[self._units_of_doc[doc_i]] = True
        return held

    def _need_other(self, bm25: np.ndarray, terms: list[str]) -> float:
        """How likely the answer stands only in the other language, 0-1: the less of the
        question's BM25 weight the best passage of its own language holds, the likelier."""
        coverage = float(bm25.max()) / max(self.data.bm25.max_score(terms), 1e-9)
        return max(0.0, 1.0 - coverage / self.params.coverage_pivot)

    def _fuse(
        self, q_lang: str, dense: np.ndarray, bm25: np.ndarray, terms: list[str], mask: np.ndarray
    ) -> np.ndarray:
        """Reciprocal-rank fusion of the dense ranks (per language) and the BM25 ranks."""
        p = self.params
        n = len(dense)
        fused = np.zeros(n, dtype=np.float64)
        if p.mode != "bm25":
            valid = mask & (dense > -1.0)
            dense_rrf = np.zeros(n, dtype=np.float64)
            groups = (
                [self._unit_lang == lang for lang in self._unit_langs] if p.lang_norm else [valid]
            )
            for group in groups:
                dense_rrf += rrf(np.where(valid & group, dense, -np.inf), p.candidates, p.rrf_k)
            fused += dense_rrf * p.dense_weight
            if p.mode == "hybrid" and p.impute_cross:
                # the less the question's own language covers its words, the likelier the
                # answer stands only in the other language
                weight = p.impute_cross * self._need_other(bm25, terms)
                other = self._unit_lang != q_lang
                fused += np.where(other, dense_rrf * p.bm25_weight * weight, 0.0)
        if p.mode != "dense":
            bm25_rrf = rrf(np.where(mask & (bm25 > 0), bm25, -np.inf), p.candidates, p.rrf_k)
            fused += bm25_rrf * p.bm25_weight
        return fused

    def _preferences(self, q: Query, fused: np.ndarray) -> np.ndarray:
        """Bonuses for releases from the time, of the meeting and by the body the question
        names."""
        p = self.params
        period = q.period
        preferred = np.zeros(len(self.docs), dtype=np.float64)
        if period is not None and p.date_bonus:
            preferred += np.where(self._in_period(period), p.date_bonus, 0.0)
        for path in q.meeting if p.meeting_bonus else ():
            # "the latest ...": of the releases from its days, that meeting's own first
            if path in self.doc_by_id:
                preferred[self.doc_by_id[path]] += p.meeting_bonus
        if (
            p.meeting_bonus
            and self.data.meetings
            and not q.meeting
            and (period is None or p.meeting_with_time)
        ):
            named = meeting_for_question(
                q.read,
                self.data.meetings,
                parsed=self._meetings,
                series=self._series,
                period=period,
            )
            for source in named["sources"] if named else []:
                if source["path"] in self.doc_by_id:
                    preferred[self.doc_by_id[source["path"]]] += p.meeting_bonus
        if p.publisher_bonus:
            for source in q.sources:
                preferred += np.where(self._published_by(source), p.publisher_bonus, 0.0)
        return np.where(fused > 0, preferred[self.data.unit_doc], 0.0)

    def _event_releases(self, fused: np.ndarray) -> np.ndarray:
        """Which releases report the event (meeting) of the best-scored passage's release."""
        held = np.zeros(len(self.docs), dtype=bool)
        best = int(np.argmax(fused)) if len(fused) else 0
        if not len(fused) or fused[best] <= 0:
            return held
        for e in self._doc_events[int(self.data.unit_doc[best])]:
            held[self._event_docs[e]] = True
        return held

    def _release_ranks(self, dense: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Reciprocal-rank scores of the releases (per document), ranked within each language
        by the mean similarity of their (up to) three best units the dense search found."""
        found = np.flatnonzero(mask & (dense > -1.0))
        out = np.zeros(len(self.docs), dtype=np.float64)
        if not len(found):
            return out
        docs = self.data.unit_doc[found]
        sims = dense[found].astype(np.float64)
        order = np.lexsort((-sims, docs))
        docs, sims = docs[order], sims[order]
        starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
        place = np.arange(len(docs)) - np.repeat(starts, np.diff(np.r_[starts, len(docs)]))
        best = place < 3
        total = np.bincount(docs[best], weights=sims[best], minlength=len(self.docs))
        count = np.bincount(docs[best], minlength=len(self.docs))
        mean = np.where(count > 0, total / np.maximum(count, 1), -np.inf)
        for lang in self._unit_langs:
            out += rrf(np.where(self._doc_lang == lang, mean, -np.inf), len(out), self.params.rrf_k)
        return out

    def _event_siblings(
        self, event: np.ndarray, qvec: np.ndarray, q_lang: str, mask: np.ndarray
    ) -> list[int]:
        """The other language's sentences of the event's releases, best first.

        They are ranked within the event: by their similarity to the question, less
        ``event_novelty`` times their similarity to the closest sentence of the question's own
        language's releases of the event. An answer that stands only in the other language is
        a detail the own-language release leaves out, so it has no counterpart there; a
        sentence that translates what the own-language release says adds nothing to it.
        """
        p = self.params
        in_event = event[self.data.unit_doc]
        other = np.flatnonzero(in_event & (self._unit_lang != q_lang) & mask & ~self._fragment)
        if not len(other):
            return []
        vecs = self.data.vectors.reconstruct_batch(other)
        sims = np.asarray(vecs @ qvec, dtype=np.float64)
        same = np.flatnonzero(in_event & (self._unit_lang == q_lang))
        if len(same) and p.event_novelty:
            own = self.data.vectors.reconstruct_batch(same)
            sims -= p.event_novelty * np.asarray((vecs @ own.T).max(axis=1), dtype=np.float64)
        return [int(u) for u in other[np.argsort(-sims, kind="stable")]]

    def _published_by(self, source: Publisher) -> np.ndarray:
        """Which releases are ``source``'s (computed once per body)."""
        if source.key not in self._publisher_docs:
            self._publisher_docs[source.key] = np.array(
                [source.publishes(doc) for doc in self.docs], dtype=bool
            )
        return self._publisher_docs[source.key]

    def _allowed_docs(
        self, since: dt.date | None, until: dt.date | None, lang: str | None
    ) -> np.ndarray | None:
        if since is None and until is None and lang is None:
            return None
        ok = np.ones(len(self.docs), dtype=bool)
        for i, doc in enumerate(self.docs):
            if lang and doc.lang != lang:
                ok[i] = False
            if (
                ((since or until) and doc.date is None)
                or (since and doc.date and doc.date < since)
                or (until and doc.date and doc.date > until)
            ):
                ok[i] = False
        return ok

    # -- answering ---------------------------------------------------------------------

    def ask(
        self,
        question: str,
        k: int = 5,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        lang: str | None = None,
    ) -> Answer:
        """Retrieve the ``k`` best passages for ``question``, each with its answering sentence."""
        question = validate_question(question)
        k = max(1, min(int(k), 20))
        scores = self.score(self.read(question), since=since, until=until, lang=lang)
        q_lang = scores.lang
        hits = self.select(scores, k, q_lang)
        why = self.decline(scores, hits)
        if why is None:
            return Answer(question, q_lang, True, self.for_reader(hits, scores))
        suggestions = list({hit.doc.id: hit.doc for hit in hits}.values())
        period = scores.period
        return Answer(
            question,
            q_lang,
            False,
            [],
            why.releases or ([] if why.reason in ("round", "partners") else suggestions[:3]),
            None if why.reason == "none" else why.reason,
            None if period is None else (period.start, period.end),
            why.rounds,
            self._held,
            why.partners,
            why.number,
        )


def _doc_dates(doc: Document) -> list[dt.date]:
    """The dates a release is about: its own date and the first dates its text gives."""
    dates = [doc.date] if doc.date else []
    year = doc.date.year if doc.date else None
    for mention in find_dates(doc.text[:600], default_year=year)[:2]:
        dates.append(mention.date_start)
        if mention.date_end:
            dates.append(mention.date_end)
    return dates
