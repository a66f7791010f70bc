"""Choosing the passages to show for a question and marking the sentence that answers.

The ranked candidates of :meth:`index.retrieval.search.Retriever.score` become passages: a unit
with its neighbours, at most ``per_doc`` from one release, none overlapping or reprinting another,
some kept for the other language (first from the other language's release of the same event).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from index import store
from index.ingest.publishers import PUBLISHERS
from index.retrieval.answertype import holds, names_person
from index.retrieval.gloss import gloss_quote
from index.retrieval.lexicon import Lexicon
from index.retrieval.quoting import near_duplicate, shingles
from index.retrieval.ranking import Scored, Scores, SearchParams
from index.schema import Chunk, Document, Hit
from index.store.units import passage_span
from index.text import sentence_spans
from index.tokenize import JapaneseEnglishTokenizer, Tokenizer

_LOOK_UNITS = 200  # units searched for a translation the corpus may write


class Passages:
    """The passage half of :class:`index.retrieval.search.Retriever` (which sets these
    attributes)."""

    data: store.IndexData
    docs: list[Document]
    params: SearchParams
    tokenizer: Tokenizer
    lexicon: Lexicon | None
    doc_by_id: dict[str, int]
    _event_docs: list[list[int]]  # the releases of each meeting of the catalogue
    _doc_events: list[list[int]]  # the meetings each release reports
    _unit_lang: np.ndarray
    _unit_langs: list[str]
    _units_of_doc: dict[int, list[int]]
    _fragment: np.ndarray
    _doc_day: np.ndarray
    _unit_len: np.ndarray
    _idf: np.ndarray
    _person: np.ndarray  # whether each unit names a person: -1 until first needed

    def select(self, scores: Scores, k: int, q_lang: str) -> list[Hit]:
        """Best passages first; of the first five, ``min_other`` are kept for the language the
        question is not in (BM25 cannot match across languages, so those rank lower)."""
        p = self.params
        chosen: list[tuple[Scored, tuple[int, int]]] = []
        per_doc: dict[int, int] = {}
        window = min(k, 5)
        has_other = any(lang != q_lang for lang in self._unit_langs)
        need = min(p.min_other, window - 1) if has_other else 0
        tried: set[int] = set()
        seen: dict[int, set[str]] = {}
        reprints: dict[int, list[int]] = {}  # chosen unit -> releases reprinting its passage
        siblings = {c.unit for c in scores.siblings}
        while len(chosen) < k:
            others = sum(1 for c, _ in chosen if self._unit_lang[c.unit] != q_lang)
            must_other = len(chosen) < window and need - others >= window - len(chosen)
            added = False
            # the other-language slots go first to the other language's releases of the event
            # the best passage reports, ranked within it (Retriever._event_siblings)
            pool = [*scores.siblings, *scores.ranked] if must_other else scores.ranked
            for s in pool:
                if s.unit in tried or (must_other and self._unit_lang[s.unit] == q_lang):
                    continue
                sibling = must_other and s.unit in siblings
                if must_other and not sibling and s.fused < p.other_ratio * scores.ranked[0].fused:
                    break
                tried.add(s.unit)
                if self._try_add(s, chosen, per_doc, seen, reprints):
                    added = True
                    break
            if not added:
                if not must_other:
                    break
                need = others  # no other-language passage left: fill with the rest
        hits = [self._hit(s, span, scores) for s, span in chosen]
        return [
            replace(hit, also=tuple(self._also(hit.doc, reprints.get(s.unit, []))))
            for hit, (s, _) in zip(hits, chosen, strict=True)
        ]

    def for_reader(self, hits: list[Hit], scores: Scores) -> list[Hit]:
        """Under each passage in the other language than the question's: the release of the
        same meeting in the question's language (when the catalogue has one), and the quote's
        dates, figures and names in that language, as far as the dictionaries know them."""
        event = set(scores.event)
        out: list[Hit] = []
        for hit in hits:
            doc_i = self.doc_by_id.get(hit.doc.id)
            if hit.doc.lang == scores.lang or doc_i is None:
                out.append(hit)
                continue
            readers = self._reader_releases(doc_i, scores.lang, event)
            gloss = gloss_quote(
                hit.quote,
                hit.doc.lang,
                hit.doc.date,
                self.lexicon,
                self.tokenizer,
                [self.docs[d].text for d in readers],
                self._written,
            )
            counterpart = self.docs[readers[0]] if readers else None
            out.append(replace(hit, counterpart=counterpart, gloss=gloss))
        return out

    def _reader_releases(self, doc_i: int, lang: str, event: set[int]) -> list[int]:
        """The releases in ``lang`` of the meetings release ``doc_i`` reports, best first: of
        the question's event, by the same body (MOFA's English page for MOFA's Japanese one),
        nearest in date."""
        doc = self.docs[doc_i]
        bodies = {p.key for p in PUBLISHERS if p.publishes(doc)}
        found = {
            d
            for e in self._doc_events[doc_i]
            for d in self._event_docs[e]
            if d != doc_i and self.docs[d].lang == lang
        }

        def rank(d: int) -> tuple[bool, bool, int, str]:
            other = self.docs[d]
            days = abs((other.date - doc.date).days) if other.date and doc.date else 9999
            same_body = any(p.publishes(other) for p in PUBLISHERS if p.key in bodies)
            return d not in event, not same_body, days, other.path

        return sorted(found, key=rank)

    def _written(self, text: str, terms: Sequence[str]) -> bool:
        """Whether a passage of the index writes ``text`` (case aside; a Latin text as whole
        words), looked for in the units holding all its BM25 ``terms``."""
        found = self.data.bm25.postings(list(terms)) if terms else None
        if found is None:
            return False
        needle = re.escape(text.casefold())
        if text.isascii():
            needle = rf"(?<![a-z0-9]){needle}(?![a-z0-9])"
        for u in found[0][:_LOOK_UNITS].tolist():
            doc = self.docs[int(self.data.unit_doc[u])]
            a, b = (int(x) for x in self.data.unit_span[u])
            if re.search(needle, doc.text[a:b].casefold()):
                return True
        return False

    def _also(self, doc: Document, reprinted_in: list[int]) -> list[Document]:
        """The other releases that reprint a shown passage, each once: in its language and
        dated within a week of it (a passage a later round repeats, "the EDD was established
        in 2010", is no reprint)."""
        out: list[Document] = []
        for d in reprinted_in:
            other = self.docs[d]
            near = (
                doc.date is not None
                and other.date is not None
                and abs((other.date - doc.date).days) <= 7
            )
            if other.lang == doc.lang and near and all(o.path != other.path for o in out):
                out.append(other)
        return out

    def _try_add(
        self,
        s: Scored,
        chosen: list[tuple[Scored, tuple[int, int]]],
        per_doc: dict[int, int],
        seen: dict[int, set[str]] | None = None,
        reprints: dict[int, list[int]] | None = None,
    ) -> bool:
        """Add ``s`` as a passage unless its release has enough, its unit is already shown,
        or it repeats a chosen passage (a reprint). Its neighbours join it only where they are
        not shown yet, so the answer next to a passage already chosen still gets its own.
        ``seen`` caches shingles."""
        doc_i = int(self.data.unit_doc[s.unit])
        if per_doc.get(doc_i, 0) >= self.params.per_doc:
            return False
        units = self._units_of_doc[doc_i]
        local = units.index(s.unit)
        spans = [(int(a), int(b)) for a, b in self.data.unit_span[units].tolist()]
        shown = [span for other, span in chosen if int(self.data.unit_doc[other.unit]) == doc_i]
        unit_start, unit_end = spans[local]
        if any(a < unit_end and unit_start < b for a, b in shown):
            return False
        span = passage_span(spans, local, self.params.passage_chars, shown, self.docs[doc_i].text)
        seen = {} if seen is None else seen
        mine: set[str] | None = None
        for other, other_span in chosen:
            other_doc = int(self.data.unit_doc[other.unit])
            if other.unit not in seen:
                seen[other.unit] = shingles(
                    self.docs[other_doc].text[other_span[0] : other_span[1]]
                )
            if mine is None:
                mine = shingles(self.docs[doc_i].text[span[0] : span[1]])
            if near_duplicate(mine, seen[other.unit]):
                if reprints is not None and other_doc != doc_i:
                    reprints.setdefault(other.unit, []).append(doc_i)
                return False
        chosen.append((s, span))
        per_doc[doc_i] = per_doc.get(doc_i, 0) + 1
        if mine is not None:
            seen[s.unit] = mine
        return True

    def _hit(self, s: Scored, span: tuple[int, int], scores: Scores) -> Hit:
        doc_i = int(self.data.unit_doc[s.unit])
        doc = self.docs[doc_i]
        best, best_score = s.unit, -np.inf
        dense = scores.dense
        # the question's own words, or in the other language the translations that matched;
        # as the unit itself holds them (BM25 also gives it its release's title)
        wanted = self._wanted(doc, scores)
        most = self._weight(wanted) or 1.0
        for u in self._units_of_doc[doc_i]:
            us, ue = (int(x) for x in self.data.unit_span[u])
            if us < span[0] or ue > span[1]:
                continue
            d = float(dense[u])
            if d <= -1.0:
                d = float(self.data.vectors.reconstruct(u) @ scores.qvec)
            held = wanted.intersection(self.tokenizer(doc.text[us:ue])) if wanted else set()
            value = d + 0.05 * self._weight(held) / most
            if scores.sought and not self._holds(u, scores.sought):
                value -= 0.05  # a who-question is answered by a name, a when-question by a date
            if self._fragment[u]:
                value -= 0.1  # a heading or a link line says little: quote a sentence
            if value > best_score:
                best, best_score = u, value
        unit_start, unit_end = (int(x) for x in self.data.unit_span[best])
        qs, qe = self._best_sentence(doc, unit_start, unit_end, scores)
        chunk = Chunk(s.unit, doc.id, span[0], span[1], doc.text[span[0] : span[1]], doc.lang)
        matched: tuple[tuple[str, str], ...] = ()
        if doc.lang != scores.lang and scores.translations:
            held = set(self.tokenizer(chunk.text))
            glue = "" if doc.lang == "ja" else " "
            matched = tuple(
                (words, glue.join(target))
                for target, words in scores.translations.items()
                if held.issuperset(target) and glue.join(target) != words.lower()
            )
        return Hit(chunk, doc, s.fused, doc.text[qs:qe], qs, qe, matched)

    def _best_sentence(
        self, doc: Document, start: int, end: int, scores: Scores
    ) -> tuple[int, int]:
        """Within a unit of several sentences, the one sharing the rarest question terms (in
        the other language: their translations that matched); the longest when none does.
        One holding what the question asks for (a name, a date, ...) comes first."""
        text = doc.text
        spans = sentence_spans(text, start, end)
        if len(spans) <= 1:
            return start, end
        wanted = self._wanted(doc, scores)
        kind = scores.sought

        def weight(span: tuple[int, int]) -> tuple[bool, float, int]:
            sentence = text[span[0] : span[1]]
            found = wanted.intersection(self.tokenizer(sentence))
            fits = kind is None or holds(kind, sentence, doc.lang, self._tagger())
            return fits, self._weight(found), span[1] - span[0]

        return max(spans, key=weight)

    def _holds(self, unit: int, kind: str) -> bool:
        """Whether the unit holds what the question asks for (answertype.sought)."""
        if kind == "person":
            return self._names_person(unit)
        doc = self.docs[int(self.data.unit_doc[unit])]
        a, b = (int(x) for x in self.data.unit_span[unit])
        return holds(kind, doc.text[a:b], doc.lang)

    def _names_person(self, unit: int) -> bool:
        """Whether the unit names a person (worked out once per unit, when first needed)."""
        known = self._person[unit]
        if known < 0:
            doc = self.docs[int(self.data.unit_doc[unit])]
            a, b = (int(x) for x in self.data.unit_span[unit])
            known = int(names_person(doc.text[a:b], doc.lang, self._tagger()))
            self._person[unit] = known
        return bool(known)

    def _tagger(self) -> Callable[[str], list[Any]] | None:
        """fugashi's tagger, to find personal names in Japanese."""
        return self.tokenizer.tag if isinstance(self.tokenizer, JapaneseEnglishTokenizer) else None

    @staticmethod
    def _wanted(doc: Document, scores: Scores) -> set[str]:
        """The question's terms, or for a release in the other language the translations of
        them that matched."""
        return set(scores.terms) if doc.lang == scores.lang else set(scores.translated_terms)

    def _weight(self, found: set[str]) -> float:
        """The idf summed over the ``found`` terms the index knows."""
        vocab = self.data.bm25.vocab
        return sum(float(self._idf[vocab[t]]) for t in found if t in vocab)
