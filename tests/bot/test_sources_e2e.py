"""/ingest, /sources and the scheduled refresh end to end: the real discord.py client against
the fake Discord, releases served by a real HTTP server on 127.0.0.1, the real model."""

from __future__ import annotations

import asyncio
from pathlib import Path

from botcheck import answer_of, assert_verbatim, pings_nobody
from conftest import NEW_RELEASE
from fakediscord import MANAGE_GUILD, MEMBER_PERMISSIONS, FakeDiscord

from index.sources.registry import Registry, Source

ADMIN = MEMBER_PERMISSIONS | MANAGE_GUILD
ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Where was the Tern Island Lighthouse Accord signed?"


async def done(fake: FakeDiscord, inter, timeout: float = 90) -> str:
    def finished() -> bool:
        o = inter.original
        return bool(o and not (o.flags & 128))  # no longer "thinking"

    await fake.wait_for(finished, timeout, what=f"the end of /{inter.name}")
    return inter.original.content


def corpus_files(corpus: Path) -> list[str]:
    return sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file())


async def test_non_admins_cannot_ingest_or_change_sources(
    fake: FakeDiscord, run_bot, make_settings, own_index
) -> None:
    corpus, index_dir = own_index
    before = corpus_files(corpus)
    await run_bot(make_settings(corpus_dir=corpus, index_dir=index_dir))
    upload = (NEW_RELEASE.name, NEW_RELEASE.read_bytes(), "text/plain")
    for name, options in [
        ("ingest", {"file": upload}),
        ("sources add", {"url": "http://127.0.0.1:9/feed.xml"}),
        ("sources remove", {"name": "x"}),
        ("sources list", {}),
    ]:
        inter = await fake.slash(name, options, permissions=MEMBER_PERMISSIONS)
        await fake.wait_for(lambda i=inter: i.original, what="the refusal")
        assert inter.original.content == "Only server admins can do that."
        assert inter.ephemeral
    await asyncio.sleep(0.3)
    assert corpus_files(corpus) == before and not (index_dir / "sources.json").exists()


async def test_admin_ingests_an_attachment_and_it_is_answerable(
    fake: FakeDiscord, run_bot, make_settings, own_index
) -> None:
    corpus, index_dir = own_index
    bot = await run_bot(make_settings(corpus_dir=corpus, index_dir=index_dir))
    upload = (NEW_RELEASE.name, NEW_RELEASE.read_bytes(), "text/plain")
    inter = await fake.slash("ingest", {"file": upload}, permissions=ADMIN)
    text = await done(fake, inter)
    assert text.startswith("Added to the corpus and the index:"), text
    assert "**Signing of the Tern Island Lighthouse Accord**" in text
    assert "Date: 2025-02-03 · Publisher: Test Ministry of Harbors" in text
    assert "Filed under:" in text and "<https://example.org/releases/tern-island-accord>" in text
    assert (corpus / "ingested" / NEW_RELEASE.name).read_bytes() == NEW_RELEASE.read_bytes()
    assert bot.service.info.documents == 7

    ask = await fake.slash("ask", {"question": QUESTION})
    await answer_of(fake, ask)
    files = [assert_verbatim(e, corpus) for e in ask.original.embeds]
    assert f"ingested/{NEW_RELEASE.name}" in files

    again = await fake.slash("ingest", {"file": upload}, permissions=ADMIN)
    assert (await done(fake, again)).startswith(
        f"Already in the corpus as `ingested/{NEW_RELEASE.name}`"
    )
    bad = await fake.slash(
        "ingest", {"file": ("x.exe", b"MZ", "application/x-msdos")}, permissions=ADMIN
    )
    await fake.wait_for(lambda: bad.original, what="the refusal")
    assert "only .txt, .md, .html and .pdf" in bad.original.content
    neither = await fake.slash("ingest", {}, permissions=ADMIN)
    await fake.wait_for(lambda: neither.original, what="the refusal")
    assert neither.original.content == "Give either a file or a url (one of them)."


