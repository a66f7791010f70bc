"""``secbrief bot``: runs the Discord bot."""

from __future__ import annotations

import argparse

from bot.settings import settings_from_args


def cmd_bot(args: argparse.Namespace) -> int:
    from bot.app import run

    return run(settings_from_args(args))


def register(sub: argparse._SubParsersAction) -> None:
    bot = sub.add_parser("bot", help="run the Discord bot")
    bot.add_argument("--index", help="index folder")
    bot.add_argument("--corpus", help="corpus folder")
    bot.set_defaults(func=cmd_bot)
