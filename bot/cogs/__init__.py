"""One cog per command area: each module has ``setup(bot)`` and is listed in
``bot.app.EXTENSIONS``."""

import datetime as dt

from discord import app_commands

from bot import errors, render

# the ``lang`` option of /ask and /summary
LANG_CHOICES = [
    app_commands.Choice(name="日本語 (ja)", value="ja"),
    app_commands.Choice(name="English (en)", value="en"),
]


def parse_since(value: str) -> dt.date:
    """A day, a month (its first day) or a year (1 January): 2024-07-28, 2024/07, 2024."""
    text = value.strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise errors.UserError("bad_date", value=render.trim(value.replace("`", "'"), 40))