async def test_sources_add_fetch_and_list_from_discord_with_announcement(
    fake: FakeDiscord, run_bot, make_settings, own_index, site
) -> None:
    corpus, index_dir = own_index
    for path, name in [
        ("/r/ja.txt", "028-dmm-2024-12-jdefense-ja.txt"),
        ("/r/en.txt", "029-dmm-2024-12-dod-news-en.txt"),
    ]:
        site.route(path, (ROOT / "corpus" / name).read_bytes(), content_type="text/plain")
    items = "".join(
        f"<item><title>r</title><link>{site.url(p)}</link></item>"
        for p in ("/r/ja.txt", "/r/en.txt")
    )
    site.route(
        "/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>',
        content_type="application/rss+xml",
    )
    settings = make_settings(
        corpus_dir=corpus,
        index_dir=index_dir,
        allow_private_urls=True,
        announce_channel_id=fake.channel_id,
        refresh_minutes=0,
    )
    bot = await run_bot(settings)
    add = await fake.slash(
        "sources add", {"url": site.url("/feed.xml"), "name": "dod"}, permissions=ADMIN
    )
    assert (await done(fake, add)).startswith("Following **dod** (feed)")
    fetch = await fake.slash("sources fetch", {}, permissions=ADMIN)
    assert (await done(fake, fetch, timeout=180)) == "fetched 2 new, 0 unchanged, 0 failed"
    assert bot.service.info.documents == 8
    await fake.wait_for(lambda: any(m.embeds for m in fake.messages), 10, what="the announcement")
    note = next(m for m in fake.messages if m.embeds)
    # in the server's language (the fake guild prefers Japanese), as /summary shows meetings
    assert note.content == "ソースの更新で新しい会合が加わりました:"
    assert "日米防衛相会談" in [e["title"] for e in note.embeds]
    assert pings_nobody(note.allowed_mentions)

    listed = await fake.slash("sources list", {}, permissions=ADMIN)
    await fake.wait_for(lambda: listed.original, what="the list")
    assert (
        "**dod** (feed)" in listed.original.content
        and "releases held: 2" in listed.original.content
    )

    removed = await fake.slash("sources remove", {"name": "dod", "purge": True}, permissions=ADMIN)
    assert (await done(fake, removed)) == (
        "Stopped following **dod** and deleted its 2 release(s) from the corpus and the index."
    )
    assert bot.service.info.documents == 6 and not (corpus / "sources" / "dod").exists()


async def test_the_scheduled_refresh_fetches_in_the_background(
    fake: FakeDiscord, run_bot, make_settings, own_index, site
) -> None:
    corpus, index_dir = own_index
    site.route("/page.txt", NEW_RELEASE.read_bytes(), content_type="text/plain")
    Registry.at(index_dir).add(Source(name="page", url=site.url("/page.txt"), kind="page"))
    settings = make_settings(
        corpus_dir=corpus, index_dir=index_dir, allow_private_urls=True, refresh_minutes=0.02
    )
    bot = await run_bot(settings)
    for _ in range(1200):  # the refresh sends nothing to Discord: poll
        if bot.service.info.documents == 7:
            break
        await asyncio.sleep(0.1)
    assert bot.service.info.documents == 7, "the scheduled refresh did not add the page"
    assert Registry.at(index_dir).get("page").status == "ok"
    ask = await fake.slash("ask", {"question": QUESTION})
    await answer_of(fake, ask)
    assert any(e.get("url") == site.url("/page.txt") for e in ask.original.embeds)


async def test_questions_are_answered_while_a_fetch_runs(
    fake: FakeDiscord, run_bot, make_settings, own_index, site
) -> None:
    corpus, index_dir = own_index
    site.route("/slow.txt", NEW_RELEASE.read_bytes(), content_type="text/plain", delay=4)
    Registry.at(index_dir).add(Source(name="slow", url=site.url("/slow.txt"), kind="page"))
    settings = make_settings(
        corpus_dir=corpus, index_dir=index_dir, allow_private_urls=True, refresh_minutes=0
    )
    bot = await run_bot(settings)
    fetch = await fake.slash("sources fetch", {}, permissions=ADMIN)
    await fake.wait_for(lambda: fetch.original, what="the deferral")
    ask = await fake.slash("ask", {"question": "日米防衛相会談はいつ行われましたか？"})
    await answer_of(fake, ask)
    assert ask.original.embeds and bot.service.changing  # answered while the fetch went on
    again = await fake.slash("sources fetch", {}, permissions=ADMIN)  # one at a time
    assert (await done(fake, again)).startswith("The index is being rebuilt or updated")
    assert (await done(fake, fetch)) == "fetched 1 new, 0 unchanged, 0 failed"
    assert not bot.service.changing and bot.service.info.documents == 7


async def test_an_index_updated_by_another_process_is_picked_up(
    fake: FakeDiscord, run_bot, make_settings, own_index, bot_embedder
) -> None:
    import shutil

    from index.store.update import update_index

    corpus, index_dir = own_index
    settings = make_settings(corpus_dir=corpus, index_dir=index_dir, refresh_minutes=0.01)
    bot = await run_bot(settings)
    shutil.copy(NEW_RELEASE, corpus)
    await asyncio.to_thread(update_index, corpus, index_dir, bot_embedder)  # `secbrief fetch`
    for _ in range(300):
        if bot.service.info.documents == 7:
            break
        await asyncio.sleep(0.1)
    assert bot.service.info.documents == 7, "the refresh did not load the updated index"


async def test_ingest_refuses_a_link_into_the_hosts_network(
    fake: FakeDiscord, run_bot, make_settings, own_index, site
) -> None:
    corpus, index_dir = own_index
    before = corpus_files(corpus)
    site.route("/secret.txt", NEW_RELEASE.read_bytes(), content_type="text/plain")
    settings = make_settings(  # the site fixture allows private URLs in the environment
        corpus_dir=corpus, index_dir=index_dir, refresh_minutes=0, allow_private_urls=False
    )
    await run_bot(settings)
    inter = await fake.slash("ingest", {"url": site.url("/secret.txt")}, permissions=ADMIN)
    text = await done(fake, inter)
    assert text.startswith(f"Could not fetch <{site.url('/secret.txt')}>: ")
    assert "loopback" in text and site.paths() == []
    assert corpus_files(corpus) == before
