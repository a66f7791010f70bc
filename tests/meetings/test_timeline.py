"""The timeline picture: rows by series, date labels, the PNG and the Japanese font."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from index.meetings.catalogue import Meeting, Source
from index.meetings.names import Kind
from index.meetings.summary import summarize
from index.meetings.timeline import (
    MAX_ROWS,
    WIDTH_PX,
    date_label,
    draw_timeline,
    font_path,
    image_size,
    series_rows,
    timeline_title,
)

ROOT = Path(__file__).resolve().parents[2]
# matplotlib warns "Glyph 26085 (...) missing from font(s) DejaVu Sans." and draws a box
pytestmark = pytest.mark.filterwarnings("error:Glyph .* missing from font:UserWarning")

EDD = Kind("dialogue", "extended deterrence", "拡大抑止", "Extended Deterrence")


def meeting(
    ja: str, en: str, start: str, end: str | None = None, *, kind: Kind, countries: str = "JP US"
) -> Meeting:
    first = dt.date.fromisoformat(start)
    return Meeting(
        name_ja=ja,
        name_en=en,
        date_start=first,
        date_end=dt.date.fromisoformat(end) if end else first,
        place_ja=None,
        place_en=None,
        participants=(),
        countries=tuple(countries.split()),
        sources=(Source(f"{start}.txt", en, first, "en", None),),
        kind=kind,
    )


# A known small catalogue: two EDD rounds, two courtesy calls on different hosts (one series),
# a Japan-UK "2+2" and a Japan-ASEAN meeting over two months' turn.
CATALOGUE = [
    meeting("日米拡大抑止協議", "Japan-U.S. Extended Deterrence Dialogue (EDD)", "2024-06-13",
            "2024-06-14", kind=EDD),
    meeting("日米拡大抑止協議", "Japan-U.S. Extended Deterrence Dialogue (EDD)", "2024-12-10",
            "2024-12-12", kind=EDD),
    meeting("岸田総理大臣表敬", "Courtesy Call on Prime Minister Kishida", "2024-07-29",
            kind=Kind("courtesy")),
    meeting("石破総理大臣表敬", "Courtesy Call on Prime Minister Ishiba", "2025-03-30",
            kind=Kind("courtesy")),
    meeting("日英外務・防衛閣僚会合（「2+2」）",
            'Japan-UK Foreign and Defense Ministers\' Meeting ("2+2")', "2025-02-09",
            kind=Kind("2+2"), countries="JP GB"),
    meeting("日ASEAN防衛相会談", "Japan-ASEAN Defense Ministers' Meeting", "2025-10-31",
            "2025-11-02", kind=Kind("defense"), countries="JP ASEAN"),
]  # fmt: skip

ROWS = {
    "ja": [
        ("日ASEAN防衛相会談", ["10月31日～11月2日"]),
        ("日米表敬", ["7月29日", "3月30日"]),
        ("日英外務・防衛閣僚会合（「2+2」）", ["2月9日"]),
        ("日米拡大抑止協議", ["6月13日～14日", "12月10日～12日"]),
    ],
    "en": [
        ("Japan-ASEAN Defense Ministers' Meeting", ["Oct 31 – Nov 2"]),
        ("Japan-U.S. Courtesy Call", ["Jul 29", "Mar 30"]),
        ('Japan-UK Foreign and Defense Ministers\' Meeting ("2+2")', ["Feb 9"]),
        ("Japan-U.S. Extended Deterrence Dialogue (EDD)", ["Jun 13–14", "Dec 10–12"]),
    ],
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_one_row_per_series_newest_on_top(lang: str) -> None:
    rows = series_rows(CATALOGUE, lang)
    assert [(r.label, [date_label(m, lang) for m in r.meetings]) for r in rows] == ROWS[lang]


@pytest.mark.parametrize(
    ("start", "end", "ja", "en"),
    [
        ("2024-07-28", "2024-07-28", "7月28日", "Jul 28"),
        ("2024-12-10", "2024-12-12", "12月10日～12日", "Dec 10–12"),
        ("2025-10-31", "2025-11-02", "10月31日～11月2日", "Oct 31 – Nov 2"),
        (
            "2024-12-30",
            "2025-01-02",
            "2024年12月30日～2025年1月2日",
            "December 30, 2024 – January 2, 2025",
        ),
    ],
)
def test_date_labels(start: str, end: str, ja: str, en: str) -> None:
    m = meeting("会談", "Meeting", start, end, kind=Kind("meeting"))
    assert (date_label(m, "ja"), date_label(m, "en")) == (ja, en)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_picture_opens_at_its_size_and_holds_every_label(lang: str) -> None:
    summary = summarize(CATALOGUE, since=dt.date(2024, 6, 1), lang=lang, today=dt.date(2026, 1, 1))
    title = timeline_title(summary)
    picture = draw_timeline(summary.every, lang, title)
    image = Image.open(io.BytesIO(picture.png))
    image.load()
    assert image.format == "PNG"
    assert image.size == (picture.width, picture.height) == image_size(4) == (WIDTH_PX, 368)
    assert len(picture.png) < 200_000
    # every text drawn: the title, each row's name, each meeting's dates, the years on the axis
    assert title in picture.texts
    for label, dates in ROWS[lang]:
        assert label in picture.texts
        assert all(d in picture.texts for d in dates)
    years = ["2025年"] if lang == "ja" else ["2025"]
    assert all(y in picture.texts for y in years)
    # the picture is not blank: ink in the rows
    assert len(image.convert("L").getcolors(maxcolors=1 << 16) or []) > 20


def test_japanese_glyphs_are_in_the_font() -> None:
    from matplotlib.ft2font import FT2Font

    picture = draw_timeline(CATALOGUE, "ja", "資料にある会合: 6件")
    charmap = FT2Font(str(font_path())).get_charmap()
    japanese = {c for text in picture.texts for c in text if not c.isascii()}
    assert {"拡", "抑", "協", "議", "表", "敬", "～", "（", "「", "年", "月", "日"} <= japanese
    assert sorted(c for c in japanese if ord(c) not in charmap) == []


def test_a_missing_glyph_fails_the_test() -> None:
    """The warning this module turns into a failure is the one matplotlib gives for boxes."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.text(0.1, 0.5, "日米拡大抑止協議")
        with pytest.raises(UserWarning, match="missing from font"):
            fig.canvas.draw()


