"""/sources, /ingest and the scheduled refresh: keeping the corpus current (admins only).

The corpus work itself (fetching, saving, updating the index) is :mod:`index.sources`; this
cog reads the interaction, runs that work in a daemon thread through the service (one change
at a time, never beside a rebuild; questions go on being answered from the index in use), and
renders the outcome. After a refresh that brought new meetings, they are announced in
``SECBRIEF_ANNOUNCE_CHANNEL_ID`` as /summary shows them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import render
from bot.cogs.admin import _admins_only, ui_lang
from bot.cogs.summary import meeting_embed
from bot.settings import fetch_policy
from index.errors import BuildInProgress

if TYPE_CHECKING:
    from bot.app import SecbriefBot
    from index.schema import Document
    from index.sources.fetch import FetchReport
    from index.sources.ingest import IngestReport

log = logging.getLogger(__name__)

INGEST_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")


def meeting_keys(meetings: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(str(m.get("name")), str(m.get("date_start"))) for m in meetings}


def _plain(text: str | None, limit: int = 200) -> str:
    return render.escape(render.trim(" ".join((text or "").split()), limit))


def ingest_text(report: IngestReport, lang: str) -> str:
    """The reply to /ingest: what was added (or already held) and the meeting it belongs to."""
    doc: Document = report.doc
    meeting = report.meeting
    filed = (
        f"{_plain(meeting['name'], 300)} ({meeting['date_start']})"
        if meeting
        else render.t(lang, "no_meeting")
    )
    head = (
        render.t(lang, "ingest_duplicate", path=report.path.replace("`", "'"))
        if report.duplicate_of
        else render.t(lang, "ingest_added")
    )
    fields = render.t(
        lang,
        "ingest_fields",
        title=_plain(doc.title, 250),
        date=doc.date.isoformat() if doc.date else render.t(lang, "unknown"),
        publisher=_plain(doc.publisher) or render.t(lang, "unknown"),
        language=doc.lang,
        meeting=filed,
        source=render.source_line(doc),
    )
    return render.trim(f"{head}\n{fields}", render.CONTENT_LIMIT)


def fetch_text(report: FetchReport, lang: str) -> str:
    lines = [render.t(lang, "fetch_done", summary=report.summary())]
    lines += [
        render.t(lang, "fetch_failure", line=_plain(f.line(), 300)) for f in report.failed[:10]
    ]
    if len(report.failed) > 10:
        lines.append(f"… (+{len(report.failed) - 10})")
    return render.trim("\n".join(lines), render.CONTENT_LIMIT)


class SourcesCog(commands.Cog):
    sources = app_commands.Group(
        name="sources",
        description="The feeds and pages the corpus follows (admins)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: SecbriefBot) -> None:
        self.bot = bot
        minutes = bot.settings.refresh_minutes
        self.refresh.change_interval(minutes=minutes if minutes > 0 else 60.0)
        self._refresh_enabled = minutes > 0

    async def cog_load(self) -> None:
        if self._refresh_enabled:
            self.refresh.start()

    async def cog_unload(self) -> None:
        self.refresh.cancel()

    # -- the work, in a daemon thread through the service ---------------------------------

    def _paths(self) -> tuple[Path, Path]:
        return self.bot.settings.corpus_dir, self.bot.settings.index_dir

    async def _fetch(self, names: list[str] | None = None) -> FetchReport:
        from index.ingest.http import Fetcher
        from index.sources.fetch import fetch_sources

        service = self.bot.service
        corpus, index_dir = self._paths()
        policy = fetch_policy(self.bot.settings)

        def job() -> FetchReport:
            with Fetcher(policy) as fetcher:
                return fetch_sources(corpus, index_dir, service.embedder, fetcher, names=names)

        before = meeting_keys(service.retriever.data.meetings)
        report = await service.change_corpus(job)
        await self._announce(before)
        return report

    async def _announce(self, before: set[tuple[str, str]]) -> None:
        """Post the meetings that a change of the corpus brought, as /summary shows them."""
        channel_id = self.bot.settings.announce_channel_id
        if channel_id is None:
            return
        from index.meetings.catalogue import load_meetings

        retriever = self.bot.service.retriever
        fresh = [m for m in retriever.data.meetings if meeting_keys([m]) - before]
        if not fresh:
            return
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except discord.HTTPException:
                log.warning("announce channel %s cannot be reached", channel_id)
                return
        guild = getattr(channel, "guild", None)
        lang = "ja" if guild is not None and str(guild.preferred_locale).startswith("ja") else "en"
        meetings = load_meetings(fresh, retriever.docs)
        embeds = [meeting_embed(m, lang) for m in meetings]
        for reply in render.pack(render.t(lang, "announce"), embeds):
            try:
                await channel.send(  # type: ignore[union-attr]
                    content=reply.content or None,
                    embeds=reply.embeds,
                    allowed_mentions=render.NO_MENTIONS,
                )
            except discord.HTTPException:
                log.warning("could not announce new meetings", exc_info=True)
                return

    @tasks.loop(minutes=60)
    async def refresh(self) -> None:
        """Fetch every source in the background; a busy index or a failure waits for next time."""
        from index.sources.registry import Registry

        try:
            service = self.bot.service
            if not (service.rebuilding or service.changing):
                # an index updated by another process (`secbrief fetch` from cron) serves now
                await service.reload_if_changed()
            if not Registry.at(self.bot.settings.index_dir).load():
                return
            report = await self._fetch()
        except BuildInProgress:
            log.info("scheduled refresh skipped: the index is being rebuilt or updated")
            return
        except Exception:
            log.exception("scheduled refresh failed; the index in use is unchanged")
            return
        log.info("scheduled refresh: %s", report.summary())

    @refresh.before_loop
    async def _ready(self) -> None:
        await self.bot.wait_until_ready()

    # -- commands --------------------------------------------------------------------------

    @sources.command(name="list", description="The sources, their last fetch and releases held")
    @app_commands.check(_admins_only)
    async def list_(self, interaction: discord.Interaction) -> None:
        from index.sources.fetch import source_rows

        ui = ui_lang(interaction)
        interaction.extras["lang"] = ui
        rows = source_rows(*self._paths())
        if not rows:
            text = render.t(ui, "sources_none")
        else:
            text = "\n".join(
                render.t(
                    ui,
                    "sources_row",
                    name=_plain(r["name"]),
                    kind=r["kind"],
                    url=r["url"].replace(">", "%3E"),
                    last=r["last_fetch"] or render.t(ui, "never"),
                    status=_plain(r["status"]),
                    count=r["releases"],
                )
                for r in rows
            )
        for i, part in enumerate(render.split_content(text)):
            send = interaction.followup.send if i else interaction.response.send_message
            await send(part, ephemeral=True, allowed_mentions=render.NO_MENTIONS)

    @sources.command(name="add", description="Follow a feed, a listing page or one page")
    @app_commands.describe(
        url="The feed's or page's address (http or https)",
        name="Short name, also its folder under corpus/sources/ (default: from the URL)",
        kind="feed, listing or page (default: detected)",
        match="Listing pages: only links whose URL matches this regular expression",
    )
    @app_commands.check(_admins_only)
    async def add(
        self,
        interaction: discord.Interaction,
        url: str,
        name: str | None = None,
        kind: Literal["feed", "listing", "page"] | None = None,
        match: str | None = None,
    ) -> None:
        from index.ingest.http import Fetcher
        from index.sources.fetch import add_source

        ui = ui_lang(interaction)
        interaction.extras["lang"] = ui
        await interaction.response.defer(ephemeral=True, thinking=True)
        index_dir = self.bot.settings.index_dir
        policy = fetch_policy(self.bot.settings)

        def job() -> Any:
            with Fetcher(policy) as fetcher:
                return add_source(
                    index_dir, url.strip(), fetcher, name=name, kind=kind, match=match
                )

        from bot.service import in_daemon_thread

        source = await in_daemon_thread(job)
        await interaction.edit_original_response(
            content=render.t(
                ui,
                "source_added",
                name=_plain(source.name),
                kind=source.kind,
                url=source.url.replace(">", "%3E"),
            ),
            allowed_mentions=render.NO_MENTIONS,
        )

    @sources.command(name="remove", description="Stop following a source")
    @app_commands.describe(purge="Also delete its releases from the corpus and the index")
    @app_commands.check(_admins_only)
    async def remove(
        self, interaction: discord.Interaction, name: str, purge: bool = False
    ) -> None:
        from index.sources.fetch import remove_source

        ui = ui_lang(interaction)
        interaction.extras["lang"] = ui
        await interaction.response.defer(ephemeral=True, thinking=True)
        corpus, index_dir = self._paths()
        embedder = self.bot.service.embedder

        def job() -> Any:
            return remove_source(corpus, index_dir, name, embedder, purge=purge)

        source, deleted, _ = await self.bot.service.change_corpus(job)
        key = "source_purged" if purge else "source_removed"
        await interaction.edit_original_response(
            content=render.t(ui, key, name=_plain(source.name), count=len(deleted)),
            allowed_mentions=render.NO_MENTIONS,
        )

    def _source_choices(self, current: str) -> list[app_commands.Choice[str]]:
        from index.sources.registry import Registry

        try:
            names = [s.name for s in Registry.at(self.bot.settings.index_dir).load()]
        except Exception:  # a damaged sources file: no suggestions, the command says why
            return []
        typed = current.lower()
        return [app_commands.Choice(name=n, value=n) for n in names if typed in n][:25]

    @remove.autocomplete("name")
    async def _remove_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return self._source_choices(current)

    @sources.command(name="fetch", description="Fetch the sources' new releases now")
    @app_commands.describe(name="Only this source (default: all)")
    @app_commands.check(_admins_only)
    async def fetch(self, interaction: discord.Interaction, name: str | None = None) -> None:
        ui = ui_lang(interaction)
        interaction.extras["lang"] = ui
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self._fetch([name] if name else None)
        await interaction.edit_original_response(
            content=fetch_text(report, ui), allowed_mentions=render.NO_MENTIONS
        )

    @fetch.autocomplete("name")
    async def _fetch_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return self._source_choices(current)

    @app_commands.command(name="ingest", description="Add one release (a file or a link) (admins)")
    @app_commands.describe(
        file="A release: .txt, .md, .html or .pdf", url="Or the release's address (http/https)"
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.check(_admins_only)
    async def ingest(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment | None = None,
        url: str | None = None,
    ) -> None:
        """Add one release to the corpus and the index."""
        from index.ingest.http import Fetcher
        from index.sources.ingest import ingest

        ui = ui_lang(interaction)
        interaction.extras["lang"] = ui
        url = (url or "").strip() or None
        limit = self.bot.settings.fetch_max_bytes
        problem = None
        if (file is None) == (url is None):
            problem = render.t(ui, "ingest_one")
        elif file is not None and not file.filename.lower().endswith(INGEST_SUFFIXES):
            problem = render.t(ui, "ingest_type", name=_plain(file.filename, 100))
        elif file is not None and file.size > limit:
            problem = render.t(
                ui, "ingest_size", name=_plain(file.filename, 100), size=file.size, limit=limit
            )
        if problem:
            await interaction.response.send_message(
                problem, ephemeral=True, allowed_mentions=render.NO_MENTIONS
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        corpus, index_dir = self._paths()
        service = self.bot.service
        policy = fetch_policy(self.bot.settings)
        data = await file.read() if file is not None else None
        target = file.filename if file is not None else str(url)

        def job() -> IngestReport:
            with Fetcher(policy) as fetcher:
                return ingest(target, corpus, index_dir, service.embedder, fetcher, data=data)

        before = meeting_keys(service.retriever.data.meetings)
        report = await service.change_corpus(job)
        await interaction.edit_original_response(
            content=ingest_text(report, ui), allowed_mentions=render.NO_MENTIONS
        )
        await self._announce(before)


async def setup(bot: SecbriefBot) -> None:
    await bot.add_cog(SourcesCog(bot))
