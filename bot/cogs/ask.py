"""/ask, and the same answer as a reply when someone mentions the bot or writes to it in a DM."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render
from bot.cogs import LANG_CHOICES, parse_since
from index.retrieval.search import validate_question

if TYPE_CHECKING:
    from bot.app import SecbriefBot
    from index.schema import Answer

log = logging.getLogger(__name__)

MAX_K = 10
LANGS = ("ja", "en")


@dataclass(frozen=True)
class Question:
    text: str
    k: int
    since: dt.date | None
    lang: str | None


class AskCog(commands.Cog):
    def __init__(self, bot: SecbriefBot) -> None:
        self.bot = bot

    def prepare(
        self,
        text: str,
        user_id: int,
        *,
        k: int | None = None,
        since: str | None = None,
        lang: str | None = None,
    ) -> Question:
        """The question checked, or the error that explains what is wrong with it."""
        settings = self.bot.settings
        question = validate_question(text, settings.max_question_chars)
        if k is not None and not 1 <= k <= MAX_K:
            raise errors.UserError("bad_k", low=1, high=MAX_K)
        if lang is not None and lang not in LANGS:  # Discord does not enforce choices on bots
            raise errors.UserError("bad_lang", value=render.trim(lang.replace("`", "'"), 20))
        date = parse_since(since) if since else None
        if self.bot.service.closing:
            raise errors.UserError("shutting_down")
        if wait := self.bot.cooldowns.hit(user_id):
            raise errors.OnCooldown(wait)
        return Question(question, k or settings.default_k, date, lang)

    async def feedback_view(
        self, answer: Answer, lang: str, guild_id: int | None, channel_id: int | None
    ) -> discord.ui.View | None:
        """The feedback buttons for ``answer`` (:mod:`bot.cogs.feedback`), or None when
        feedback is off. In a DM no channel is kept: a DM channel stands for its user."""
        # looked up, not imported: an extension module is loaded apart from a plain import
        cog: Any = self.bot.get_cog("FeedbackCog")
        if cog is None:
            return None
        return await cog.view_for(answer, lang, guild_id, channel_id if guild_id else None)

    @app_commands.command(
        name="ask", description="Ask about the security press releases (日本語 / English)"
    )
    @app_commands.describe(
        question="Your question, in Japanese or English",
        k=f"How many passages to quote (1-{MAX_K})",
        since="Only releases from this date on (YYYY-MM-DD)",
        lang="Only passages in this language",
        public="Show the answer to the whole channel (default: only to you)",
    )
    @app_commands.choices(lang=LANG_CHOICES)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: str,
        k: app_commands.Range[int, 1, MAX_K] | None = None,
        since: str | None = None,
        lang: str | None = None,
        public: bool | None = None,
    ) -> None:
        """Ask about the security press releases."""
        ui = render.asker_lang(question, str(interaction.locale))
        interaction.extras["lang"] = ui
        q = self.prepare(question, interaction.user.id, k=k, since=since, lang=lang)
        ephemeral = not (self.bot.settings.public_default if public is None else public)
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)

        async def queued(ahead: int) -> None:
            await interaction.edit_original_response(
                content=render.t(ui, "queued", ahead=ahead), allowed_mentions=render.NO_MENTIONS
            )

        async with self.bot.service.answering():
            answer = await self.bot.service.ask(
                q.text, k=q.k, since=q.since, lang=q.lang, on_queued=queued
            )
            replies = render.answer_replies(answer, ui)
            where = (interaction.guild_id, interaction.channel_id)
            view = await self.feedback_view(answer, ui, *where)
            await render.send_replies(interaction, replies, ephemeral=ephemeral, view=view)

    @commands.Cog.listener("on_message")
    async def answer_mention(self, message: discord.Message) -> None:
        """Mentions in a server and every DM: without the message-content intent Discord
        still delivers the text of exactly these."""
        me = self.bot.user
        if me is None or message.author.bot or message.author.id == me.id:
            return
        if message.guild is not None and not any(u.id == me.id for u in message.mentions):
            return
        text = re.sub(rf"<@!?{me.id}>", " ", message.content).strip()
        ui = render.asker_lang(text)
        first: discord.Message | None = None
        view: discord.ui.View | None = None

        async def queued(ahead: int) -> None:
            nonlocal first
            first = await message.reply(
                render.t(ui, "queued", ahead=ahead),
                mention_author=False,
                allowed_mentions=render.NO_MENTIONS,
            )

        async with self.bot.service.answering():
            try:
                q = self.prepare(text, message.author.id)
                async with message.channel.typing():
                    answer = await self.bot.service.ask(
                        q.text, k=q.k, since=q.since, lang=q.lang, on_queued=queued
                    )
                replies = render.answer_replies(answer, ui)
                guild_id = message.guild.id if message.guild else None
                view = await self.feedback_view(answer, ui, guild_id, message.channel.id)
            except Exception as exc:
                reason, known = errors.describe(exc, ui)
                if not known:
                    log.error("answering a mention failed", exc_info=exc)
                replies = [render.Reply(reason)]
            await render.reply_to(message, replies, first=first, view=view)


async def setup(bot: SecbriefBot) -> None:
    await bot.add_cog(AskCog(bot))
