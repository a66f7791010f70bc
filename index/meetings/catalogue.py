"""Meetings reported by the corpus, extracted at index time and stored with the index.

:func:`extract_meetings` (called by :mod:`index.store.build`) finds in each release the
meeting(s) it reports (:mod:`index.meetings.extract`), groups the releases that report the same
meeting (the Japanese and English releases, a ministry's text and its reprints), and picks two to
four key sentences per language by maximal marginal relevance over the sentence embeddings.
``meetings.json`` holds ``[m.to_json() for m in meetings]``; :meth:`Meeting.from_json` reads it
back. :func:`meeting_for_question` finds the meeting a question names.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from index.ingest.dates import Period, query_period
from index.meetings.countries import (
    CODE_OF_FULL_NAME,
    FULL_NAME,
    JA_NAME,
    cased_prefixes,
    sort_countries,
)
from index.meetings.extract import Found, countries_compatible, extract_document
from index.meetings.names import Kind, meeting_names, name_mentions
from index.meetings.people import Person, merge_people
from index.meetings.quotes import Quote, key_sentences
from index.schema import Document, in_language
from index.text import detect_lang

log = logging.getLogger(__name__)

SEPARATOR = " / "  # between the Japanese and the English form of a name or place


@dataclass(frozen=True)
class Source:
    """A release reporting a meeting; ``path`` is relative to the corpus folder."""

    path: str
    title: str
    date: dt.date | None
    lang: str
    url: str | None


@dataclass(frozen=True)
class Meeting:
    """One meeting with all the releases that report it."""

    name_ja: str
    name_en: str
    date_start: dt.date
    date_end: dt.date
    place_ja: str | None
    place_en: str | None
    participants: tuple[str, ...]  # as published, Japanese forms first
    countries: tuple[str, ...]  # codes ("JP", "US", "ASEAN"), canonical order
    sources: tuple[Source, ...]
    summary: tuple[Quote, ...] = ()
    kind: Kind = field(default=Kind("meeting"), compare=False)

    @property
    def name(self) -> str:
        return self.name_ja + SEPARATOR + self.name_en if self.name_ja else self.name_en

    @cached_property
    def abbr(self) -> str | None:
        m = re.search(r"\(([A-Z][A-Z0-9]{1,6})\)$", self.name_en)
        return m.group(1) if m else None

    def name_in(self, lang: str) -> str:
        return self.name_ja if lang == "ja" and self.name_ja else self.name_en

    def place_in(self, lang: str) -> str | None:
        return in_language(lang, self.place_ja, self.place_en)

    def participants_in(self, lang: str) -> list[str]:
        mine = [p for p in self.participants if detect_lang(p) == lang]
        return mine or list(self.participants)

    def reported_in(self, lang: str) -> bool:
        """Whether a release in ``lang`` reports the meeting."""
        return any(s.lang == lang for s in self.sources)

    def quotes_in(self, lang: str, n: int = 4) -> list[Quote]:
        """Key sentences from releases in ``lang`` (from the others when none is)."""
        langs = {s.path: s.lang for s in self.sources}
        mine = [q for q in self.summary if langs.get(q.path) == lang]
        return (mine or list(self.summary))[:n]

    def source(self, path: str) -> Source | None:
        return next((s for s in self.sources if s.path == path), None)

    def to_json(self) -> dict[str, Any]:
        places = [p for p in (self.place_ja, self.place_en) if p]
        return {
            "name": self.name,
            "date_start": self.date_start.isoformat(),
            "date_end": self.date_end.isoformat(),
            "place": SEPARATOR.join(places) if places else None,
            "participants": list(self.participants),
            "countries": [FULL_NAME.get(c, c) for c in self.countries],
            "sources": [
                {
                    "path": s.path,
                    "title": s.title,
                    "date": s.date.isoformat() if s.date else None,
                    "lang": s.lang,
                    "url": s.url,
                }
                for s in self.sources
            ],
            "summary": [{"quote": q.quote, "path": q.path} for q in self.summary],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Meeting:
        name_ja, _, name_en = str(data["name"]).rpartition(SEPARATOR)
        place_ja = place_en = None
        if data.get("place"):
            for part in str(data["place"]).split(SEPARATOR):
                if detect_lang(part) == "ja" and place_ja is None:
                    place_ja = part
                else:
                    place_en = part
        sources = tuple(
            Source(
                s["path"],
                s.get("title") or s["path"],
                dt.date.fromisoformat(s["date"]) if s.get("date") else None,
                s.get("lang") or "en",
                s.get("url"),
            )
            for s in data.get("sources", [])
        )
        found = name_mentions(name_en) or name_mentions(name_ja)
        return cls(
            name_ja=name_ja,
            name_en=name_en,
            date_start=dt.date.fromisoformat(data["date_start"]),
            date_end=dt.date.fromisoformat(data.get("date_end") or data["date_start"]),
            place_ja=place_ja,
            place_en=place_en,
            participants=tuple(data.get("participants", [])),
            countries=tuple(CODE_OF_FULL_NAME.get(c, c) for c in data.get("countries", [])),
            sources=sources,
            summary=tuple(Quote(q["quote"], q["path"]) for q in data.get("summary", [])),
            kind=found[0].kind if found else Kind("meeting"),
        )


# -- grouping ----------------------------------------------------------------------------


_MAX_TOLERANCE = 3  # days between two releases' dates of one meeting (a reprint's "today")


def _joins(group: list[Found], f: Found) -> bool:
    head = group[0]
    if any(g.doc == f.doc for g in group) or not head.kind.compatible(f.kind):
        return False
    if not countries_compatible(head.countries, f.countries):
        return False
    tolerance = 1 if (head.strong and f.strong) else _MAX_TOLERANCE  # 1: time zones
    start = min(g.date_start for g in group)
    end = max(g.date_end for g in group)
    return (
        f.date_start - dt.timedelta(days=tolerance) <= end
        and start - dt.timedelta(days=tolerance) <= f.date_end
    )


def _days(a: dt.date, b: dt.date) -> tuple[int, int]:
    return min(a, b).toordinal(), max(a, b).toordinal()


def group_found(found: list[Found]) -> list[list[Found]]:
    """Releases' reports of one meeting together: same format, same partners, same days.

    Each report joins the first group (in order of creation) that takes it. Only groups whose
    days come within the tolerance of the report's can, so those are looked up by day instead
    of trying every group (12,900 reports at 98k passages: 55 s, now 0.25 s; the same groups).
    """
    groups: list[list[Found]] = []
    held: list[tuple[int, int]] = []  # days each group is filed under in ``by_day``
    by_day: dict[int, list[int]] = {}
    ordered = sorted(found, key=lambda f: (f.kind.family == "meeting", not f.strong, f.date_start))
    for f in ordered:
        lo, hi = _days(f.date_start, f.date_end)
        window = range(lo - _MAX_TOLERANCE, hi + _MAX_TOLERANCE + 1)
        near = {g for day in window for g in by_day.get(day, ())}
        home = next((g for g in sorted(near) if _joins(groups[g], f)), None)
        if home is None:
            home, old = len(groups), (0, -1)
            groups.append([f])
            held.append(old)
        else:
            groups[home].append(f)
            old = held[home]
        group = groups[home]
        # a group's days only widen as reports join it
        new = _days(min(g.date_start for g in group), max(g.date_end for g in group))
        for day in range(new[0], new[1] + 1):
            if not old[0] <= day <= old[1]:
                by_day.setdefault(day, []).append(home)
        held[home] = new
    return groups


def _host(persons: list[Person], lang: str) -> str:
    """The person a courtesy call was paid to: 「岸田総理大臣」, "Prime Minister Kishida"."""
    for p in persons:
        if p.role != "head" or p.lang != lang:
            continue
        if lang == "ja":
            title = next((t for t in ("総理大臣", "首相", "大統領") if t in p.text), "")
            kanji = re.match(r"[\u4e00-\u9fff]{2}|[\u30a0-\u30ff]+", p.text)
            return (kanji.group() if kanji else "") + title
        m = re.search(r"(Prime Minister|President)\s+(.+)$", p.text)
        if m:
            words = m.group(2).split()
            upper = [w for w in words if w.isupper() and len(w) > 1]
            return f"{m.group(1)} {upper[0].capitalize() if upper else words[-1]}"
    return ""


def _merge(group: list[Found], docs: Sequence[Document]) -> Meeting:
    strong = [f for f in group if f.strong] or group
    specific = [f.kind for f in group if f.kind.family != "meeting"] or [group[0].kind]
    kind = next((k for k in specific if k.topic), specific[0])
    if any(k.committee for k in specific):
        kind = Kind(kind.family, kind.topic, kind.topic_ja, kind.topic_en, True)
    with_prefix = [f.countries for f in group if f.from_prefix] or [f.countries for f in group]
    countries = sort_countries(max(with_prefix, key=len))
    persons = merge_people([f.people for f in group])
    host_ja, host_en = _host(persons, "ja"), _host(persons, "en")
    if not host_ja and host_en:
        host_ja = "総理大臣" if host_en.startswith("Prime") else "大統領"
    abbr = next((f.abbr for f in group if f.abbr), None)
    name_ja, name_en = meeting_names(kind, countries, abbr, host_ja, host_en)
    place_ja = next((f.place for f in group if f.place and docs[f.doc].lang == "ja"), None)
    place_en = next((f.place for f in group if f.place and docs[f.doc].lang != "ja"), None)
    ordered = sorted(persons, key=lambda p: p.lang != "ja")
    sources = sorted(
        (docs[f.doc] for f in group), key=lambda d: (d.date or dt.date.min, d.lang, d.path)
    )
    return Meeting(
        name_ja=name_ja,
        name_en=name_en,
        date_start=min(f.date_start for f in strong),
        date_end=max(f.date_end for f in strong),
        place_ja=place_ja,
        place_en=place_en,
        participants=tuple(p.text for p in ordered),
        countries=tuple(countries),
        sources=tuple(Source(d.path, d.title, d.date, d.lang, d.url) for d in sources),
        kind=kind,
    )


def extract_meetings(
    docs: Sequence[Document],
    unit_doc: np.ndarray,
    unit_span: np.ndarray,
    vectors: np.ndarray,
) -> list[Meeting]:
    """The meetings the releases report, newest first, each with its sources and key sentences.

    Args:
        docs: the loaded releases.
        unit_doc: (n,) document index of each sentence unit.
        unit_span: (n, 2) offsets of each unit in its document's text.
        vectors: (n, dim) L2-normalised embeddings of the units.
    """
    found = [f for i, doc in enumerate(docs) for f in extract_document(doc, i)]
    meetings = [
        meeting_of(group, docs, unit_doc, unit_span, vectors) for group in group_found(found)
    ]
    meetings.sort(key=newest_first, reverse=True)
    log.info("%d meetings in %d releases", len(meetings), len(docs))
    return meetings


def meeting_of(
    group: list[Found],
    docs: Sequence[Document],
    unit_doc: np.ndarray,
    unit_span: np.ndarray,
    vectors: np.ndarray,
) -> Meeting:
    """The meeting one group of :func:`group_found` reports, with its key sentences."""
    meeting = _merge(group, docs)
    quotes = key_sentences(group, docs, unit_doc, unit_span, vectors)
    return _with_summary(meeting, quotes)


def newest_first(m: Meeting) -> tuple[dt.date, dt.date, str]:
    """The catalogue's order, applied with ``reverse=True`` (a stable sort)."""
    return (m.date_start, m.date_end, m.name_en)


