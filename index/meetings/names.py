"""How releases name meetings: meeting formats and topics, in Japanese and English.

Nothing here lists the sample corpus's meetings. A meeting is recognised by the words releases
use for a *format* (協議/Dialogue, 防衛相会談/Defense Ministers' Meeting, 「2+2」, 表敬/courtesy
call, ...), the partner prefix (日米豪, U.S.-Japan-ROK, Japan-Philippines, 日ASEAN, ...) and, for
dialogues and topical ministerials, the topic (拡大抑止/extended deterrence). From these a
canonical name is made in both languages, so an unseen 「日英外務・防衛閣僚会合」 or a
"Japan-Philippines Defense Ministers' Meeting" gets a sensible name and its countries
(:mod:`index.meetings.countries` reads the prefixes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.meetings.countries import (
    EN_NAME,
    EN_PREFIX_RE,
    GROUP_RE,
    JA_NAME,
    JA_PREFIX,
    JA_PREFIX_RE,
    countries_of_en_prefix,
    countries_of_ja_prefix,
    sort_countries,
)

# -- topics ----------------------------------------------------------------------------

# Japanese and English for the topics of dialogues and topical ministerial meetings.
TOPICS: list[tuple[str, str]] = [
    ("拡大抑止", "Extended Deterrence"),
    ("経済安全保障", "Economic Security"),
    ("安全保障", "Security"),
    ("防衛政策", "Defense Policy"),
    ("戦略", "Strategic"),
    ("政策", "Policy"),
    ("経済", "Economic"),
    ("サイバー", "Cyber"),
    ("宇宙", "Space"),
    ("海洋", "Maritime"),
    ("軍備管理・軍縮・不拡散", "Arms Control, Disarmament and Non-Proliferation"),
    ("軍備管理", "Arms Control"),
    ("不拡散", "Non-Proliferation"),
    ("防衛装備・技術", "Defense Equipment and Technology"),
    ("防衛装備", "Defense Equipment"),
    ("情報保全", "Information Security"),
    ("人権", "Human Rights"),
]
_TOPIC_BY_JA = {ja: en for ja, en in TOPICS}
_TOPIC_BY_EN = {en.lower(): en for _, en in TOPICS}
_TOPIC_JA_BY_EN = {en.lower(): ja for ja, en in TOPICS}


def topic_key(topic: str) -> tuple[str, str, str]:
    """(key, ja, en) of a topic written in either language; unknown topics keep their words."""
    t = topic.strip().strip("・ ")
    if t in _TOPIC_BY_JA:
        en = _TOPIC_BY_JA[t]
        return en.lower(), t, en
    low = re.sub(r"\s+", " ", t).lower()
    if low in _TOPIC_BY_EN:
        return low, _TOPIC_JA_BY_EN[low], _TOPIC_BY_EN[low]
    small = ("to", "and", "on", "of", "for")
    words = [w if w in small and i else w[:1].upper() + w[1:] for i, w in enumerate(low.split())]
    return low, t, " ".join(words) if t.isascii() else t


def known_topic(topic: str) -> bool:
    t = topic.strip()
    return t in _TOPIC_BY_JA or re.sub(r"\s+", " ", t).lower() in _TOPIC_BY_EN


# -- kinds -----------------------------------------------------------------------------

FAMILIES = (
    "dialogue", "ministerial", "2+2", "defense", "foreign", "summit", "courtesy", "vice",
    "meeting",
)  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """The format of a meeting, independent of language.

    ``family`` is one of :data:`FAMILIES`; dialogues and topical ministerial meetings also have
    a topic (its key and both languages' words). ``committee`` records that the releases call a
    2+2 a "Security Consultative Committee" (安全保障協議委員会).
    """

    family: str
    topic: str = ""
    topic_ja: str = ""
    topic_en: str = ""
    committee: bool = False

    @property
    def key(self) -> str:
        return f"{self.family}:{self.topic}" if self.topic else self.family

    def compatible(self, other: Kind) -> bool:
        """Whether two mentions can name one meeting (a bare "meeting" fits any format)."""
        if "meeting" in (self.family, other.family):
            return True
        if self.family != other.family:
            return False
        return not self.topic or not other.topic or self.topic == other.topic


def _en_list(keys: list[str]) -> str:
    return "-".join(EN_NAME[k] for k in keys)


def _ja_list(keys: list[str]) -> str:
    if not keys:
        return ""
    if keys[0] != "JP":
        if all(len(JA_PREFIX[k]) == 1 for k in keys):
            return "".join(JA_PREFIX[k] for k in keys)  # 米豪
        return "・".join(JA_NAME[k] for k in keys)
    return "日" + "".join(JA_PREFIX[k] for k in keys[1:])  # 日米豪, 日ASEAN


def meeting_names(
    kind: Kind, countries: list[str], abbr: str | None = None, host_ja: str = "", host_en: str = ""
) -> tuple[str, str]:
    """The canonical (Japanese, English) names of a meeting of ``kind`` among ``countries``."""
    cja, cen = _ja_list(countries), _en_list(countries)
    sp = f"{cen} " if cen else ""
    n = len(countries)
    multi = {3: "Trilateral ", 4: "Quadrilateral "}.get(n, "")
    tail = f" ({abbr})" if abbr and abbr not in ("2+2", "SCC") else ""
    family = kind.family
    if family == "dialogue":
        topic_ja = kind.topic_ja if not kind.topic_ja.isascii() else ""
        ja, en = f"{cja}{topic_ja}協議", f"{sp}{kind.topic_en} Dialogue"
        if kind.topic_ja and not topic_ja:  # a topic only English names: 「日加協議（Military…）」
            ja += f"（{kind.topic_en}）"
    elif family == "ministerial":
        ja = f"{kind.topic_ja}に関する{cja}閣僚会合"
        en = f"{sp}Ministerial Meeting on {kind.topic_en}"
    elif family == "2+2":
        if kind.committee:
            ja, en = f"{cja}安全保障協議委員会", f"{sp}Security Consultative Committee"
        else:
            ja, en = f"{cja}外務・防衛閣僚会合", f"{sp}Foreign and Defense Ministers' Meeting"
        ja, en = ja + "（「2+2」）", en + ' ("2+2")'
    elif family == "defense":
        ja, en = f"{cja}防衛相会談", f"{sp}{multi}Defense Ministers' Meeting"
    elif family == "foreign":
        ja, en = f"{cja}外相会談", f"{sp}{multi}Foreign Ministers' Meeting"
    elif family == "summit":
        ja, en = f"{cja}首脳会談", f"{sp}{multi}Summit Meeting"
    elif family == "vice":
        ja, en = f"{cja}次官級会合", f"{sp}{multi}Vice-Ministerial Meeting"
    elif family == "courtesy":
        ja = f"{host_ja}表敬" if host_ja else f"{cja}表敬"
        if not host_en and "総理" in host_ja:
            host_en = "the Prime Minister"
        en = f"Courtesy Call on {host_en}" if host_en else f"{sp}Courtesy Call"
    else:
        ja, en = f"{cja}会談", f"{sp}{multi}Meeting"
    return ja.strip(), (en + tail).strip()


# -- mentions in text --------------------------------------------------------------------

# a topic's characters: kanji and katakana, not the 回 of a round number (「第13回日米拡大抑止協議」
# names the 拡大抑止 dialogue)
_KANJI_KANA = r"(?:(?!回)[\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff・])"
_JA = rf"(?:{JA_PREFIX_RE}|{GROUP_RE})"
_EN = EN_PREFIX_RE
_Q = r"[\"“”'‘’「」]?"
# the ways one format meets: 会談, 電話会談, 懇談, 立ち話, ワーキング・ディナー ...
_JA_NOUN = (
    r"(?:電話|テレビ)?(?:会談|会合|会議|懇談|立ち話|会食|昼食会|夕食会|朝食会"
    r"|ワーキング・?(?:ランチ|ディナー|ブレックファスト))"
)

# (family, pattern); a named group "c" is the partner prefix, "topic" the topic.
JA_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "2+2",
        re.compile(
            rf"(?P<c>{_JA})?(?:「?(?P<scc>安全保障協議委員会)」?|外務・防衛閣僚(?:会合|協議)|「?2\+2」?)"
        ),
    ),
    (
        "ministerial",
        re.compile(rf"(?P<topic>{_KANJI_KANA}{{2,12}}?)に関する(?P<c>{_JA})?閣僚(?:会合|会議)"),
    ),
    (
        "defense",
        re.compile(
            rf"(?P<c>{_JA})?(?:(?P<n>三|四|3|4)か国)?(?:防衛相|防衛大臣|国防相|国防大臣|防衛担当大臣){_JA_NOUN}"
        ),
    ),
    ("foreign", re.compile(rf"(?P<c>{_JA})?(?:外相|外務大臣){_JA_NOUN}")),
    ("summit", re.compile(rf"(?P<c>{_JA})?首脳{_JA_NOUN}")),
    (
        "vice",
        re.compile(
            rf"(?P<c>{_JA})?(?:防衛当局|外務|防衛)?次官(?:級)?(?:電話)?(?:会合|会談|協議|対話)"
        ),
    ),
    ("courtesy", re.compile(r"表敬(?:訪問)?")),
    (
        "dialogue",
        re.compile(rf"(?P<c>{_JA})?(?P<topic>{_KANJI_KANA}{{2,12}}?)(?:協議|対話)(?!委員会)"),
    ),
    ("meeting", re.compile(rf"(?P<c>{_JA})?閣僚(?:会合|会議)")),
]
_MIN = r"Minist(?:ers['’]?|er['’]s|erial)"
# an organisation's own forum: "ASEAN Defence Ministers' Meeting-Plus", "NATO Summit"
_EN_C = rf"(?:(?P<c>{_EN}|ASEAN|NATO|EU|{GROUP_RE})\s+)?"
# the ways one format meets, after its name: "Telephone Talk", "Video Conference", "Working Dinner"
_EN_NOUN = (
    r"(?:\s+(?:[Ii]nformal\s+)?(?:Meeting|[Tt]elephone\s+[Tt]alks?|[Vv]ideo\s?[Cc]onference"
    r"|[Ww]orking\s+(?:[Ll]unch|[Dd]inner|[Bb]reakfast)|[Tt]alks))?(?:-Plus)?"
)
EN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "2+2",
        re.compile(
            rf"(?:(?P<c>{_EN})\s+)?(?:(?P<scc>Security Consultative Committee)(?:\s*\(SCC\))?"
            rf"|{_Q}2\s?\+\s?2{_Q}(?:\s+{_MIN})?(?:\s+Meeting)?"
            rf"|[Tt]wo-plus-two(?:\s+ministerial)?(?:\s+meeting)?"
            rf"|Foreign and Defen[cs]e {_MIN}(?:\s+Meeting)?)"
        ),
    ),
    (
        "ministerial",
        re.compile(
            rf"(?:(?P<c>{_EN})\s+)?[Mm]inisterial [Mm]eeting on "
            r"(?P<topic>[A-Za-z][A-Za-z -]{2,40}?)"
            r"(?=\s+(?:in|on|at|was|were|and|to|held)\b|\s*[,.;()]|\s*$)"
        ),
    ),
    (
        "defense",
        re.compile(
            rf"{_EN_C}(?:(?P<n>Trilateral|Quadrilateral|Bilateral)\s+)?"
            rf"Defen[cs]e {_MIN}{_EN_NOUN}(?:\s*\((?P<abbr>[A-Z]{{3,6}})\))?"
        ),
    ),
    (
        "foreign",
        re.compile(
            rf"{_EN_C}(?:(?P<n>Trilateral|Quadrilateral|Bilateral)\s+)?"
            rf"Foreign {_MIN}{_EN_NOUN}"
        ),
    ),
    (
        "summit",
        re.compile(rf"{_EN_C}(?:Summit(?:s|{_EN_NOUN})|Leaders['’]?\s+(?:Meeting|Summit|Call))"),
    ),
    ("courtesy", re.compile(r"[Cc]ourtesy [Cc]all")),
    (
        "vice",
        re.compile(
            rf"{_EN_C}(?:(?:Defen[cs]e|Foreign)\s+)?[Vv]ice[- ](?:[Dd]efen[cs]e\s+|[Ff]oreign\s+)?"
            r"[Mm]inist(?:ers['’]?|erial)\s+(?:[Dd]efen[cs]e\s+)?"
            r"(?:Forum|Meeting|[Tt]alks|Dialogue|Conference|Consultations)"
        ),
    ),
    (
        "dialogue",
        re.compile(
            rf"(?:(?P<c>{_EN})\s+)?(?P<topic>[A-Z][a-z]+(?:\s+(?:(?:to|and|on|of|for)\s+)?[A-Z][a-z]+)"
            r"{0,4}?)\s+(?:\((?P<abbr>[A-Z]{2,6})\)\s+)?(?:Dialogue|Consultations|Talks)\b"
        ),
    ),
    (
        "meeting",
        re.compile(
            rf"(?:(?P<c>{_EN})\s+)?(?:(?P<n>Trilateral|Quadrilateral)\s+)?"
            rf"(?:{_MIN}|[Mm]inisterial)\s+[Mm]eeting"
        ),
    ),
]
# the level a dialogue is held at, written before its topic
_LEVEL_JA = re.compile(r"^(?:外相|外務大臣|防衛相|首脳|局長|審議官)(?:級|間)?")
ABBR_RE = re.compile(r"\s*[(（]\s*(?P<abbr>[A-Z][A-Z0-9]{1,6})\s*(?:[:：)）])")
_COUNT_WORDS = {
    "三": 3,
    "3": 3,
    "四": 4,
    "4": 4,
    "Trilateral": 3,
    "Quadrilateral": 4,
    "Bilateral": 2,
}


@dataclass(frozen=True)
class NameMention:
    """A meeting named in text: ``text[start:end]``."""

    start: int
    end: int
    kind: Kind
    countries: tuple[str, ...]  # from the partner prefix, canonical order
    abbr: str | None
    parties: int | None  # "Trilateral" -> 3


def name_mentions(text: str) -> list[NameMention]:
    """Every meeting name in ``text``, non-overlapping, earliest and longest first."""
    found: list[NameMention] = []
    for patterns, lang in ((JA_PATTERNS, "ja"), (EN_PATTERNS, "en")):
        for family, rx in patterns:
            for m in rx.finditer(text):
                mention = _mention(text, m, family, lang)
                if mention is not None:
                    found.append(mention)
    # of names of one span, a dialogue (any words before 協議) yields to a named format
    # (「日豪外務・防衛閣僚協議」 is a 2+2)
    found.sort(
        key=lambda x: (
            x.start,
            -(x.end - x.start),
            x.kind.family == "dialogue",
            FAMILIES.index(x.kind.family),
        )
    )
    kept: list[NameMention] = []
    for x in found:
        if kept and x.start < kept[-1].end:
            continue
        last = kept[-1] if kept else None
        if (
            last is not None
            and last.kind.family == x.kind.family
            and re.fullmatch(r"[\s(（「“\"')）」”]*", text[last.end : x.start])
        ):  # 「日米安全保障協議委員会(「2+2」)」: one name
            countries = tuple(sort_countries(set(last.countries) | set(x.countries)))
            kind = last.kind if last.kind.topic or last.kind.committee else x.kind
            kept[-1] = NameMention(
                last.start, x.end, kind, countries, last.abbr or x.abbr, last.parties or x.parties
            )
            continue
        kept.append(x)
    return kept


def _mention(text: str, m: re.Match[str], family: str, lang: str) -> NameMention | None:
    groups = m.groupdict()
    prefix = groups.get("c")
    countries: list[str] = []
    if prefix:
        countries = (
            countries_of_ja_prefix(prefix) if lang == "ja" else countries_of_en_prefix(prefix)
        )
    topic = (groups.get("topic") or "").strip()
    kind = Kind(family, committee=bool(groups.get("scc")))
    if topic:
        if lang == "ja":
            topic = re.sub(r"^(?:初の|今回の|第\d+回)", "", topic)
            topic = _LEVEL_JA.sub("", topic) or topic  # 「外相間戦略対話」: a strategic dialogue
        if family == "dialogue" and re.search(r"次官|閣僚", topic):
            return None  # 「次官級協議」「外務・防衛閣僚協議」: their own formats
        if family == "dialogue" and not (known_topic(topic) or prefix):
            return None  # 「今回の協議」, 「二国間協議」: a word, not a named dialogue
        if family == "ministerial" and not (known_topic(topic) or topic.islower() or lang == "ja"):
            return None  # "Ministerial Meeting on July 28": a date, not a topic
        key, tja, ten = topic_key(topic)
        kind = Kind(family, key, tja, ten)
    abbr = groups.get("abbr")
    after = ABBR_RE.match(text, m.end())
    if abbr is None and after:
        abbr = after["abbr"]
    n = groups.get("n")
    parties = _COUNT_WORDS.get(n) if n else None
    return NameMention(m.start(), m.end(), kind, tuple(countries), abbr, parties)
