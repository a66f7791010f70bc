"""How the catalogue reads any meeting: formats and their ways of meeting, partners, described
meetings, dates, and the releases of one meeting from either side, in either language."""

from __future__ import annotations

import datetime as dt

import pytest
from test_meetings import FIXTURES, extract, with_source

from index.ingest.loaders import load_corpus
from index.meetings.catalogue import Meeting
from index.meetings.countries import countries_named
from index.meetings.cues import family_of, passing
from index.meetings.names import name_mentions
from index.meetings.people import Person, people
from index.meetings.when import pick_date

D = dt.date


@pytest.fixture(scope="module")
def meetings() -> list[Meeting]:
    return extract(load_corpus(FIXTURES)[0])


def only(meetings: list[Meeting], path: str) -> Meeting:
    [meeting] = with_source(meetings, path)
    return meeting


def test_an_advance_announcement_and_a_partner_embassy_report_are_one_meeting(
    meetings: list[Meeting],
) -> None:
    forum = only(meetings, "vmf-embassy-en.txt")
    # the announcement (dated ten days before) gives the days: 「9月5日（火）から同月6日（水）の間」
    assert {s.path for s in forum.sources} == {"vmf-announce-ja.txt", "vmf-embassy-en.txt"}
    assert (forum.date_start, forum.date_end) == (D(2023, 9, 5), D(2023, 9, 6))
    assert (forum.name_ja, forum.name_en) == (
        "日ASEAN次官級会合",
        "Japan-ASEAN Vice-Ministerial Meeting",
    )
    assert forum.countries == ("JP", "ASEAN")  # not the embassy's own Thailand


def test_a_partner_ministry_release_joins_the_japanese_summary(meetings: list[Meeting]) -> None:
    # "talked to Foreign Minister Suzuki Taro of Japan": the Korean minister is not called
    # Korean, and the publisher's line names no country: its address (.kr) does
    call = only(meetings, "kr-fm-call-en.txt")
    assert {s.path for s in call.sources} == {"kr-fm-call-ja.txt", "kr-fm-call-en.txt"}
    assert call.kind.family == "foreign" and call.countries == ("JP", "KR")
    assert call.date_start == call.date_end == D(2023, 3, 3)  # 「本3日」
    # the call with the U.S. "earlier in the day" and the summit "a year" ago are only recalled
    assert not [m for m in meetings if m.date_start.year == 2023 and "US" in m.countries]


def test_a_country_named_as_a_place_is_not_a_partner(meetings: list[Meeting]) -> None:
    # "who is visiting Germany to attend the G7 Foreign Ministers' Meeting, held a meeting with"
    talks = only(meetings, "ca-fm-g7-en.txt")
    assert talks.countries == ("JP", "CA")
    assert talks.date_start == D(2023, 4, 17)


def test_an_organisations_forum_japan_attends(meetings: list[Meeting]) -> None:
    # "On December 10th" in a review published in February: the December before
    admm = only(meetings, "admm-plus-review-en.txt")
    assert admm.kind.family == "defense" and admm.countries == ("JP", "ASEAN")
    assert admm.date_start == D(2023, 12, 10)


def test_an_organisations_head_meets_each_side_at_its_level(meetings: list[Meeting]) -> None:
    # 「鈴木外務大臣とスミスNATO事務総長との懇談」, held while visiting Lithuania for a summit
    talk = only(meetings, "nato-fm-ja.txt")
    assert talk.kind.family == "foreign" and talk.countries == ("JP", "NATO")
    assert talk.date_start == D(2023, 7, 11)  # 「現地時間7月11日」


def test_a_summit_telephone_talk_reported_by_both_sides(meetings: list[Meeting]) -> None:
    call = only(meetings, "ph-summit-call-en.txt")  # dated the day after, "on Tuesday evening"
    assert {s.path for s in call.sources} == {"ph-summit-call-ja.txt", "ph-summit-call-en.txt"}
    assert call.kind.family == "summit" and call.countries == ("JP", "PH")
    assert call.name_ja == "日比首脳会談" and call.date_start == D(2023, 6, 20)


def test_new_formats_keep_their_kind_through_json(meetings: list[Meeting]) -> None:
    for meeting in meetings:
        assert Meeting.from_json(meeting.to_json()).kind.key == meeting.kind.key


@pytest.mark.parametrize(
    ("text", "family", "countries"),
    [
        ("日豪外相ワーキング・ディナー", "foreign", ("JP", "AU")),
        ("日・フィリピン首脳立ち話", "summit", ("JP", "PH")),
        ("日・ニュージーランド防衛相電話会談", "defense", ("JP", "NZ")),
        ("第7回日豪外務・防衛閣僚協議の開催", "2+2", ("JP", "AU")),
        ("第7回日・ASEAN諸国防衛当局次官級会合", "vice", ("JP", "ASEAN")),
        ("The 9th Japan-ASEAN Defense Vice-Ministerial Forum", "vice", ("JP", "ASEAN")),
        ("held ROK-Japan vice defense ministers’ talks", "vice", ("JP", "KR")),
        ("the ASEAN Defence Ministers’ Meeting-Plus", "defense", ("ASEAN",)),
        ("Japan-U.S. Foreign Ministers’ Telephone Talk", "foreign", ("JP", "US")),
        ("the Quad Foreign Ministers’ Meeting", "foreign", ("JP", "US", "AU", "IN")),
    ],
)
def test_formats_and_their_ways_of_meeting(
    text: str, family: str, countries: tuple[str, ...]
) -> None:
    [mention] = name_mentions(text)
    assert (mention.kind.family, mention.countries) == (family, countries)