def _with_summary(meeting: Meeting, quotes: tuple[Quote, ...]) -> Meeting:
    from dataclasses import replace

    return replace(meeting, summary=quotes)


def load_meetings(
    data: Sequence[dict[str, Any]], docs: Sequence[Document] | None = None
) -> list[Meeting]:
    """Meetings from ``meetings.json`` records, newest first.

    With ``docs``, a meeting whose sources are not all in the index is left out.
    """
    paths = {d.path for d in docs} if docs is not None else None
    meetings = [Meeting.from_json(m) for m in data]
    if paths is not None:
        meetings = [m for m in meetings if all(s.path in paths for s in m.sources)]
    return sorted(meetings, key=lambda m: (m.date_start, m.date_end), reverse=True)


# -- questions -------------------------------------------------------------------------------

LATEST = re.compile(
    r"\b(?:latest|most recent|last|newest|recent)\b|直近|最新|最近|前回|この前", re.I
)


def question_kinds(question: str) -> list[tuple[Kind, tuple[str, ...]]]:
    """The meeting formats a question names, each with the partner countries its prefix gives
    ("the Japan-U.K. defense ministers" -> defense, (JP, GB))."""
    cased = cased_prefixes(question)  # "japan-rok" as releases write it: "Japan-ROK"
    titled = re.sub(r"\b([a-z])", lambda m: m.group(1).upper(), cased)
    found = name_mentions(cased) + name_mentions(titled)
    return [(m.kind, m.countries) for m in found]


