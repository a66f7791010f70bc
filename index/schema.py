"""Plain data that crosses module borders: documents, chunks, hits, answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One press release.

    ``text`` is the release body exactly as it stands in the file (for ``.txt``/``.md`` a
    contiguous substring of the decoded file; for HTML and PDF the extracted text), so every
    chunk and quote, kept as offsets into ``text``, is verbatim.
    """

    id: str  # stable id: the path relative to the corpus folder, POSIX style
    path: str  # relative to the corpus folder
    title: str
    date: dt.date | None
    url: str | None
    lang: str  # "ja" or "en"
    publisher: str | None
    text: str


@dataclass(frozen=True)
class Chunk:
    """A span of a document: ``doc.text[start:end] == text``."""

    id: int
    doc_id: str
    start: int
    end: int
    text: str
    lang: str


@dataclass(frozen=True)
class Gloss:
    """A date, figure or name of a quote, for a reader of the other language.

    ``text`` is as the quote writes it; ``gloss`` is its form in the reader's language: the date
    as an ISO date (or 2024年12月10日), the name as JMdict or JMnedict translate it, a figure as
    written (``gloss == text``).
    """

    text: str
    gloss: str
    kind: str  # "date", "figure" or "name"

    def to_json(self) -> dict[str, str]:
        return {"text": self.text, "gloss": self.gloss, "kind": self.kind}


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with the sentence that best answers the question."""

    chunk: Chunk
    doc: Document
    score: float
    quote: str
    quote_start: int  # offsets into doc.text
    quote_end: int
    # for a passage in the other language: the question's words it was found by, each with
    # the translation the passage holds (("Futenma", "普天間"),)
    matched: tuple[tuple[str, str], ...] = ()
    # other releases that print the same passage (a reprint by another publisher): shown once,
    # here, with "also published by"
    also: tuple[Document, ...] = ()
    # for a passage in the other language than the question's: the release of the same meeting
    # in the question's language (from the meetings catalogue), and the quote's dates, figures
    # and names in the question's language, as far as the dictionaries know them
    counterpart: Document | None = None
    gloss: tuple[Gloss, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "doc_id": self.doc.id,
            "path": self.doc.path,
            "title": self.doc.title,
            "date": self.doc.date.isoformat() if self.doc.date else None,
            "publisher": self.doc.publisher,
            "url": self.doc.url,
            "lang": self.doc.lang,
            "score": round(self.score, 4),
            "text": self.chunk.text,
            "quote": self.quote,
            "start": self.chunk.start,
            "end": self.chunk.end,
            "counterpart": None if self.counterpart is None else release_json(self.counterpart),
            "gloss": [g.to_json() for g in self.gloss],
        }


def release_json(doc: Document) -> dict[str, object]:
    """A release as ``secbrief ask --json`` names it."""
    return {
        "doc_id": doc.id,
        "path": doc.path,
        "title": doc.title,
        "date": doc.date.isoformat() if doc.date else None,
        "publisher": doc.publisher,
        "url": doc.url,
        "lang": doc.lang,
    }


def in_language(lang: str, ja: str | None, en: str | None) -> str | None:
    """The form in ``lang`` ("ja" or else English), or the other when that one is missing."""
    first, second = (ja, en) if lang == "ja" else (en, ja)
    return first or second


@dataclass(frozen=True)
class Round:
    """One meeting of a series the corpus holds (for a decline listing the rounds it has)."""

    name_ja: str
    name_en: str
    date: dt.date
    place_ja: str | None = None
    place_en: str | None = None

    def name_in(self, lang: str) -> str:
        return self.name_ja if lang == "ja" and self.name_ja else self.name_en

    def place_in(self, lang: str) -> str | None:
        return in_language(lang, self.place_ja, self.place_en)


@dataclass(frozen=True)
class Answer:
    """The result of one question."""

    question: str
    lang: str
    answered: bool
    hits: list[Hit] = field(default_factory=list)
    # when not answered: the closest documents, for a "did you mean" line
    suggestions: list[Document] = field(default_factory=list)
    # why it was not answered (None: nothing in the corpus is close to it): the kind of figure
    # the question asks for and no passage states ("amount", "percentage", "headcount",
    # "duration", "next"; see index.retrieval.answertype), or "period", "round" or
    # "partners" (below)
    missing: str | None = None
    # the time the question names (first and last day), for the declines that depend on it:
    # missing == "period" (no release is from that time) and "round" (the meeting series the
    # question names held no round then; ``rounds`` are those the corpus holds)
    period: tuple[dt.date, dt.date] | None = None
    rounds: list[Round] = field(default_factory=list)
    # the first and last release dates of the corpus (for missing == "period")
    held: tuple[dt.date, dt.date] | None = None
    # missing == "partners": the countries (codes: "JP", "GB") of the meeting the question
    # names, which no release reports a meeting of
    partners: tuple[str, ...] = ()
    # missing == "round" for a round named by its number ("the fourth Japan-U.K. 2+2") that
    # no release of the series states (``rounds`` are those the corpus holds)
    round_number: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "lang": self.lang,
            "answered": self.answered,
            "passages": [h.to_json() for h in self.hits],
        }
