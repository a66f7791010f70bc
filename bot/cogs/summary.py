"""/summary: the meetings held recently, each summarised by quoting its releases, with a
timeline of them attached as a picture."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.cogs import LANG_CHOICES
from index.meetings.catalogue import Meeting, country_label, load_meetings
from index.meetings.summary import (
    PERIOD_NAMES,
    PERIODS,
    PeriodError,
    Summary,
    format_dates,
    header,
    parse_period,
    source_label,
    summarize,
    topic_choices,
    words,
)
from index.meetings.timeline import draw_timeline, timeline_title

if TYPE_CHECKING:
    from bot.app import SecbriefBot
    from index.retrieval.search import Retriever

log = logging.getLogger(__name__)

LANGS = ("ja", "en")
QUOTE_CHARS = 600  # a key sentence is at most 420 characters; this bounds an odd one
PEOPLE_CHARS = 700
FIELD_VALUE_LIMIT = 1024
TIMELINE_FILE = "timeline.png"
DESCRIPTION_LIMIT = 1024  # an attachment's description (alt text)


def _escape(text: str) -> str:
    return discord.utils.escape_markdown(" ".join(text.split()))


def meeting_embed(meeting: Meeting, lang: str) -> discord.Embed:
    """One meeting: name, dates, place, participants, key sentences and links to its releases."""
    lines = [f"**{words(lang, 'when')}:** {format_dates(meeting, lang)}"]
    place = meeting.place_in(lang)
    if place:
        lines.append(f"**{words(lang, 'where')}:** {_escape(place)}")
    people = meeting.participants_in(lang)
    if people:
        joined = ("、" if lang == "ja" else "; ").join(people)
        lines.append(render.trim(f"**{words(lang, 'who')}:** {_escape(joined)}", PEOPLE_CHARS))
    if meeting.summary and not meeting.reported_in(lang):
        lines.append(words(lang, "only_other"))
    for quote in meeting.quotes_in(lang):
        lines.append("")
        lines.append("> " + render.trim(_escape(quote.quote), QUOTE_CHARS))
        lines.append(f"— *{_escape(render.trim(source_label(meeting, quote), 120))}*")
    url = next((s.url for s in meeting.sources if s.url and s.url.startswith("http")), None)
    embed = discord.Embed(
        title=render.trim(meeting.name_in(lang), render.EMBED_TITLE_LIMIT),
        url=url,
        description=render.trim("\n".join(lines), render.EMBED_DESCRIPTION_LIMIT),
    )
    links: list[str] = []
    for s in meeting.sources:
        title = _escape(render.trim(s.title, 90)).replace("]", "\\]")
        line = (
            f"[{title}]({s.url})" if s.url and s.url.startswith("http") else f"{title} ({s.path})"
        )
        line += f" {s.date or ''}"
        if render.dlen("\n".join([*links, line])) > FIELD_VALUE_LIMIT:
            break
        links.append(line)
    embed.add_field(name=words(lang, "sources"), value="\n".join(links) or "-", inline=False)
    countries = ", ".join(country_label(c, lang) for c in meeting.countries)
    if countries:
        embed.set_footer(text=render.trim(countries, render.EMBED_FOOTER_LIMIT))
    return embed


def summary_replies(summary: Summary) -> list[render.Reply]:
    """The framing line and one embed a meeting, packed into messages within Discord's limits."""
    content = header(summary)
    if not summary.fallback and summary.total > len(summary.meetings):
        more = summary.total - len(summary.meetings)
        content += "\n" + words(summary.lang, "more", count=more)
    embeds = [meeting_embed(m, summary.lang) for m in summary.meetings]
    return render.pack(content, embeds)


