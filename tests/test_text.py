from pathlib import Path

import pytest

from index.schema import Document
from index.store.units import document_units, passage_span
from index.text import detect_lang, sentence_spans, split_long


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def test_english_abbreviations_do_not_end_sentences() -> None:
    text = (
        "Japan hosted the U.S. delegation on Dec. 10, 2024. Mr. J. Smith spoke first. "
        "The 2+2 met in Tokyo! Was it useful? Yes."
    )
    assert _sentences(text) == [
        "Japan hosted the U.S. delegation on Dec. 10, 2024.",
        "Mr. J. Smith spoke first.",
        "The 2+2 met in Tokyo!",
        "Was it useful?",
        "Yes.",
    ]


def test_japanese_sentences_keep_quotes_together() -> None:
    text = "両者は「日米同盟は。強固だ。」と述べた。次に協議した！本当か？\n見出し"
    assert _sentences(text) == [
        "両者は「日米同盟は。強固だ。」と述べた。",
        "次に協議した！",
        "本当か？",
        "見出し",
    ]


def test_list_markers_stay_with_their_sentence() -> None:
    text = "  1. 2023年12月5日から6日まで、協議を実施しました。\n  2. Both sides agreed."
    assert _sentences(text) == [
        "1. 2023年12月5日から6日まで、協議を実施しました。",
        "2. Both sides agreed.",
    ]


def test_spans_are_verbatim_offsets() -> None:
    path = Path(__file__).resolve().parent.parent / "corpus" / "002-edd-2024-12-state-en.txt"
    text = path.read_text(encoding="utf-8")
    for a, b in sentence_spans(text):
        assert text[a:b] == text[a:b].strip()
        assert b > a


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Who co-chaired the EDD?", "en"),
        ("日米拡大抑止協議の共同議長は誰か", "ja"),
        ("EDDの日程は？", "ja"),
    ],
)
def test_detect_lang(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_split_long_cuts_at_clause_boundaries() -> None:
    text = "、".join(["あいうえおかきくけこ"] * 30) + "。"
    pieces = split_long(text, 0, len(text), 100)
    assert all(b - a <= 100 for a, b in pieces)
    assert "".join(text[a:b] for a, b in pieces) == text


def _doc(text: str) -> Document:
    return Document("x.txt", "x.txt", "title", None, None, "ja", None, text)


def test_units_merge_short_lines_and_respect_max() -> None:
    text = (
        "日米拡大抑止協議\n令和5年12月7日\n防衛省\n" + "長い文です。" * 5 + "\n" + "あ" * 900 + "。"
    )
    doc = _doc(text)
    units = document_units(doc, max_chars=300)
    assert all(b - a <= 300 for a, b in units)
    assert text[units[0][0] : units[0][1]].startswith("日米拡大抑止協議\n令和5年12月7日")
    covered = "".join(text[a:b] for a, b in units)
    assert covered.replace("\n", "") == text.replace("\n", "")


def test_passage_adds_neighbours_within_limit() -> None:
    units = [(0, 100), (101, 200), (201, 300), (301, 900)]
    assert passage_span(units, 1, 480) == (0, 300)
    assert passage_span(units, 3, 480) == (301, 900)
    assert passage_span(units, 2, 250) == (101, 300)


def test_passage_leaves_out_neighbours_already_shown() -> None:
    units = [(0, 100), (101, 200), (201, 300), (301, 400)]
    assert passage_span(units, 2, 480) == (101, 400)
    # the unit before is in a passage shown already: it is not shown twice
    assert passage_span(units, 2, 480, shown=[(0, 200)]) == (201, 400)
    assert passage_span(units, 1, 480, shown=[(201, 400)]) == (0, 200)
