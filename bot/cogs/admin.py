"""/reindex (admins: rebuild the index without a restart) and /about."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render
from index.errors import SecbriefError

if TYPE_CHECKING:
    from bot.app import SecbriefBot
    from index.store.build import BuildProgress, BuildReport

log = logging.getLogger(__name__)


def ui_lang(interaction: discord.Interaction) -> str:
    return "ja" if str(interaction.locale).startswith("ja") else "en"


def is_admin(interaction: discord.Interaction, admin_role_ids: list[int]) -> bool:
    """Manage Server (or Administrator) in this server, or a role listed in the settings."""
    if interaction.guild is None:
        return False
    perms = interaction.permissions
    if perms.manage_guild or perms.administrator:
        return True
    roles = getattr(interaction.user, "roles", [])
    return any(role.id in admin_role_ids for role in roles)


async def _admins_only(interaction: discord.Interaction) -> bool:
    # default_permissions only hides the command in Discord's client; this is the real check
    bot: SecbriefBot = interaction.client  # type: ignore[assignment]
    if not is_admin(interaction, bot.settings.admin_role_ids):
        raise errors.NotAdmin()
    return True


class Latest:
    """The newest progress report from the build thread (a plain assignment is atomic)."""

    def __init__(self) -> None:
        self.value: BuildProgress | None = None

    def __call__(self, progress: BuildProgress) -> None:
        self.value = progress


class AdminCog(commands.Cog):
    def __init__(self, bot: SecbriefBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="reindex", description="Rebuild the index from the corpus folder (admins)"
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.check(_admins_only)
    async def reindex(self, interaction: discord.Interaction) -> None:
        """Rebuild the index from the corpus folder (admins)."""
        ui = ui_lang(interaction)
        interaction.extras["lang"] = ui
        latest = Latest()
        task = self.bot.service.start_rebuild(latest)  # BuildInProgress if one is running
        await interaction.response.send_message(
            render.t(ui, "rebuild_start"), ephemeral=True, allowed_mentions=render.NO_MENTIONS
        )
        shown: BuildProgress | None = None
        interval = max(0.05, self.bot.settings.reindex_progress_seconds)
        while not task.done():
            await asyncio.wait({task}, timeout=interval)
            if not task.done() and latest.value != shown:
                shown = latest.value
                await self._edit(interaction, render.progress_text(shown, ui))
        await self._edit(interaction, self._outcome(task, ui))

    def _outcome(self, task: asyncio.Task[BuildReport], ui: str) -> str:
        error = task.exception()
        if error is None:
            return render.report_text(task.result(), ui)
        if isinstance(error, SecbriefError):
            reason, _ = errors.describe(error, ui)
        else:
            log.error("rebuild failed", exc_info=error)
            reason = f"{type(error).__name__}: {error}"
        return render.trim(render.t(ui, "rebuild_failed", reason=reason), render.CONTENT_LIMIT)

    async def _edit(self, interaction: discord.Interaction, text: str) -> None:
        try:
            await interaction.edit_original_response(
                content=text, allowed_mentions=render.NO_MENTIONS
            )
        except discord.HTTPException:  # e.g. the 15-minute token expired: the build goes on
            log.warning("could not update the /reindex message", exc_info=True)

    @app_commands.command(
        name="about", description="Corpus size, newest release, index build time, model"
    )
    async def about(self, interaction: discord.Interaction) -> None:
        """Corpus size, newest release, index build time, model."""
        ui = ui_lang(interaction)
        await interaction.response.send_message(
            render.about_text(self.bot.service.info, ui),
            ephemeral=not self.bot.settings.public_default,
            allowed_mentions=render.NO_MENTIONS,
        )


async def setup(bot: SecbriefBot) -> None:
    await bot.add_cog(AdminCog(bot))
