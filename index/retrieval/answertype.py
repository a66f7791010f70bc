"""The kind of answer a question asks for: a figure, a next meeting, or a person.

A question about an amount of money, a percentage or a head count ("What was the budget for
...?", 「代表団は何人だったか」) is answered only by a passage that states one; a question about
the next meeting ("When is the next EDD?") only by one that speaks of a next meeting.
Retrieval still finds the release about the right meeting, and its passages read as relevant,
so the similarity scores cannot tell that the release gives no figure; this can. When none of
the best passages states what is asked, the corpus does not answer.

A question asking who ("Who co-chaired ...?", 「誰と会ったか」) is answered by a passage that
names someone: the search ranks passages naming nobody a little lower for it.

Within a passage, the sentence marked as the answer is one holding what the question asks
for (:func:`sought`): a name, a date, a count ("the thirteenth meeting", 「4回目」) or a figure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from index.ingest.dates import find_dates
from index.text import normalize

_NUMBER = r"(?:\d[\d,.]*|[一二三四五六七八九十百千万]+)"
_NUMBER_WORD = (
    r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"dozens?|hundreds?|thousands?|several|[一二三四五六七八九十百千]+)"
)
_TENS = r"(?:fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-[a-z]+)?"
_PEOPLE = r"(?:people|persons?|officials|members|personnel|troops|delegates|soldiers|staff)"


@dataclass(frozen=True)
class AnswerType:
    """A kind of figure: how a question asks for it, and how a passage states it."""

    name: str  # "amount", "percentage" or "headcount"
    asks: re.Pattern[str]
    states: re.Pattern[str]

    def stated_in(self, text: str) -> bool:
        """Whether ``text`` states a figure of this kind."""
        return self.states.search(normalize(text)) is not None


MONEY = AnswerType(
    "amount",
    re.compile(
        r"いくら|何円|何ドル|(?:予算|費用|金額|経費|額)は(?:どれ|どの|何)"
        r"|how much\b|^what (?:was|is|were|are|will be|would be) (?:the |its |their )?"
        r"(?:[\w-]+ ){0,3}(?:budget|cost|price|amount|funding)\b(?!-)"
    ),
    re.compile(
        rf"{_NUMBER}\s*(?:億|兆|万)?\s*(?:円|ドル|ユーロ)|[$¥€£]\s*\d|\b(?:usd|jpy|eur)\s*\d"
        r"|\d[\d,.]*\s*(?:million|billion|trillion)?\s*(?:dollars|yen|euros?|usd|jpy)\b"
    ),
)
PERCENT = AnswerType(
    "percentage",
    re.compile(
        r"何%|何パーセント|何割|割合は|\bwhat percent|\bhow many percent"
        r"|\bpercentage\b|\bshare of (?:gdp|the budget)|\b(?:%|percent) of gdp"
    ),
    re.compile(r"\d[\d.]*\s*(?:%|パーセント|percent)|[一二三四五六七八九]割"),
)
HEADCOUNT = AnswerType(
    "headcount",
    re.compile(rf"何人|何名|how many (?:\w+ ){{0,2}}{_PEOPLE}"),
    re.compile(rf"{_NUMBER_WORD}\s*(?:人|名)|{_NUMBER_WORD}\s+(?:\w+\s+){{0,2}}{_PEOPLE}\b"),
)
# "How long did the meeting last?", 「会談は何分間行われたか」: a length of time
DURATION = AnswerType(
    "duration",
    re.compile(
        r"何分|何時間|どのくらいの時間|どれくらいの時間|所要時間"
        r"|\bhow long (?:did|was|were|is|will)\b|\bhow many (?:minutes|hours)\b"
        r"|\b(?:length|duration) of the\b"
    ),
    re.compile(
        # 約85分, 85分間, 30分程度, 2時間(半); not a clock time (20時30分), 十分 (enough),
        # 5分野 (fields)
        rf"(?<![\d時])(?:約|およそ)?\s*\d+\s*分(?![野析担散断])"
        rf"|(?<![\d時]){_NUMBER}\s*(?:分間|時間)"
        rf"|(?:{_NUMBER_WORD}|{_TENS})[\s-]*(?:minutes?|mins?|hours?)\b"
        r"|\b(?:an|half an) hour\b"
    ),
)
# "At what time did the talks begin?", 「会談は何時から行われたか」: a time of day
CLOCK = AnswerType(
    "clock",
    re.compile(
        r"何時(?!間)|\bat what time\b|\bwhat time (?:did|does|do|was|were|is|will)\b"
        r"|\bwhat times\b"
    ),
    re.compile(
        r"(?<!\d)\d{1,2}\s*時(?!間|代|点)|\b\d{1,2}:\d{2}\b|\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b"
        r"|(?:午前|午後|正午)"
    ),
)
_MEETING_WORD = (
    r"(?:edd|2\+2|round|meeting|session|dialogue|talks|ministerial|summit|consultations?"
    r"|conference)"
)
# "When is the next EDD?", 「次回のEDDはいつ開催されるか」: answered only by a release that
# speaks of a next meeting, which a similar release about the last one does not.
NEXT_MEETING = AnswerType(
    "next",
    re.compile(
        r"次回|次の(?:会合|会談|協議|会議|edd|2\+2)"
        rf"|\bnext {_MEETING_WORD}\b|\bupcoming {_MEETING_WORD}\b"
    ),
    re.compile(
        r"次回|次の(?:会合|会談|協議|会議)|今後開催"
        rf"|\bnext {_MEETING_WORD}\b|\bupcoming\b"
        r"|\bwill (?:be )?(?:held|hosted|convened)\b|\bwill (?:host|hold|convene|meet)\b"
    ),
)
TYPES = (MONEY, PERCENT, HEADCOUNT, DURATION, CLOCK, NEXT_MEETING)


def expected_type(question: str) -> AnswerType | None:
    """The kind of figure ``question`` asks for, if it asks for one of these."""
    text = normalize(question)
    for answer_type in TYPES:
        if answer_type.asks.search(text):
            return answer_type
    return None


# -- questions about a person --------------------------------------------------------------
#
# "Who co-chaired ...?", 「誰と会ったか」: the answer is a name, so a passage naming nobody
# (the release's background paragraph, which shares the question's words) rarely answers.

_ASKS_PERSON = re.compile(r"\bwho\b|\bwhom\b|\bwhose\b|誰|だれ|どなた")
_TITLE = (
    r"(?:Secretary|Minister|Ambassador|Admiral|General|President|Prime Minister|Director"
    r"|Deputy|Senior|Chief|Commander|Chairman|Chair)"
)
_EN_PERSON = re.compile(
    r"\b(?:Mr|Ms|Mrs|Dr)\.\s+[A-Z]"  # Ms. Alexandra Bell
    rf"|\b{_TITLE}\b[^.]{{0,40}}?\b[A-Z][a-z]+ [A-Z]{{2,}}\b"  # a title, ... Shingo MIYAMOTO
    rf"|\b{_TITLE}\s+(?:of [A-Z][\w ]+?\s)?[A-Z][a-z]+"  # Secretary Austin, Minister of X Kihara
)


def asks_for_person(question: str) -> bool:
    """Whether ``question`` asks who ("Who co-chaired ...?", 「誰と会ったか」)."""
    return _ASKS_PERSON.search(normalize(question)) is not None


def names_person(text: str, lang: str, tagger: Callable[[str], list[Any]] | None) -> bool:
    """Whether ``text`` names a person: a title or honorific before a name in English, a
    personal name (unidic 人名) in Japanese (``tagger``: fugashi's, None: English only)."""
    if lang != "ja" or tagger is None:
        return _EN_PERSON.search(text) is not None
    return any(
        word.feature.pos2 == "固有名詞" and word.feature.pos3 == "人名" for word in tagger(text)
    )


# -- what the marked sentence holds ----------------------------------------------------------
#
# A passage is a few sentences; the one marked as the answer should hold what the question
# asks for. The release's opening sentence shares the most words with "How many ... meetings
# had been held?", but "This was the thirteenth meeting ..." answers it.

_ORDINALS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    "|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
)
_KANJI_NUMBER = r"[\d一二三四五六七八九十]+"
COUNT = AnswerType(
    "count",
    re.compile(
        r"何回|何度|何番目|通算|\bhow many times\b|\bhow often\b"
        r"|\bhow many (?:[^\s?]+ ){0,4}?(?:meetings|rounds|sessions|dialogues|times)\b"
        r"|\bwhich (?:round|iteration)\b"
    ),
    re.compile(
        rf"\b\d+(?:st|nd|rd|th)\b|\b(?:{_ORDINALS})\b|\b(?:once|twice)\b|\b\w+ times\b"
        rf"|第\s*{_KANJI_NUMBER}\s*回|{_KANJI_NUMBER}\s*(?:回目?|度目)"
    ),
)
_ASKS_WHEN = re.compile(
    # "when" asking, not joining ("What did they confirm when they met?")
    r"^when\b|\bwhen (?:did|was|were|is|are|will|does|do|has|have|had)\b"
    r"|\bwhat (?:date|day|time)\b|\bwhich (?:date|day)\b|\bon what day\b"
    r"|いつ|何日|何月何日|何時"
)

_TIME_OF_DAY = re.compile(r"\d{1,2}時|\b\d{1,2}:\d{2}\b|\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b")


def sought(question: str) -> str | None:
    """What the sentence answering ``question`` holds: the name of a figure type
    ("amount", "count", ...), "person" or "date"; None when it asks for none of these."""
    found = expected_type(question)
    if found is not None:
        return found.name
    text = normalize(question)
    if COUNT.asks.search(text):
        return COUNT.name
    if asks_for_person(question):
        return "person"
    if _ASKS_WHEN.search(text):
        return "date"
    return None


def holds(
    kind: str, text: str, lang: str, tagger: Callable[[str], list[Any]] | None = None
) -> bool:
    """Whether ``text`` holds what :func:`sought` named."""
    if kind == "person":
        return names_person(text, lang, tagger)
    if kind == "date":
        return bool(find_dates(text, default_year=2000) or _TIME_OF_DAY.search(normalize(text)))
    for answer_type in (*TYPES, COUNT):
        if answer_type.name == kind:
            return answer_type.stated_in(text)
    return True
