"""One cog per command area: each module has ``setup(bot)`` and is listed in
``bot.app.EXTENSIONS``."""

from discord import app_commands

# the ``lang`` option of /ask and /summary
LANG_CHOICES = [
    app_commands.Choice(name="日本語 (ja)", value="ja"),
    app_commands.Choice(name="English (en)", value="en"),
]
