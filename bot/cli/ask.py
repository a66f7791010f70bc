"""``secbrief ask`` and ``secbrief eval``: quoted answers in the terminal, and their quality
on a question set."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import date_arg, load_retriever
from bot.crosslingual import reader_lines
from bot.settings import settings_from_args
from bot.texts import decline_lines
from index.errors import CorpusError, SecbriefError

if TYPE_CHECKING:
    from index.schema import Answer, Document

_WORDS = {
    "en": {
        "none": "No passage in the corpus answers this question.",
        "missing": "No passage in the corpus states the {figure} this question asks for.",
        "amount": "amount",
        "percentage": "percentage",
        "headcount": "number of people",
        "duration": "length of time",
        "clock": "time of day",
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
        "clock": "時刻",
        "next": "次回会合の予定",
        "closest": "近い発表:",
        "no_url": "ファイル",
        "via": "訳語で一致",
        "also": "同じ内容の発表",
    },
}


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
        # a passage in the other language: its meeting's release in the reader's, and a gloss
        for label, text in reader_lines(hit, answer.lang, link=_link(words["no_url"])):
            lines.append(f"    {label}: {text}")
        a, b = hit.quote_start - hit.chunk.start, hit.quote_end - hit.chunk.start
        text = hit.chunk.text
        marked = f"{text[:a]}{on}{text[a:b]}{off}{text[b:]}"
        lines.extend("    > " + line for line in marked.splitlines() if line.strip())
        lines.append("")
    return "\n".join(lines).rstrip()


def _link(file: str) -> Callable[[Document], str]:
    """A release's link, or its file when it has none."""
    return lambda doc: doc.url or f"{file}: {doc.path}"


def read_questions(args: argparse.Namespace, max_chars: int) -> tuple[list[str], int]:
    """The questions to answer, each checked before anything is loaded, and the exit status.

    One question on the command line is refused with an error; of the questions read from
    stdin (``-``), each refused one is named on stderr and the others are answered.
    """
    from index.questions import validate_question  # light: the model and index wait

    if args.question != "-":
        return [validate_question(args.question, max_chars)], 0
    questions: list[str] = []
    status = 0
    for line in sys.stdin.read().splitlines():
        if not line.strip():
            continue
        try:
            questions.append(validate_question(line, max_chars))
        except SecbriefError as exc:
            print(f"secbrief: {line[:60]!r}: {exc}", file=sys.stderr)
            status = 1
    return questions, status


def cmd_ask(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    questions, status = read_questions(args, settings.max_question_chars)
    if not questions:
        return status
    retriever = load_retriever(settings)
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
    skipped: list[str] = []
    items = read_qa(Path(args.qa), skipped)
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
        seen=None if args.seen is None else seen_in(Path(args.seen)),
    )
    print(f"retrieval on {args.qa} ({len(items)} questions, mode {retriever.params.mode})")
    if skipped:
        print(f"skipped {len(skipped)} question(s) still waiting for an answer (doc_file ?)")
    print(report.table())
    return 0


def seen_in(folder: Path) -> Callable[[str], bool]:
    """Whether a corpus path names a release of ``folder``: the same relative path there, or
    the same file name anywhere under it (the evaluated index may hold it in a subfolder)."""
    if not folder.is_dir():
        raise CorpusError(f"--seen: {folder} is not a folder")
    names = {p.name for p in folder.rglob("*") if p.is_file()}

    def seen(path: str) -> bool:
        return (folder / path).is_file() or Path(path).name in names

    return seen


def register(sub: argparse._SubParsersAction) -> None:
    ask = sub.add_parser("ask", help="answer a question with quoted passages")
    ask.add_argument("question", help="the question, or - to read one per line from stdin")
    ask.add_argument("--index", help="index folder")
    ask.add_argument("-k", type=int, default=5, help="passages to show (default 5)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--since", type=date_arg, help="only releases on or after this date")
    ask.add_argument("--until", type=date_arg, help="only releases on or before this date")
    ask.add_argument("--lang", choices=("ja", "en"), help="only releases in this language")
    ask.set_defaults(func=cmd_ask)

    ev = sub.add_parser("eval", help="retrieval quality on a QA file (TSV)")
    ev.add_argument("qa", help="TSV with id, lang, question, doc_file, answer_span, kind")
    ev.add_argument("--index", help="index folder")
    ev.add_argument("--mode", choices=("hybrid", "dense", "bm25"), help="ranking to measure")
    ev.add_argument(
        "--seen", metavar="DIR", help="split the figures by whether the answer's release is in DIR"
    )
    ev.set_defaults(func=cmd_eval)
