"""Which body a question asks to be quoted from, and whose releases those are."""

from __future__ import annotations

import datetime as dt

import pytest

from index.ingest.publishers import named_sources, site_country
from index.schema import Document


@pytest.mark.parametrize(
    ("question", "keys"),
    [
        ("According to MOFA's advance announcement, when was the EDD held?", ["mofa"]),
        ("According to Japan's Ministry of Defense, what did they confirm?", ["mod"]),
        ("Who provided the Pentagon release on Austin's trip?", ["dod"]),
        ("What did the State Department's readout say?", ["state"]),
        ("Summarize the purpose of the EDD as described by MOFA.", ["mofa"]),
        ("What did the Department of Defense announce about USFJ?", ["dod"]),
        ("防衛省の発表によると、協議は何日から何日まで行われたか。", ["mod"]),
        ("防衛省の開催発表では、EDDはどのような仕組みとされたか。", ["mod"]),
        ("会談の概要を、防衛省はいつ公表したか。", ["mod"]),
        ("米国防総省の発表を行ったのは誰か。", ["dod"]),
        ("外務省によると、会談は何分間行われたか。", ["mofa"]),
        ("首相官邸の発表では、誰が同席したか。", ["kantei"]),
    ],
)
def test_a_body_named_as_the_source_is_found(question: str, keys: list[str]) -> None:
    assert [p.key for p in named_sources(question)] == keys


@pytest.mark.parametrize(
    "question",
    [
        # a body named as a participant or a title is not a source
        "Which Ministry of Defense official co-chaired the EDD on the Japanese side?",
        "2023年6月のEDDで米国側共同議長を務めた国務省の人物は誰か。",
        "木原防衛大臣とオースティン国防長官は何を確認したか。",
        "Who co-chaired the December 2024 EDD for the United States?",
        "What did Secretary of State Blinken say about the 2+2?",
        "",
    ],
)
def test_a_body_not_named_as_the_source_is_not(question: str) -> None:
    assert named_sources(question) == []


def _doc(publisher: str | None, url: str | None = None) -> Document:
    return Document("a.txt", "a.txt", "t", dt.date(2024, 7, 29), url, "en", publisher, "x")


def test_releases_and_reprints_are_matched_by_publisher_or_link() -> None:
    (mofa,) = named_sources("according to MOFA")
    (dod,) = named_sources("according to the Pentagon")
    assert mofa.publishes(_doc("外務省 (Ministry of Foreign Affairs of Japan)"))
    assert mofa.publishes(_doc(None, "https://www.mofa.go.jp/mofaj/press/release/x.html"))
    assert dod.publishes(_doc("U.S. Department of Defense, DoD News (reprinted by MilitarySpot)"))
    assert not dod.publishes(_doc("防衛省 (Ministry of Defense of Japan)"))
    assert not mofa.publishes(_doc(None))


@pytest.mark.parametrize(
    ("url", "country"),
    [
        ("https://www.mnd.go.kr/user/boardList.action?id=1", "KR"),
        ("https://www.minister.defence.gov.au/transcripts/x", "AU"),
        ("https://gov.uk/government/news/x", "GB"),
        ("https://www.defense.gov/News/Releases/x/", "US"),
        ("https://www.pacom.mil/Media/News/x/", "US"),
        ("https://www.nato.int/cps/en/natohq/news_1.htm", "NATO"),
        ("https://www.diplomatie.gouv.fr/en/x", "FR"),
        ("https://miragenews.com/x", None),  # a news site's reprint speaks for no country
        (None, None),
    ],
)
def test_a_publisher_never_seen_says_whose_side_it_is_by_its_address(
    url: str | None, country: str | None
) -> None:
    assert site_country(url) == country