def test_many_series_share_the_last_row() -> None:
    many = [
        meeting(f"会談{i}", f"Meeting {i}", f"20{10 + i}-03-01", kind=Kind("defense"),
                countries=f"JP {code}")
        for i, code in enumerate(["US", "AU", "GB", "FR", "DE", "IT", "IN", "PH", "KR", "NZ",
                                  "CA", "ID", "VN", "MY", "TH"])
    ]  # fmt: skip
    rows = series_rows(many, "en")
    assert len(rows) == MAX_ROWS
    assert rows[0].meetings[0].name_en == "Meeting 14"
    assert rows[-1].label == "Other meetings"
    assert [m.name_en for m in rows[-1].meetings] == [
        "Meeting 0",
        "Meeting 1",
        "Meeting 2",
        "Meeting 3",
    ]
    picture = draw_timeline(many, "en")
    assert Image.open(io.BytesIO(picture.png)).size == image_size(MAX_ROWS) == (WIDTH_PX, 880)


def test_a_dollar_sign_in_a_title_is_text() -> None:
    picture = draw_timeline(CATALOGUE[:1], "en", "Meetings about “$x$ and $5”")
    assert "Meetings about “$x$ and $5”" in picture.texts


def test_pictures_drawn_at_once_in_threads_are_the_same() -> None:
    expected = draw_timeline(CATALOGUE, "ja", "title").png
    results: list[bytes] = []

    def draw() -> None:
        results.append(draw_timeline(CATALOGUE, "ja", "title").png)

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_titles_follow_the_summary() -> None:
    today = dt.date(2026, 1, 1)
    assert timeline_title(summarize(CATALOGUE, since=None, lang="ja", today=today)) == (
        "資料にある会合: 6件"
    )
    since = summarize(CATALOGUE, since=dt.date(2025, 1, 1), topic="ASEAN", lang="en", today=today)
    assert timeline_title(since) == "Meetings held since 2025-01-01 about “ASEAN”: 1"
    empty = summarize(CATALOGUE, since=dt.date(2025, 12, 1), lang="ja", today=today)
    assert empty.fallback and len(empty.every) == 3
    assert timeline_title(empty) == "直近の会合"


def test_no_meeting_no_picture() -> None:
    with pytest.raises(ValueError, match="no meeting"):
        draw_timeline([], "en")


def test_matplotlib_waits_until_a_picture_is_drawn() -> None:
    code = (
        "import sys, bot.cli, bot.cogs.summary, index.meetings.timeline\n"
        "print('matplotlib' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.stdout.strip() == "False", result.stderr
