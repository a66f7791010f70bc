"""A quote's dates, figures and names in the reader's language, for a quote in the other one.

Nothing is translated by guess: a date is read by :mod:`index.ingest.dates` (era dates
included: 令和6年12月10日) and written as an ISO date for an English reader, as 2024年12月10日
for a Japanese one; a figure is shown as written (digits read the same in both languages, and
neither a unit nor a counter is translated); a name, place or organisation is glossed only when
JMdict or JMnedict (:mod:`index.retrieval.lexicon`) know it (:mod:`index.retrieval.glossnames`).
Whatever they do not know is left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from index.ingest.dates import DateMention, find_dates
from index.retrieval.glossnames import Written, english_names, japanese_names
from index.retrieval.lexicon import Lexicon
from index.schema import Gloss
from index.tokenize import Tokenizer

MAX_ITEMS = 8  # a gloss is one short line under the quote
MAX_NAMES = 6

_ERA = re.compile(r"令和|平成|昭和")
_NUMBER_JA = r"[0-9０-９][0-9０-９,，.．]*[万億兆千]?"
_UNIT_JA = (
    r"(?:分間|時間|秒間|日間|週間|か月|カ月|ヶ月|ケ月|年間|周年|回目|番目|か国|カ国|ヵ国|ヶ国"
    r"|億円|万円|円|ドル|人|名|隻|機|両|発|基|件|回|倍|歳|時|分|秒|キロ|トン|%|％)"
)
_FIGURE_JA = re.compile(
    rf"(?<![A-Za-zＡ-Ｚａ-ｚ0-9０-９\u30a1-\u30fa\u30fc.\-])(?:約|およそ|計|最大|第|午前|午後)?"
    rf"(?:{_NUMBER_JA}{_UNIT_JA})+(?:以上|余り|程度|超)?"
)
_UNIT_EN = (
    r"(?:minutes?|hours?|days?|weeks?|months?|years?|times|people|personnel|troops|service "
    r"members|ships?|vessels?|aircraft|missiles?|countries|nations|percent|per cent|yen|dollars"
    r"|million|billion|trillion)"
)
_FIGURE_EN = re.compile(
    r"(?<![\w.\-$])(?:(?:about|approximately|around|nearly|some|roughly|more than|over|up to)\s+)?"
    rf"(?:\$\s?\d[\d,]*(?:\.\d+)?(?:\s+(?:million|billion|trillion))?"
    rf"|\d[\d,]*(?:\.\d+)?(?:%|\s+{_UNIT_EN}\b(?:\s+(?:of\s+)?yen|\s+dollars)?))",
    re.I,
)


def gloss_quote(
    quote: str,
    quote_lang: str,
    released: dt.date | None,
    lexicon: Lexicon | None,
    tokenizer: Tokenizer,
    witnesses: Sequence[str] = (),
    written: Written = None,
) -> tuple[Gloss, ...]:
    """The quote's dates, figures and names in the other language (the reader's), in the
    order the quote gives them.

    Args:
        quote: the sentence shown (in ``quote_lang``).
        quote_lang: "ja" or "en"; the reader reads the other.
        released: the release's date: the year of a date written without one (the year that
            brings it closest to the release: 「12月27日」 in a release of 2025-01-05 is 2024).
        lexicon: the word translations (None: dates and figures only).
        tokenizer: the index's tokenizer (fugashi reads the Japanese names).
        witnesses: the texts of the reader's-language releases of the same meeting: of the
            translations a dictionary gives (JMnedict lists every reading of 中谷), the one
            they write is taken.
        written: whether some release of the index writes a text (its BM25 terms say where
            to look): a translation no witness writes is shown only if the corpus writes it
            (None: only what the witnesses write).
    """
    reader = "en" if quote_lang == "ja" else "ja"
    items = date_glosses(quote, reader, released)
    year = released.year if released else None
    dates = [(m.start, m.end) for m in find_dates(quote, default_year=year)]
    items += figure_glosses(quote, quote_lang, dates)
    if lexicon is not None:
        find = japanese_names if quote_lang == "ja" else english_names
        names = find(quote, lexicon, tokenizer, witnesses, written)
        taken = [(start, start + len(g.text)) for start, g in items]
        names = [(s, g) for s, g in names if not _overlaps(s, s + len(g.text), taken)]
        items += names[:MAX_NAMES]
    items.sort(key=lambda item: item[0])
    out: list[Gloss] = []
    for _, g in items:
        if all(g.text != o.text for o in out):
            out.append(g)
    return tuple(out[:MAX_ITEMS])


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in spans)


# -- dates ---------------------------------------------------------------------------------------


def date_glosses(quote: str, reader: str, released: dt.date | None) -> list[tuple[int, Gloss]]:
    """The dates, ranges and months the quote writes, in the reader's form, with their offsets.

    A year alone is glossed only when written as an era year (令和6年 -> 2024): "2024年" and
    "2024" read the same to both readers.
    """
    year = released.year if released else None
    written_with_year = {(m.start, m.end) for m in find_dates(quote)}
    out: list[tuple[int, Gloss]] = []
    for m in find_dates(quote, default_year=year):
        text = quote[m.start : m.end].strip()
        if m.precision == "year" and not _ERA.search(text):
            continue
        if (m.start, m.end) not in written_with_year:
            if released is None:
                continue
            m = _nearest_year(m, released)
        gloss = render_date(m, reader)
        if gloss and gloss != text:
            out.append((m.start, Gloss(text, gloss, "date")))
    return out


def _shift(day: dt.date | None, years: int) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _nearest_year(m: DateMention, released: dt.date) -> DateMention:
    """A date written without its year, in the year that brings it closest to the release."""
    years = min((0, -1, 1), key=lambda k: abs((_shift(m.date_start, k) or released) - released))
    if not years:
        return m
    start = _shift(m.date_start, years)
    assert start is not None
    return DateMention(
        m.start,
        m.end,
        start,
        _shift(m.date_end, years),
        m.precision,
        _shift(m.alt_date, years),
        m.alt_zone,
    )


def render_date(m: DateMention, reader: str) -> str:
    """A date mention as the reader writes it: ``2024-12-10``, ``2024-12-10 to 2024-12-12``,
    ``2024-12``; ``2024年12月10日``, ``2024年12月10日～12日``, ``2024年12月``."""
    start, end = m.date_start, m.date_end
    if m.precision == "year":
        text = f"{start.year}年" if reader == "ja" else str(start.year)
        if end is not None and end.year != start.year:
            text += f"～{end.year}年" if reader == "ja" else f" to {end.year}"
        return text
    if m.precision == "month":
        return f"{start.year}年{start.month}月" if reader == "ja" else f"{start:%Y-%m}"
    if reader != "ja":
        text = start.isoformat() + (f" to {end.isoformat()}" if end else "")
        if m.alt_date is not None:
            zone = "local time" if m.alt_zone == "local" else "Japan time"
            text += f" ({m.alt_date.isoformat()} {zone})"
        return text
    text = _ja_day(start) + (f"～{_ja_day(end, start)}" if end else "")
    if m.alt_date is not None:
        zone = "現地時間" if m.alt_zone == "local" else "日本時間"
        text += f"（{zone}{_ja_day(m.alt_date, start)}）"
    return text


def _ja_day(day: dt.date, after: dt.date | None = None) -> str:
    """2024年12月10日, or only what differs from ``after`` (12日, 1月2日)."""
    if after is not None and after.year == day.year:
        return f"{day.day}日" if after.month == day.month else f"{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


# -- figures -------------------------------------------------------------------------------------


def figure_glosses(quote: str, lang: str, taken: list[tuple[int, int]]) -> list[tuple[int, Gloss]]:
    """The figures the quote gives (a number with its unit or counter: 約40分間, "85
    minutes", "$1.2 billion"), as written, outside the dates already found."""
    pattern = _FIGURE_JA if lang == "ja" else _FIGURE_EN
    out: list[tuple[int, Gloss]] = []
    for m in pattern.finditer(quote):
        if not _overlaps(m.start(), m.end(), taken):
            out.append((m.start(), Gloss(m.group(), m.group(), "figure")))
    return out
