"""``secbrief sources``, ``fetch``, ``ingest`` and ``index update``: keep the corpus current.

Other tools call these; their arguments and their output lines are kept stable:

    secbrief sources add URL [--name NAME] [--kind feed|listing|page] [--match REGEX]
    secbrief sources list [--json]
    secbrief sources remove NAME [--purge]
    secbrief fetch [--source NAME]     -> "fetched N new, M unchanged, K failed"
    secbrief ingest PATH_OR_URL
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from bot.cli.common import load_embedder, path_args
from bot.cli.index import ProgressLine, update_line
from bot.settings import Settings, fetch_policy, settings_from_args

if TYPE_CHECKING:
    from index.ingest.http import Fetcher


def _fetcher(settings: Settings) -> Fetcher:
    from index.ingest.http import Fetcher

    return Fetcher(fetch_policy(settings))


def cmd_sources_list(args: argparse.Namespace) -> int:
    from index.sources.fetch import source_rows

    settings = settings_from_args(args)
    rows = source_rows(settings.corpus_dir, settings.index_dir)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no sources yet: add one with `secbrief sources add URL`")
        return 0
    for row in rows:
        match = f"  match={row['match']}" if row["match"] else ""
        print(f"{row['name']}  {row['kind']}  {row['url']}{match}")
        print(
            f"    last fetch: {row['last_fetch'] or 'never'}  status: {row['status']}  "
            f"releases held: {row['releases']}"
        )
    return 0


def cmd_sources_add(args: argparse.Namespace) -> int:
    from index.sources.fetch import add_source

    settings = settings_from_args(args)
    with _fetcher(settings) as fetcher:
        source = add_source(
            settings.index_dir, args.url, fetcher, name=args.name, kind=args.kind, match=args.match
        )
    print(f"added source {source.name} ({source.kind}): {source.url}")
    print("fetch its releases with `secbrief fetch` (or wait for the bot's scheduled refresh)")
    return 0


def cmd_sources_remove(args: argparse.Namespace) -> int:
    from index.sources.fetch import remove_source

    settings = settings_from_args(args)
    embedder = load_embedder(settings) if args.purge else None
    source, deleted, update = remove_source(
        settings.corpus_dir, settings.index_dir, args.name, embedder, purge=args.purge
    )
    kept = "" if args.purge else " (its releases stay in the corpus; --purge deletes them)"
    print(
        f"removed source {source.name}{kept}"
        + (f"; deleted {len(deleted)} releases" if args.purge else "")
        + update_line(update)
    )
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from index.sources.fetch import fetch_sources

    settings = settings_from_args(args)
    with _fetcher(settings) as fetcher:
        report = fetch_sources(
            settings.corpus_dir,
            settings.index_dir,
            None,
            fetcher,
            names=[args.source] if args.source else None,
        )
    if report.sources == 0:
        print("no sources to fetch: add one with `secbrief sources add URL`")
        return 0
    update = None
    if report.new or report.changed or _index_behind(settings):
        from index.store.update import update_index

        update = update_index(
            settings.corpus_dir, settings.index_dir, load_embedder(settings), ProgressLine()
        )
    print(report.summary() + update_line(update))
    for failure in report.failed:
        print(f"  failed: {failure.line()}")
    return 0


def _index_behind(settings: Settings) -> bool:
    """The corpus folder holds changes the index lacks (e.g. a fetch killed before updating)."""
    from index.store.update import pending_changes

    return pending_changes(settings.corpus_dir, settings.index_dir)


def cmd_ingest(args: argparse.Namespace) -> int:
    from index.sources.ingest import ingest

    settings = settings_from_args(args)
    embedder = load_embedder(settings)
    with _fetcher(settings) as fetcher:
        report = ingest(args.target, settings.corpus_dir, settings.index_dir, embedder, fetcher)
    doc = report.doc
    if report.duplicate_of:
        print(f"already held as {report.duplicate_of}: nothing added")
    else:
        print(f"added {report.path}" + update_line(report.update))
    print(f"  title: {doc.title}")
    publisher = doc.publisher or "unknown"
    print(f"  date: {doc.date or 'unknown'}  publisher: {publisher}  lang: {doc.lang}")
    if doc.url:
        print(f"  source: {doc.url}")
    meeting = report.meeting
    print(
        f"  meeting: {meeting['name']} ({meeting['date_start']})"
        if meeting
        else "  meeting: none found in the catalogue"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    src = sub.add_parser("sources", help="the feeds and pages the corpus follows")
    actions = src.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="follow a feed, a listing page or one page")
    add.add_argument("url")
    add.add_argument("--name", help="short name, also its folder under corpus/sources/")
    add.add_argument("--kind", choices=("feed", "listing", "page"), help="default: detected")
    add.add_argument("--match", help="listing pages: only links whose URL matches this regex")
    path_args(add)
    add.set_defaults(func=cmd_sources_add)
    lst = actions.add_parser("list", help="the sources, their last fetch and releases held")
    lst.add_argument("--json", action="store_true", help="as a JSON list")
    path_args(lst)
    lst.set_defaults(func=cmd_sources_list)
    rm = actions.add_parser("remove", help="stop following a source")
    rm.add_argument("name")
    rm.add_argument("--purge", action="store_true", help="also delete its releases and reindex")
    path_args(rm)
    rm.set_defaults(func=cmd_sources_remove)

    fetch = sub.add_parser("fetch", help="fetch new releases of the sources, update the index")
    fetch.add_argument("--source", help="only this source")
    path_args(fetch)
    fetch.set_defaults(func=cmd_fetch)

    ing = sub.add_parser("ingest", help="add one release (a file or a URL) to corpus and index")
    ing.add_argument("target", metavar="PATH_OR_URL")
    path_args(ing)
    ing.set_defaults(func=cmd_ingest)
