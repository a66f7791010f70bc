"""Which round of a meeting series a question names ("the fourth Japan-U.K. 2+2",
「第4回日英2+2」), and whether a text states that round.

A question naming a round the corpus never reports is declined with the rounds it does report
(:meth:`index.retrieval.declining.Declining._missing_round`): a release of a round states its
number (「第6回日豪外務・防衛閣僚協議」, "the 13th Extended Deterrence Dialogue").
"""

from __future__ import annotations

import re

from index.text import normalize

_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
_KANJI = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ORDINAL = re.compile(
    r"第\s*(?P<ja>[0-9]+|[一二三四五六七八九十]+)\s*回"
    r"|(?<![0-9A-Za-z])(?P<num>[0-9]+)(?:st|nd|rd|th)\b"
    rf"|\b(?P<word>{'|'.join(_WORDS)})\b",
    re.I,
)


def _kanji_number(text: str) -> int:
    """「十三」 -> 13, 「二十」 -> 20, 「四」 -> 4."""
    if "十" not in text:
        return _KANJI.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_KANJI.get(tens, 1) if tens else 1) * 10 + (_KANJI.get(ones, 0) if ones else 0)


def _value(m: re.Match[str]) -> int:
    if m["ja"]:
        return int(m["ja"]) if m["ja"].isdigit() else _kanji_number(m["ja"])
    if m["num"]:
        return int(m["num"])
    return _WORDS.index(m["word"].lower()) + 1


def ordinals(text: str) -> list[tuple[int, int, int]]:
    """(number, start, end) of each round number ``text`` writes."""
    folded = normalize(text)
    return [(_value(m), m.start(), m.end()) for m in _ORDINAL.finditer(folded)]


def round_named(question: str, mentions: list[tuple[int, int]], reach: int = 12) -> int | None:
    """The round number written just before, or at the head of, a meeting the question names
    (``mentions``: their spans): "the fourth Japan-U.K. 2+2" 4, 「第十三回日米拡大抑止協議」 13;
    "the second topic of the 2+2": None."""
    folded = normalize(question)
    for number, _, end in ordinals(folded):
        # "the first ..." is also how the inaugural one is called (「初の」, "first-ever"),
        # which its releases need not number: only later rounds are read
        if number > 1 and any(start - reach <= end <= stop for start, stop in mentions):
            return number
    return None


def states_round(text: str, number: int) -> bool:
    """Whether ``text`` writes round ``number`` anywhere."""
    return any(n == number for n, _, _ in ordinals(text))