@pytest.mark.parametrize(
    ("text", "topic", "abbr"),
    [
        ("the 13th Japan-Canada Military to Military (MM) Dialogue", "Military to Military", "MM"),
        ("日EU外相戦略対話", "Strategic", None),  # the level is not the topic
    ],
)
def test_dialogue_topics(text: str, topic: str, abbr: str | None) -> None:
    [mention] = name_mentions(text)
    assert (mention.kind.family, mention.kind.topic_en, mention.abbr) == ("dialogue", topic, abbr)


@pytest.mark.parametrize(
    ("text", "places", "countries"),
    [
        ("SUBJECT: Australia-US-Japan trilateral defence cooperation", True, ["AU", "US", "JP"]),
        ("日米豪比の連携", True, ["JP", "US", "AU", "PH"]),
        ("自由で開かれたインド太平洋", True, []),  # インド is not India here
        ("マルコス・フィリピン共和国大統領", True, ["PH"]),
        ("China's coercion and North Korea's missiles", True, []),  # concerns, not partners
        ("who is visiting Germany to attend the G7", False, []),
        ("米国・ニューヨークにおいて", False, []),
        ("met in Germany with the Foreign Minister of Germany", False, ["DE"]),
    ],
)
def test_countries_named(text: str, places: bool, countries: list[str]) -> None:
    assert countries_named(text, places=places) == countries


def _person(role: str, country: str | None) -> Person:
    return Person(f"{role} {country}", "en", frozenset({f"{role}{country}"}), country, role)


@pytest.mark.parametrize(
    ("roles", "counterpart", "family"),
    [
        ([("head", "JP"), ("org", "NATO")], False, "summit"),
        ([("foreign", "JP"), ("org", "NATO")], False, "foreign"),
        ([("official", "JP"), ("official", "FR"), ("vice", "JP")], False, "dialogue"),
        ([("defense", "JP")], True, "defense"),  # "met his counterpart, Minister of Defense X"
        ([("head", "JP"), ("foreign", "AU"), ("defense", "AU")], False, "courtesy"),
        ([("foreign", "JP"), ("other", "US")], False, "meeting"),  # an ambassador
    ],
)
def test_the_format_of_a_described_meeting_comes_from_its_people(
    roles: list[tuple[str, str]], counterpart: bool, family: str
) -> None:
    assert family_of([_person(r, c) for r, c in roles], counterpart) == family


def test_offices_read_from_titles() -> None:
    found = {
        p.text: (p.country, p.role) for p in people("ジョン・スミス北大西洋条約機構事務総長と会談")
    }
    assert found == {"ジョン・スミス北大西洋条約機構事務総長": ("NATO", "org")}
    [adviser] = people("マクマスター国家安全保障担当大統領補佐官と会談")
    assert adviser.role == "other"  # an adviser to a president is no head of government
    [uk] = people("Defence Secretary Grant Shapps met his counterpart")
    assert uk.role == "defense"


def test_a_passing_cue_governs_its_own_clause() -> None:
    text = (
        "Mr. SUZUKI, who is visiting Germany to attend the G7 Foreign Ministers' Meeting, "
        "held a meeting with Minister Tremblay."
    )
    g7 = text.index("G7")
    assert passing(text, g7, g7 + 10)
    held = text.index("held a meeting")
    assert not passing(text, held, held + 14)


@pytest.mark.parametrize(
    ("text", "mention", "reference", "expected"),
    [
        # the day alone, read in the release's month; with a time of day: when it began
        (
            "本9日午後1時15分から約15分間、大臣は大使と電話会談を行い、1月6日の事故について",
            "電話会談",
            D(2018, 1, 9),
            D(2018, 1, 9),
        ),
        (
            "21日(午前11時35分から約90分間),外務大臣は長官と会談を行った",
            "会談",
            D(2015, 3, 23),
            D(2015, 3, 21),
        ),
        # a date without its year: the year nearest the release
        (
            "On December 10th, the Minister attended the meeting",
            "meeting",
            D(2021, 2, 1),
            D(2020, 12, 10),
        ),
        ("第1回会合は1月12日に開催予定", "開催", D(2022, 12, 20), D(2023, 1, 12)),
    ],
)
def test_when_a_meeting_began(
    text: str, mention: str, reference: dt.date, expected: dt.date
) -> None:
    start = text.index(mention)
    picked = pick_date(text, start, start + len(mention), reference.year, reference)
    assert picked is not None and picked[0][0] == expected
