"""Rendering core results within Discord's limits (no Discord needed)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import discord
import pytest
from botcheck import plain
from fakediscord import message_limit_errors

from bot import errors, render
from index.errors import BuildInProgress, EmptyQuery, QueryTooLong
from index.schema import Answer, Chunk, Document, Hit, Round

FAMILY = "👩\u200d👩\u200d👧\u200d👦"


def doc(text: str, url: str | None = "https://example.org/r", path: str = "r.txt") -> Document:
    return Document(
        id=path,
        path=path,
        title="A release",
        date=dt.date(2024, 7, 28),
        url=url,
        lang="en",
        publisher="Ministry",
        text=text,
    )


def hit(d: Document, quote: str, start: int = 0, end: int | None = None) -> Hit:
    qs = d.text.index(quote)
    end = len(d.text) if end is None else end
    chunk = Chunk(0, d.id, start, end, d.text[start:end], d.lang)
    return Hit(chunk, d, 0.5, quote, qs, qs + len(quote))


def test_excerpt_is_trimmed_around_the_quote_with_ellipses() -> None:
    before = "Lorem ipsum dolor sit amet. " * 80
    after = " Sed do eiusmod tempor incididunt." * 80
    quote = "The ministers signed the memorandum on 28 July."
    d = doc(before + quote + after)
    text = render.excerpt(hit(d, quote), budget=400)
    assert render.dlen(text) <= 400
    assert text.startswith("> …") and text.endswith("…")
    assert f"**{quote}**" in text
    for piece in plain(text).split("…"):
        assert piece.strip() in d.text


def test_quote_longer_than_the_budget_is_cut_at_a_whole_character() -> None:
    quote = "Stations " + ", ".join(f"{i} {FAMILY} café\u0301 🇯🇵" for i in range(200)) + "."
    d = doc(quote)
    text = render.excerpt(hit(d, quote), budget=300)
    assert render.dlen(text) <= 300
    shown = plain(text)
    assert shown.count("\u200d") == 3 * shown.count(FAMILY)  # no family split apart
    assert "\u0301" not in shown.replace("é\u0301", "")  # no accent without its letter
    flags = shown.count("🇯🇵")
    assert sum(1 for c in shown if "\U0001f1e6" <= c <= "\U0001f1ff") == 2 * flags
    assert shown.rstrip("…").strip() in d.text


@pytest.mark.parametrize("limit", range(1, 50))
def test_trim_never_splits_a_character(limit: int) -> None:
    text = ("ab" + FAMILY + "e\u0301" + "🇯🇵" + "𠮷") * 20
    out = render.trim(text, limit)
    assert render.dlen(out) <= limit
    body = out.removesuffix("…")
    assert text.startswith(body)
    assert body.count("\u200d") == 3 * body.count(FAMILY)
    assert body.count("\U0001f1ef") == body.count("🇯🇵")  # no half flag
    assert body.count("\u0301") == body.count("e\u0301")


def test_split_content_keeps_every_piece_within_the_limit() -> None:
    lines = [f"- line {i}: " + "日本語の文章" * 40 for i in range(40)]
    text = "\n".join(lines)
    pieces = render.split_content(text)
    assert len(pieces) > 1
    assert all(render.dlen(p) <= render.CONTENT_LIMIT for p in pieces)
    assert "\n".join(pieces) == text  # split at line ends: nothing lost
    one_line = "x" * 5000
    assert "".join(render.split_content(one_line)) == one_line


def test_pack_respects_embed_count_and_total() -> None:
    embeds = [discord.Embed(title=f"t{i}", description="d" * 1500) for i in range(25)]
    replies = render.pack("heading\n" * 400, embeds)
    assert sum(len(r.embeds) for r in replies) == 25
    for r in replies:
        payload = {"content": r.content, "embeds": [e.to_dict() for e in r.embeds]}
        assert message_limit_errors(payload) == []
        assert r.content or r.embeds


def test_answer_with_release_without_url_names_the_file_and_escapes_markup() -> None:
    d = doc("Intro.\n# Not a heading *nor bold* <@123> @everyone\nEnd.", url=None, path="x.txt")
    quote = "# Not a heading *nor bold* <@123> @everyone"
    answer = Answer("q?", "en", True, [hit(d, quote)])
    (reply,) = render.answer_replies(answer, "en")
    embed = reply.embeds[0].to_dict()
    assert "url" not in embed and "`x.txt`" in embed["description"]
    assert "**\\# Not a heading \\*nor bold\\* \\<@123> @everyone**" in embed["description"]
    assert embed["footer"]["text"] == "2024-07-28 · Ministry"


def test_no_answer_suggests_the_closest_releases_in_the_askers_language() -> None:
    suggestions = [doc("a", path="a.txt"), doc("b", url=None, path="b.txt")]
    answer = Answer("クッキーの作り方は？", "ja", False, [], suggestions)
    (reply,) = render.answer_replies(answer, render.asker_lang(answer.question))
    assert "見つかりませんでした" in reply.content and "近い資料:" in reply.content
    assert "<https://example.org/r>" in reply.content and "`b.txt`" in reply.content
    assert reply.embeds == []


@pytest.mark.parametrize(
    ("lang", "missing", "said"),
    [("en", "amount", "do not state the amount"), ("ja", "headcount", "求める人数の記載")],
)
def test_no_figure_says_what_is_missing(lang: str, missing: str, said: str) -> None:
    answer = Answer("q?", lang, False, [], [doc("a", path="a.txt")], missing)
    (reply,) = render.answer_replies(answer, lang)
    assert said in reply.content and "a.txt" not in reply.content  # the URL is shown
    assert "<https://example.org/r>" in reply.content


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "No release about a Japan-U.S.-Australia \\*TDMM\\* from 2023."),
        ("ja", "2023年の日米豪\\*防衛相会談\\*に関する発表はありません。"),
    ],
)
def test_a_missing_round_is_said_with_the_rounds_held(lang: str, said: str) -> None:
    # the series' name comes from a release: shown with its markdown escaped, then each round
    rounds = [
        Round(
            "日米豪*防衛相会談*", "Japan-U.S.-Australia *TDMM*", dt.date(2024, 5, 2), None, "Hawaii"
        ),
        Round("日米豪*防衛相会談*", "Japan-U.S.-Australia *TDMM*", dt.date(2022, 6, 11)),
    ]
    period = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    answer = Answer("q?", lang, False, [], [], "round", period, rounds)
    (reply,) = render.answer_replies(answer, lang)
    assert said in reply.content
    assert "- 2024-05-02 " in reply.content and "(Hawaii)" in reply.content
    assert "- 2022-06-11 " in reply.content


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "No release in the corpus reports a meeting of Japan and the United Kingdom."),
        ("ja", "日本・英国の会合を報じる発表はコーパスにありません。"),
    ],
)
def test_a_meeting_of_partners_no_release_reports_is_said(lang: str, said: str) -> None:
    answer = Answer("q?", lang, False, [], [], "partners", partners=("JP", "GB"))
    (reply,) = render.answer_replies(answer, lang)
    assert said in reply.content


@pytest.mark.parametrize(
    ("text", "locale", "lang"),
    [
        ("日米韓の覚書は何に署名した？", "en-US", "ja"),
        ("EDDとは何ですか", "en-US", "ja"),
        ("What did the 日米 MoC cover?", "ja", "en"),
        ("Who co-chaired the EDD?", "ja", "en"),
        ("2024?", "ja", "ja"),
        ("2024?", "en-GB", "en"),
    ],
)
def test_asker_language(text: str, locale: str, lang: str) -> None:
    assert render.asker_lang(text, locale) == lang


def test_describe_known_and_unknown_errors() -> None:
    assert errors.describe(EmptyQuery(), "ja") == ("質問を入力してください。", True)
    text, known = errors.describe(QueryTooLong(900, 500), "en")
    assert known and "900" in text and "500" in text
    assert errors.describe(BuildInProgress("x"), "en")[1]
    wrapped = discord.app_commands.CommandInvokeError.__new__(
        discord.app_commands.CommandInvokeError
    )
    wrapped.original = RuntimeError("boom")
    text, known = errors.describe(wrapped, "en")
    assert not known and "boom" not in text


def test_cli_says_what_figure_is_missing() -> None:
    from bot.cli import format_answer

    answer = Answer("GDP比は何%か", "ja", False, [], [doc("a")], "percentage")
    assert "求める割合を示す記述" in format_answer(answer)
    answer = Answer("What was the budget?", "en", False, [], [], "amount")
    assert "states the amount this question asks for" in format_answer(answer)
    answer = Answer("How long did they meet?", "en", False, [], [], "duration")
    assert "states the length of time this question asks for" in format_answer(answer)
    answer = Answer("次回のEDDは?", "ja", False, [], [], "next")
    assert "求める次回会合の予定を示す記述" in format_answer(answer)


def test_a_passage_found_by_a_translation_says_by_which_word() -> None:
    d = doc("普天間飛行場の返還に向けた取組を加速させる。")
    found = hit(d, "普天間飛行場の返還に向けた取組を加速させる。")
    found = dataclasses.replace(found, matched=(("Futenma", "普天間"),))
    (reply,) = render.answer_replies(Answer("Futenma?", "en", True, [found]), "en")
    assert reply.embeds[0].to_dict()["footer"]["text"] == "2024-07-28 · Ministry · Futenma → 普天間"

    # a reprint shown once names the other publisher
    reprint = dataclasses.replace(d, id="b", path="b.txt", publisher="Wire")
    also = dataclasses.replace(found, matched=(), also=(reprint,))
    (reply,) = render.answer_replies(Answer("Futenma?", "en", True, [also]), "en")
    assert reply.embeds[0].to_dict()["footer"]["text"].endswith("also published by Wire")

    from bot.cli import format_answer

    assert "matched in translation: Futenma → 普天間" in format_answer(
        Answer("Futenma?", "en", True, [found])
    )
