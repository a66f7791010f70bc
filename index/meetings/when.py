"""When a release says the meeting it reports was held.

The date nearest the meeting's name in its own sentence comes first (a dateline or the time a
release was published does not count); then the date of the section the sentence stands in;
then, for a meeting named in the headline, the date the headline gives or the one the lead's
first sentence about a meeting gives (an advance announcement: 「9月6日から同月7日の間…開催予定」);
last, the release's own date, as a guess that a report dated a day or two later still matches.
Japanese releases date a meeting by its day alone (「本9日」, 「21日(午前11時35分から…)」): that
day is read in the month of the release.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace

from index.ingest.dates import DateMention, find_dates
from index.meetings.cues import HELD, PUBLISHED, TIME_AFTER, TODAY
from index.schema import Document

Span = tuple[dt.date, dt.date]
# the day alone, as Japanese releases open a report: 「本9日」, 「21日(午前11時35分から」
_DAY_ONLY = re.compile(
    r"(?:^|(?<=[\s本,，、]))(?<![月\d])(?P<day>\d{1,2})日(?=\s*[(（,，、]|\s*(?:午前|午後|夜|朝))"
)
# a time of day just after a date: when the meeting began
_TIMED = re.compile(
    r"^\s*(?:\([^()]{1,4}\))?\s*[,，、]?\s*(?:(?:午前|午後|夜|朝)\s*\d{1,2}時"
    r"|\d{1,2}(?:時|:\d\d)|(?:commencing |from |at )?\d{1,2}(?::\d\d)?\s*[ap]\.\s?m\.)"
)
_LEAD_CUE = re.compile(rf"{HELD.pattern}|予定|訪日|訪問|will visit|to visit", re.I)
_HEADING = 40  # characters before a section's date ("Secretary Austin's Meetings on May 2")
_LEAD = 8  # sentences of a release's lead where an announced meeting's date is looked for


def release_year(doc: Document) -> int | None:
    """The year dates without one are read in: the release's, or its first date's."""
    if doc.date:
        return doc.date.year
    found = [d for d in find_dates(doc.text[:2000]) if d.precision == "day"]
    return found[0].date_start.year if found else None


def _in_year_near(d: DateMention, text: str, reference: dt.date | None) -> DateMention:
    """A date written without its year, moved to the year that puts it nearest ``reference``
    ("On December 10th" in a review published in February: the December before)."""
    if reference is None or re.search(r"\d{4}|年", text[d.start : d.end]):
        return d
    best = d
    for shift in (-1, 1):
        try:
            start = d.date_start.replace(year=d.date_start.year + shift)
            end = d.date_end.replace(year=d.date_end.year + shift) if d.date_end else None
        except ValueError:  # 29 February
            continue
        if abs((start - reference).days) < abs((best.date_start - reference).days):
            best = replace(d, date_start=start, date_end=end)
    return best


def _day_only(text: str, reference: dt.date | None) -> list[DateMention]:
    """Days written alone, read as the last such day on or before ``reference`` (+2 days: a
    release dated in Japan the day after a meeting abroad)."""
    if reference is None:
        return []
    found = []
    for m in _DAY_ONLY.finditer(text):
        day, probe = int(m["day"]), reference + dt.timedelta(days=2)
        for _ in range(3):
            try:
                date = probe.replace(day=day)
            except ValueError:
                date = None
            if date is not None and date <= probe:
                found.append(DateMention(m.start(), m.end(), date, None, "day"))
                break
            probe = probe.replace(day=1) - dt.timedelta(days=1)
    return found


def pick_date(
    text: str, start: int, end: int, year: int | None, reference: dt.date | None = None
) -> tuple[Span, bool] | None:
    """The date nearest ``text[start:end]``, and whether it is the meeting's own (not a
    dateline); days written alone are read against ``reference``."""
    best: tuple[int, DateMention] | None = None
    days = [
        _in_year_near(d, text, reference)
        for d in find_dates(text, default_year=year)
        if d.precision == "day"
    ]
    days += [
        d for d in _day_only(text, reference) if not any(x.start <= d.start < x.end for x in days)
    ]
    days = [
        d
        for d in days
        if not (
            TIME_AFTER.match(text[d.end :])
            and PUBLISHED.search(text)
            and "から" not in text[d.end : d.end + 12]
        )
    ]  # 「防衛省は令和6年12月12日20時30分、…を発表した」: when it was published
    # 「本9日午後1時15分から約15分間、…会談を行い、1月6日の…事故について」: the day with a time
    days = [d for d in days if _TIMED.match(text[d.end :])] or days
    for d in days:
        gap = start - d.end if d.end <= start else (d.start - end) * 2
        if best is None or abs(gap) < best[0]:
            best = (abs(gap), d)
    if best is None:
        return None
    d = best[1]
    if d.alt_date is not None and d.alt_zone == "local":
        return (d.alt_date, d.alt_date), True  # 「1月12日(現地時間11日)」: the 11th where it was
    # "DECEMBER 11, 2024 – ... met today": the report's dateline, not the meeting's own date
    dateline = d.start <= 2 and bool(TODAY.search(text)) and d.date_end is None
    return (d.date_start, d.date_end or d.date_start), not dateline


def _first_day(text: str, year: int | None) -> Span | None:
    days = [d for d in find_dates(text, default_year=year) if d.precision == "day"]
    return (days[0].date_start, days[0].date_end or days[0].date_start) if days else None


def _section_date(sentences: Sequence[str], sentence: int, year: int | None) -> Span | None:
    """The date heading the section a sentence stands in: "Secretary Austin's Meetings on
    Thursday, May 2" (not across another report's time of day)."""
    for i in range(sentence - 1, max(-1, sentence - 7), -1):
        if i < 0 or re.search(r"\d:\d\d|\d時", sentences[i]):
            break
        days = [d for d in find_dates(sentences[i], default_year=year) if d.precision == "day"]
        if days and days[0].start > _HEADING:
            return None  # "negotiations were held on November 29-30": another event's date
        if days:
            return days[0].date_start, days[0].date_end or days[0].date_start
    return None


