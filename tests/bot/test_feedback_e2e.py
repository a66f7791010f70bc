"""Feedback under every answer, end to end: the real discord.py client presses buttons and
chooses passages in the fake Discord; the votes land in the SQLite file."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
import struct
import time
from pathlib import Path
from typing import Any

import pytest
from botcheck import (
    OFF_TOPIC_JA,
    QUESTION_EN,
    answer_of,
    ask,
    button,
    db_rows,
    pings_nobody,
    replied,
    vote_twice,
    votes,
    with_buttons,
)
from fakediscord import (
    MANAGE_GUILD,
    MEMBER_PERMISSIONS,
    FakeDiscord,
    Message,
    component_limit_errors,
    snowflake,
)

ADMIN = MEMBER_PERMISSIONS | MANAGE_GUILD
QUESTION_JA = "日米韓の覚書は何に署名した？"


async def test_buttons_under_ask_and_mention_answers_in_the_readers_language(
    fake: FakeDiscord, run_bot, make_settings
) -> None:
    settings = make_settings()
    await run_bot(settings)
    ja = await ask(fake, QUESTION_JA)
    labels = [c.get("label") for row in ja.components for c in row["components"]]
    assert labels == ["答えになった", "答えになっていない"]
    assert all(len(c) <= 100 for c in ja.custom_ids())

    msg = await fake.mention(f"<@{fake.app_id}> {QUESTION_EN}")
    await fake.wait_for(lambda: fake.replies_to(msg["id"]), 30, what="the mention reply")
    reply = with_buttons(fake.replies_to(msg["id"]))
    labels = [c.get("label") for row in reply.components for c in row["components"]]
    assert labels == ["Answered", "Not answered"]
    assert pings_nobody(reply.allowed_mentions)

    dm = await fake.mention(QUESTION_EN, dm=True)
    await fake.wait_for(lambda: fake.replies_to(dm["id"]), 30, what="the DM reply")
    assert fake.messages[-1].components

    rows = db_rows(
        settings.feedback_path,
        "SELECT guild_id, channel_id, lang, answered FROM answers ORDER BY id",
    )
    assert rows == [
        (fake.guild_id, fake.channel_id, "ja", 1),
        (fake.guild_id, fake.channel_id, "en", 1),
        (None, None, "en", 1),  # a DM channel stands for its user: not kept
    ]
    assert db_rows(settings.feedback_path, "SELECT COUNT(*) FROM passages")[0][0] == 9  # k=3 each


async def test_a_vote_is_stored_changed_and_shown_to_the_voter_alone(
    fake: FakeDiscord, run_bot, make_settings
) -> None:
    settings = make_settings()
    db = settings.feedback_path
    await run_bot(settings)
    answer = await ask(fake, QUESTION_EN, public=True)
    before = (answer.content, answer.embeds, answer.components, answer.edits)
    voter = fake.user("voter")

    menu = await replied(fake, await fake.press(answer, button(answer, "a"), user=voter))
    assert menu.ephemeral and menu.content.startswith("Thanks: noted as answered.")
    select = menu.components[0]["components"][0]
    assert select["type"] == 3 and [o["value"] for o in select["options"]] == ["1", "2", "3"]
    assert all(o["label"].startswith(f"{i}. ") for i, o in enumerate(select["options"], 1))
    assert [v[1:] for v in votes(db)] == [("answered", None)]

    thanks = await replied(
        fake, await fake.press(menu, select["custom_id"], values=["2"], user=voter)
    )
    assert thanks is menu and thanks.components == [] and "passage 2" in thanks.content
    assert [v[1:] for v in votes(db)] == [("answered", 2)]

    changed = await replied(fake, await fake.press(answer, button(answer, "n"), user=voter))
    assert changed.ephemeral and "not answered" in changed.content
    assert [v[1:] for v in votes(db)] == [("not_answered", None)]  # changed, not added

    await replied(fake, await fake.press(answer, button(answer, "a"), user=fake.user("other")))
    assert sorted(v[1] for v in votes(db)) == ["answered", "not_answered"]
    # the answer itself never changed: a vote is seen by nobody but the voter
    assert (answer.content, answer.embeds, answer.components, answer.edits) == before
    assert all(pings_nobody(m.allowed_mentions) for m in fake.sent())


async def test_the_buttons_of_an_old_message_work_after_a_restart(
    fake: FakeDiscord, run_bot, make_settings
) -> None:
    settings = make_settings()
    first = await run_bot(settings)
    answer = await ask(fake, QUESTION_EN)
    menu = await replied(fake, await fake.press(answer, button(answer, "a")))
    await first.close()
    await fake.wait_disconnected()

    second = await run_bot(settings)  # a new process would hold nothing of the old views
    assert second is not first and second.persistent_views == []
    select = menu.components[0]["components"][0]
    thanks = await replied(fake, await fake.press(menu, select["custom_id"], values=["3"]))
    assert "passage 3" in thanks.content
    assert [v[1:] for v in votes(settings.feedback_path)] == [("answered", 3)]
    changed = await replied(fake, await fake.press(answer, button(answer, "n")))
    assert "not answered" in changed.content
    assert [v[1:] for v in votes(settings.feedback_path)] == [("not_answered", None)]


async def test_200_votes_at_once_are_all_stored(fake: FakeDiscord, run_bot, make_settings) -> None:
    settings = make_settings()
    bot = await run_bot(settings)
    answer = await ask(fake, QUESTION_EN, public=True)
    presses = []
    for i in range(200):  # dispatched back to back: the bot handles them all at once
        which = "a" if i % 2 else "n"
        presses.append(await fake.press(answer, button(answer, which), user=fake.user(f"r{i}")))
    await fake.wait_for(lambda: all(p.ack_type for p in presses), 60, what="200 acknowledgements")
    assert all(p.ack_type == 4 and p.ephemeral for p in presses)
    rows = votes(settings.feedback_path)
    assert len(rows) == 200 and len({r[0] for r in rows}) == 200
    assert sum(r[1] == "answered" for r in rows) == 100
    # discord.py keeps nothing of the views sent (an ephemeral view's 15-minute timeout would
    # otherwise unregister the buttons of every answer)
    assert bot.persistent_views == [] and not bot._connection._view_store._views
    timers = [t for t in asyncio.all_tasks() if "timeout_task" in repr(t.get_coro())]
    assert timers == []


def forged(fake: FakeDiscord, custom_id: str, select: bool) -> Message:
    component: dict[str, Any] = (
        {"type": 3, "custom_id": custom_id, "options": [{"label": "1", "value": "1"}]}
        if select
        else {"type": 2, "style": 1, "label": "Answered", "custom_id": custom_id}
    )
    return Message(
        snowflake(), fake.channel_id, "forged", [], 0, None,
        components=[{"type": 1, "components": [component]}],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("custom_id", "select"),
    [
        ("sbfb:v:AAAAAAAAAAAAAAAA:a", False),  # a well-formed key no answer has
        ("sbfb:v:../../etc/passwd:n", False),
        ("sbfb:v:", False),
        ("sbfb:p:AAAAAAAAAAAAAAAA", True),
        ("sbfb:p:' OR 1=1 --", True),
    ],
)
async def test_a_press_on_an_answer_the_database_does_not_know_stores_nothing(
    fake: FakeDiscord, run_bot, make_settings, custom_id: str, select: bool
) -> None:
    settings = make_settings()
    await run_bot(settings)
    await ask(fake, QUESTION_EN)
    inter = await fake.press(
        forged(fake, custom_id, select), custom_id, values=["1"] if select else None
    )
    reply = await replied(fake, inter)
    assert reply.ephemeral and "no longer known" in reply.content
    assert votes(settings.feedback_path) == []


async def test_a_deleted_answer_or_a_passage_it_did_not_show_stores_nothing(
    fake: FakeDiscord, run_bot, make_settings
) -> None:
    settings = make_settings()
    db = settings.feedback_path
    await run_bot(settings)
    answer = await ask(fake, QUESTION_EN)
    menu = await replied(fake, await fake.press(answer, button(answer, "a")))
    select = menu.components[0]["components"][0]["custom_id"]
    wrong = await replied(fake, await fake.press(menu, select, values=["9"]))
    assert wrong is not menu and "no longer known" in wrong.content
    assert [v[1:] for v in votes(db)] == [("answered", None)]

    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("DELETE FROM answers")
    gone = await replied(fake, await fake.press(answer, button(answer, "n")))
    assert gone.ephemeral and "no longer known" in gone.content
    assert votes(db) == []


async def answers_without_buttons(fake: FakeDiscord) -> None:
    """Ask by /ask and by a mention: both are answered, and no message carries a button."""
    inter = await fake.slash("ask", {"question": QUESTION_EN})
    await answer_of(fake, inter)
    msg = await fake.mention(f"<@{fake.app_id}> {QUESTION_JA}")
    await fake.wait_for(lambda: fake.replies_to(msg["id"]), 30, what="the mention reply")
    assert inter.original is not None and inter.original.embeds
    assert all(m.components == [] for m in fake.sent())


async def test_feedback_off_shows_no_buttons_and_stores_nothing(
    fake: FakeDiscord, run_bot, make_settings
) -> None:
    settings = make_settings(feedback=False)
    await run_bot(settings)
    await answers_without_buttons(fake)
    stats = await fake.slash("feedback", permissions=ADMIN)
    await fake.wait_for(lambda: stats.original, what="the /feedback reply")
    assert stats.original.content == "Feedback is not being collected."  # type: ignore[union-attr]
    assert list(settings.feedback_path.parent.glob("feedback*")) == []


async def test_a_damaged_database_is_one_log_line_and_answers_go_on_without_buttons(
    fake: FakeDiscord, run_bot, make_settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings()
    damaged = b"SQLite format 3\x00" + bytes(range(256)) * 64
    settings.feedback_path.write_bytes(damaged)
    caplog.set_level(logging.INFO, logger="bot")
    await run_bot(settings)
    await answers_without_buttons(fake)
    said = [r for r in caplog.records if "feedback" in r.getMessage().lower()]
    assert len(said) == 1 and said[0].levelno == logging.ERROR and not said[0].exc_info
    assert str(settings.feedback_path) in said[0].getMessage()
    assert "\n" not in said[0].getMessage()
    assert settings.feedback_path.read_bytes() == damaged  # left for someone to look at


async def test_no_user_id_or_name_is_in_the_database_files(
    fake: FakeDiscord, run_bot, make_settings
) -> None:
    settings = make_settings()
    await run_bot(settings)
    people = [fake.user(f"Reader{i}Name") for i in range(3)]
    inter = await fake.slash("ask", {"question": QUESTION_EN, "public": True}, user=people[0])
    await answer_of(fake, inter)
    # a question naming another user: the mention (their id) is not kept
    msg = await fake.mention(f"<@{fake.app_id}> <@{people[2]['id']}> {QUESTION_JA}", user=people[1])
    await fake.wait_for(lambda: fake.replies_to(msg["id"]), 30, what="the mention reply")
    reply = with_buttons(fake.replies_to(msg["id"]))
    answer = with_buttons(inter.messages)
    for person in [*people, fake.owner]:
        menu = await replied(fake, await fake.press(answer, button(answer, "a"), user=person))
        select = menu.components[0]["components"][0]["custom_id"]
        await replied(fake, await fake.press(menu, select, values=["1"], user=person))
        await replied(fake, await fake.press(reply, button(reply, "n"), user=person))
    assert len(votes(settings.feedback_path)) == 8
    questions = [q for (q,) in db_rows(settings.feedback_path, "SELECT question FROM answers")]
    assert questions[1].startswith("@… ")

    files = sorted(settings.feedback_path.parent.glob(settings.feedback_path.name + "*"))
    assert {f.name[len(settings.feedback_path.name) :] for f in files} >= {"", "-wal", ".key"}
    raw = b"".join(f.read_bytes() for f in files)
    for person in [*people, fake.owner]:
        uid = int(person["id"])
        for needle in (
            str(uid).encode(),
            struct.pack(">q", uid),
            struct.pack("<q", uid),
            person["username"].encode(),
            person["username"].lower().encode(),
        ):
            assert needle not in raw, (person["username"], needle)
    assert settings.feedback_path.stat().st_mode & 0o777 == 0o600
    assert Path(f"{settings.feedback_path}.key").stat().st_mode & 0o777 == 0o600


async def test_feedback_command_shows_admins_this_servers_stats(
    fake: FakeDiscord, run_bot, make_settings
) -> None:
    settings = make_settings()
    await run_bot(settings)
    await vote_twice(fake)
    with sqlite3.connect(settings.feedback_path) as conn:  # an answer in another server
        conn.execute(
            "INSERT INTO answers VALUES (99, 'k', '2030-01-01T00:00:00Z', 42, 43, 'elsewhere?', "
            "'en', 0)"
        )
        conn.execute("INSERT INTO votes VALUES (99, 'h', 'not_answered', NULL, 'x')")

    refused = await fake.slash("feedback", permissions=MEMBER_PERMISSIONS)
    await fake.wait_for(lambda: refused.original, what="the refusal")
    assert refused.original.content == "Only server admins can do that."  # type: ignore[union-attr]

    inter = await fake.slash("feedback", permissions=ADMIN)
    await answer_of(fake, inter)
    assert inter.ephemeral
    text = inter.text()
    week = "{}-W{:02d}".format(*dt.datetime.now(dt.UTC).date().isocalendar()[:2])
    for line in (
        "2 answer(s) shown, 2 rated, 2 vote(s)",
        "Answered: 1/2 (50%)",
        "By language: en 1/1 (100%) · ja 0/1 (0%)",
        f"- {week} 1/2 (50%)",
        f"- 1 × [ja] {OFF_TOPIC_JA}",
    ):
        assert line in text, text
    assert "elsewhere" not in text  # another server's questions are not shown here

    ja = await fake.slash("feedback", {"since": "2000-01-01"}, permissions=ADMIN, locale="ja")
    await answer_of(fake, ja)
    assert "（2000-01-01以降）" in ja.text() and "答えになった: 1/2 (50%)" in ja.text()
    assert all(pings_nobody(m.allowed_mentions) for m in fake.sent())


async def test_a_database_failing_while_the_bot_runs_turns_feedback_off_in_one_line(
    fake: FakeDiscord, run_bot, make_settings, caplog: pytest.LogCaptureFixture, monkeypatch
) -> None:
    from bot.feedback import FeedbackStore

    await run_bot(make_settings())
    answer = await ask(fake, QUESTION_EN)

    def malformed(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(FeedbackStore, "record_answer", malformed)
    monkeypatch.setattr(FeedbackStore, "vote", malformed)
    caplog.set_level(logging.INFO, logger="bot")
    for _ in range(2):
        inter = await fake.slash("ask", {"question": QUESTION_EN})
        await answer_of(fake, inter)
        assert inter.original is not None and inter.original.embeds
        assert all(m.components == [] for m in inter.messages)
    off = await replied(fake, await fake.press(answer, button(answer, "a")))
    assert off.ephemeral and off.content == "Feedback is not being collected."
    said = [r for r in caplog.records if "feedback" in r.getMessage().lower()]
    assert len(said) == 1 and "malformed" in said[0].getMessage() and not said[0].exc_info


def test_the_passage_menu_keeps_to_discords_component_limits() -> None:
    import discord

    from bot.cogs.feedback import passage_menu
    from bot.feedback import Rated, Shown

    title = "日米「2+2」👩\u200d👩\u200d👧 joint statement " * 20
    shown = tuple(Shown(i, "x.txt", title, "ja", 0, 9, 0, 9, "文" * 900) for i in range(1, 11))
    view = discord.ui.View(timeout=None)
    view.add_item(passage_menu(Rated("A" * 16, "q", "ja", True, shown)))
    assert component_limit_errors(view.to_components()) == []
    # the fake refuses what Discord would
    buttons = [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": f"b{i}"}]}
        for i in range(5)
    ]
    options = [{"label": str(i), "value": str(i)} for i in range(26)]
    menu = {"type": 1, "components": [{"type": 3, "custom_id": "m" * 101, "options": options}]}
    assert component_limit_errors([*buttons, menu]) == [
        "6 action rows (limit 5)",
        "row 5: custom_id " + repr("m" * 101) + " is 101 characters (1-100)",
        "row 5: 26 select options (1-25)",
    ]


async def test_shutdown_waits_for_an_answer_whose_buttons_are_being_stored(
    fake: FakeDiscord, run_bot, make_settings, monkeypatch
) -> None:
    from bot.feedback import FeedbackStore

    real = FeedbackStore.record_answer

    def slow(self: FeedbackStore, *args: Any) -> str:
        time.sleep(0.5)  # a busy disk: the answer is found, its buttons not yet stored
        return real(self, *args)

    monkeypatch.setattr(FeedbackStore, "record_answer", slow)
    bot = await run_bot(make_settings())
    inter = await fake.slash("ask", {"question": QUESTION_EN})
    await fake.wait_for(lambda: inter.acked_at, what="the deferral")
    await bot.close()
    assert inter.original is not None and inter.original.embeds and inter.original.components
