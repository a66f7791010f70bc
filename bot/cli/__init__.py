"""The ``secbrief`` command line: thin over the core; errors become one line and exit 1.

One module per command group (``ask``: ask and eval; ``index``: index build; ``meetings``:
meetings and summary; ``run``: the bot; ``sources``: sources, fetch, ingest; ``feedback``:
feedback stats and export), each registering its subcommands here.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from bot.cli import ask, feedback, index, meetings, run, sources
from bot.cli.ask import format_answer as format_answer
from bot.cli.index import ProgressLine as ProgressLine
from index.errors import SecbriefError

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="secbrief",
        description="Answer questions about Japanese/English security press releases.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (index, ask, run, meetings, sources, feedback):
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        return int(args.func(args))
    except SecbriefError as exc:
        print(f"secbrief: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("secbrief: interrupted", file=sys.stderr)
        return 130
