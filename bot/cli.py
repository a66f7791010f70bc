"""The ``secbrief`` command line: thin over the core; errors become one line and exit 1."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.settings import Settings, settings_from_args
from bot.texts import decline_lines
from index.errors import SecbriefError

if TYPE_CHECKING:
    from index.model.embed import Embedder
    from index.retrieval.search import Retriever
    from index.schema import Answer
    from index.store.build import BuildProgress

log = logging.getLogger(__name__)

_WORDS = {
    "en": {
        "none": "No passage in the corpus answers this question.",
        "missing": "No passage in the corpus states the {figure} this question asks for.",
        "amount": "amount",
        "percentage": "percentage",
        "headcount": "number of people",
        "duration": "length of time",
        "next": "next meeting",
        "closest": "Closest releases:",
        "no_url": "file",
        "via": "matched in translation",
        "also": "also published by",
    },
    "ja": {
        "none": "コーパスには、この質問に答える記述が見つかりませんでした。",
        "missing": "コーパスには、この質問が求める{figure}を示す記述が見つかりませんでした。",
        "amount": "金額",
        "percentage": "割合",
        "headcount": "人数",
        "duration": "時間の長さ",
        "next": "次回会合の予定",
        "closest": "近い発表:",
        "no_url": "ファイル",
        "via": "訳語で一致",
        "also": "同じ内容の発表",
    },
}


def _date(value: str) -> dt.date:
    from index.ingest.dates import parse_date

    parsed = parse_date(value)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY-MM-DD)")
    return parsed


def load_embedder(settings: Settings) -> Embedder:
    from index.model.embed import load_embedder as load

    return load(settings.model)


def load_retriever(settings: Settings, embedder: Embedder | None = None) -> Retriever:
    from index import store
    from index.retrieval.search import Retriever

    store.resolve(settings.index_dir)  # no index: say so before loading the model
    return Retriever.load(settings.index_dir, embedder or load_embedder(settings))


def prepare_lexicon() -> None:
    """Distill the word translations now, so the first question does not wait for them."""
    from index.retrieval.lexicon import open_lexicon
    from index.tokenize import JapaneseEnglishTokenizer

    open_lexicon(JapaneseEnglishTokenizer())


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


def format_answer(answer: Answer, color: bool = False) -> str:
    """The plain-text rendering for people: numbered passages, the quote highlighted."""
    words = _WORDS.get(answer.lang, _WORDS["en"])
    lines = [f"Q: {answer.question}", ""]
    if not answer.answered:
        timed = decline_lines(answer, answer.lang)
        if timed is not None:
            lines += timed
        elif answer.missing:
            lines.append(words["missing"].format(figure=words[answer.missing]))
        else:
            lines.append(words["none"])
        if answer.suggestions:
            lines.append(words["closest"])
            for doc in answer.suggestions:
                lines.append(f"  - {doc.title} ({doc.date or '?'}, {doc.url or doc.path})")
        return "\n".join(lines)
    on, off = ("\x1b[1;33m", "\x1b[0m") if color else ("**", "**")
    for i, hit in enumerate(answer.hits, start=1):
        doc = hit.doc
        meta = " · ".join(str(x) for x in (doc.date, doc.publisher) if x)
        lines.append(f"[{i}] {doc.title}")
        lines.append(f"    {meta}")
        lines.append(f"    {doc.url or words['no_url'] + ': ' + doc.path}")
        if hit.matched:
            pairs = ", ".join(f"{source} → {target}" for source, target in hit.matched)
            lines.append(f"    {words['via']}: {pairs}")
        if hit.also:
            names = dict.fromkeys(d.publisher or d.title for d in hit.also)
            lines.append(f"    {words['also']}: {', '.join(names)}")
        a, b = hit.quote_start - hit.chunk.start, hit.quote_end - hit.chunk.start
        text = hit.chunk.text
        marked = f"{text[:a]}{on}{text[a:b]}{off}{text[b:]}"
        lines.extend("    > " + line for line in marked.splitlines() if line.strip())
        lines.append("")
    return "\n".join(lines).rstrip()


def cmd_ask(args: argparse.Namespace) -> int:
    from index.retrieval.query import validate_question

    settings = settings_from_args(args)
    if args.question != "-":
        validate_question(args.question)  # an empty question needs no model to refuse
    retriever = load_retriever(settings)
    questions: Sequence[str] = (
        [line for line in sys.stdin.read().splitlines() if line.strip()]
        if args.question == "-"
        else [args.question]
    )
    status = 0
    for question in questions:
        try:
            answer = retriever.ask(
                question, k=args.k, since=args.since, until=args.until, lang=args.lang
            )
        except SecbriefError as exc:
            if args.question != "-":
                raise
            print(f"secbrief: {question[:60]!r}: {exc}", file=sys.stderr)
            status = 1
            continue
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(format_answer(answer, color=sys.stdout.isatty()) + "\n", flush=True)
    return status


def cmd_eval(args: argparse.Namespace) -> int:
    from index.retrieval.evaluate import evaluate, read_qa

    settings = settings_from_args(args)
    items = read_qa(Path(args.qa))
    retriever = load_retriever(settings)
    if args.mode:
        retriever = retriever.with_params(mode=args.mode)
    texts = {d.path: d.text for d in retriever.docs}
    undeclining = retriever.with_params(decline=False)
    report = evaluate(
        items,
        lambda q: retriever.ask(q, k=10),
        texts,
        ranked=lambda q: undeclining.ask(q, k=10),
    )
    print(f"retrieval on {args.qa} ({len(items)} questions, mode {retriever.params.mode})")
    print(report.table())
    return 0


def cmd_bot(args: argparse.Namespace) -> int:
    from bot.app import run

    return run(settings_from_args(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="secbrief",
        description="Answer questions about Japanese/English security press releases.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)

    idx = sub.add_parser("index", help="manage the index").add_subparsers(
        dest="action", required=True
    )
    build = idx.add_parser("build", help="build the index from the corpus folder")
    build.add_argument("--corpus", help="corpus folder (default: SECBRIEF_CORPUS_DIR or corpus/)")
    build.add_argument("--index", help="index folder (default: SECBRIEF_INDEX_DIR or data/index)")
    build.set_defaults(func=cmd_build)

    ask = sub.add_parser("ask", help="answer a question with quoted passages")
    ask.add_argument("question", help="the question, or - to read one per line from stdin")
    ask.add_argument("--index", help="index folder")
    ask.add_argument("-k", type=int, default=5, help="passages to show (default 5)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--since", type=_date, help="only releases on or after this date")
    ask.add_argument("--until", type=_date, help="only releases on or before this date")
    ask.add_argument("--lang", choices=("ja", "en"), help="only releases in this language")
    ask.set_defaults(func=cmd_ask)

    ev = sub.add_parser("eval", help="retrieval quality on a QA file (TSV)")
    ev.add_argument("qa", help="TSV with id, lang, question, doc_file, answer_span, kind")
    ev.add_argument("--index", help="index folder")
    ev.add_argument("--mode", choices=("hybrid", "dense", "bm25"), help="ranking to measure")
    ev.set_defaults(func=cmd_eval)

    bot = sub.add_parser("bot", help="run the Discord bot")
    bot.add_argument("--index", help="index folder")
    bot.add_argument("--corpus", help="corpus folder")
    bot.set_defaults(func=cmd_bot)

    for register in _extra_commands():
        register(sub)
    return parser


def _extra_commands() -> list[Callable[[Any], None]]:
    try:
        from bot.cli_meetings import register
    except ImportError:
        return []
    return [register]


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


if __name__ == "__main__":
    sys.exit(main())
