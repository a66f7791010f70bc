"""How a sentence tells of a meeting: held or only recalled, described rather than named, and
what its participants' titles say of its format.

A release reports the meetings it says were held ("convened", "met with", 「会談を行いました」)
and recalls others in passing (「2+2」に引き続き, "on the sidelines of the ADMM", "visiting Seoul to
attend the SDD"). Releases also describe a meeting instead of naming it ("talked to Foreign
Minister Kono over the phone", 「ルッテNATO事務総長との懇談」, "met his Japanese counterpart"):
its format then comes from who took part (two defence ministers: a defence ministers' meeting;
a head of government and a visiting minister: a courtesy call).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.meetings.countries import EN_TOKEN_RE, country_of_en
from index.meetings.people import Person

HELD = re.compile(
    r"\b(?:met|meets|convened|convene|hosted|hosts|held|holds|will hold|will be held|took place"
    r"|conclusion of|concluded|co-chaired|received a courtesy call|paid a courtesy call"
    r"|talked|spoke|attended|completed)\b"
    r"|実施|開催|行(?:い|っ|う|われ)|会談し|出席|表敬を受け|表敬し|参加し"
)
_PASSING_BEFORE = re.compile(
    r"\b(?:followed|following(?! the conclusion)|after|previous|prior to|ahead of|welcomed|welcome"
    r"|reports? of|reiterated in|in which|since|recalled|Joint Statement of|announcements from"
    r"|on the (?:margins?|sidelines) of|at the recent|(?:in order )?to attend|while attending"
    r"|agreed to (?:hold|convene))\b",
    re.I,
)
_PASSING_AFTER = re.compile(
    r"^[)）」”\"\s]*(?:\([^()]{0,30}\)|（[^（）]{0,30}）)?\s*(?!を受け)"
    r"(?:['’]s\b|\s*Joint Statement"
    r"|[^。、,，]{0,30}?(?:出席のため|を踏まえ|踏まえつつ|に引き続き|に続き|を受け|の機会に|に先立ち|の際|以降"
    r"|を通じ|における|に出席するため|に参加するため|開催することで(?:一致|合意)"
    r"|から[一二三四五六七八九十\d]+(?:年|か月|ヶ月)|以来|について|に関し)"
    r"|\s*(?:共同発表|共同声明)"
    r"|の(?!開催|概要|様子|結果|実施|について))"
)
# what a headline says of a meeting it does not report: "... on the Sidelines of the G20"
_TITLE_PASSING_BEFORE = re.compile(r"\b(?:on the (?:margins?|sidelines) of)\b", re.I)
_TITLE_PASSING_AFTER = re.compile(r"^[)）」”\"\s]*(?:の機会に|の際に)")
# a meeting described instead of named
VERBAL_EN = re.compile(
    r"\b(?:met|meets)\b|['’]s Meeting With\b|\bmeeting with\b|\btalks with\b"
    r"|\b(?:talked|spoke|speaks|talks) (?:to|with)\b"
    r"|\b(?:[Tt]elephone|[Pp]hone|[Vv]ideo) (?:[Cc]all|[Cc]onversation|[Tt]alks?|[Mm]eeting"
    r"|[Cc]onference)s? (?:with|between)\b"
    r"|\b[Ww]orking (?:[Ll]unch|[Dd]inner|[Bb]reakfast) (?:with|between)\b"
    r"|\bheld (?:a|an|their)\b[^.]{0,60}?\b(?:meeting|talks?|conversation|consultations)\b"
    r"|\b(?P<a>[A-Z][a-z]+)-(?P<b>[A-Z][a-z]+) meeting\b"
)
VERBAL_JA = re.compile(
    r"(?<![相臣脳談])会談(?=を(?:行|実施)|し|する)"
    r"|との(?:電話|テレビ)?(?:会談|懇談|会食|昼食会|夕食会|朝食会|ワーキング・?(?:ランチ|ディナー))"
    r"|(?:懇談|立ち話|昼食会|夕食会|ワーキング・?(?:ランチ|ディナー))(?=を(?:行|実施)|し|する)"
)
TODAY = re.compile(r"\b(?:today|this morning|this afternoon|earlier today)\b|本日", re.I)
PUBLISHED = re.compile(r"発表|公表|お知らせ|announced|released")
TIME_AFTER = re.compile(r"^\s*(?:\([^()]{1,4}\))?\s*\d{1,2}(?:時|:\d\d)")
PARTICIPANT_CUE = re.compile(
    r"co-chair|共同議長|出席|参加|同席|attended|Included in the|\bmet\b|convened|会談|表敬"
    r"|courtesy call|hosted|\bheld\b|との間で|led by|headed by|率い|\btalked\b|\bspoke\b|懇談"
)
# "met his Japanese counterpart": one of each side, with the same office
_COUNTERPART = re.compile(
    rf"(?:(?P<nat>{EN_TOKEN_RE})\s+)?(?i:counterpart)(?P<many>s)?\b"
    r"|カウンターパート"
)


def passing(text: str, start: int, end: int, title: bool = False) -> bool:
    """Whether the meeting named at ``text[start:end]`` is only recalled, not reported (in a
    headline, only the few phrasings headlines use for it count)."""
    # the cue governs the words after it up to a clause's end: "who is visiting Germany to
    # attend the G7 Foreign Ministers' Meeting, held a meeting with ...": the G7 only
    before = re.split(r"[,;，、]\s*(?=[^,;，、]*$)", text[max(0, start - 120) : start])[-1]
    if title:
        return bool(_TITLE_PASSING_BEFORE.search(before) or _TITLE_PASSING_AFTER.match(text[end:]))
    return bool(_PASSING_BEFORE.search(before) or _PASSING_AFTER.match(text[end:]))


@dataclass(frozen=True)
class Counterpart:
    """What "met his Japanese counterpart" says: how many sides (2; None for "counterparts"
    of several) and the counterpart's country, when written."""

    sides: int | None
    country: str | None


