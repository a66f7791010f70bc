"""``secbrief index build``: the index from the corpus folder, with progress."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from bot.cli.common import load_embedder, path_args, prepare_lexicon
from bot.settings import settings_from_args

if TYPE_CHECKING:
    from index.store.build import BuildProgress
    from index.store.update import UpdateReport


class ProgressLine:
    """Build progress as a tqdm bar per stage on stderr; nothing when stderr is not a
    terminal (the summary line at the end says what was built)."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._bar: Any = None
        self._stage = ""

    def __call__(self, p: BuildProgress) -> None:
        if not self.tty:
            return
        from tqdm import tqdm

        if p.stage != self._stage or self._bar is None:
            if self._bar is not None:
                self._bar.close()
            self._stage = p.stage
            self._bar = tqdm(
                total=p.total, desc=f"{p.stage:<8}", file=self.stream, leave=False, mininterval=0.2
            )
        self._bar.total = p.total
        self._bar.n = p.done
        self._bar.refresh()
        if p.stage == "done":
            self._bar.close()
            self._bar = None


def cmd_build(args: argparse.Namespace) -> int:
    from index.store.build import build_index

    settings = settings_from_args(args)
    report = build_index(
        settings.corpus_dir, settings.index_dir, load_embedder(settings), progress=ProgressLine()
    )
    # each skipped file was already named by the loader's warning on stderr
    prepare_lexicon()
    print(
        f"indexed {report.documents} releases ({report.chunks} passages, "
        f"{report.embedded} embedded, {report.reused} from cache, "
        f"{report.meetings} meetings), skipped {len(report.skipped)}, "
        f"in {report.seconds:.1f}s -> {settings.index_dir}"
    )
    return 0


def update_line(update: UpdateReport | None) -> str:
    """How the index changed, for the end of a summary line ('' when it did not)."""
    if update is None:
        return ""
    if update.full_build:
        return f"; index built: {update.documents} releases, {update.chunks} passages"
    if not (update.added or update.changed or update.removed):
        return ""
    return (
        f"; index updated: +{len(update.added)} ~{len(update.changed)} -{len(update.removed)} "
        f"releases ({update.documents} in all) in {update.seconds:.1f}s"
    )


def cmd_update(args: argparse.Namespace) -> int:
    from index.store.update import update_index

    settings = settings_from_args(args)
    report = update_index(
        settings.corpus_dir, settings.index_dir, load_embedder(settings), ProgressLine()
    )
    line = update_line(report).removeprefix("; ")
    print(line or f"index is up to date ({report.documents} releases)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    idx = sub.add_parser("index", help="manage the index").add_subparsers(
        dest="action", required=True
    )
    build = idx.add_parser("build", help="build the index from the corpus folder")
    path_args(build)
    build.set_defaults(func=cmd_build)
    update = idx.add_parser(
        "update", help="update the index with the releases added, changed or removed"
    )
    path_args(update)
    update.set_defaults(func=cmd_update)
