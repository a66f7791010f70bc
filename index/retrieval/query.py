"""A question read once: its language, the time and sources it names, what it asks for, and
the words BM25 and the model match. Every later step of retrieval reads this object instead of
parsing the question again."""

from __future__ import annotations

import datetime as dt
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


def parse(
    question: str,
    tokenizer: Tokenizer,
    correct: Callable[[str], str] | None = None,
    today: dt.date | None = None,
) -> Query:
    """Read ``question`` once (``correct``: the spelling corrector, if any)."""
    read = correct(question) if correct is not None else question
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
