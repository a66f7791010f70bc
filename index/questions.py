"""What a question must be before anything is loaded: not empty, not too long, no control
characters.

Kept apart from :mod:`index.retrieval` so that a front end refuses a bad question importing only
this module and :mod:`index.errors`, before the model or the index is loaded.
"""

from __future__ import annotations

import logging
import unicodedata

from index.errors import EmptyQuery, QueryError, QueryTooLong

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000


def validate_question(text: str, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """The question, stripped.

    Args:
        text: the question as typed.
        max_chars: the longest question accepted, in characters (after stripping).

    Raises:
        EmptyQuery: nothing but white space.
        QueryTooLong: longer than ``max_chars``.
        QueryError: with ``code="control"``, a control character other than a newline or tab.
    """
    question = (text or "").strip()
    if not question:
        raise EmptyQuery()
    if len(question) > max_chars:
        raise QueryTooLong(len(question), max_chars)
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in question):
        raise QueryError("the question contains control characters", "control")
    return question