SeriesIndex = dict[tuple[object, ...], list[int]]


def series_index(meetings: Sequence[Meeting]) -> SeriesIndex:
    """The meetings grouped by series (abbreviation, format, partners): which of them a
    question names is judged once per series, not once per round (9,000 meetings at 100k)."""
    out: SeriesIndex = {}
    for i, m in enumerate(meetings):
        out.setdefault((m.abbr, m.kind.family, m.kind.topic, frozenset(m.countries)), []).append(i)
    return out


def meetings_named(
    question: str, meetings: Sequence[Meeting], series: SeriesIndex | None = None
) -> list[Meeting]:
    """The meetings whose format (and partners, when given) the question names (``series``:
    :func:`series_index` of ``meetings``, for callers asking many questions)."""
    kinds = question_kinds(question)
    found: list[int] = []
    for members in (series if series is not None else series_index(meetings)).values():
        if _names_series(question, meetings[members[0]], kinds):
            found.extend(members)
    return [meetings[i] for i in sorted(found)]


def _names_series(question: str, m: Meeting, kinds: list[tuple[Kind, tuple[str, ...]]]) -> bool:
    """Whether the question names ``m``'s series: its abbreviation, or its format (with its
    partners, when the question gives some)."""
    if m.abbr:
        # "edd", "tdmm": an abbreviation of three letters or more is typed in any case
        flags = re.I if len(m.abbr) >= 3 else 0
        if re.search(rf"(?<![A-Za-z]){re.escape(m.abbr)}(?![A-Za-z])", question, flags):
            return True
    for kind, countries in kinds:
        if kind.family == "meeting" and not countries:
            continue
        same_kind = kind.family == m.kind.family and (not kind.topic or kind.topic == m.kind.topic)
        if same_kind and (not countries or set(countries) == set(m.countries)):
            return True
    return False


