"""/ask, and the same answer as a reply when someone mentions the bot or writes to it in a DM."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render
from bot.cogs import LANG_CHOICES
from index.retrieval.search import validate_question

if TYPE_CHECKING:
    from bot.app import SecbriefBot

log = logging.getLogger(__name__)

MAX_K = 10
LANGS = ("ja", "en")


@dataclass(frozen=True)
class Question:
    text: str
    k: int
    since: dt.date | None
    lang: str | None


def parse_since(value: str) -> dt.date:
    """A day, a month (its first day) or a year (1 January): 2024-07-28, 2024/07, 2024."""
    text = value.strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise errors.UserError("bad_date", value=render.trim(value.replace("`", "'"), 40))


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

        answer = await self.bot.service.ask(
            q.text, k=q.k, since=q.since, lang=q.lang, on_queued=queued
        )
        await render.send_replies(
            interaction, render.answer_replies(answer, ui), ephemeral=ephemeral
        )

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

        async def queued(ahead: int) -> None:
            nonlocal first
            first = await message.reply(
                render.t(ui, "queued", ahead=ahead),
                mention_author=False,
                allowed_mentions=render.NO_MENTIONS,
            )

        try:
            q = self.prepare(text, message.author.id)
            async with message.channel.typing():
                answer = await self.bot.service.ask(
                    q.text, k=q.k, since=q.since, lang=q.lang, on_queued=queued
                )
            replies = render.answer_replies(answer, ui)
        except Exception as exc:
            reason, known = errors.describe(exc, ui)
            if not known:
                log.error("answering a mention failed", exc_info=exc)
            replies = [render.Reply(reason)]
        await render.reply_to(message, replies, first=first)


async def setup(bot: SecbriefBot) -> None:
    await bot.add_cog(AskCog(bot))
