"""Feedback under every answer: the two buttons, the choice of passage, and /feedback (admins).

The votes are kept by :mod:`bot.feedback`; this cog reads them off the interaction, stores
them in a worker thread and acknowledges them ephemerally (nobody else sees a vote). The
buttons and the menu are ``DynamicItem``s registered at start-up: their custom ids carry the
answer's key, so a message sent before a restart keeps working.

The views sent are stopped before they are sent, so discord.py keeps nothing of them: it gives
an ephemeral message's view a 15-minute timeout, and a view that times out unregisters the
``DynamicItem`` patterns it holds, which would silence every button of every answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import render
from bot.cogs import parse_since
from bot.cogs.admin import _admins_only, ui_lang
from bot.feedback import ANSWERED, KEY, NOT_ANSWERED, FeedbackError, FeedbackStore, Rated
from bot.feedback_report import feedback_stats, stats_lines

if TYPE_CHECKING:
    from bot.app import SecbriefBot
    from index.schema import Answer

log = logging.getLogger(__name__)

PURGE_HOURS = 6
OPTION_CHARS = 100  # a select option's label and description


def _layout(*items: discord.ui.Item[Any]) -> discord.ui.View:
    """A view that only lays the items out: stopped, so discord.py stores nothing of it."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    view.stop()
    return view


def _cog(interaction: discord.Interaction) -> FeedbackCog | None:
    cog = interaction.client.get_cog("FeedbackCog")  # type: ignore[attr-defined]
    return cog if isinstance(cog, FeedbackCog) else None


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"sbfb:v:(?P<rest>.*)"):
    """ "answered" (``sbfb:v:<key>:a``) or "not answered" (``sbfb:v:<key>:n``)."""

    def __init__(
        self,
        rest: str,
        label: str = "?",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"sbfb:v:{rest}"))
        self.rest = rest

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> VoteButton:
        return cls(match["rest"])

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = _cog(interaction)
        found = re.fullmatch(rf"({KEY.pattern}):([an])", self.rest)
        if cog is None or found is None:
            await _tell(interaction, "fb_unknown", None)
            return
        await cog.on_vote(interaction, found[1], ANSWERED if found[2] == "a" else NOT_ANSWERED)


class PassageSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"sbfb:p:(?P<rest>.*)"
):
    """Which passage answered (``sbfb:p:<key>``, values ``1``..``k``), shown after "answered"."""

    def __init__(
        self,
        rest: str,
        options: list[discord.SelectOption] | None = None,
        placeholder: str | None = None,
    ) -> None:
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"sbfb:p:{rest}",
            options=options or [discord.SelectOption(label="1", value="1")],
            placeholder=placeholder,
        )
        super().__init__(select)
        self.rest = rest

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PassageSelect:
        return cls(match["rest"])

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = _cog(interaction)
        data: Any = interaction.data or {}
        values = data.get("values") or []
        value = str(values[0]) if values else ""
        if cog is None or not KEY.fullmatch(self.rest) or not re.fullmatch("[0-9]{1,2}", value):
            await _tell(interaction, "fb_unknown", None)
            return
        await cog.on_passage(interaction, self.rest, int(value))


def passage_menu(rated: Rated) -> PassageSelect:
    """The menu of the passages ``rated`` showed, numbered as shown."""
    options = [
        discord.SelectOption(
            label=render.trim(f"{p.position}. {' '.join(p.title.split())}", OPTION_CHARS),
            value=str(p.position),
            description=render.trim(" ".join(p.quote.split()), OPTION_CHARS) or None,
        )
        for p in rated.passages[:25]
    ]
    return PassageSelect(rated.key, options, render.t(rated.lang, "fb_pick"))


async def _tell(
    interaction: discord.Interaction, key: str, lang: str | None, **params: Any
) -> None:
    """An ephemeral line to the one who pressed."""
    text = render.t(lang or ui_lang(interaction), key, **params)
    await interaction.response.send_message(
        text, ephemeral=True, allowed_mentions=render.NO_MENTIONS
    )