def meeting_for_question(
    question: str,
    meetings: list[dict[str, Any]],
    today: dt.date | None = None,
    parsed: Sequence[Meeting] | None = None,
    series: SeriesIndex | None = None,
    period: Period | bool | None = True,
) -> dict[str, Any] | None:
    """The meeting a question names, as its ``meetings.json`` record, or None.

    "the latest EDD" and 「直近の日米2+2」 give the newest such meeting held by ``today``;
    "the July 2024 2+2" and 「2022年6月の日米拡大抑止協議」 the one held in that period. A question
    naming a format without a time ("what is the EDD?") names no single meeting: None.
    """
    today = today or dt.date.today()
    if parsed is None:  # callers asking many questions parse once and pass ``parsed``
        parsed = [Meeting.from_json(m) for m in meetings]
    index = {id(m): i for i, m in enumerate(parsed)}
    candidates = [
        (m, meetings[index[id(m)]])
        for m in meetings_named(question, parsed, series)
        if m.date_start <= today
    ]
    if not candidates:
        return None
    if period is True:  # not parsed by the caller
        period = query_period(question, today)
    if isinstance(period, Period):
        candidates = [
            (m, raw)
            for m, raw in candidates
            if m.date_start <= period.end and period.start <= m.date_end
        ]
    elif not LATEST.search(question):
        return None
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c[0].date_start, c[0].date_end))[1]


def country_label(code: str, lang: str) -> str:
    return JA_NAME.get(code, code) if lang == "ja" else FULL_NAME.get(code, code)
