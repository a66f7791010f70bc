"""A picture of the meetings: a timeline with one row per series, as a PNG.

Each row is a series of the catalogue (a format among the same partners, as
:func:`index.meetings.catalogue.series_index` groups them, less the abbreviation, which one
release of a series writes and another omits), labelled with the series' name in the reader's
language; each meeting is a mark at its dates with a short date label. Rows are ordered by their
newest meeting, newest on top; past :data:`MAX_ROWS` the oldest series share one last row.

Drawn with matplotlib's Agg canvas (imported when a picture is drawn, so importing this module
stays instant) and the Japanese font the ``matplotlib-fontja`` package ships (IPAexGothic, with
matplotlib's DejaVu Sans behind it for the rare glyph it lacks), so no Japanese label renders as
empty boxes. matplotlib's settings are global: one picture is drawn at a time, whatever thread
asks (the bot draws in worker threads).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import io
import logging
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.errors import PictureError
from index.meetings.catalogue import Meeting
from index.meetings.names import FAMILIES, meeting_names
from index.meetings.summary import Summary, format_dates

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

WIDTH_PX = 1200
DPI = 100
ROW_PX = 64
TOP_PX, BOTTOM_PX = 64, 48
MAX_ROWS = 12
MAX_LABELLED = 24  # a row with more meetings than this shows its marks without date labels
FONT_PACKAGE = "matplotlib_fontja"
FONT_FILE = "fonts/ipaexg.ttf"
FALLBACK_FONT = "DejaVu Sans"  # ships with matplotlib
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f",
)  # fmt: skip

WORDS = {
    "en": {
        "since": "Meetings held since {since}{topic}: {count}",
        "all": "Meetings in the releases{topic}: {count}",
        "recent": "The most recent meetings{topic}",
        "topic": " about “{topic}”",
        "other": "Other meetings",
        "month": "{month:%b} {day}",
    },
    "ja": {
        "since": "{since}以降に開催された会合{topic}: {count}件",
        "all": "資料にある会合{topic}: {count}件",
        "recent": "直近の会合{topic}",
        "topic": "（「{topic}」）",
        "other": "その他の会合",
        "month": "{month.month}月{day}日",
    },
}

_DRAWING = threading.Lock()


@dataclass(frozen=True)
class Row:
    """One row of the timeline: a series' name and its meetings, oldest first."""

    label: str
    meetings: tuple[Meeting, ...]


@dataclass(frozen=True)
class Timeline:
    """A drawn timeline: the PNG, its size in pixels and every text drawn on it."""

    png: bytes
    width: int
    height: int
    texts: tuple[str, ...]


def _words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])


def series_rows(meetings: Sequence[Meeting], lang: str, max_rows: int = MAX_ROWS) -> list[Row]:
    """The meetings grouped into rows, one per series, newest series on top.

    Past ``max_rows`` the series whose newest meeting is oldest share a last row ("Other
    meetings"). A row is named by its newest meeting's format and partners, without a courtesy
    call's host (a series of calls is paid to several).
    """
    series: dict[tuple[object, ...], list[Meeting]] = {}
    for m in sorted(meetings, key=lambda m: (m.date_start, m.date_end)):
        series.setdefault((m.kind.family, m.kind.topic, frozenset(m.countries)), []).append(m)
    groups = sorted(series.values(), key=lambda ms: (ms[-1].date_start, ms[-1].date_end))
    groups.reverse()
    rows = [Row(_series_label(ms, lang), tuple(ms)) for ms in groups]
    if len(rows) > max_rows:
        rest = sorted((m for r in rows[max_rows - 1 :] for m in r.meetings), key=_dates)
        rows = [*rows[: max_rows - 1], Row(_words(lang)["other"], tuple(rest))]
    return rows


def _dates(m: Meeting) -> tuple[dt.date, dt.date]:
    return m.date_start, m.date_end


def _series_label(meetings: list[Meeting], lang: str) -> str:
    newest = meetings[-1]
    if newest.kind.family != "courtesy":
        return newest.name_in(lang)
    abbr = next((m.abbr for m in reversed(meetings) if m.abbr), None)
    ja, en = meeting_names(newest.kind, list(newest.countries), abbr)
    return ja if lang == "ja" else en


