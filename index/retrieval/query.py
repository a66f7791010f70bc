"""A question read once: its language, the time and sources it names, what it asks for, and
the words BM25 and the model match. Every later step of retrieval reads this object instead of
parsing the question again."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from index.ingest.dates import Period, find_dates, query_period, time_mentions
from index.ingest.publishers import Publisher, named_sources
from index.retrieval.answertype import AnswerType, expected_type, sought
from index.text import detect_lang
from index.tokenize import Tokenizer


@dataclass(frozen=True)
class Query:
    """One question, parsed."""

    text: str  # as asked
    read: str  # as matched: misspelt words read as the corpus's ("ausitn" -> austin)
    lang: str  # "ja" or "en"
    period: Period | None  # the time it names
    focus: str  # ``read`` without the date words of that time (matched apart)
    terms: list[str]  # BM25 terms of ``focus``
    sought: str | None  # what the answering sentence holds (answertype.sought)
    figure: AnswerType | None  # the kind of figure it asks for (answertype.expected_type)
    sources: tuple[Publisher, ...]  # the bodies it asks to be quoted from
    # the releases of the meeting "the latest ..." names (its days are then ``period``)
    meeting: tuple[str, ...] = ()


# Shorthand of chats about diplomacy, written out as releases write it ("fm mtg" -> "foreign
# minister meeting"). "pm" after a clock time stays (5 pm).
_CHAT = [
    (r"def\.? ?mins", "defense ministers"),
    (r"def\.? ?min", "defense minister"),
    (r"def\.? ?sec", "defense secretary"),
    (r"fms", "foreign ministers"),
    (r"fm", "foreign minister"),
    (r"dms", "defense ministers"),
    (r"dm", "defense minister"),
    (r"(?<![0-9] )(?<![0-9])pm", "prime minister"),
    (r"mtgs", "meetings"),
    (r"mtg", "meeting"),
    (r"yrs", "years"),
    (r"yr", "year"),
    (r"govt", "government"),
    (r"dept", "department"),
    (r"amb", "ambassador"),
    (r"mil-to-mil", "military-to-military"),
    (r"intl", "international"),
]
_CHAT_RE = [(re.compile(rf"(?<![\w.-]){a}(?![\w-])", re.I), b) for a, b in _CHAT]


def written_out(question: str) -> str:
    """An English question's chat shorthand written out ("kono & kang fm mtg" -> "kono and
    kang foreign minister meeting"); a Japanese question as it is."""
    if detect_lang(question) != "en":
        return question
    for rx, full in _CHAT_RE:
        question = rx.sub(full, question)
    return re.sub(r"\s&\s", " and ", question)


def parse(
    question: str,
    tokenizer: Tokenizer,
    correct: Callable[[str], str] | None = None,
    today: dt.date | None = None,
    shorthand: bool = True,
) -> Query:
    """Read ``question`` once (``correct``: the spelling corrector, if any; chat shorthand is
    written out first unless ``shorthand`` is False)."""
    read = written_out(question) if shorthand else question
    read = correct(read) if correct is not None else read
    focus = without_dates(read)
    return Query(
        text=question,
        read=read,
        lang=detect_lang(read),
        period=query_period(read, today),
        focus=focus,
        terms=tokenizer(focus),
        sought=sought(read),
        figure=expected_type(read),
        sources=tuple(named_sources(read)),
    )


def without_dates(question: str) -> str:
    """The question with the date expressions of the time it asks about cut out (a date that
    is part of what it asks, "the exercise planned for 2027", stays)."""
    named = time_mentions(question)
    out, last = [], 0
    for mention in find_dates(question):
        if not any(m.start == mention.start and m.end == mention.end for m in named):
            continue
        out.append(question[last : mention.start])
        last = mention.end
    out.append(question[last:])
    return " ".join(out)