def _lead_date(sentences: Sequence[str], year: int | None) -> Span | None:
    """The date of the first sentence of the lead that tells of a meeting held or to be held."""
    for s in sentences[:_LEAD]:
        if _LEAD_CUE.search(s) and not PUBLISHED.search(s):
            found = _first_day(s, year)
            if found:
                return found
    return None


def meeting_date(
    doc: Document,
    spots: Sequence[tuple[int, int, int]],
    sentences: Sequence[str],
    definite: bool = True,
    main: bool = True,
) -> tuple[Span | None, bool]:
    """When the meeting named at ``spots`` ((sentence, start, end); sentence -1: the headline)
    was held, and whether the release writes that date out (False: a guess from its date).

    The release's date is only guessed for a meeting the release reports "today" or in its
    first lines, or for its ``main`` meeting (the one its headline names, or any when the
    headline names none) of a ``definite`` format ("met with counterparts" further down, or a
    summit recalled below a foreign ministers' meeting, is not enough).
    """
    year = release_year(doc)
    texts = [doc.title if i < 0 else sentences[i] for i, _, _ in spots]
    for text, (_, start, end) in zip(texts, spots, strict=True):
        picked = pick_date(text, start, end, year, doc.date)
        if picked is not None:
            return picked
    for (i, _, _), text in zip(spots, texts, strict=True):
        if doc.date is not None and TODAY.search(text):
            return (doc.date, doc.date), False  # "met ... earlier this afternoon"
        found = _section_date(sentences, i, year) if i >= 0 else None
        if found:
            return found, True
    if any(i < 0 for i, _, _ in spots):
        found = _lead_date(sentences, year)
    else:
        found = _first_day(doc.title, year)  # 「岸田総理大臣のフィリピン訪問(11月3日)」
    if found:
        return found, True
    lead = any(i <= 1 or TODAY.search(t) for (i, _, _), t in zip(spots, texts, strict=True))
    if doc.date is None or not (lead or (main and definite)):
        return None, False
    return (doc.date, doc.date), False