class FeedbackCog(commands.Cog):
    """Holds the store (None: feedback off, or its database unusable)."""

    def __init__(self, bot: SecbriefBot) -> None:
        self.bot = bot
        self.store: FeedbackStore | None = None

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(VoteButton, PassageSelect)  # also with feedback off: say so
        settings = self.bot.settings
        if not settings.feedback:
            return
        try:
            self.store = await asyncio.to_thread(
                FeedbackStore.open, settings.feedback_path, settings.feedback_days
            )
        except (FeedbackError, OSError) as exc:
            log.error("feedback is off: %s", exc)
            return
        self.purge.start()

    async def cog_unload(self) -> None:
        self.purge.cancel()
        if self.store is not None:
            self.store.close()
            self.store = None

    def _broken(self, exc: Exception) -> None:
        """The database failed under us: one log line, and answering goes on without it."""
        if self.store is not None:
            log.error("feedback is off: feedback database %s: %s", self.store.path, exc)
            self.store = None
            self.purge.cancel()

    @tasks.loop(hours=PURGE_HOURS)
    async def purge(self) -> None:
        store = self.store
        if store is not None:
            try:
                await asyncio.to_thread(store.purge)
            except sqlite3.Error as exc:
                self._broken(exc)

    async def view_for(
        self, answer: Answer, lang: str, guild_id: int | None, channel_id: int | None
    ) -> discord.ui.View | None:
        """The buttons for ``answer`` (kept in the store first), or None with feedback off."""
        store = self.store
        if store is None:
            return None
        try:
            key = await asyncio.to_thread(store.record_answer, answer, lang, guild_id, channel_id)
        except sqlite3.Error as exc:
            self._broken(exc)
            return None
        return _layout(
            VoteButton(f"{key}:a", render.t(lang, "fb_yes"), discord.ButtonStyle.success),
            VoteButton(f"{key}:n", render.t(lang, "fb_no"), discord.ButtonStyle.secondary),
        )

    async def _vote(
        self, interaction: discord.Interaction, key: str, choice: str, passage: int | None = None
    ) -> Rated | None:
        store = self.store
        if store is None:
            await _tell(interaction, "fb_off", None)
            return None
        try:
            rated = await asyncio.to_thread(store.vote, key, interaction.user.id, choice, passage)
        except sqlite3.Error as exc:
            self._broken(exc)
            await _tell(interaction, "fb_off", None)
            return None
        if rated is None:
            await _tell(interaction, "fb_unknown", None)
        return rated

    async def on_vote(self, interaction: discord.Interaction, key: str, choice: str) -> None:
        """A press of "answered" or "not answered": stored, then acknowledged to the presser
        alone; after "answered" they are asked which passage answered."""
        rated = await self._vote(interaction, key, choice)
        if rated is None:
            return
        if choice == ANSWERED and len(rated.passages) > 1:
            await interaction.response.send_message(
                render.t(rated.lang, "fb_which"),
                view=_layout(passage_menu(rated)),
                ephemeral=True,
                allowed_mentions=render.NO_MENTIONS,
            )
            return
        await _tell(
            interaction, "fb_thanks_yes" if choice == ANSWERED else "fb_thanks_no", rated.lang
        )

    async def on_passage(self, interaction: discord.Interaction, key: str, position: int) -> None:
        """The passage chosen after "answered": stored; the menu becomes the thanks."""
        rated = await self._vote(interaction, key, ANSWERED, position)
        if rated is not None:
            await interaction.response.edit_message(
                content=render.t(rated.lang, "fb_chosen", position=position),
                view=None,
                allowed_mentions=render.NO_MENTIONS,
            )

    @app_commands.command(
        name="feedback", description="Answered share and unanswered questions here (admins)"
    )
    @app_commands.describe(since="Only answers from this date on (YYYY-MM-DD)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.check(_admins_only)
    async def feedback(self, interaction: discord.Interaction, since: str | None = None) -> None:
        """Answered share and unanswered questions in this server (admins)."""
        ui = ui_lang(interaction)
        interaction.extras["lang"] = ui
        date = parse_since(since) if since else None
        store = self.store
        if store is None:
            await _tell(interaction, "fb_off", ui)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        # this server's answers only: an admin sees nothing asked in another server
        stats = await asyncio.to_thread(feedback_stats, store, date, interaction.guild_id)
        lines = stats_lines(
            stats, ui, lambda q: render.escape(render.trim(q, 200), line_start=False)
        )
        await render.send_replies(interaction, render.pack("\n".join(lines), []), ephemeral=True)


async def setup(bot: SecbriefBot) -> None:
    await bot.add_cog(FeedbackCog(bot))
