"""The Discord bot: the Bot class, its one error handler, start-up and shutdown.

``run(settings)`` is what ``secbrief bot`` calls. Errors a user of the CLI can fix (no token,
a refused token, an unreachable server, no usable index) are raised as ``SecbriefError`` so
the CLI prints one line and exits non-zero.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot import errors, render
from bot.service import Cooldowns, RetrieverService, daemon_threads_running
from index.errors import SecbriefError

if TYPE_CHECKING:
    from bot.settings import Settings
    from index.model.embed import Embedder

log = logging.getLogger(__name__)

# One cog per command area; /summary plugs in as "bot.cogs.summary".
EXTENSIONS: list[str] = [
    "bot.cogs.ask",
    "bot.cogs.admin",
    "bot.cogs.summary",
    "bot.cogs.sources",
    "bot.cogs.feedback",
]


class DiscordUnreachable(SecbriefError):
    """The configured Discord API could not be reached."""


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at ``DISCORD_API_BASE`` / ``DISCORD_GATEWAY_URL``.

    Both are class attributes read when a request or a connection is made. Do not use
    ``discord.http._set_api_version`` afterwards: it resets the base.
    """
    discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def interaction_lang(interaction: discord.Interaction) -> str:
    """The framing language for replies that have no question text to go by."""
    return "ja" if str(interaction.locale).startswith("ja") else "en"


class SecbriefTree(app_commands.CommandTree["SecbriefBot"]):
    async def on_error(
        self, interaction: discord.Interaction[SecbriefBot], error: app_commands.AppCommandError
    ) -> None:
        lang = interaction.extras.get("lang") or interaction_lang(interaction)
        text, known = errors.describe(error, lang)
        if not known:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("/%s failed", command, exc_info=error)
        try:
            if interaction.response.is_done():
                await interaction.edit_original_response(
                    content=text, embeds=[], allowed_mentions=render.NO_MENTIONS
                )
            else:
                await interaction.response.send_message(
                    text, ephemeral=True, allowed_mentions=render.NO_MENTIONS
                )
        except discord.HTTPException:
            log.warning("could not tell the user about an error", exc_info=True)


class SecbriefBot(commands.Bot):
    """The bot. It receives its settings, and its service once the index is loaded."""

    def __init__(
        self,
        settings: Settings,
        service: RetrieverService | None = None,
        *,
        extensions: list[str] | None = None,
        **options: Any,
    ) -> None:
        intents = discord.Intents.default()  # no privileged intent: mentions and DMs suffice
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=render.NO_MENTIONS,
            help_command=None,
            tree_cls=SecbriefTree,
            **options,
        )
        self.settings = settings
        self._service = service
        self.cooldowns = Cooldowns(settings.cooldown_seconds)
        self.extension_names = list(EXTENSIONS if extensions is None else extensions)

    @property
    def service(self) -> RetrieverService:
        if self._service is None:
            raise RuntimeError("the index is not loaded yet")
        return self._service

    @service.setter
    def service(self, value: RetrieverService) -> None:
        self._service = value

    async def setup_hook(self) -> None:
        for name in self.extension_names:
            await self.load_extension(name)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """To the configured guilds (instant), else globally (Discord may take an hour)."""
        if self.settings.guild_ids:
            for guild_id in self.settings.guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("synced %d commands to guild %d", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))

    async def on_message(self, message: discord.Message, /) -> None:
        # No prefix commands: the ask cog answers mentions and DMs itself.
        return

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("unhandled error in %s", event_method)

    async def close(self) -> None:
        if not self.is_closed() and self._service is not None:
            await self._service.drain(self.settings.shutdown_grace_seconds)
        await super().close()


def _token(settings: Settings) -> str:
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        raise errors.MissingToken()
    return token


async def start(
    settings: Settings, *, embedder: Embedder | None = None, **options: Any
) -> SecbriefBot:
    """Log in, sync the commands and load the index (building it if there is none).

    The token is checked first, so a wrong one fails before the model loads. The returned
    bot is not connected yet: ``await bot.connect()``.
    """
    token = _token(settings)
    configure_endpoints(settings)
    bot = SecbriefBot(settings, **options)
    try:
        await bot.login(token)
        bot.service = await RetrieverService.open(settings, embedder)
    except discord.LoginFailure:
        await bot.close()
        raise errors.InvalidToken() from None
    except (aiohttp.ClientError, OSError) as exc:
        await bot.close()
        raise DiscordUnreachable(
            f"cannot reach Discord at {settings.discord_api_base}: {exc}"
        ) from None
    except BaseException:
        await bot.close()
        raise
    return bot


async def serve(settings: Settings, *, embedder: Embedder | None = None, **options: Any) -> int:
    """Run the bot until SIGTERM/SIGINT, then close the gateway cleanly; returns 0.

    A signal during start-up (loading the model, building a first index) stops it there.
    """
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    bots: list[SecbriefBot] = []
    closing: list[asyncio.Task[None]] = []

    def stop(signame: str) -> None:
        if closing:
            return
        log.info("%s received: shutting down", signame)
        if bots:
            closing.append(loop.create_task(bots[0].close()))
        elif main is not None:
            closing.append(loop.create_task(asyncio.sleep(0)))
            main.cancel()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop, sig.name)
    try:
        bots.append(await start(settings, embedder=embedder, **options))
        await bots[0].connect(reconnect=True)
    except discord.LoginFailure:
        raise errors.InvalidToken() from None
    except asyncio.CancelledError:
        if not closing:
            raise
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        if closing:
            await closing[0]
        if bots:
            await bots[0].close()
    return 0


def run(settings: Settings) -> int:
    """Start the bot with ``settings``; returns the exit code (0 after a clean shutdown)."""
    code = asyncio.run(serve(settings))
    if daemon_threads_running():
        # Stopped during an index build. The build writes beside the current index and its
        # lock is released by the OS, so nothing is lost; but letting the interpreter finalise
        # under a thread inside native code (torch, faiss) aborts the process. Leave now.
        log.warning("stopped during an index build: the previous index stays in place")
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def main() -> int:
    """``python -m bot.app``: the bot without the CLI (as ``secbrief bot``)."""
    from bot.settings import Settings

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
    except ValueError as exc:  # pydantic's ValidationError
        print(f"secbrief: error: invalid settings: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    try:
        return run(settings)
    except SecbriefError as exc:
        print(f"secbrief: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
