"""What was held recently: the meetings of a period, each summarised by quoting its releases.

Plain data and plain text, shared by ``secbrief summary`` and the bot's ``/summary``: the period
a user asks for (:func:`parse_period`), the meetings in it (:func:`summarize`, newest first, or
the most recent ones when the period holds none), topic matching and autocompletion, and the
framing text in Japanese or English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from index.errors import QueryError
from index.ingest.dates import parse_date, query_period
from index.meetings.catalogue import Meeting, country_label
from index.meetings.quotes import Quote
from index.text import normalize

DEFAULT_DAYS = 90
PERIODS: dict[str, int | None] = {"30d": 30, "90d": 90, "1y": 365, "all": None}
PERIOD_NAMES = {
    "en": {"30d": "last 30 days", "90d": "last 90 days", "1y": "last year", "all": "all"},
    "ja": {"30d": "過去30日", "90d": "過去90日", "1y": "過去1年", "all": "すべて"},
}
RECENT_FALLBACK = 3

WORDS = {
    "en": {
        "heading": "**Meetings held since {since}**{topic}: {count}",
        "heading_all": "**Meetings in the releases**{topic}: {count}",
        "topic": " about “{topic}”",
        "empty": "No meeting{topic} was held since {since}. The most recent meetings are:",
        "none": "No meeting{topic} found in the releases.",
        "more": "…and {count} more (narrow the period or the topic).",
        "when": "When",
        "where": "Where",
        "who": "Participants",
        "sources": "Releases",
        "only_other": "(Only Japanese releases report this meeting: quoted in Japanese.)",
        "to": "–",
        "bad_period": "`{value}` is not a period: use 30d, 90d, 1y, all or a date (YYYY-MM-DD).",
    },
    "ja": {
        "heading": "**{since}以降に開催された会合**{topic}: {count}件",
        "heading_all": "**資料にある会合**{topic}: {count}件",
        "topic": "（「{topic}」）",
        "empty": "{since}以降に開催された会合{topic}はありません。直近の会合は次のとおりです:",
        "none": "資料に会合{topic}は見つかりませんでした。",
        "more": "…ほか{count}件（期間かトピックを絞ってください）。",
        "when": "日程",
        "where": "場所",
        "who": "出席者",
        "sources": "発表",
        "only_other": "（この会合の日本語の発表はありません。英語の発表から引用しています。）",
        "to": "～",
        "bad_period": (
            "`{value}` は期間ではありません。30d、90d、1y、all か日付（YYYY-MM-DD）"
            "を指定してください。"
        ),
    },
}


class PeriodError(QueryError):
    """A period that cannot be read."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(f"not a period: {value!r} (use 30d, 90d, 1y, all or YYYY-MM-DD)", "period")


def words(lang: str, key: str, **params: object) -> str:
    return WORDS.get(lang, WORDS["en"])[key].format(**params)


def parse_period(value: str | None, today: dt.date) -> dt.date | None:
    """The first day of the period ``value`` names; None for "all".

    ``None`` or "" is the last 90 days; "30d", "90 days", "1y", "1 year", "all", or a date from
    which on (2024-07-28, 2024-07, 2024, 「令和6年7月」).
    """
    text = (value or "").strip().lower()
    if not text:
        return today - dt.timedelta(days=DEFAULT_DAYS)
    if text in ("all", "すべて", "全部"):
        return None
    m = re.fullmatch(
        r"(\d{1,4})\s*(d|days?|日|w|weeks?|週間?|m|months?|か月|ヶ月|y|years?|年)", text
    )
    if m:
        n, unit = int(m.group(1)), m.group(2)[0]
        days = {"d": 1, "日": 1, "w": 7, "週": 7, "m": 30, "か": 30, "ヶ": 30, "y": 365, "年": 365}
        return today - dt.timedelta(days=n * days.get(unit, 1))
    month = re.fullmatch(r"((?:19|20)\d\d)[-/.](\d{1,2})", text)
    if month and 1 <= int(month.group(2)) <= 12:
        return dt.date(int(month.group(1)), int(month.group(2)), 1)
    day = parse_date(value or "")
    if day is not None:
        return day
    period = query_period(value or "", today)
    if period is not None and re.fullmatch(r"[\d\s./年月令和平成元()-]+", text):
        return period.start
    raise PeriodError(value or "")


def matches_topic(meeting: Meeting, topic: str) -> bool:
    """Whether ``topic`` names the meeting, its format, a partner or the place."""
    needle = " ".join(normalize(topic).split())
    if not needle:
        return True
    hay = [meeting.name_ja, meeting.name_en, meeting.place_ja or "", meeting.place_en or ""]
    hay += [country_label(c, lang) for c in meeting.countries for lang in ("ja", "en")]
    hay += list(meeting.countries)
    if needle.isascii():  # "EDD" is a word, not the middle of "extended deterrence"
        rx = re.compile(rf"(?<![a-z0-9]){re.escape(needle)}(?![a-z0-9])")
        return any(rx.search(" ".join(normalize(h).split())) for h in hay)
    bare = needle.replace(" ", "")
    return any(bare in "".join(normalize(h).split()) for h in hay)


