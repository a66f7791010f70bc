"""Under a passage in the other language: its meeting's release in the reader's language and the
gloss, in Discord (within its limits, markup escaped) and in the terminal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from fakediscord import message_limit_errors

from bot import render
from bot.cli import format_answer
from index.schema import Answer, Chunk, Document, Gloss, Hit

QUOTE = "両代表団は、令和6年12月10日、熊本県の陸上自衛隊健軍駐屯地を訪問し、約40分間視察した。"
GLOSS = (
    Gloss("令和6年12月10日", "2024-12-10", "date"),
    Gloss("熊本県", "Kumamoto Prefecture", "name"),
    Gloss("陸上自衛隊", "Japan Ground Self-Defense Force", "name"),
    Gloss("約40分間", "約40分間", "figure"),
)


def release(lang: str, path: str, title: str, url: str | None, text: str = "") -> Document:
    return Document(path, path, title, dt.date(2024, 12, 13), url, lang, "Publisher", text or title)


JA = release(
    "ja", "001-ja.txt", "日米拡大抑止協議", "https://example.jp/ja", f"概要\n{QUOTE}\n以上"
)
EN = release(
    "en", "002-en.txt", "U.S.-Japan Extended Deterrence Dialogue", "https://example.org/en"
)


def ja_hit(**changes: object) -> Hit:
    start = JA.text.index(QUOTE)
    chunk = Chunk(0, JA.id, start, start + len(QUOTE), QUOTE, "ja")
    hit = Hit(chunk, JA, 0.5, QUOTE, start, start + len(QUOTE), counterpart=EN, gloss=GLOSS)
    return dataclasses.replace(hit, **changes)  # type: ignore[arg-type]


def fields(hit: Hit, lang: str = "en") -> dict[str, str]:
    embed = render.hit_embed(hit, lang=lang).to_dict()
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


def test_the_readers_release_and_the_gloss_are_shown_under_the_quote() -> None:
    shown = fields(ja_hit())
    assert shown == {
        "English release of this meeting": (
            "U.S.-Japan Extended Deterrence Dialogue, 2024-12-13, <https://example.org/en>"
        ),
        "Gloss": (
            "2024-12-10 (令和6年12月10日) · 熊本県 = Kumamoto Prefecture · "
            "陸上自衛隊 = Japan Ground Self-Defense Force · 約40分間"
        ),
    }
    embed = render.hit_embed(ja_hit()).to_dict()
    assert all(not f["inline"] for f in embed["fields"])  # each on a line of its own


def test_japanese_labels_for_a_japanese_reader() -> None:
    quote = "Austin met Prime Minister Ishiba on December 10, 2024."
    en = release("en", "029-en.txt", "Austin meets Ishiba", "https://example.org/29", quote)
    ja = release("ja", "028-ja.txt", "日米防衛相会談", None)
    hit = Hit(
        Chunk(1, en.id, 0, len(quote), quote, "en"),
        en,
        0.5,
        quote,
        0,
        len(quote),
        counterpart=ja,
        gloss=(Gloss("Austin", "オースティン", "name"), Gloss("Ishiba", "石破", "name")),
    )
    shown = fields(hit, "ja")
    # without a URL the release is named by its file
    assert shown["この会合の日本語の発表"] == "日米防衛相会談, 2024-12-13, `028-ja.txt`"
    assert shown["対訳"] == "Austin = オースティン · Ishiba = 石破"


def test_a_passage_in_the_readers_language_has_neither() -> None:
    assert fields(ja_hit(counterpart=None, gloss=())) == {}
    assert fields(ja_hit(counterpart=None)).keys() == {"Gloss"}


def test_release_titles_and_glosses_are_shown_as_is() -> None:
    tricky = dataclasses.replace(EN, title="*Bold* <@123> @everyone # not a heading")
    hit = ja_hit(counterpart=tricky, gloss=(Gloss("<@&9>", "_x_ @here", "name"),))
    shown = fields(hit)
    value = shown["English release of this meeting"]
    assert value.startswith("\\*Bold\\* \\<@123> @everyone # not a heading, 2024-12-13")
    assert shown["Gloss"] == "\\<@&9> = \\_x\\_ @here"


def test_every_part_stays_within_discords_limits() -> None:
    long_title = "Extended Deterrence Dialogue " * 40
    counterpart = dataclasses.replace(EN, title=long_title, url="https://example.org/" + "a" * 300)
    many = tuple(Gloss("熊本県" * 30, "Kumamoto Prefecture " * 20, "name") for _ in range(8))
    reprints = tuple(
        dataclasses.replace(EN, id=f"r{i}", path=f"r{i}.txt", publisher="Wire " * 40)
        for i in range(20)
    )
    heavy = ja_hit(counterpart=counterpart, gloss=many, also=reprints)
    heavy = dataclasses.replace(heavy, doc=dataclasses.replace(JA, title="題" * 400))
    answer = Answer("Which camp did they visit?", "en", True, [heavy] * 5)
    for reply in render.answer_replies(answer, "en"):
        payload = {"content": reply.content, "embeds": [e.to_dict() for e in reply.embeds]}
        assert message_limit_errors(payload) == []
        for embed in reply.embeds:
            assert render.embed_size(embed) <= render.EMBED_TOTAL_LIMIT
    shown = fields(heavy)
    link = "<https://example.org/" + "a" * 300 + ">"
    assert shown["English release of this meeting"].endswith(link)  # the link stays whole


@pytest.mark.parametrize(
    ("lang", "label", "gloss"),
    [
        ("en", "English release of this meeting", "Gloss"),
        ("ja", "この会合の英語の発表", "対訳"),
    ],
)
def test_the_terminal_shows_them_too(lang: str, label: str, gloss: str) -> None:
    answer = Answer("q?", lang, True, [ja_hit()])
    text = format_answer(answer)
    assert (
        f"    {label}: U.S.-Japan Extended Deterrence Dialogue, 2024-12-13, https://example.org/en"
    ) in text
    assert f"    {gloss}: 2024-12-10 (令和6年12月10日) · 熊本県 = Kumamoto Prefecture" in text
    no_url = ja_hit(counterpart=dataclasses.replace(EN, url=None))
    assert "2024-12-13, file: 002-en.txt" in format_answer(Answer("q?", "en", True, [no_url]))


def test_json_keeps_every_field_and_adds_the_new_ones() -> None:
    passage = Answer("q?", "en", True, [ja_hit()]).to_json()["passages"][0]  # type: ignore[index]
    assert set(passage) == {
        "doc_id",
        "path",
        "title",
        "date",
        "publisher",
        "url",
        "lang",
        "score",
        "text",
        "quote",
        "start",
        "end",
        "counterpart",
        "gloss",
    }
    assert passage["counterpart"] == {
        "doc_id": "002-en.txt",
        "path": "002-en.txt",
        "title": "U.S.-Japan Extended Deterrence Dialogue",
        "date": "2024-12-13",
        "publisher": "Publisher",
        "url": "https://example.org/en",
        "lang": "en",
    }
    assert passage["gloss"][0] == {"text": "令和6年12月10日", "gloss": "2024-12-10", "kind": "date"}
    json.dumps(passage, ensure_ascii=False)
    plain = Answer("q?", "en", True, [ja_hit(counterpart=None, gloss=())]).to_json()
    assert plain["passages"][0]["counterpart"] is None  # type: ignore[index]
    assert plain["passages"][0]["gloss"] == []  # type: ignore[index]
