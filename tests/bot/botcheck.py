"""Assertions shared by the bot's end-to-end tests."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from fakediscord import FakeDiscord, Interaction, Message

NO_PINGS = {"parse": []}


def pings_nobody(allowed_mentions: Any) -> bool:
    """``allowed_mentions`` lets nothing ping: no @everyone/@here, role, user or replied user."""
    return (
        isinstance(allowed_mentions, dict)
        and allowed_mentions.get("parse") == []
        and not allowed_mentions.get("users")
        and not allowed_mentions.get("roles")
        and not allowed_mentions.get("replied_user")
    )


def plain(markdown: str) -> str:
    """What a reader sees: blockquote markers, bold markers and escapes removed."""
    lines = [re.sub(r"^> ?", "", line) for line in markdown.split("\n")]
    text = "\n".join(lines).replace("**", "")
    return re.sub(r"\\(.)", r"\1", text)


def quoted_passages(embed: dict[str, Any]) -> list[str]:
    """The verbatim pieces of release text in an embed: its quoted lines, split at the
    ellipses that mark cuts (blank lines are left out of a quote)."""
    pieces = []
    for line in (embed.get("description") or "").split("\n"):
        if line.startswith(">"):
            pieces += [p.strip() for p in plain(line).split("…") if p.strip()]
    return pieces


def bold(embed: dict[str, Any]) -> list[str]:
    """The emphasised (answering) sentence pieces of an embed."""
    found = re.findall(r"\*\*(.+?)\*\*", embed.get("description") or "")
    return [plain(f) for f in found]


def assert_verbatim(embed: dict[str, Any], corpus: Path) -> str:
    """Every quoted piece occurs as is in the release file the embed names; returns the file
    (its path relative to the corpus folder)."""
    text = None
    for path in sorted(corpus.rglob("*")):
        rel = path.relative_to(corpus).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in rel.split("/")):
            continue
        body = path.read_text(encoding="utf-8")
        if all(piece in body for piece in quoted_passages(embed)):
            text = rel
            break
    assert text is not None, f"not verbatim from any release: {quoted_passages(embed)}"
    return text


async def answer_of(fake: FakeDiscord, inter: Interaction, timeout: float = 20) -> Interaction:
    """Wait until the deferred response holds the answer (not "thinking", not "queued")."""

    def done() -> bool:
        o = inter.original
        return bool(
            o is not None
            and not o.flags & 128
            and (o.embeds or o.content)
            and not o.content.startswith(("Queued", "順番待ち"))
        )

    await fake.wait_for(done, timeout, what=f"the answer to /{inter.name}")
    return inter


def content_bodies(fake: FakeDiscord) -> list[dict[str, Any]]:
    """The JSON of every request that carried message text (to check allowed mentions)."""
    out = []
    for r in fake.requests:
        body = r.json if isinstance(r.json, dict) else {}
        data = body.get("data") if "/callback" in r.path else body
        if isinstance(data, dict) and (data.get("content") or data.get("embeds")):
            out.append(data)
    return out


def all_messages(fake: FakeDiscord) -> list[Message]:
    return fake.sent()


# -- feedback under the answers ------------------------------------------------------------------

QUESTION_EN = "Where did Japan host the December 2024 Extended Deterrence Dialogue?"
OFF_TOPIC_JA = "チョコチップクッキーの作り方は？"


def db_rows(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def votes(path: Path) -> list[tuple[Any, ...]]:
    return db_rows(path, "SELECT user_hash, vote, passage FROM votes ORDER BY voted_at")


def with_buttons(messages: list[Message]) -> Message:
    """The one message of an answer that carries the feedback buttons: the last."""
    carrying = [m for m in messages if m.components]
    assert len(carrying) == 1 and carrying[0] is messages[-1], [m.custom_ids() for m in messages]
    return carrying[0]


async def ask(fake: FakeDiscord, question: str, **options: Any) -> Message:
    inter = await fake.slash("ask", {"question": question, **options})
    await answer_of(fake, inter)
    return with_buttons(inter.messages)


async def replied(fake: FakeDiscord, inter: Interaction) -> Message:
    """The ephemeral reply to a press (a new message, or the pressed message updated)."""
    await fake.wait_for(lambda: inter.ack_type is not None, what=f"an answer to {inter.name}")
    if inter.ack_type == 7:
        return next(m for m in fake.sent() if str(m.id) == inter.payload["message"]["id"])
    assert inter.ack_type == 4 and inter.ephemeral and inter.original is not None
    return inter.original


def button(message: Message, which: str) -> str:
    """The custom id of "answered" (``a``) or "not answered" (``n``)."""
    return next(c for c in message.custom_ids() if c.endswith(f":{which}"))


async def vote_twice(fake: FakeDiscord) -> tuple[Message, Message]:
    """An English answer voted "answered" with its first passage, a Japanese question (declined)
    voted "not answered"."""
    found = await ask(fake, QUESTION_EN, public=True)
    menu = await replied(fake, await fake.press(found, button(found, "a")))
    select = menu.components[0]["components"][0]["custom_id"]
    await replied(fake, await fake.press(menu, select, values=["1"]))
    missed = await ask(fake, OFF_TOPIC_JA, public=True)
    await replied(fake, await fake.press(missed, button(missed, "n"), user=fake.user("other")))
    return found, missed
