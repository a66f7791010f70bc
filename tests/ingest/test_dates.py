"""Dates as releases and questions write them: one date, all dates in a text, a period."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from index.ingest.dates import (
    EARLIEST,
    LATEST,
    DateMention,
    Period,
    find_dates,
    parse_date,
    query_period,
)

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-12-16 10:00", D(2024, 12, 16)),
        ("2024-7-31 11:55", D(2024, 7, 31)),
        ("2024/12/16", D(2024, 12, 16)),
        ("2024-12-16T10:00:00+09:00", D(2024, 12, 16)),
        ("令和6(2024)年12月12日", D(2024, 12, 12)),
        ("令和6（2024）年12月12日", D(2024, 12, 12)),
        ("令和5年1月11日", D(2023, 1, 11)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("平成31年4月30日", D(2019, 4, 30)),
        ("平成22年6月1日", D(2010, 6, 1)),
        ("２０２４年１２月１６日", D(2024, 12, 16)),
        ("令和６年１２月２７日", D(2024, 12, 27)),
        ("2024年12月16日", D(2024, 12, 16)),
        ("2024年 7月 9日(火)", D(2024, 7, 9)),
        ("December 10-12, 2024", D(2024, 12, 10)),
        ("Dec. 10, 2024", D(2024, 12, 10)),
        ("Jan. 11, 2023", D(2023, 1, 11)),
        ("July 29, 2024", D(2024, 7, 29)),
        ("Monday, July 29, 2024", D(2024, 7, 29)),
        ("DECEMBER 11, 2024 – The U.S.-Japan alliance", D(2024, 12, 11)),
        ("13 December 2024", D(2024, 12, 13)),
        ("Sept. 5, 2024", D(2024, 9, 5)),
        ("June 2nd, 2024", D(2024, 6, 2)),
    ],
)
def test_parse_date_reads_the_forms_releases_use(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "no date here", "2024年12月", "December 2024", "12月10日", "2024-02-30", "in 2010", "2+2"],
)
def test_parse_date_refuses_what_is_not_one_day(text: str) -> None:
    assert parse_date(text) is None


def _spans(text: str, **kw: int) -> list[tuple[str, dt.date, dt.date | None, str]]:
    return [
        (text[m.start : m.end], m.date_start, m.date_end, m.precision)
        for m in find_dates(text, **kw)
    ]


def test_find_dates_japanese_range_and_offsets_into_the_original() -> None:
    text = (
        "防衛省は令和6(2024)年12月12日(木)20時30分、"
        "12月10日から12日まで実施した協議の概要を発表した。"
    )
    assert _spans(text, default_year=2024) == [
        ("令和6(2024)年12月12日(木)", D(2024, 12, 12), None, "day"),
        ("12月10日から12日まで", D(2024, 12, 10), D(2024, 12, 12), "day"),
    ]


def test_month_day_without_a_year_needs_default_year() -> None:
    text = "日米両政府は、12月10日から12日まで、外務省において協議を実施しました。"
    assert find_dates(text) == []
    (m,) = find_dates(text, default_year=2024)
    assert (m.date_start, m.date_end) == (D(2024, 12, 10), D(2024, 12, 12))


def test_full_width_digits_keep_offsets() -> None:
    text = "発表：令和６年１２月２７日（金）。"
    (m,) = find_dates(text)
    assert text[m.start : m.end] == "令和６年１２月２７日（金）"
    assert m.date_start == D(2024, 12, 27)


@pytest.mark.parametrize(
    ("text", "mention", "start", "end"),
    [
        ("on December 10-12, 2024.", "December 10-12, 2024", D(2024, 12, 10), D(2024, 12, 12)),
        ("from June 26 to 27, 2023.", "June 26 to 27, 2023", D(2023, 6, 26), D(2023, 6, 27)),
        ("2023年12月5日から6日まで、", "2023年12月5日から6日まで", D(2023, 12, 5), D(2023, 12, 6)),
        ("6月13日~14日に実施", "6月13日~14日", D(2024, 6, 13), D(2024, 6, 14)),
        ("(12月10日～12日実施)", "12月10日～12日", D(2024, 12, 10), D(2024, 12, 12)),
        ("met July 28-29 in Tokyo", "July 28-29", D(2024, 7, 28), D(2024, 7, 29)),
        ("on 10-12 December 2024", "10-12 December 2024", D(2024, 12, 10), D(2024, 12, 12)),
        ("4月19−20日に訪日する", "4月19−20日", D(2024, 4, 19), D(2024, 4, 20)),
        (
            "9月6日(日)から同月7日(月)の間",
            "9月6日(日)から同月7日(月)",
            D(2024, 9, 6),
            D(2024, 9, 7),
        ),
        ("9月9日(日)及び10日(月)、名古屋", "9月9日(日)及び10日(月)", D(2024, 9, 9), D(2024, 9, 10)),
        (
            "from Tuesday, 12th to Wednesday, 13th September 2017",
            "12th to Wednesday, 13th September 2017",
            D(2017, 9, 12),
            D(2017, 9, 13),
        ),
        ("on 5 and 6 May 2024", "5 and 6 May 2024", D(2024, 5, 5), D(2024, 5, 6)),
        (
            "Dec. 30, 2024 - Jan. 2, 2025",
            "Dec. 30, 2024 - Jan. 2, 2025",
            D(2024, 12, 30),
            D(2025, 1, 2),
        ),
        (
            "December 30 - January 2, 2025",
            "December 30 - January 2, 2025",
            D(2024, 12, 30),
            D(2025, 1, 2),
        ),
    ],
)
def test_ranges(text: str, mention: str, start: dt.date, end: dt.date) -> None:
    (m,) = find_dates(text, default_year=2024)
    assert (text[m.start : m.end], m.date_start, m.date_end, m.precision) == (
        mention,
        start,
        end,
        "day",
    )


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("12月10日及び12日に", [D(2024, 12, 10)]),  # two dates: the second has no month of its own
        ("on 5 and 12 May 2024", [D(2024, 5, 5), D(2024, 5, 12)]),
    ],
)
def test_days_joined_by_and_are_a_range_only_when_running(text: str, days: list[dt.date]) -> None:
    found = [m for m in find_dates(text, default_year=2024) if m.precision == "day"]
    assert [(m.date_start, m.date_end) for m in found] == [(d, None) for d in days]


@pytest.mark.parametrize(
    ("text", "mention", "date", "alt", "zone"),
    [
        (
            "林外務大臣は1月12日(現地時間11日)、日米「2+2」に出席する予定です。",
            "1月12日(現地時間11日)",
            D(2023, 1, 12),
            D(2023, 1, 11),
            "local",
        ),
        (
            "2024年5月2日（現地時間1日）、ハワイにおいて",
            "2024年5月2日（現地時間1日）",
            D(2024, 5, 2),
            D(2024, 5, 1),
            "local",
        ),
        (
            "met on May 1 (May 2 Japan time) in Hawaii",
            "May 1 (May 2 Japan time)",
            D(2023, 5, 1),
            D(2023, 5, 2),
            "japan",
        ),
        (
            "5月31日(日本時間6月1日)に署名",
            "5月31日(日本時間6月1日)",
            D(2023, 5, 31),
            D(2023, 6, 1),
            "japan",
        ),
    ],
)
def test_local_time_counterpart(
    text: str, mention: str, date: dt.date, alt: dt.date, zone: str
) -> None:
    (m,) = find_dates(text, default_year=2023)
    assert text[m.start : m.end] == mention
    assert (m.date_start, m.alt_date, m.alt_zone) == (date, alt, zone)


def test_months_and_years() -> None:
    text = (
        "2022年5月の日米首脳会談、the previous meeting held in December 2023, "
        "since 2010, 令和6年12月"
    )
    assert _spans(text) == [
        ("2022年5月", D(2022, 5, 1), None, "month"),
        ("December 2023", D(2023, 12, 1), None, "month"),
        ("2010", D(2010, 1, 1), None, "year"),
        ("令和6年12月", D(2024, 12, 1), None, "month"),
    ]


def test_era_year_with_western_year_in_brackets_is_one_year_mention() -> None:
    assert _spans("2010年(平成22年)以降定期的に開催") == [
        ("2010年(平成22年)", D(2010, 1, 1), None, "year")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "This email was sent to sajanram1986.channel@blogger.com",
        "1400 Defense Pentagon Washington, DC 20301-1400",
        "https://www.mod.go.jp/j/approach/anpo/2024/0613a_usa-j.html",
        "they may march on",
        "約20分間、第22回の会合、YS-87、F-35、3か月",
        "日米「2+2」",
    ],
)
def test_numbers_that_are_not_dates(text: str) -> None:
    assert find_dates(text, default_year=2024) == []


def test_mentions_do_not_overlap_and_are_sorted() -> None:
    text = "2024-12-16 10:00\n令和6(2024)年12月12日、December 10-12, 2024 and July 28, 2024."
    mentions = find_dates(text)
    assert [text[m.start : m.end] for m in mentions] == [
        "2024-12-16",
        "令和6(2024)年12月12日",
        "December 10-12, 2024",
        "July 28, 2024",
    ]
    assert all(a.end <= b.start for a, b in itertools.pairwise(mentions))
    assert isinstance(mentions[0], DateMention)


TODAY = D(2025, 3, 15)


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("Who co-chaired the June 2024 EDD?", Period(D(2024, 6, 1), D(2024, 6, 30), "month")),
        ("What happened in December 2024?", Period(D(2024, 12, 1), D(2024, 12, 31), "month")),
        ("Which dialogues were held in 2023?", Period(D(2023, 1, 1), D(2023, 12, 31), "year")),
        ("2022年6月の日米拡大抑止協議の参加者は?", Period(D(2022, 6, 1), D(2022, 6, 30), "month")),
        ("令和6年12月の発表では何が述べられたか", Period(D(2024, 12, 1), D(2024, 12, 31), "month")),
        ("2024年12月のEDDでは何が議論されたか", Period(D(2024, 12, 1), D(2024, 12, 31), "month")),
        ("２０２４年１２月の協議", Period(D(2024, 12, 1), D(2024, 12, 31), "month")),
        ("What was agreed on July 28, 2024?", Period(D(2024, 7, 28), D(2024, 7, 28), "day")),
        (
            "2024年12月10日から12日までの協議",
            Period(D(2024, 12, 10), D(2024, 12, 12), "day"),
        ),
        ("EDDs between 2022 and 2024", Period(D(2022, 1, 1), D(2024, 12, 31), "year")),
        (
            "What did the EDD discuss last December?",
            Period(D(2024, 12, 1), D(2024, 12, 31), "month"),
        ),
        ("What happened last year?", Period(D(2024, 1, 1), D(2024, 12, 31), "year")),
        ("昨年12月の日米防衛相会談", Period(D(2024, 12, 1), D(2024, 12, 31), "month")),
        ("今年の会合", Period(D(2025, 1, 1), D(2025, 12, 31), "year")),
        ("2023年12月と2024年6月のEDD", Period(D(2023, 12, 1), D(2024, 6, 30), "month")),
        ("from March 2023 to May 2024", Period(D(2023, 3, 1), D(2024, 5, 31), "month")),
        # a later date with other words between is part of what is asked, not its time
        (
            "2024年5月のハワイでの日米豪防衛相会談で、2027年に実施する計画が発表された演習は",
            Period(D(2024, 5, 1), D(2024, 5, 31), "month"),
        ),
        (
            "What did the July 2024 2+2 say about the 2027 exercise?",
            Period(D(2024, 7, 1), D(2024, 7, 31), "month"),
        ),
        # typed as in a chat: a month in lower case or cut short before a year, 2024/12
        (
            "what camp did they visit at the dec 2024 edd",
            Period(D(2024, 12, 1), D(2024, 12, 31), "month"),
        ),
        ("edd in december 2023", Period(D(2023, 12, 1), D(2023, 12, 31), "month")),
        ("may 2024 hawaii meeting", Period(D(2024, 5, 1), D(2024, 5, 31), "month")),
        ("2024/12 edd", Period(D(2024, 12, 1), D(2024, 12, 31), "month")),
        ("edds in 2022-2024", Period(D(2022, 1, 1), D(2024, 12, 31), "year")),
        ("what happened at the dec '24 edd", Period(D(2024, 12, 1), D(2024, 12, 31), "month")),
        ("the edd in ’23", Period(D(2023, 1, 1), D(2023, 12, 31), "year")),
        ("24年12月のEDD", Period(D(2024, 12, 1), D(2024, 12, 31), "month")),
        ("令和6年12月のEDD", Period(D(2024, 12, 1), D(2024, 12, 31), "month")),
    ],
)
def test_query_period_in_both_languages(question: str, period: Period) -> None:
    assert query_period(question, today=TODAY) == period


@pytest.mark.parametrize(
    "question",
    [
        "Who co-chaired the EDD?",
        "日米拡大抑止協議(EDD)が設立されたのは何年か。",
        "What did the 2+2 decide about U.S. Forces Japan?",
        "7月28日の会談はどこで行われたか",  # a day without a year is not a period
        "会談は12時30分から行われたか",  # a time of day
        "the edd in '99",  # a two-digit year after today's is no year of this century's past
        "",
    ],
)
def test_query_period_none_when_no_time_is_named(question: str) -> None:
    assert query_period(question, today=TODAY) is None


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        # the time of another event the subject follows: from that time on
        ("Which 2+2 followed the April 2024 summit?", D(2024, 4, 1), LATEST),
        ("what did the 2+2 after the april 2024 summit decide", D(2024, 4, 1), LATEST),
        ("EDDs held since 2023", D(2023, 1, 1), LATEST),
        ("2024年4月の首脳会談を受けて開かれた日米2+2", D(2024, 4, 1), LATEST),
        ("2024年12月の日米拡大抑止協議の後、次回はいつ", D(2024, 12, 1), LATEST),
        ("2024年4月以降のEDD", D(2024, 4, 1), LATEST),
        # ... or precedes: up to its end
        ("Which EDD came before the Dec 2024 one?", EARLIEST, D(2024, 12, 31)),
        ("2024年7月の2+2に先立つ協議", EARLIEST, D(2024, 7, 31)),
        # not a bound: a range, 「今後」 (from now on), 「前回」 (the last one), a comma between
        ("2024年12月10日から12日まで行われた協議", D(2024, 12, 10), D(2024, 12, 12)),
        ("2024年7月の会談で今後の協力について何を確認したか", D(2024, 7, 1), D(2024, 7, 31)),
        ("2024年12月の前回会合", D(2024, 12, 1), D(2024, 12, 31)),
        ("2024年7月の会談で、その後の協議は", D(2024, 7, 1), D(2024, 7, 31)),
    ],
)
def test_a_time_the_subject_follows_or_precedes_is_an_open_span(
    question: str, start: dt.date, end: dt.date
) -> None:
    period = query_period(question, today=TODAY)
    assert period is not None and (period.start, period.end) == (start, end)


def test_last_month_name_is_the_most_recent_past_one() -> None:
    assert query_period("last June", today=D(2025, 8, 1)) == Period(
        D(2025, 6, 1), D(2025, 6, 30), "month"
    )
    assert query_period("last June", today=D(2025, 6, 10)) == Period(
        D(2024, 6, 1), D(2024, 6, 30), "month"
    )


def test_only_the_dates_of_the_question_s_time_leave_its_words() -> None:
    from index.retrieval.query import without_dates

    kept = without_dates("What did the July 2024 2+2 say about the 2027 exercise?")
    assert "July 2024" not in kept and "2027" in kept
    assert "2024" not in without_dates("EDDs between 2022 and 2024")
