"""Dates as press releases write them, in Japanese and English.

Three entry points:

- :func:`parse_date` reads one date (a header value, a page's date line);
- :func:`find_dates` finds every date, range and month/year mention in running text, with
  offsets into that text;
- :func:`query_period` reads the period a question names ("the June 2024 EDD", 「令和6年12月」).

Matching runs on a one-to-one folded copy of the text (full-width digits and brackets to ASCII,
dashes to ``-``), so every offset found in the copy is an offset into the original.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["day", "month", "year"]

_RANK: dict[str, int] = {"day": 0, "month": 1, "year": 2}


@dataclass(frozen=True)
class DateMention:
    """A date, a date range, a month or a year found in text.

    ``text[start:end]`` is the mention as written. A single day has ``date_end = None``; a
    range has both ends. A month or year mention has ``date_start`` on its first day and
    ``date_end = None``; :attr:`precision` says which. ``alt_date`` is the counterpart on another
    clock written beside the date (「1月12日(現地時間11日)」, "May 1 (May 2 Japan time)") and
    ``alt_zone`` names that clock: ``"local"`` or ``"japan"``.
    """

    start: int
    end: int
    date_start: dt.date
    date_end: dt.date | None
    precision: Precision
    alt_date: dt.date | None = None
    alt_zone: str | None = None


@dataclass(frozen=True)
class Period:
    """A span of days a question names, both ends included."""

    start: dt.date
    end: dt.date
    precision: Precision


# One character for one character, so offsets in the folded copy are offsets in the original.
_FOLD = str.maketrans(
    "０１２３４５６７８９（）／－‐‑–—−～〜，．：\u3000\u00a0",
    "0123456789()/------~~,.:  ",
)

_ERA_START = {"令和": 2018, "平成": 1988, "昭和": 1925}
_ERA = r"(?:令和|平成|昭和)"
_ERA_YEAR = r"(?:元|\d{1,2})"
_WEEKDAY_JA = r"(?:\s*\(\s*[月火水木金土日](?:曜日?)?\s*\))"

# 令和6(2024)年 | 2024(令和6)年 | 2024年(令和6年) | 2024年
_JA_YEAR = (
    rf"(?:(?P<era>{_ERA})\s*(?P<eyear>{_ERA_YEAR})\s*(?:\(\s*(?P<wyear>\d{{4}})\s*\)\s*)?年"
    rf"|(?P<year>(?:19|20)\d{{2}})\s*(?:\(\s*{_ERA}\s*{_ERA_YEAR}\s*\)\s*)?年"
    rf"(?:\s*\(\s*{_ERA}\s*{_ERA_YEAR}\s*年\s*\))?)"
)
_JA_CORE = re.compile(
    rf"(?<!\d)(?:{_JA_YEAR}\s*)?"
    rf"(?:(?<!\d)(?P<month>\d{{1,2}})\s*月(?:\s*(?P<day>\d{{1,2}})"
    rf"\s*(?:日{_WEEKDAY_JA}?|(?=\s*[-~]\s*\d{{1,2}}\s*日)))?)?"  # 4月19-20日: a range
)
_JA_RANGE = re.compile(
    rf"\s*(?:から|より|~|-|ないし|(?P<next>及び|と|・|、))\s*"
    rf"(?:(?:(?P<era>{_ERA})\s*(?P<eyear>{_ERA_YEAR})|(?P<year>\d{{4}}))\s*年\s*)?"
    rf"(?:(?P<month>\d{{1,2}})\s*月\s*|同月)?(?P<day>\d{{1,2}})\s*日{_WEEKDAY_JA}?(?:\s*まで)?"
)
_JA_ALT = re.compile(
    r"\s*\(\s*(?P<zone>現地時間|日本時間)\s*(?:(?P<month>\d{1,2})\s*月\s*)?(?P<day>\d{1,2})\s*日"
    r"\s*\)"
)

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name} | {"sept": 9}
_MON = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
)
_WEEKDAY_EN = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
_ORD = r"(?:st|nd|rd|th)?"
_RANGE_WORD = r"(?:\s*-\s*|\s+(?:to|through|until|and)\s+)"
_EN_MONTH_DAY = re.compile(
    rf"(?i:{_WEEKDAY_EN})?(?P<mon>(?i:{_MON}))\s+(?P<day>\d{{1,2}}){_ORD}(?!\d)"
    rf"(?:,\s*(?P<ymid>\d{{4}})(?!\d))?"
    rf"(?:{_RANGE_WORD}(?:(?P<mon2>(?i:{_MON}))\s+)?(?P<day2>\d{{1,2}}){_ORD}(?![\d:]))?"
    rf"(?:,?\s+(?P<year>\d{{4}})(?!\d))?"
)
_EN_DAY_MONTH = re.compile(
    rf"(?<![\d.])(?P<day>\d{{1,2}}){_ORD}"
    rf"(?:(?:\s*-\s*|\s+(?:to|(?P<next>and))\s+)(?i:{_WEEKDAY_EN})?(?P<day2>\d{{1,2}}){_ORD})?\s+"
    rf"(?P<mon>(?i:{_MON}))(?:,?\s+(?P<year>\d{{4}})(?!\d))?"
)
_EN_MONTH_YEAR = re.compile(rf"(?P<mon>(?i:{_MON})),?\s+(?P<year>\d{{4}})(?!\d)")
_EN_ALT = re.compile(
    rf"\s*\(\s*(?:(?P<mon>(?i:{_MON}))\s+)?(?P<day>\d{{1,2}}){_ORD}(?:,?\s*\d{{4}})?,?\s*"
    r"(?P<zone>(?i:Japan time|JST|Tokyo time|local time))\s*\)"
)
_ISO = re.compile(
    r"(?<![\w/.-])(?P<year>(?:19|20)\d{2})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)"
    r"(?P<day>\d{1,2})(?![\d/])"
)
# 2024/12, 2024-06: a month
_YEAR_MONTH = re.compile(r"(?<![\w/.-])(?P<year>(?:19|20)\d{2})[/-](?P<month>\d{1,2})(?![\d/-])")
_YEAR = re.compile(
    r"(?<![A-Za-z\d,.$#/-])(?P<year>(?:19|20)\d{2})"
    r"(?:\s*-\s*(?P<year2>(?:19|20)\d{2}))?(?![A-Za-z\d%]|,\d)"
)


def fold(text: str) -> str:
    """The copy of ``text`` dates are matched on: same length, ASCII digits and brackets."""
    return text.translate(_FOLD)


def _month_number(token: str, strict: bool = True) -> int | None:
    if strict and token.islower():  # "may", "march", "dec": words, not months
        return None
    key = token.rstrip(".").lower()
    if key in _MONTHS:
        return _MONTHS[key]
    return next((n for name, n in _MONTHS.items() if name[:3] == key[:3] and len(key) == 3), None)


def _date(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _era_year(
    era: str | None, eyear: str | None, wyear: str | None, year: str | None
) -> int | None:
    if wyear:
        return int(wyear)
    if era and eyear:
        return _ERA_START[era] + (1 if eyear == "元" else int(eyear))
    return int(year) if year else None


def _range_end(start: dt.date, month: int | None, day: int, year: int | None) -> dt.date | None:
    """The end of a range written after ``start`` ("12日", "Jan. 2, 2025")."""
    y = year if year is not None else start.year
    m = month if month is not None else start.month
    end = _date(y, m, day)
    if end is not None and end < start and year is None:
        # "June 30 - 2" runs into the next month, "Dec. 30 - Jan. 2" into the next year
        end = _date(y + 1, m, day) if month is not None else _next_month(start, day)
    return end if end is not None and end >= start else None


def _next_month(start: dt.date, day: int) -> dt.date | None:
    y, m = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return _date(y, m, day)


def _ja_mentions(text: str, default_year: int | None) -> list[DateMention]:
    found: list[DateMention] = []
    for m in _JA_CORE.finditer(text):
        if m.end() == m.start() or (m["month"] is None and not (m["year"] or m["era"])):
            continue
        year = _era_year(m["era"], m["eyear"], m["wyear"], m["year"])
        if m["month"] is None:
            if year is not None:
                found.append(DateMention(m.start(), m.end(), dt.date(year, 1, 1), None, "year"))
            continue
        if year is None:
            year = default_year
        month = int(m["month"])
        if m["day"] is None:
            first = _date(year, month, 1)
            if first is not None:
                found.append(DateMention(m.start(), m.end(), first, None, "month"))
            continue
        start = _date(year, month, int(m["day"]))
        if start is None:
            continue
        end_pos, date_end = m.end(), None
        r = _JA_RANGE.match(text, end_pos)
        if r:
            ry = _era_year(r["era"], r["eyear"], None, r["year"])
            rm = int(r["month"]) if r["month"] else None
            date_end = _range_end(start, rm, int(r["day"]), ry)
            if r["next"] and date_end is not None and (date_end - start).days != 1:
                date_end = None  # 「9日及び10日」 are two days running; 「10日及び12日」 two dates
            if date_end is not None:
                end_pos = r.end()
        alt_date = alt_zone = None
        a = _JA_ALT.match(text, end_pos)
        if a:
            alt_date = _alt(start, a["month"], a["day"])
            if alt_date is not None:
                alt_zone = "local" if a["zone"] == "現地時間" else "japan"
                end_pos = a.end()
        found.append(DateMention(m.start(), end_pos, start, date_end, "day", alt_date, alt_zone))
    return found


def _alt(near: dt.date, month: str | None, day: str) -> dt.date | None:
    """The date closest to ``near`` with this day (and month): time zones differ by a day."""
    candidates = []
    for delta in (-1, 0, 1):
        y, mo = near.year, near.month + delta
        if month is not None:
            mo = int(month)
        if mo < 1:
            y, mo = y - 1, 12
        elif mo > 12:
            y, mo = y + 1, 1
        d = _date(y, mo, int(day))
        if d is not None:
            candidates.append(d)
    if not candidates:
        return None
    best = min(candidates, key=lambda d: abs((d - near).days))
    return best if abs((best - near).days) <= 2 else None


def _en_mentions(text: str, default_year: int | None) -> list[DateMention]:
    found: list[DateMention] = []
    for m in _EN_MONTH_DAY.finditer(text):
        mention = _en_month_day(text, m, default_year)
        if mention is not None:
            found.append(mention)
    for m in _EN_DAY_MONTH.finditer(text):
        month = _month_number(m["mon"])
        year = int(m["year"]) if m["year"] else default_year
        start = _date(year, month, int(m["day"])) if month else None
        if start is None:
            continue
        date_end = _range_end(start, None, int(m["day2"]), None) if m["day2"] else None
        if m["next"] and date_end is not None and (date_end - start).days != 1:
            # "5 and 12 May": two dates, each read on its own
            second = start.replace(day=int(m["day2"]))
            found.append(DateMention(m.start(), m.start("next") - 1, start, None, "day"))
            found.append(DateMention(m.start("day2"), m.end(), second, None, "day"))
            continue
        found.append(DateMention(m.start(), m.end(), start, date_end, "day"))
    for m in _EN_MONTH_YEAR.finditer(text):
        # a month word before a year is a month however it is typed ("dec 2024")
        month = _month_number(m["mon"], strict=False)
        if month is not None:
            first = dt.date(int(m["year"]), month, 1)
            found.append(DateMention(m.start(), m.end(), first, None, "month"))
    return found


def _en_month_day(text: str, m: re.Match[str], default_year: int | None) -> DateMention | None:
    """'July 29, 2024', 'December 10-12, 2024', 'Dec. 30, 2024 - Jan. 2, 2025', 'July 28-29'."""
    month = _month_number(m["mon"])
    if month is None:
        return None
    month2 = _month_number(m["mon2"]) if m["mon2"] else None
    ymid = int(m["ymid"]) if m["ymid"] else None
    year = int(m["year"]) if m["year"] else None
    if ymid is not None:
        start_year: int | None = ymid
    elif year is not None:
        # "December 30 - January 2, 2025": the year written belongs to the end
        start_year = year - 1 if month2 is not None and month2 < month else year
    else:
        start_year = default_year
    start = _date(start_year, month, int(m["day"]))
    if start is None:
        return None
    if m["day2"] is None:
        return _with_alt(text, start, None, m.start(), m.end())
    end_year = year if ymid is not None else None
    if end_year is None and year is not None and month2 is not None and month2 < month:
        end_year = year
    date_end = _range_end(start, month2, int(m["day2"]), end_year)
    if date_end is None:  # not a range after all: keep the first date alone
        return DateMention(m.start(), m.end("ymid") if ymid else m.end("day"), start, None, "day")
    return _with_alt(text, start, date_end, m.start(), m.end())


def _with_alt(text: str, start: dt.date, end: dt.date | None, s: int, e: int) -> DateMention:
    a = _EN_ALT.match(text, e)
    if a:
        month = str(_month_number(a["mon"])) if a["mon"] and _month_number(a["mon"]) else None
        alt_date = _alt(start, month, a["day"])
        if alt_date is not None:
            zone = "local" if a["zone"].lower() == "local time" else "japan"
            return DateMention(s, a.end(), start, end, "day", alt_date, zone)
    return DateMention(s, e, start, end, "day")


def _numeric_mentions(text: str) -> list[DateMention]:
    found: list[DateMention] = []
    for m in _ISO.finditer(text):
        d = _date(int(m["year"]), int(m["month"]), int(m["day"]))
        if d is not None:
            found.append(DateMention(m.start(), m.end(), d, None, "day"))
    for m in _YEAR_MONTH.finditer(text):
        if 1 <= int(m["month"]) <= 12:
            month_first = dt.date(int(m["year"]), int(m["month"]), 1)
            found.append(DateMention(m.start(), m.end(), month_first, None, "month"))
    for m in _YEAR.finditer(text):
        first = dt.date(int(m["year"]), 1, 1)
        last = dt.date(int(m["year2"]), 12, 31) if m["year2"] else None
        if last is not None and last < first:
            continue
        found.append(DateMention(m.start(), m.end(), first, last, "year"))
    return found


def find_dates(text: str, default_year: int | None = None) -> list[DateMention]:
    """Every date, date range, month and year mentioned in ``text``, in order.

    Args:
        text: running text in Japanese or English.
        default_year: the year for a month and day written without one (「12月10日」,
            "July 28-29"); without it such mentions are left out.

    Returns:
        Non-overlapping mentions sorted by position; where two readings overlap the longer
        one wins (「2024年12月10日から12日まで」 is one range, not a date and a year).
    """
    folded = fold(text)
    candidates = (
        _ja_mentions(folded, default_year)
        + _en_mentions(folded, default_year)
        + _numeric_mentions(folded)
    )
    candidates.sort(key=lambda c: (c.start, -(c.end - c.start), _RANK[c.precision]))
    kept: list[DateMention] = []
    for c in candidates:
        if kept and c.start < kept[-1].end:
            continue
        kept.append(c)
    return kept


def parse_date(s: str) -> dt.date | None:
    """The first full date (day precision) written in ``s``, or None.

    Reads ``2024-12-16 10:00``, ``2024/12/16``, 「令和6(2024)年12月12日」, 「令和元年5月1日」,
    「２０２４年１２月１６日」, ``Dec. 10, 2024``, ``Monday, July 29, 2024``, ``13 December 2024``;
    a range gives its first day (``December 10-12, 2024`` -> 2024-12-10).
    """
    for mention in find_dates(s):
        if mention.precision == "day":
            return mention.date_start
    return None


def mention_end(m: DateMention) -> dt.date:
    """The last day a mention covers (the end of its range, month or year)."""
    if m.date_end is not None:
        return m.date_end
    if m.precision == "year":
        return dt.date(m.date_start.year, 12, 31)
    if m.precision == "month":
        last = calendar.monthrange(m.date_start.year, m.date_start.month)[1]
        return m.date_start.replace(day=last)
    return m.date_start


_REL_YEAR = re.compile(
    r"(?P<last>last year|the previous year|昨年|去年|前年)|(?P<this>this year|今年|本年)", re.I
)
_REL_MONTH = re.compile(
    rf"(?P<en>(?i:last|this)\s+(?P<mon>(?i:{_MON})))"
    r"|(?P<ja>(?P<rel>昨年|去年|前年|今年|本年)\s*(?P<month>\d{1,2})\s*月)"
    r"|(?P<prev>(?i:last month)|先月)",
)


def _relative(question: str, today: dt.date) -> list[DateMention]:
    """'last December', 「昨年12月」, 'last year', 「先月」, resolved against ``today``."""
    found: list[DateMention] = []
    for m in _REL_MONTH.finditer(question):
        if m["prev"]:
            y, mo = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
        elif m["ja"]:
            y = today.year - 1 if m["rel"] in ("昨年", "去年", "前年") else today.year
            mo = int(m["month"])
        else:
            mo = _month_number(m["mon"], strict=False) or 0
            this = m["en"].lower().startswith("this")
            y = today.year if this or mo < today.month else today.year - 1
        if 1 <= mo <= 12:
            found.append(DateMention(m.start(), m.end(), dt.date(y, mo, 1), None, "month"))
    for m in _REL_YEAR.finditer(question):
        if any(f.start <= m.start() < f.end for f in found):
            continue
        y = today.year - 1 if m["last"] else today.year
        found.append(DateMention(m.start(), m.end(), dt.date(y, 1, 1), None, "year"))
    return found


# What may stand between two date mentions of one period: "2023 and 2024", 「2023年12月と
# 2024年6月」, "from March to May" (a gap with other words starts a mention of something else)
_JOINED = re.compile(
    r"[\s、,/・()（）]*(?:from|between|から|より|まで|~|～|〜|-|–|—|to|through|until|till|and|or"
    r"|&|及び|および|と|や|又は|または)?[\s、,/・()（）]*(?:まで|の間|間)?[\s、,]*",
    re.I,
)


# Written as in a chat (questions only, never release text): "dec '24", "in '23", 「24年12月」
_CASUAL_MONTH = re.compile(rf"(?P<mon>(?i:{_MON}))\s*['’](?P<yy>\d{{2}})(?!\d)")
_CASUAL_YEAR = re.compile(r"(?i:\bin\s+)['’](?P<yy>\d{2})(?!\d)")
_CASUAL_JA = re.compile(rf"(?<![\d])(?<!{_ERA})(?P<yy>\d{{2}})\s*年\s*(?P<month>\d{{1,2}})\s*月")


def _casual(question: str, today: dt.date) -> list[DateMention]:
    """Two-digit years: "dec '24", "in '23", 「24年12月」 (not 「令和6年」), in this century and
    no later than ``today``."""
    found: list[DateMention] = []

    def year(yy: str) -> int | None:
        y = 2000 + int(yy)
        return y if y <= today.year else None

    for m in _CASUAL_MONTH.finditer(question):
        mo, y = _month_number(m["mon"], strict=False), year(m["yy"])
        if mo and y:
            found.append(DateMention(m.start(), m.end(), dt.date(y, mo, 1), None, "month"))
    for m in _CASUAL_JA.finditer(question):
        y, mo = year(m["yy"]), int(m["month"])
        if y and 1 <= mo <= 12:
            found.append(DateMention(m.start(), m.end(), dt.date(y, mo, 1), None, "month"))
    for m in _CASUAL_YEAR.finditer(question):
        y = year(m["yy"])
        if y and not _overlaps(
            DateMention(m.start(), m.end(), dt.date(y, 1, 1), None, "year"), found
        ):
            found.append(DateMention(m.start(), m.end(), dt.date(y, 1, 1), None, "year"))
    return found


def _overlaps(m: DateMention, others: list[DateMention]) -> bool:
    return any(m.start < o.end and o.start < m.end for o in others)


def time_mentions(question: str, today: dt.date | None = None) -> list[DateMention]:
    """The date mentions that give the time a question asks about, first to last.

    They are the first mention and those joined to it ("between 2023 and 2024", 「2023年12月と
    2024年6月の」). A later mention with other words between names something else: in
    「2024年5月の…会談で、2027年に実施する計画が発表された演習」 the meeting is of May 2024, and
    2027 is part of what is asked (it stays in the query's words).
    """
    today = today or dt.date.today()
    folded = fold(question)
    mentions = _relative(folded, today)
    mentions += [c for c in _casual(folded, today) if not _overlaps(c, mentions)]
    for m in find_dates(question):
        if not any(m.start < r.end and r.start < m.end for r in mentions):
            mentions.append(m)
    mentions.sort(key=lambda m: m.start)
    group = mentions[:1]
    for m in mentions[1:]:
        if not _JOINED.fullmatch(folded[group[-1].end : m.start]):
            break
        group.append(m)
    return group


# A time the question's subject follows or precedes ("the 2+2 after the April 2024 summit",
# 「2024年4月の首脳会談を受けて」): English puts the word before the date, Japanese after the
# noun the date qualifies (「の…の後」, not across a comma).
_AFTER_EN = re.compile(
    r"\b(?:after|following|followed|since|succeeding)\s+(?:the\s+|an?\s+)?\Z", re.I
)
_BEFORE_EN = re.compile(
    r"\b(?:before|preceding|preceded|prior\s+to|ahead\s+of)\s+(?:the\s+|an?\s+)?\Z", re.I
)
_JA_NOUN = r"(?:の[^、。,.!?！？\s]{1,20}?)?"
_AFTER_JA = re.compile(_JA_NOUN + r"(?:を受け|以降|以後|より後|の後(?!半)|の直後|の翌)")
_BEFORE_JA = re.compile(_JA_NOUN + r"(?:以前|より前|の前(?!回|半)|の直前|に先立)")
# the ends of an open span: the first and last days any release can have
EARLIEST = dt.date(1, 1, 1)
LATEST = dt.date(9999, 12, 31)


def query_period(
    question: str, today: dt.date | None = None, open_spans: bool = True
) -> Period | None:
    """The period a question names, or None when it names no time.

    "the June 2024 EDD" and 「2022年6月の日米拡大抑止協議」 name a month, "in 2023" a year,
    「2024年12月10日から12日まで」 a range of days. Relative names ("last December", 「昨年」,
    "last month") are resolved against ``today`` (default: the current date). Mentions joined
    to the first ("2023 and 2024") give the span from the earliest to the latest, at the
    coarsest precision named (see :func:`time_mentions`). Months and days written without a
    year (「12月10日」) are not a period on their own. A time the subject follows or precedes
    ("after the April 2024 summit", 「2024年12月の協議の後」, "before 2024") gives an open span
    from that time on (up to ``LATEST``) or up to its end (from ``EARLIEST``): the time named
    itself stays in it, as what followed a summit may fall in the summit's month
    (``open_spans=False``: the time named alone).
    """
    mentions = time_mentions(question, today)
    if not mentions:
        return None
    start = min(m.date_start for m in mentions)
    end = max(mention_end(m) for m in mentions)
    precision = max((m.precision for m in mentions), key=lambda p: _RANK[p])
    if not open_spans:
        return Period(start, end, precision)
    folded = fold(question)
    before_text, after_text = folded[: mentions[0].start], folded[mentions[-1].end :]
    if _AFTER_EN.search(before_text) or _AFTER_JA.match(after_text):
        end = LATEST
    elif _BEFORE_EN.search(before_text) or _BEFORE_JA.match(after_text):
        start = EARLIEST
    return Period(start, end, precision)
