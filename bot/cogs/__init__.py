"""One cog per command area: each module has ``setup(bot)`` and is listed in
``bot.app.EXTENSIONS``."""
