"""Assertions shared by the bot's end-to-end tests."""

from __future__ import annotations

import re
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
