"""The bot's errors, and the one place that turns any error into words for a user."""

from __future__ import annotations

import logging

from discord import app_commands

from bot import render
from index.errors import (
    BuildInProgress,
    FetchError,
    IndexCorrupt,
    IndexMismatch,
    IndexMissing,
    QueryError,
    QueryTooLong,
    SecbriefError,
)

log = logging.getLogger(__name__)


class MissingToken(SecbriefError):
    """No bot token in the settings."""

    def __init__(self) -> None:
        super().__init__(
            "DISCORD_TOKEN is not set: put the bot token in the environment or in .env "
            "(see .env.example)"
        )


class InvalidToken(SecbriefError):
    """Discord refused the bot token."""

    def __init__(self) -> None:
        super().__init__(
            "DISCORD_TOKEN was rejected by Discord (401 Unauthorized): copy the token again "
            "from the Developer Portal's Bot page"
        )


class UserError(app_commands.AppCommandError):
    """Something the user can fix: shown as a short ephemeral message, never logged as a bug."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(render.t("en", key, **params))


class NotAdmin(app_commands.CheckFailure):
    """The member has neither Manage Server nor an admin role from the settings."""


class OnCooldown(UserError):
    def __init__(self, seconds: float) -> None:
        super().__init__("cooldown", seconds=max(1.0, seconds))


def describe(error: BaseException, lang: str) -> tuple[str, bool]:
    """The message for ``error`` in ``lang``, and whether it is a known error.

    Unknown errors get a generic message; the caller logs their traceback.
    """
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserError):
        return render.t(lang, error.key, **error.params), True
    if isinstance(error, NotAdmin | app_commands.MissingPermissions):
        return render.t(lang, "not_admin"), True
    if isinstance(error, app_commands.NoPrivateMessage):
        return render.t(lang, "guild_only"), True
    if isinstance(error, app_commands.CommandOnCooldown):
        return render.t(lang, "cooldown", seconds=max(1.0, error.retry_after)), True
    if isinstance(error, QueryTooLong):
        return render.t(lang, "too_long", length=error.length, limit=error.limit), True
    if isinstance(error, QueryError):
        key = error.code if error.code in ("empty", "control") else "empty"
        return render.t(lang, key), True
    if isinstance(error, BuildInProgress):
        return render.t(lang, "build_running"), True
    if isinstance(error, IndexMissing | IndexMismatch | IndexCorrupt):
        return render.t(lang, "index_unavailable", reason=render.trim(str(error), 1500)), True
    if isinstance(error, FetchError):
        url = render.trim(error.url, 300).replace(">", "%3E")
        text = render.t(lang, "fetch_error", url=url, reason=render.escape(error.reason))
        return render.trim(text, 1800), True
    if isinstance(error, SecbriefError):
        return render.trim(render.escape(str(error)), 1800), True
    return render.t(lang, "generic"), False