def topic_choices(meetings: Sequence[Meeting], current: str = "", lang: str = "en") -> list[str]:
    """Autocomplete values for a topic: meeting names, then countries, matching ``current``."""
    seen: list[str] = []
    for m in meetings:
        seen.append(m.name_in(lang))
    for m in meetings:
        seen.extend(country_label(c, lang) for c in m.countries)
    needle = "".join(normalize(current).split())
    out: list[str] = []
    for value in seen:
        if value not in out and needle in "".join(normalize(value).split()) and len(value) <= 100:
            out.append(value)
    return out[:25]


@dataclass(frozen=True)
class Summary:
    """The meetings to show: those held in the period, or the most recent ones (``fallback``)."""

    lang: str
    today: dt.date
    since: dt.date | None
    topic: str | None
    meetings: list[Meeting]
    fallback: bool
    total: int  # meetings in the period (or matching the topic, for the fallback)
    # every meeting of the period, newest first (``meetings`` is the first ``limit`` of them);
    # for the fallback, ``meetings``: what the timeline draws
    every: list[Meeting] = field(default_factory=list)


def summarize(
    meetings: Sequence[Meeting],
    *,
    since: dt.date | None,
    topic: str | None = None,
    lang: str = "en",
    today: dt.date | None = None,
    limit: int = 10,
) -> Summary:
    """Meetings held from ``since`` to ``today`` (about ``topic``), newest first.

    When none was held in the period, the :data:`RECENT_FALLBACK` most recent meetings (about
    ``topic``, held by ``today``) are given instead, with ``fallback`` set.
    """
    today = today or dt.date.today()
    held = [m for m in meetings if m.date_start <= today and (not topic or matches_topic(m, topic))]
    held.sort(key=lambda m: (m.date_start, m.date_end), reverse=True)
    inside = [m for m in held if since is None or m.date_end >= since]
    if inside:
        return Summary(lang, today, since, topic, inside[:limit], False, len(inside), inside)
    recent = held[:RECENT_FALLBACK]
    return Summary(lang, today, since, topic, recent, True, len(held), recent)


# -- text ------------------------------------------------------------------------------


def format_dates(meeting: Meeting, lang: str) -> str:
    a, b = meeting.date_start, meeting.date_end
    if lang == "ja":
        first = f"{a.year}年{a.month}月{a.day}日"
        if b == a:
            return first
        rest = f"{b.day}日" if (b.year, b.month) == (a.year, a.month) else f"{b.month}月{b.day}日"
        if b.year != a.year:
            rest = f"{b.year}年{b.month}月{b.day}日"
        return f"{first}～{rest}"
    if b == a:
        return f"{a:%B} {a.day}, {a.year}"
    if (b.year, b.month) == (a.year, a.month):
        return f"{a:%B} {a.day}–{b.day}, {a.year}"
    if b.year == a.year:
        return f"{a:%B} {a.day} – {b:%B} {b.day}, {a.year}"
    return f"{a:%B} {a.day}, {a.year} – {b:%B} {b.day}, {b.year}"


def header(summary: Summary) -> str:
    """The framing line(s) above the meetings, in the summary's language."""
    lang = summary.lang
    topic = words(lang, "topic", topic=summary.topic) if summary.topic else ""
    since = summary.since.isoformat() if summary.since else ""
    if summary.fallback:
        if not summary.meetings:
            return words(lang, "none", topic=topic)
        return words(lang, "empty", since=since, topic=topic)
    key = "heading" if summary.since else "heading_all"
    return words(lang, key, since=since, topic=topic, count=summary.total)


def source_label(meeting: Meeting, quote: Quote) -> str:
    source = meeting.source(quote.path)
    return source.title if source else quote.path


def meeting_text(meeting: Meeting, lang: str) -> str:
    """One meeting as plain text: name, dates, place, participants, quotes, releases."""
    lines = [f"## {meeting.name_in(lang)}", f"{words(lang, 'when')}: {format_dates(meeting, lang)}"]
    place = meeting.place_in(lang)
    if place:
        lines.append(f"{words(lang, 'where')}: {place}")
    people = meeting.participants_in(lang)
    if people:
        lines.append(f"{words(lang, 'who')}: " + ("、" if lang == "ja" else "; ").join(people))
    if meeting.summary and not meeting.reported_in(lang):
        lines.append(words(lang, "only_other"))
    for quote in meeting.quotes_in(lang):
        lines.append(f"> {' '.join(quote.quote.split())}")
        lines.append(f"  — {source_label(meeting, quote)}")
    lines.append(f"{words(lang, 'sources')}:")
    for s in meeting.sources:
        lines.append(f"  - {s.title} ({s.date or '?'}, {s.lang}) {s.url or s.path}")
    return "\n".join(lines)


def render_text(summary: Summary) -> str:
    """What ``/summary`` posts, as plain text."""
    parts = [header(summary)]
    parts += [meeting_text(m, summary.lang) for m in summary.meetings]
    if not summary.fallback and summary.total > len(summary.meetings):
        parts.append(words(summary.lang, "more", count=summary.total - len(summary.meetings)))
    return "\n\n".join(parts)