def date_label(meeting: Meeting, lang: str) -> str:
    """A meeting's dates without the year (the axis gives it): "Dec 10–12", 「12月10日～12日」."""
    a, b = meeting.date_start, meeting.date_end
    if a.year != b.year:
        return format_dates(meeting, lang)
    words = _words(lang)
    first = words["month"].format(month=a, day=a.day)
    if b == a:
        return first
    if lang == "ja":
        return first + "～" + (f"{b.day}日" if b.month == a.month else f"{b.month}月{b.day}日")
    return first + (f"–{b.day}" if b.month == a.month else f" – {b:%b} {b.day}")


def timeline_title(summary: Summary) -> str:
    """The picture's title for a summary, in its language (no Markdown: it is drawn)."""
    words = _words(summary.lang)
    topic = words["topic"].format(topic=summary.topic[:60]) if summary.topic else ""
    key = "recent" if summary.fallback else "since" if summary.since else "all"
    return words[key].format(since=summary.since, topic=topic, count=len(summary.every))


def image_size(rows: int) -> tuple[int, int]:
    """Width and height in pixels of a timeline of ``rows`` rows."""
    return WIDTH_PX, TOP_PX + ROW_PX * max(rows, 1) + BOTTOM_PX


def draw_timeline(meetings: Sequence[Meeting], lang: str, title: str = "") -> Timeline:
    """Draw ``meetings`` on a time axis, one row per series, labels in ``lang``.

    Args:
        meetings: catalogue meetings, in any order; at least one.
        lang: "ja" or "en", the language of the labels.
        title: drawn above the axis (e.g. :func:`timeline_title`).

    Returns:
        The PNG (:data:`WIDTH_PX` wide, :func:`image_size` for the height) and its texts.

    Raises:
        ValueError: no meeting to draw.
        PictureError: matplotlib or the font package is not installed.
    """
    if not meetings:
        raise ValueError("no meeting to draw")
    rows = series_rows(meetings, lang)
    width, height = image_size(len(rows))
    with _drawing():
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.text import Text

        fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
        FigureCanvasAgg(fig)
        _draw(fig, rows, lang, title, height)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
        texts = tuple(t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text())
    log.info("timeline: %d meetings in %d rows, %d bytes", len(meetings), len(rows), out.tell())
    return Timeline(out.getvalue(), width, height, texts)


def font_path() -> Path:
    """The Japanese font file of the ``matplotlib-fontja`` package.

    Found without importing the package: importing it would set matplotlib's global font.
    """
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or spec.origin is None:
        raise PictureError(f"no Japanese font: install the {FONT_PACKAGE} package")
    path = Path(spec.origin).parent / FONT_FILE
    if not path.is_file():
        raise PictureError(f"no Japanese font: {path} is missing; reinstall {FONT_PACKAGE}")
    return path


@functools.cache
def _font_family() -> str:
    from matplotlib import font_manager

    path = font_path()
    font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=str(path)).get_name())


@contextmanager
def _drawing() -> Iterator[None]:
    """One drawing at a time, with the Agg backend and the Japanese font."""
    try:
        import matplotlib
    except ImportError as exc:
        raise PictureError("matplotlib is not installed") from exc
    with _DRAWING:
        family = _font_family()
        with matplotlib.rc_context(
            {
                "font.family": [family, FALLBACK_FONT],
                "text.parse_math": False,  # "$" in a topic is a dollar sign
                "axes.unicode_minus": False,
            }
        ):
            yield


def _day(day: dt.date, offset: float = 0.0) -> float:
    """``day``'s start (plus ``offset`` days) on matplotlib's date axis, which counts days."""
    from matplotlib.dates import date2num

    return float(date2num(dt.datetime.combine(day, dt.time()))) + offset