def counterpart(text: str) -> Counterpart | None:
    """The counterpart a sentence names, or None."""
    m = _COUNTERPART.search(text)
    if m is None:
        return None
    return Counterpart(None if m["many"] else 2, country_of_en(m["nat"]) if m["nat"] else None)


_ROLE_FAMILY = {"head": "summit", "defense": "defense", "foreign": "foreign", "vice": "vice"}


def family_of(persons: list[Person], counterpart: bool = False) -> str:
    """The format of a meeting of ``persons``, as their offices make it.

    Two heads of government from two sides hold a summit; one head receiving others, a courtesy
    call; ministers of one office, that office's meeting; four of both, a 2+2; officials below
    ministers, a dialogue. An international organisation's head (a secretary-general) meets
    each side at its level; with ``counterpart`` (the release says so) the first office named
    is both sides'.
    """
    sides = [p for p in persons if p.role != "org"]
    roles = [p.role for p in sides]
    heads = roles.count("head")
    if heads >= 2 and len({p.country for p in sides if p.role == "head"}) >= 2:
        return "summit"
    ranked = [r for r in roles if r not in ("other", "official")]
    if (
        (counterpart or len(sides) < len(persons))
        and ranked
        and ranked.count(ranked[0]) == len(ranked)
    ):
        return _ROLE_FAMILY.get(ranked[0], "meeting")
    if heads == 1 and len(roles) > 1:
        return "courtesy"
    for role in ("defense", "foreign", "vice"):
        if len(roles) >= 2 and all(r == role for r in roles):
            return _ROLE_FAMILY[role]
    if len(roles) >= 4 and {"defense", "foreign"} <= set(roles):
        return "2+2"
    if len(roles) >= 2 and set(roles) <= {"official", "vice"}:
        return "dialogue"
    return "meeting"
