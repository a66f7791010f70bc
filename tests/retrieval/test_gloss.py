"""Glossing a quote for a reader of the other language: dates, figures, and names only as the
dictionaries (the real JMdict/JMnedict of jamdict-data) translate them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import pytest

from index.retrieval.gloss import date_glosses, figure_glosses, gloss_quote
from index.retrieval.lexicon import Lexicon, open_lexicon
from index.schema import Gloss
from index.tokenize import JapaneseEnglishTokenizer

TOKENIZER = JapaneseEnglishTokenizer()


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    found = open_lexicon(TOKENIZER)
    if found is None:
        pytest.skip("jamdict-data is not installed")
    return found


def corpus_writing(*texts: str):  # type: ignore[no-untyped-def]
    """A ``written`` check over a corpus holding only ``texts``."""

    def written(text: str, terms: Sequence[str]) -> bool:
        pattern = rf"(?<![a-z]){re.escape(text.casefold())}(?![a-z])"
        return any(re.search(pattern, t.casefold()) for t in texts)

    return written


def names(glosses: Sequence[Gloss]) -> dict[str, str]:
    return {g.text: g.gloss for g in glosses if g.kind == "name"}


def dates(quote: str, reader: str, released: dt.date | None) -> list[tuple[str, str]]:
    return [(g.text, g.gloss) for _, g in date_glosses(quote, reader, released)]


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "reader", "released", "expected"),
    [
        ("令和6年12月12日、発表した。", "en", None, [("令和6年12月12日", "2024-12-12")]),
        ("令和6(2024)年7月29日(月)", "en", None, [("令和6(2024)年7月29日(月)", "2024-07-29")]),
        (
            "12月10日から12日まで実施",
            "en",
            dt.date(2024, 12, 16),
            [("12月10日から12日まで", "2024-12-10 to 2024-12-12")],
        ),
        # a day without its year is in the year nearest the release: not 2025-12-27
        ("12月27日に公表", "en", dt.date(2025, 1, 5), [("12月27日", "2024-12-27")]),
        ("2024年12月の協議", "en", None, [("2024年12月", "2024-12")]),
        ("令和6年度の予算", "en", None, [("令和6年", "2024")]),
        ("2010年にEDDを設立", "en", None, []),  # reads the same to both readers
        ("12月10日に実施", "en", None, []),  # no year known: left out, not guessed
        ("on December 10, 2024", "ja", None, [("December 10, 2024", "2024年12月10日")]),
        ("June 13-14, 2024", "ja", None, [("June 13-14, 2024", "2024年6月13日～14日")]),
        (
            "Dec. 30, 2024 - Jan. 2, 2025",
            "ja",
            None,
            [
                (
                    "Dec. 30, 2024 - Jan. 2, 2025",
                    "2024年12月30日～2025年1月2日",
                )
            ],
        ),
        ("in December 2023", "ja", None, [("December 2023", "2023年12月")]),
    ],
)
def test_dates_in_the_readers_form(
    quote: str, reader: str, released: dt.date | None, expected: list[tuple[str, str]]
) -> None:
    assert dates(quote, reader, released) == expected


def test_a_date_on_another_clock_keeps_it() -> None:
    (gloss,) = dates("1月12日(現地時間11日)", "en", dt.date(2025, 1, 12))
    assert gloss == ("1月12日(現地時間11日)", "2025-01-12 (2025-01-11 local time)")


@pytest.mark.parametrize(
    ("quote", "lang", "expected"),
    [
        ("午後5時00分から、約20分、会談した", "ja", ["午後5時00分", "約20分"]),
        ("第14回三か国防衛大臣会談", "ja", ["第14回"]),
        # a number inside a name or a type designation is no figure
        ("指揮所演習「ヤマサクラ87」(YS-87)や12式地対艦誘導弾", "ja", []),
        ("a meeting of approximately 85 minutes", "en", ["approximately 85 minutes"]),
        ("$1.2 billion for 3 ships", "en", ["$1.2 billion", "3 ships"]),
        ("the 2+2 in 2024", "en", []),
    ],
)
def test_figures_as_written(quote: str, lang: str, expected: list[str]) -> None:
    found = figure_glosses(quote, lang, [])
    assert [g.text for _, g in found] == expected
    assert all(g.gloss == g.text and g.kind == "figure" for _, g in found)


# -- names: Japanese quote, English reader -----------------------------------------------------

QUOTE_JA = (
    "令和6年12月10日18時30分から約40分間、中谷防衛大臣とオースティン米国防長官は、"
    "熊本県の陸上自衛隊健軍駐屯地を訪問した。"
)


def test_japanese_quote_glossed_for_an_english_reader(lexicon: Lexicon) -> None:
    witness = (
        "Defense Minister Gen Nakatani met Secretary Austin. The Japan Ground Self-Defense Force"
    )
    glosses = gloss_quote(
        QUOTE_JA,
        "ja",
        dt.date(2024, 12, 12),
        lexicon,
        TOKENIZER,
        [witness],
        corpus_writing(witness),
    )
    assert glosses[0] == Gloss("令和6年12月10日", "2024-12-10", "date")
    found = names(glosses)
    assert found["中谷"] == "Nakatani"  # of JMnedict's readings, the one the witness writes
    assert found["オースティン"] == "Austin"
    assert found["陸上自衛隊"] == "Japan Ground Self-Defense Force"
    assert found["熊本県"] == "Kumamoto Prefecture"  # JMnedict's only reading, JMdict agrees
    assert "健軍" not in found  # Kengun or Takemiya: nothing says which
    assert "駐屯地" not in found  # "garrison": a common word, no name
    assert [g.text for g in glosses if g.kind == "figure"] == ["18時30分", "約40分間"]
    texts = [g.text for g in glosses]
    assert texts == sorted(texts, key=QUOTE_JA.index)  # in the quote's order


def test_a_name_of_several_readings_nothing_settles_is_left_out(lexicon: Lexicon) -> None:
    written = corpus_writing("Nakatani and Nakaya")  # the corpus writes two of its readings
    assert "中谷" not in names(
        gloss_quote("中谷大臣は述べた。", "ja", None, lexicon, TOKENIZER, (), written)
    )
    assert "中谷" not in names(gloss_quote("中谷大臣は述べた。", "ja", None, lexicon, TOKENIZER))


def test_a_sense_the_releases_never_use_is_not_shown(lexicon: Lexicon) -> None:
    # JMdict's first sense of トランプ is "Western playing cards", and fugashi reads it as that
    # common noun; JMdict's 安全保障会議 is Japan's Security Council, not the IISS summit
    quote = "トランプ大統領と会談し、アジア安全保障会議に出席した。"
    written = corpus_writing("President Trump attended the Shangri-La Dialogue in Asia")
    glosses = gloss_quote(quote, "ja", None, lexicon, TOKENIZER, (), written)
    shown = {g.gloss for g in glosses}
    assert "Western playing cards" not in shown and "Security Council of Japan" not in shown
    assert names(glosses).get("アジア") == "Asia"


# -- names: English quote, Japanese reader -----------------------------------------------------


def test_english_quote_glossed_for_a_japanese_reader(lexicon: Lexicon) -> None:
    quote = (
        "Austin also met Japanese Prime Minister Shigeru Ishiba on December 10, 2024, "
        "and they discussed the Philippines and the South China Seas."
    )
    witness = "オースティン長官は石破総理大臣と会談し、フィリピン及び南シナ海について"
    glosses = gloss_quote(
        quote, "en", dt.date(2024, 12, 11), lexicon, TOKENIZER, [witness], corpus_writing(witness)
    )
    found = names(glosses)
    assert found["Austin"] == "オースティン"
    assert found["Ishiba"] == "石破"
    assert found["Philippines"] == "フィリピン"  # not 比律賓, which the releases do not write
    assert found["South China Seas"] == "南シナ海"
    assert "Japanese" not in found  # an adjective, not 日本語
    assert Gloss("December 10, 2024", "2024年12月10日", "date") in glosses


def test_the_end_of_a_longer_name_is_not_another_name(lexicon: Lexicon) -> None:
    everything = corpus_writing("中華民国 中華人民共和国 サウス 南")  # a corpus writing them all
    quote = "They opposed the People's Republic of China (PRC) in the South."
    glosses = gloss_quote(quote, "en", None, lexicon, TOKENIZER, (), everything)
    shown = {g.gloss for g in glosses}
    assert "中華民国" not in shown  # the Republic of China is another country
    assert "サウス" not in shown and "南" not in shown  # a common word alone


def test_without_a_lexicon_dates_and_figures_remain() -> None:
    glosses = gloss_quote(QUOTE_JA, "ja", None, None, TOKENIZER)
    assert {g.kind for g in glosses} == {"date", "figure"}


def test_a_foreign_name_in_katakana_needs_the_meetings_own_release(lexicon: Lexicon) -> None:
    quote = (
        "アントニー・ブリンケン国務長官、ギルベルト・テオドロ国防大臣及びロイド・オースティン長官"
    )
    written = corpus_writing("Anthony Albanese met Gill and Lloyd")  # other people
    witness = "Secretary Antony Blinken, Secretary Gilberto Teodoro and Secretary Lloyd Austin"
    found = names(gloss_quote(quote, "ja", None, lexicon, TOKENIZER, [witness], written))
    assert "アントニー" not in found  # JMnedict spells it Anthony; Blinken is Antony
    assert "ギル" not in found  # a piece of ギルベルト
    assert found["ロイド"] == "Lloyd" and found["オースティン"] == "Austin"
