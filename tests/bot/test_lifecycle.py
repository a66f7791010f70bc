"""Starting and stopping: tokens, a first index built at start-up, clean shutdown."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from botcheck import answer_of
from conftest import ROOT, make_corpus
from fakediscord import FakeDiscord

from bot import app, errors

SECBRIEF = Path(sys.executable).parent / "secbrief"


def bot_env(fake: FakeDiscord | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECBRIEF_", "DISCORD_"))}
    env |= {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    if fake is not None:
        env |= {
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "SECBRIEF_GUILD_IDS": str(fake.guild_id),
        }
    return env | extra


async def test_missing_token_fails_before_anything_else(fake: FakeDiscord, make_settings) -> None:
    with pytest.raises(errors.MissingToken, match="DISCORD_TOKEN is not set"):
        await app.start(make_settings(DISCORD_TOKEN=None))
    with pytest.raises(errors.MissingToken):
        await app.start(make_settings(DISCORD_TOKEN="   "))
    assert fake.requests == []


@pytest.mark.parametrize("command", [["bot"], []])
async def test_missing_token_is_one_line_and_nonzero_exit(tmp_path: Path, command) -> None:
    # `secbrief bot` (the CLI) and `python -m bot.app`, run where there is no .env
    argv = [str(SECBRIEF), *command] if command else [sys.executable, "-m", "bot.app"]
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=tmp_path,
        env=bot_env(None, DISCORD_TOKEN=""),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    lines = stderr.decode().strip().splitlines()
    assert proc.returncode != 0
    assert len(lines) == 1 and "DISCORD_TOKEN" in lines[0], lines
    assert "Traceback" not in stderr.decode()


async def test_invalid_token_is_refused_and_never_logged(
    fake: FakeDiscord, make_settings, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "NOT-the-token.Xy12.secret-part"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(errors.InvalidToken, match="DISCORD_TOKEN was rejected") as raised:
        await app.start(make_settings(DISCORD_TOKEN=secret))
    assert secret not in str(raised.value)
    assert secret not in caplog.text and "secret-part" not in caplog.text
    assert [r.status for r in fake.requests] == [401]


async def test_unreachable_discord_is_one_clear_error(make_settings) -> None:
    settings = make_settings(DISCORD_API_BASE="http://127.0.0.1:9/api/v10")
    with pytest.raises(app.DiscordUnreachable, match=r"cannot reach Discord at http://127.0.0.1:9"):
        await app.start(settings)


async def test_missing_index_is_built_at_start_up(
    fake: FakeDiscord, run_bot, make_settings, hashing_embedder, tmp_path: Path
) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "no-index-yet"
    settings = make_settings(corpus_dir=corpus, index_dir=index_dir, model="hashing-test")
    bot = await run_bot(settings, embedder=hashing_embedder)
    assert (index_dir / "manifest.json").exists() or any(index_dir.iterdir())
    assert bot.service.info.documents == len(list(corpus.iterdir()))
    inter = await fake.slash("ask", {"question": "Kestrel harbor drill"})
    await answer_of(fake, inter)
    # answered from the new index (the hashing model may well decline: fine here)
    assert inter.original is not None
    assert inter.original.content.startswith("**Question:** Kestrel harbor drill")


async def test_shutdown_waits_for_questions_in_flight(
    fake: FakeDiscord, run_bot, monkeypatch
) -> None:
    bot = await run_bot()
    real_ask = bot.service.retriever.ask

    def slow(*args, **kwargs):
        time.sleep(1.0)
        return real_ask(*args, **kwargs)

    monkeypatch.setattr(bot.service.retriever, "ask", slow)
    inter = await fake.slash("ask", {"question": "When was the EDD established?"})
    await fake.wait_for(lambda: inter.acked_at, what="the deferral")
    started = time.monotonic()
    await bot.close()
    assert time.monotonic() - started < 3
    assert inter.original is not None and inter.original.embeds  # answered before closing
    assert not fake.ready.is_set()  # the gateway is closed


async def test_sigterm_closes_the_gateway_and_exits_cleanly(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    env = bot_env(
        fake,
        SECBRIEF_MODEL="hashing-test",
        SECBRIEF_CORPUS_DIR=str(corpus),
        SECBRIEF_INDEX_DIR=str(tmp_path / "index"),  # none yet: built at start-up
        SECBRIEF_COOLDOWN_SECONDS="0",
    )
    proc = await asyncio.create_subprocess_exec(
        str(SECBRIEF),
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await asyncio.wait_for(fake.ready.wait(), 60)
        inter = await fake.slash("ask", {"question": "Kestrel harbor drill at Port Aurora"})
        await answer_of(fake, inter)
        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _, stderr = await asyncio.wait_for(proc.communicate(), 10)
        elapsed = time.monotonic() - started
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, stderr.decode()
    assert elapsed < 5
    assert not fake.ready.is_set()  # the websocket was closed by the bot
    assert "Traceback" not in stderr.decode()
    assert fake.token not in stderr.decode()
    assert inter.original is not None
    assert inter.original.content.startswith("**Question:** Kestrel harbor drill")


async def test_sigterm_during_the_start_up_build_exits_cleanly(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(200):  # a few seconds of building, even with the hashing model
        body = f"Sentence {i} about harbor drills and radar station number {i}. " * 60
        text = f"title: Generated release {i}\ndate: 2024-01-01\nlang: en\n\n{body}"
        (corpus / f"{i:03d}-gen-en.txt").write_text(text, encoding="utf-8")
    env = bot_env(
        fake,
        SECBRIEF_MODEL="hashing-test",
        SECBRIEF_CORPUS_DIR=str(corpus),
        SECBRIEF_INDEX_DIR=str(tmp_path / "index"),
    )
    proc = await asyncio.create_subprocess_exec(
        str(SECBRIEF), "bot", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    assert proc.stderr is not None
    seen = []
    try:
        while not any("building one from" in line for line in seen):
            line = await asyncio.wait_for(proc.stderr.readline(), 60)
            assert line, f"the bot stopped before building: {seen}"
            seen.append(line.decode())
        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        rest = await asyncio.wait_for(proc.stderr.read(), 10)
        await proc.wait()
        elapsed = time.monotonic() - started
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    stderr = "".join(seen) + rest.decode()
    assert proc.returncode == 0, stderr
    assert elapsed < 5
    assert "Traceback" not in stderr and "terminate called" not in stderr
    assert "the previous index stays in place" in stderr
    assert fake.identify is None  # it never went online without an index
