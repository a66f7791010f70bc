"""``secbrief feedback stats`` and ``secbrief feedback export``: what readers said about the
answers (the votes under them in Discord), and the rated questions as a QA file for ``eval``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import date_arg
from bot.settings import Settings
from index.errors import SecbriefError

if TYPE_CHECKING:
    from bot.feedback import FeedbackStore


def open_store(args: argparse.Namespace) -> FeedbackStore:
    """The database ``--db`` names (else the settings'); it must exist already."""
    from bot.feedback import FeedbackStore

    settings = Settings()
    path = Path(args.db) if args.db else settings.feedback_path
    if not path.is_file():
        raise SecbriefError(
            f"no feedback database at {path}: the bot makes it when it shows its first answer "
            "(SECBRIEF_FEEDBACK_DB or --db says where it is)"
        )
    return FeedbackStore.open(path, settings.feedback_days)


def cmd_stats(args: argparse.Namespace) -> int:
    from bot.feedback_report import feedback_stats, stats_lines

    store = open_store(args)
    try:
        stats = feedback_stats(store, args.since)
    finally:
        store.close()
    if args.json:
        print(json.dumps(stats.to_json(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(stats_lines(stats, "en")))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from bot.feedback_report import PENDING, qa_rows, qa_tsv

    store = open_store(args)
    try:
        rows, unchosen = qa_rows(store.rows(args.since))
    finally:
        store.close()
    out = Path(args.out)
    try:
        out.write_text(qa_tsv(rows), encoding="utf-8")
    except OSError as exc:
        raise SecbriefError(f"cannot write {out}: {exc.strerror}") from None
    pending = sum(1 for r in rows if r.doc_file == PENDING)
    print(
        f"wrote {len(rows)} question(s) to {out}: {len(rows) - pending} answered, "
        f"{pending} to triage (doc_file {PENDING}: eval skips them until filled in)"
    )
    if unchosen:
        print(f"left out {unchosen} 'answered' vote(s) that named no passage", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``feedback stats`` and ``feedback export`` to the ``secbrief`` command line."""
    feedback = sub.add_parser("feedback", help="the votes under the bot's answers")
    commands = feedback.add_subparsers(dest="feedback_command", required=True)

    stats = commands.add_parser("stats", help="answered share by language and week; unanswered")
    stats.add_argument("--since", type=date_arg, help="only answers asked on or after this date")
    stats.add_argument("--json", action="store_true", help="one JSON object")
    stats.add_argument("--db", help="feedback database (default: SECBRIEF_FEEDBACK_DB)")
    stats.set_defaults(func=cmd_stats)

    export = commands.add_parser("export", help="the rated questions as a QA TSV for eval")
    export.add_argument("out", help="the TSV to write (id, lang, question, doc_file, ...)")
    export.add_argument("--since", type=date_arg, help="only answers asked on or after this date")
    export.add_argument("--db", help="feedback database (default: SECBRIEF_FEEDBACK_DB)")
    export.set_defaults(func=cmd_export)
