"""/summary end to end: the real discord.py client against the fake Discord server."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from botcheck import NO_PINGS, answer_of, content_bodies, plain, quoted_passages
from fakediscord import EPHEMERAL, FakeDiscord, Interaction, message_limit_errors, snowflake

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 26)


async def start(run_bot: Any, meetings: list[Any] | None = None) -> Any:
    """The bot, with /summary counting periods back from TODAY (and these meetings)."""
    bot = await run_bot()
    cog = bot.get_cog("SummaryCog")
    cog.today = lambda: TODAY
    if meetings is not None:
        cog.meetings = lambda: meetings
    return bot


def assert_quotes_verbatim(messages: list[Any], corpus: Path) -> int:
    bodies = [p.read_text(encoding="utf-8") for p in corpus.rglob("*") if p.is_file()]
    count = 0
    for message in messages:
        for embed in message.embeds:
            for piece in quoted_passages(embed):
                assert any(piece in body for body in bodies), piece
                count += 1
    return count


async def test_summary_falls_back_to_the_most_recent_meetings(
    fake: FakeDiscord, run_bot, small_index
) -> None:
    corpus, _ = small_index
    await start(run_bot)
    commands = {c["name"]: c for c in fake.commands[fake.guild_id]}
    options = {o["name"]: o for o in commands["summary"]["options"]}
    assert options["topic"]["autocomplete"] and options["period"]["autocomplete"]
    assert [c["value"] for c in options["lang"]["choices"]] == ["ja", "en"]

    inter = await fake.slash("summary")
    await answer_of(fake, inter)
    callback = next(r for r in fake.requests if r.path.endswith("/callback"))
    assert callback.json["type"] == 5 and callback.json["data"]["flags"] == EPHEMERAL
    answer = inter.original
    assert answer is not None and answer.ephemeral
    # nothing in the last 90 days before 2026-11-26: the newest meetings instead
    assert answer.content == "No meeting was held since 2026-08-28. The most recent meetings are:"
    titles = [e["title"] for m in inter.messages for e in m.embeds]
    assert titles == [
        "Japan-U.S. Extended Deterrence Dialogue (EDD)",
        "Japan-U.S.-ROK Trilateral Defense Ministers' Meeting",
        "Japan-U.S. Extended Deterrence Dialogue (EDD)",
    ]
    edd = inter.messages[0].embeds[0]
    assert "December 10–12, 2024" in edd["description"]
    assert "Ministry of Foreign Affairs of Japan" in plain(edd["description"])
    assert "KUMAGAI Naoki" in plain(edd["description"])
    assert edd["url"] == "https://miragenews.com/us-japan-extended-deterrence-dialogue-13-1377138"
    assert 2 <= len(quoted_passages(edd)) <= 4
    assert assert_quotes_verbatim(inter.messages, corpus) >= 6
    assert all(body.get("allowed_mentions") == NO_PINGS for body in content_bodies(fake))


async def test_summary_in_japanese_for_a_period(fake: FakeDiscord, run_bot, small_index) -> None:
    corpus, _ = small_index
    await start(run_bot)
    inter = await fake.slash("summary", {"period": "2024-07-01", "public": True}, locale="ja")
    await answer_of(fake, inter)
    answer = inter.original
    assert answer is not None and not answer.ephemeral
    assert answer.content == "**2024-07-01以降に開催された会合**: 2件"
    embeds = [e for m in inter.messages for e in m.embeds]
    assert [e["title"] for e in embeds] == ["日米拡大抑止協議", "日米韓防衛相会談"]
    tmm = embeds[1]
    assert "2024年7月28日" in tmm["description"]
    # key sentences from the Japanese release, links to both releases
    assert any("日米韓防衛相会談" in p or "3か国" in p for p in quoted_passages(tmm))
    links = tmm["fields"][0]["value"]
    assert "0728c_usa_kor-j.html" in links and "miragenews.com" in links
    assert_quotes_verbatim(inter.messages, corpus)


async def test_summary_topic_and_english_override(fake: FakeDiscord, run_bot) -> None:
    await start(run_bot)
    inter = await fake.slash(
        "summary", {"period": "all", "topic": "ROK", "lang": "en"}, locale="ja"
    )
    await answer_of(fake, inter)
    assert inter.original is not None
    assert inter.original.content == "**Meetings in the releases** about “ROK”: 1"
    [embed] = [e for m in inter.messages for e in m.embeds]
    assert embed["title"] == "Japan-U.S.-ROK Trilateral Defense Ministers' Meeting"
    assert embed["footer"]["text"] == "Japan, United States, Republic of Korea"


async def test_summary_refuses_an_unreadable_period(fake: FakeDiscord, run_bot) -> None:
    await start(run_bot)
    inter = await fake.slash("summary", {"period": "@everyone soon"})
    await fake.wait_for(lambda: inter.original is not None, 10, what="the refusal")
    assert inter.ack_type == 4 and inter.ephemeral
    assert inter.original is not None
    assert inter.original.content.startswith("`@everyone soon` is not a period")
    assert inter.original.allowed_mentions == NO_PINGS


async def test_many_meetings_are_paged_within_discord_limits(fake: FakeDiscord, run_bot) -> None:
    from index.ingest.loaders import load_corpus
    from index.meetings.catalogue import extract_meetings
    from index.model.embed import HashingEmbedder
    from index.store.build import embedding_text, split_corpus

    docs = load_corpus(ROOT / "corpus")[0]
    embedder = HashingEmbedder()
    unit_doc, unit_span = split_corpus(docs, embedder.max_chars)
    texts = [embedding_text(docs[d], s, e) for d, (s, e) in zip(unit_doc, unit_span, strict=True)]
    every = extract_meetings(docs, unit_doc, unit_span, embedder.encode_passages(texts))
    await start(run_bot, every)
    inter = await fake.slash("summary", {"period": "all", "lang": "ja"})
    await answer_of(fake, inter)
    await fake.wait_for(
        lambda: sum(len(m.embeds) for m in inter.messages) == 10, 10, what="every page"
    )
    assert inter.original is not None
    assert inter.original.content.startswith(f"**資料にある会合**: {len(every)}件")
    assert f"ほか{len(every) - 10}件" in inter.original.content  # ten shown, the rest counted
    assert len(inter.messages) >= 2  # more than one message's worth of embeds
    for message in inter.messages:
        body = {"content": message.content, "embeds": message.embeds}
        assert message_limit_errors(body) == []
    assert_quotes_verbatim(inter.messages, ROOT / "corpus")


async def test_topic_autocomplete(fake: FakeDiscord, run_bot) -> None:
    await start(run_bot)
    command = next(c for c in fake.commands[fake.guild_id] if c["name"] == "summary")
    iid = snowflake()
    payload: dict[str, Any] = {
        "id": str(iid),
        "application_id": str(fake.app_id),
        "type": 4,
        "token": f"itoken-{iid}",
        "version": 1,
        "data": {
            "id": command["id"],
            "name": "summary",
            "type": 1,
            "guild_id": str(fake.guild_id),
            "options": [{"name": "topic", "type": 3, "value": "拡大", "focused": True}],
        },
        "locale": "ja",
        "guild_locale": "ja",
        "guild_id": str(fake.guild_id),
        "channel_id": str(fake.channel_id),
        "channel": fake._channel(),
        "member": fake._member(fake.owner, 0, []),
        "app_permissions": "0",
        "attachment_size_limit": 8 * 1024 * 1024,
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(fake.guild_id)},
        "context": 0,
    }
    fake.interactions[payload["token"]] = Interaction(iid, payload["token"], "summary", payload)
    await fake.dispatch("INTERACTION_CREATE", payload)

    def answered() -> list[Any]:
        return [r for r in fake.requests if r.path.endswith(f"/{iid}/{payload['token']}/callback")]

    await fake.wait_for(lambda: bool(answered()), 10, what="the autocomplete answer")
    body = answered()[0].json
    assert body["type"] == 8
    assert [c["value"] for c in body["data"]["choices"]] == ["日米拡大抑止協議"]


async def test_summary_attaches_a_timeline_of_the_period(fake: FakeDiscord, run_bot) -> None:
    from PIL import Image

    from index.meetings.summary import summarize
    from index.meetings.timeline import draw_timeline, image_size, series_rows, timeline_title

    bot = await start(run_bot)
    inter = await fake.slash("summary", {"period": "all"}, locale="ja")
    await answer_of(fake, inter)
    assert inter.original is not None
    assert inter.original.content == "**資料にある会合**: 3件"
    [upload] = inter.original.attachments
    assert upload.filename == "timeline.png" and upload.description == "資料にある会合: 3件"
    # sent with the answer's first message, as multipart/form-data
    edit = next(r for r in fake.requests if r.method == "PATCH" and r.files)
    assert edit.path.endswith("/messages/@original") and edit.json["allowed_mentions"] == NO_PINGS
    image = Image.open(io.BytesIO(upload.body))
    meetings = bot.get_cog("SummaryCog").meetings()
    rows = series_rows(meetings, "ja")
    assert [r.label for r in rows] == ["日米拡大抑止協議", "日米韓防衛相会談"]
    assert image.format == "PNG" and image.size == image_size(len(rows)) == (1200, 240)
    # the same picture `secbrief summary --since all --lang ja --plot` writes
    summary = summarize(meetings, since=None, lang="ja", today=TODAY)
    assert draw_timeline(summary.every, "ja", timeline_title(summary)).png == upload.body
    # the message the bot got back names it, and the file is served at its URL
    assert fake.files[upload.id] == upload.body


async def test_a_timeline_over_the_attachment_limit_is_left_out(fake: FakeDiscord, run_bot) -> None:
    await start(run_bot)
    inter = await fake.slash("summary", {"period": "all", "lang": "en"}, attachment_size_limit=2000)
    await answer_of(fake, inter)
    assert inter.original is not None
    assert inter.original.content == "**Meetings in the releases**: 3"
    assert inter.original.attachments == []
    assert len(inter.original.embeds) == 3
    assert not any(r.files for r in fake.requests)  # nothing over the limit was even sent


async def test_the_fake_refuses_a_file_over_the_limit(
    fake: FakeDiscord, run_bot, monkeypatch
) -> None:
    """The check above can fail: a bot that ignored the limit would be refused, as by Discord."""
    import sys

    await start(run_bot)
    cog = sys.modules["bot.cogs.summary"]  # as the bot loaded it (load_extension runs it anew)
    real = cog.timeline_file
    monkeypatch.setattr(cog, "timeline_file", lambda result, limit: real(result, 1 << 30))
    inter = await fake.slash("summary", {"period": "all"}, attachment_size_limit=2000)
    await fake.wait_for(lambda: fake.violations, 20, what="the refusal")
    assert "timeline.png" in fake.violations[0] and "(limit 2000)" in fake.violations[0]
    assert inter.original is not None and inter.original.attachments == []
    fake.violations.clear()  # seen: the fixture would fail the test on it
