"""Finding the article in web pages saved as text, on the shipped corpus and on other sites."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from index.ingest.rawpage import (
    count_boilerplate,
    is_boilerplate,
    is_date_line,
    read_page,
    trim_edges,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "data" / "loaders"

NAVIGATION = (
    "site search",
    "menu",
    "Ranking読まれている記事",
    "24時間",
    "pagetop",
    "bnrname",
    "日本の防衛と安全保障の今を伝える",
    "No comments:",
    "Post a Comment",
    "Unsubscribe | Contact Us",
    "This email was sent to",
    "Press Advisories",
    "Facebook",
    "Share this",
    "Popular Posts",
    "Newer Post",
    "Labels:",
    "Copyright",
    "関連記事",
    "このページの先頭へ",
    "ホーム >",
    "シェア",
    "Related Articles",
    "Media Note",
    "FOIA",
)


@pytest.mark.parametrize(
    ("path", "first", "last", "title", "date", "publisher"),
    [
        (
            CORPUS / "001-edd-2024-12-jdefense-raw.txt",
            "防衛省は令和6(2024)年12月12日(木)20時30分、",
            "(以上)",
            "防衛省が日米拡大抑止協議(12月10日~12日実施)の概要を発表",
            dt.date(2024, 12, 16),
            "Jディフェンスニュース",
        ),
        (
            CORPUS / "026-dmm-2024-07-dod-readout-en-raw.txt",
            "Deputy Pentagon Press Secretary Ms. Sabrina Singh provided the following readout:",
            "to ensure a free and open Indo-Pacific.",
            "Readout of Secretary of Defense Lloyd J. Austin III's Meeting With Japanese "
            "Minister of Defense Kihara Minoru",
            dt.date(2024, 7, 29),
            "U.S. Department of Defense",
        ),
        (
            CORPUS / "027-dmm-2024-07-jdefense-ja-raw.txt",
            "防衛省は令和6(2024)年7月29日(月)15時30分、",
            "二国間の取組を加速させていくことを確認した。",
            "木原防衛大臣、オースティン米国防長官と日米防衛相会談(7月29日)",
            dt.date(2024, 7, 31),
            "Jディフェンスニュース",
        ),
        (
            FIXTURES / "blog-repost-en-raw.txt",
            "Japan Minister of Defense Kihara Minoru, United States (U.S.) Secretary",
            "Ministerial Meeting on June 2, 2024 in Singapore.",
            "Japan-US-S. Korea Trilateral Ministerial Joint Statement",
            dt.date(2024, 7, 28),
            "Defense News Digest",
        ),
        (
            FIXTURES / "news-site-ja-raw.txt",
            "7月28日(日)、木原防衛大臣、",
            "（了）",
            "日米韓防衛相会談、日本で初開催",
            dt.date(2024, 7, 29),
            "防衛ニュース速報",
        ),
        (
            FIXTURES / "state-media-note-en-raw.txt",
            "Japan hosted the United States for an Extended Deterrence Dialogue (EDD)",
            "bolstered by Japan's defense capabilities.",
            "U.S.-Japan Extended Deterrence Dialogue",
            dt.date(2024, 12, 13),
            "U.S. Department of State",
        ),
    ],
    ids=["001-jdefense", "026-dod-blogger", "027-jdefense", "blog-en", "news-site-ja", "state"],
)
def test_article_is_cut_out_of_the_page(
    path: Path, first: str, last: str, title: str, date: dt.date, publisher: str
) -> None:
    text = path.read_text(encoding="utf-8")
    page = read_page(text)
    article = text[page.start : page.end]
    assert article.startswith(first)
    assert article.endswith(last)
    for nav in NAVIGATION:
        assert nav not in article
    assert (page.title, page.date, page.publisher, page.stripped) == (
        title,
        date,
        publisher,
        True,
    )


def test_the_subheadings_and_captions_inside_the_article_stay() -> None:
    text = (CORPUS / "027-dmm-2024-07-jdefense-ja-raw.txt").read_text(encoding="utf-8")
    page = read_page(text)
    article = text[page.start : page.end]
    for inside in (
        "内容は以下の通り。",
        "日米防衛相会談の概要",
        "日米防衛協力",
        "米軍再編/在日米軍",
    ):
        assert inside in article


def test_a_clean_text_without_navigation_is_taken_whole() -> None:
    text = (
        "\n\nJoint Statement\n\nJuly 28, 2024\n\n"
        "The Ministers met in Tokyo on July 28, 2024, and agreed.\n"
    )
    page = read_page(text)
    assert text[page.start : page.end] == text.strip()
    assert (page.title, page.date, page.stripped) == (
        "Joint Statement",
        dt.date(2024, 7, 28),
        False,
    )


def test_page_without_prose_or_text() -> None:
    assert read_page("").start == read_page("").end == 0
    page = read_page("menu\nsite search\npagetop\n")
    assert page.title is None and page.date is None


@pytest.mark.parametrize(
    "line",
    [
        "site search",
        "pagetop",
        "Ranking読まれている記事",
        "• 24時間",
        "No comments:",
        "Post a Comment",
        "Unsubscribe | Contact Us",
        "This email was sent to x@example.com using GovDelivery Communications Cloud",
        "Press Advisories   Releases   Transcripts",
        "ABOUT   NEWS   HELP CENTER   PRESS PRODUCTS",
        "Facebook   Twitter   Instagram   Youtube",
        "ホーム > ニュース > 防衛省・自衛隊",
        "Back to Press Releases",
        "報道発表へ戻る",
        "発信元サイトへ",
        "Copyright © 2024 Ministry of Foreign Affairs of Japan. All rights reserved.",
        "このページの先頭へ",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "日米防衛協力",
        "米軍再編/在日米軍",
        "(以上)",
        "Secretary Austin reaffirmed the unwavering and ironclad U.S. commitment to Japan.",
        "The United States hosted Japan for an Extended Deterrence Dialogue (EDD).  The "
        "United States and Japan established the EDD in 2010.  The U.S. side was co-chaired.",
        "Copyright protection of the joint statement is not claimed by either government.",
        "写真:防衛省",
    ],
)
def test_article_lines_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("2024-12-16 10:00", dt.date(2024, 12, 16)),
        ("Monday, July 29, 2024", dt.date(2024, 7, 29)),
        ("令和5年12月7日", dt.date(2023, 12, 7)),
        ("2024年7月29日 18:30", dt.date(2024, 7, 29)),
        ("Posted on July 29, 2024", dt.date(2024, 7, 29)),
        ("DECEMBER 11, 2024 – The U.S.-Japan alliance has never been stronger", None),
        ("防衛省は令和6(2024)年12月12日(木)20時30分、概要を発表した。", None),
    ],
)
def test_date_lines(line: str, date: dt.date | None) -> None:
    assert is_date_line(line) == date


def test_trim_edges_drops_section_label_and_back_link_only() -> None:
    text = (
        "Press Releases\n\nJapan-U.S. Extended Deterrence Dialogue\n\nJune 23, 2023\n\n"
        "The Government of Japan will hold a dialogue.\n\nBack to Press Releases\n"
    )
    start, end = trim_edges(text)
    assert text[start:end] == (
        "Japan-U.S. Extended Deterrence Dialogue\n\nJune 23, 2023\n\n"
        "The Government of Japan will hold a dialogue."
    )
    assert count_boilerplate(text) == 1