def _draw(fig: Figure, rows: list[Row], lang: str, title: str, height: int) -> None:
    fig.subplots_adjust(left=0.015, right=0.985, top=1 - TOP_PX / height, bottom=BOTTOM_PX / height)
    ax = fig.add_subplot()
    if title:
        fig.text(0.015, 1 - 16 / height, title, fontsize=14, va="top")
    first = min(m.date_start for r in rows for m in r.meetings)
    last = max(m.date_end for r in rows for m in r.meetings)
    pad = max(15, (last - first).days // 25)
    lo, hi = _day(first, -pad), _day(last, pad + 1)
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.75, len(rows) - 0.35)
    px_per_day = WIDTH_PX * 0.97 / (hi - lo)
    for i, row in enumerate(rows):
        _draw_row(ax, row, len(rows) - 1 - i, lang, px_per_day)
    _style_axes(ax, lang)


def _draw_row(ax: Axes, row: Row, y: float, lang: str, px_per_day: float) -> None:
    ax.axhline(y, color="#dddddd", linewidth=1, zorder=1)
    ax.text(0.004, y + 0.2, row.label, transform=ax.get_yaxis_transform(), fontsize=11, va="bottom")
    colors = [_color(m) for m in row.meetings]
    long = [(m, c) for m, c in zip(row.meetings, colors, strict=True) if m.date_end > m.date_start]
    if long:  # a meeting of several days is a bar over them
        ax.hlines(
            [y] * len(long),
            [_day(m.date_start) for m, _ in long],
            [_day(m.date_end, 1) for m, _ in long],
            colors=[c for _, c in long],
            linewidth=6,
            zorder=2,
        )
    starts = [_day(m.date_start) for m in row.meetings]
    ax.scatter(starts, [y] * len(starts), s=64, c=colors, zorder=3)
    if len(row.meetings) <= MAX_LABELLED:
        _date_labels(ax, row, y, lang, px_per_day)


def _date_labels(ax: Axes, row: Row, y: float, lang: str, px_per_day: float) -> None:
    """Each meeting's dates under its mark; a label that would overlap the previous one goes
    on a second line, and the same dates twice (two series in the last row) are written once."""
    ends = [-1e9, -1e9]  # right edge (px) of the last label on each line
    drawn: set[tuple[str, dt.date, dt.date]] = set()
    for m in row.meetings:
        label = date_label(m, lang)
        if (label, m.date_start, m.date_end) in drawn:
            continue
        drawn.add((label, m.date_start, m.date_end))
        x = _day(m.date_start, ((m.date_end - m.date_start).days + 1) / 2)  # the days' middle
        left, right = (x * px_per_day + sign * _text_px(label) / 2 for sign in (-1, 1))
        line = 0 if left > ends[0] + 4 else 1 if left > ends[1] + 4 else 0
        ends[line] = right
        ax.text(x, y - 0.16 - 0.2 * line, label, fontsize=8, ha="center", va="top", color="#333")


def _text_px(text: str) -> float:
    """About how wide ``text`` is at 8 points, in pixels (a wide character twice a narrow)."""
    return sum(11.0 if unicodedata.east_asian_width(c) in "WF" else 5.5 for c in text)


def _color(meeting: Meeting) -> str:
    family = meeting.kind.family
    index = FAMILIES.index(family) if family in FAMILIES else len(FAMILIES) - 1
    return PALETTE[index % len(PALETTE)]


def _style_axes(ax: Axes, lang: str) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(minticks=3, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, **_date_formats(lang)))
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#eeeeee", linewidth=1)
    ax.set_axisbelow(True)
    ax.tick_params(axis="x", labelsize=10)


def _date_formats(lang: str) -> dict[str, Any]:
    """ConciseDateFormatter's formats: years, months, days (times never occur here)."""
    if lang == "ja":
        return {
            "formats": ["%Y年", "%-m月", "%-m月%-d日", "%H:%M", "%H:%M", "%S.%f"],
            "zero_formats": ["", "%Y年", "%-m月", "%-m月%-d日", "%H:%M", "%H:%M"],
            "offset_formats": ["", "%Y年", "%Y年%-m月", "%Y年%-m月%-d日", "%Y年%-m月%-d日", ""],
        }
    return {
        "formats": ["%Y", "%b", "%b %-d", "%H:%M", "%H:%M", "%S.%f"],
        "zero_formats": ["", "%Y", "%b", "%b %-d", "%H:%M", "%H:%M"],
        "offset_formats": ["", "%Y", "%b %Y", "%b %-d, %Y", "%b %-d, %Y", ""],
    }