async def timeline_file(summary: Summary, size_limit: int) -> discord.File | None:
    """The timeline of the summary's meetings as an attachment, drawn in a worker thread.

    None when there is no meeting, when the picture is over ``size_limit`` bytes (the
    interaction's ``attachment_size_limit``) or when drawing fails: the summary then goes out
    without its picture, and the reason is logged.
    """
    if not summary.every:
        return None
    title = timeline_title(summary)
    try:
        picture = await asyncio.to_thread(draw_timeline, summary.every, summary.lang, title)
    except Exception:  # the picture adds to the summary; its failure must not lose the text
        log.exception("the timeline could not be drawn: /summary is sent without it")
        return None
    if len(picture.png) > size_limit:
        log.warning("timeline of %d bytes is over the limit of %d", len(picture.png), size_limit)
        return None
    return discord.File(
        io.BytesIO(picture.png),
        filename=TIMELINE_FILE,
        description=render.trim(title, DESCRIPTION_LIMIT),
    )


class SummaryCog(commands.Cog):
    def __init__(self, bot: SecbriefBot) -> None:
        self.bot = bot
        self._loaded: tuple[Retriever | None, list[Meeting]] = (None, [])
        self.today = dt.date.today  # what periods count back from; tests fix it

    def meetings(self) -> list[Meeting]:
        """The meetings of the index in use (read again after a rebuild)."""
        retriever = self.bot.service.retriever
        if self._loaded[0] is not retriever:
            self._loaded = (retriever, load_meetings(retriever.data.meetings, retriever.docs))
        return self._loaded[1]

    @app_commands.command(
        name="summary",
        description="Meetings held recently, quoted from the releases (日本語 / English)",
    )
    @app_commands.describe(
        period="30d, 90d (default), 1y, all, or from a date (YYYY-MM-DD)",
        topic="Only meetings with this name, partner or place",
        lang="Language of the summary (default: your Discord language)",
        public="Show the summary to the whole channel (default: only to you)",
    )
    @app_commands.choices(lang=LANG_CHOICES)
    async def summary(
        self,
        interaction: discord.Interaction,
        period: str | None = None,
        topic: str | None = None,
        lang: str | None = None,
        public: bool | None = None,
    ) -> None:
        """Meetings held recently, quoted from the releases."""
        locale = "ja" if str(interaction.locale).startswith("ja") else "en"
        ui = lang if lang in LANGS else locale
        interaction.extras["lang"] = ui
        day = self.today()
        try:
            since = parse_period(period, day)
        except PeriodError:
            value = render.trim((period or "").replace("`", "'"), 40)
            await interaction.response.send_message(
                words(ui, "bad_period", value=value),
                ephemeral=True,
                allowed_mentions=render.NO_MENTIONS,
            )
            return
        topic = render.trim(topic.strip(), 100) if topic and topic.strip() else None
        ephemeral = not (self.bot.settings.public_default if public is None else public)
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        meetings = self.meetings()
        result = await asyncio.to_thread(
            summarize, meetings, since=since, topic=topic, lang=ui, today=day
        )
        replies = summary_replies(result)
        picture = await timeline_file(result, interaction.filesize_limit)
        if picture is not None:
            replies[0].files.append(picture)
        await render.send_replies(interaction, replies, ephemeral=ephemeral)

    @summary.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        lang = "ja" if str(interaction.locale).startswith("ja") else "en"
        try:
            values = topic_choices(self.meetings(), current, lang)
        except RuntimeError:  # the index is not loaded yet
            return []
        return [app_commands.Choice(name=v, value=v) for v in values]

    @summary.autocomplete("period")
    async def period_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        lang = "ja" if str(interaction.locale).startswith("ja") else "en"
        names = PERIOD_NAMES[lang]
        choices = [app_commands.Choice(name=f"{names[k]} ({k})", value=k) for k in PERIODS]
        typed = current.strip()
        if typed and typed not in PERIODS:
            try:
                parse_period(typed, self.today())
            except PeriodError:
                pass
            else:
                choices.insert(0, app_commands.Choice(name=typed[:100], value=typed[:100]))
        return choices


async def setup(bot: SecbriefBot) -> None:
    await bot.add_cog(SummaryCog(bot))
