"""``secbrief meetings`` and ``secbrief summary``: the meetings stored with the index.

Registered by :mod:`bot.cli`. Neither loads the embedding model: the meetings were extracted
when the index was built and are read from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import date_arg
from index.errors import SecbriefError

if TYPE_CHECKING:
    from index.meetings.catalogue import Meeting
    from index.meetings.summary import Summary


def load_index_meetings(args: argparse.Namespace) -> list[Meeting]:
    """The meetings of the index named by ``--index`` (or the settings), newest first."""
    from bot.settings import settings_from_args
    from index import store
    from index.errors import IndexCorrupt
    from index.meetings.catalogue import load_meetings

    settings = settings_from_args(args)
    data = store.load(settings.index_dir)
    meetings = load_meetings(data.meetings)
    paths = {d.path for d in data.docs}
    stray = sorted({s.path for m in meetings for s in m.sources} - paths)
    if stray:
        raise IndexCorrupt(settings.index_dir, f"meetings cite releases not in the index: {stray}")
    return meetings


SINCE_HELP = "a date (YYYY-MM-DD, 2024-07, 令和6年7月) or a period: 30d, 90d, 1y, all"


def since_date(args: argparse.Namespace) -> dt.date | None:
    """The first day ``--since`` names, read as ``/summary`` reads its period (None: all).

    One reading for both commands (:func:`index.meetings.summary.parse_period`); an unreadable
    value is a :class:`~index.meetings.summary.PeriodError`, one line from the CLI.
    """
    from index.meetings.summary import parse_period

    return parse_period(args.since, args.today or dt.date.today())


def cmd_meetings(args: argparse.Namespace) -> int:
    from index.meetings.summary import format_dates

    since = since_date(args) if args.since is not None else None  # no --since: every meeting
    meetings = load_index_meetings(args)
    if since:
        meetings = [m for m in meetings if m.date_end >= since]
    if args.json:
        print(json.dumps([m.to_json() for m in meetings], ensure_ascii=False, indent=1))
        return 0
    if not meetings:
        print("no meetings" + (f" since {since}" if since else ""))
    for m in meetings:
        print(f"{m.date_start} {format_dates(m, 'en')}: {m.name}")
        where = m.place_in("en")
        print(f"    {where or '-'} | {', '.join(m.countries)} | {len(m.sources)} release(s)")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from index.meetings.summary import render_text, summarize

    since = since_date(args)  # default: the last 90 days
    meetings = load_index_meetings(args)
    today = args.today or dt.date.today()
    lang = args.lang or "en"
    summary = summarize(meetings, since=since, topic=args.topic, lang=lang, today=today)
    print(render_text(summary))
    if args.plot:
        write_plot(summary, Path(args.plot))
    return 0


def write_plot(summary: Summary, path: Path) -> None:
    """The timeline ``/summary`` attaches, written to ``path`` (PNG)."""
    from index.meetings.timeline import draw_timeline, timeline_title

    if not summary.every:
        raise SecbriefError(f"no meeting to draw: {path} not written")
    picture = draw_timeline(summary.every, summary.lang, timeline_title(summary))
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(picture.png)
        partial.replace(path)  # a reader never sees half a picture
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise SecbriefError(f"cannot write {path}: {exc.strerror or exc}") from exc
    size = f"{picture.width}×{picture.height} px, {len(summary.every)} meeting(s)"
    print(f"timeline: {path} ({size})", file=sys.stderr)


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``meetings`` and ``summary`` to the ``secbrief`` command line."""
    meetings = sub.add_parser("meetings", help="the meetings found in the releases, newest first")
    meetings.add_argument("--index", help="index folder")
    meetings.add_argument("--since", help=f"only meetings held since: {SINCE_HELP} (default all)")
    meetings.add_argument("--json", action="store_true", help="one JSON array")
    meetings.add_argument("--today", type=date_arg, help=argparse.SUPPRESS)
    meetings.set_defaults(func=cmd_meetings)

    summary = sub.add_parser("summary", help="what /summary would post: recent meetings, quoted")
    summary.add_argument("--index", help="index folder")
    summary.add_argument("--since", help=f"{SINCE_HELP} (default 90d)")
    summary.add_argument("--topic", help="only meetings whose name, partner or place matches")
    summary.add_argument("--lang", choices=("ja", "en"), help="language of the text (default en)")
    summary.add_argument(
        "--plot", metavar="FILE.png", help="also write the timeline /summary attaches (PNG)"
    )
    summary.add_argument("--today", type=date_arg, help=argparse.SUPPRESS)
    summary.set_defaults(func=cmd_summary)
