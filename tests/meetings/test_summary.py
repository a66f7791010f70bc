"""/summary's core and the `secbrief meetings` / `secbrief summary` commands."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from test_meetings import FIXTURES, TODAY, extract

from bot.cli import main
from index.ingest.loaders import load_corpus
from index.meetings.catalogue import Meeting
from index.meetings.summary import (
    PeriodError,
    header,
    matches_topic,
    parse_period,
    render_text,
    summarize,
    topic_choices,
)
from index.model.embed import HashingEmbedder
from index.store.build import build_index


@pytest.fixture(scope="module")
def meetings(sample_corpus: Path) -> list[Meeting]:
    return extract(load_corpus(sample_corpus)[0])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, dt.date(2026, 8, 28)),
        ("", dt.date(2026, 8, 28)),
        ("30d", dt.date(2026, 10, 27)),
        ("90 days", dt.date(2026, 8, 28)),
        ("1y", dt.date(2025, 11, 26)),
        ("all", None),
        ("2024-07-01", dt.date(2024, 7, 1)),
        ("2024-07", dt.date(2024, 7, 1)),
        ("令和6年7月", dt.date(2024, 7, 1)),
    ],
)
def test_parse_period(value: str | None, expected: dt.date | None) -> None:
    assert parse_period(value, TODAY) == expected


@pytest.mark.parametrize("value", ["bogus", "last tuesday-ish", "30x"])
def test_parse_period_refuses_what_it_cannot_read(value: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(value, TODAY)


def test_empty_default_period_falls_back_to_the_most_recent(meetings: list[Meeting]) -> None:
    summary = summarize(meetings, since=parse_period(None, TODAY), lang="en", today=TODAY)
    assert summary.fallback
    assert [m.date_start for m in summary.meetings] == sorted(
        (m.date_start for m in summary.meetings), reverse=True
    )
    assert summary.meetings[0].date_start == dt.date(2025, 5, 31)
    assert len(summary.meetings) == 3
    assert header(summary) == (
        "No meeting was held since 2026-08-28. The most recent meetings are:"
    )
    ja = summarize(meetings, since=parse_period(None, TODAY), lang="ja", today=TODAY)
    assert header(ja).startswith("2026-08-28以降に開催された会合はありません")


def test_meetings_of_a_period_newest_first(meetings: list[Meeting]) -> None:
    summary = summarize(meetings, since=dt.date(2024, 7, 1), lang="en", today=dt.date(2024, 8, 15))
    assert not summary.fallback
    assert {m.date_start for m in summary.meetings} == {dt.date(2024, 7, 28), dt.date(2024, 7, 29)}
    assert summary.meetings[0].date_start == dt.date(2024, 7, 29)
    assert summary.total == 6
    assert header(summary) == "**Meetings held since 2024-07-01**: 6"


def test_topic_filters_and_autocompletes(meetings: list[Meeting]) -> None:
    edd = [m for m in meetings if matches_topic(m, "EDD")]
    assert len(edd) == 5 and all(m.kind.family == "dialogue" for m in edd)
    assert {m.date_start for m in meetings if matches_topic(m, "Philippines")} == {
        dt.date(2024, 5, 2),
        dt.date(2025, 5, 31),
    }
    assert [m.name_ja for m in meetings if matches_topic(m, "日米韓")] == ["日米韓防衛相会談"]
    summary = summarize(meetings, since=None, topic="拡大抑止", lang="ja", today=TODAY)
    assert summary.total == 6  # five EDDs and the ministerial meeting on extended deterrence
    choices = topic_choices(meetings, "拡大", "ja")
    assert "日米拡大抑止協議" in choices and len(choices) == len(set(choices))
    everything = topic_choices(meetings, "", "en")
    assert 0 < len(everything) <= 25 and all(len(c) <= 100 for c in everything)
    assert "Philippines" in topic_choices(meetings, "phil", "en")


def test_text_is_in_the_asked_language_and_quotes_releases(meetings: list[Meeting]) -> None:
    [edd] = [m for m in meetings if m.date_start == dt.date(2024, 12, 10) and m.abbr == "EDD"]
    for lang, name, framing in (
        ("ja", "日米拡大抑止協議", "日程: 2024年12月10日～12日"),
        ("en", "Japan-U.S. Extended Deterrence Dialogue (EDD)", "When: December 10–12, 2024"),
    ):
        summary = summarize([edd], since=None, lang=lang, today=TODAY)
        text = render_text(summary)
        assert f"## {name}" in text and framing in text
        quoted = [line[2:] for line in text.splitlines() if line.startswith("> ")]
        assert 2 <= len(quoted) <= 4
        assert all(q in [x.quote for x in edd.quotes_in(lang)] for q in quoted)
        langs = {s.lang for s in edd.sources if any(q.path == s.path for q in edd.quotes_in(lang))}
        assert langs == {lang}
        assert "https://miragenews.com/us-japan-extended-deterrence-dialogue-13-1377138" in text


@pytest.fixture(scope="module")
def fixture_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("meetings") / "index"
    build_index(FIXTURES, index, HashingEmbedder())
    return index


def test_cli_meetings_json(fixture_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["meetings", "--index", str(fixture_index), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [m["date_start"] for m in data] == sorted((m["date_start"] for m in data), reverse=True)
    uk = next(m for m in data if "2+2" in m["name"])
    ja, en = uk["name"].split(" / ")
    assert (ja, en) == (
        "日英外務・防衛閣僚会合（「2+2」）",
        'Japan-UK Foreign and Defense Ministers\' Meeting ("2+2")',
    )
    assert (uk["date_start"], uk["date_end"]) == ("2025-02-09", "2025-02-09")
    assert uk["countries"] == ["Japan", "United Kingdom"]
    assert {s["path"] for s in uk["sources"]} == {"uk-2plus2-ja.txt", "uk-2plus2-en.txt"}
    texts = {p.name: p.read_text(encoding="utf-8") for p in FIXTURES.glob("*.txt")}
    assert all(q["quote"] in texts[q["path"]] for m in data for q in m["summary"])

    assert main(["meetings", "--index", str(fixture_index), "--json", "--since", "2025-01-01"]) == 0
    assert {m["date_start"] for m in json.loads(capsys.readouterr().out)} == {
        "2025-11-01",
        "2025-03-04",
        "2025-02-09",
    }


@pytest.mark.parametrize(
    ("since", "starts"),
    [
        (
            "all",
            {
                "2025-11-01",
                "2025-03-04",
                "2025-02-09",
                "2024-10-14",
                "2024-10-09",
                "2023-12-10",
                "2023-09-05",
                "2023-07-11",
                "2023-06-20",
                "2023-04-17",
                "2023-03-03",
            },
        ),
        ("2025-02", {"2025-11-01", "2025-03-04", "2025-02-09"}),
        ("令和7年3月", {"2025-11-01", "2025-03-04"}),
        ("30d", {"2025-11-01"}),  # from 2025-10-27
        ("1y", {"2025-11-01", "2025-03-04", "2025-02-09"}),  # from 2024-11-26
    ],
)
def test_cli_meetings_since_reads_what_summary_reads(
    fixture_index: Path, capsys: pytest.CaptureFixture[str], since: str, starts: set[str]
) -> None:
    args = ["meetings", "--index", str(fixture_index), "--json", "--today", "2025-11-26"]
    assert main([*args, "--since", since]) == 0
    assert {m["date_start"] for m in json.loads(capsys.readouterr().out)} == starts


def test_cli_meetings_refuses_an_unreadable_since(
    fixture_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["meetings", "--index", str(fixture_index), "--since", "bogus"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("secbrief: error: not a period: 'bogus'") and err.count("\n") == 1


def test_cli_summary(fixture_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["summary", "--index", str(fixture_index), "--today", "2026-11-26", "--lang", "ja"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("2026-08-28以降に開催された会合はありません。直近の会合は次のとおりです:")
    assert "## 日ASEAN防衛相会談" in out and "日程: 2025年11月1日～2日" in out
    args = ["summary", "--index", str(fixture_index), "--today", "2025-03-10", "--since", "30d"]
    assert main([*args, "--topic", "Philippines"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("**Meetings held since 2025-02-08** about “Philippines”: 1")
    assert main([*args, "--since", "bogus"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("secbrief: error: not a period: 'bogus'") and err.count("\n") == 1


def test_cli_summary_plot_writes_the_timeline(
    fixture_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import Image

    from index.meetings.timeline import image_size

    out = tmp_path / "timeline.png"
    args = ["summary", "--index", str(fixture_index), "--since", "all", "--lang", "ja"]
    assert main([*args, "--plot", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("**資料にある会合**: 11件")
    assert captured.err == f"timeline: {out} (1200×752 px, 11 meeting(s))\n"
    with Image.open(out) as image:  # 10 rows: the two Japan-ASEAN defence ministers' meetings
        assert image.format == "PNG" and image.size == image_size(10) == (1200, 752)
    assert [p.name for p in tmp_path.iterdir()] == ["timeline.png"]  # no partial file left

    assert main([*args, "--topic", "nothing like it", "--plot", str(tmp_path / "no.png")]) == 1
    assert "no meeting to draw" in capsys.readouterr().err
    assert not (tmp_path / "no.png").exists()
    assert main([*args, "--plot", str(tmp_path / "missing" / "t.png")]) == 1
    assert capsys.readouterr().err.startswith("secbrief: error: cannot write")


def test_cli_without_an_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["meetings", "--index", str(tmp_path / "none")]) == 1
    assert "no index at" in capsys.readouterr().err
