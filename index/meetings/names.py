"""How releases name meetings: countries, meeting formats and topics, in Japanese and English.

Nothing here lists the sample corpus's meetings. A meeting is recognised by the words releases
use for a *format* (協議/Dialogue, 防衛相会談/Defense Ministers' Meeting, 「2+2」, 表敬/courtesy
call, ...), the partner prefix (日米豪, U.S.-Japan-ROK, Japan-Philippines, 日ASEAN, ...) and, for
dialogues and topical ministerials, the topic (拡大抑止/extended deterrence). From these a
canonical name is made in both languages, so an unseen 「日英外務・防衛閣僚会合」 or a
"Japan-Philippines Defense Ministers' Meeting" gets a sensible name and its countries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# key, Japanese prefix character(s), Japanese name, English short name, English patterns
# (longest first). The order is the canonical order of names: Japan first, as Japanese
# releases write 日米豪比.
_COUNTRIES: list[tuple[str, str, str, str, str]] = [
    ("JP", "日", "日本", "Japan", r"Japan(?:ese)?"),
    ("US", "米", "米国", "U.S.", r"U\.S\.(?:A\.)?|USA|US|United States(?: of America)?|American"),
    ("AU", "豪", "豪州", "Australia", r"Australia(?:n)?"),
    ("IN", "印", "インド", "India", r"India(?:n)?"),
    ("PH", "比", "フィリピン", "Philippines", r"(?:the )?Philippines?|Philippine|PHL|Filipino"),
    ("KR", "韓", "韓国", "ROK", r"ROK|Republic of Korea|South Korean?|S\. Korean?"),
    ("GB", "英", "英国", "UK", r"U\.K\.|UK|GBR|United Kingdom|Britain|British"),
    ("FR", "仏", "フランス", "France", r"France|French"),
    ("DE", "独", "ドイツ", "Germany", r"Germany|German"),
    ("IT", "伊", "イタリア", "Italy", r"Italy|Italian"),
    ("CA", "加", "カナダ", "Canada", r"Canada|Canadian"),
    ("NZ", "NZ", "ニュージーランド", "New Zealand", r"New Zealand|NZ"),
    ("VN", "越", "ベトナム", "Vietnam", r"Viet ?[Nn]am(?:ese)?"),
    ("ID", "尼", "インドネシア", "Indonesia", r"Indonesia(?:n)?"),
    ("SG", "星", "シンガポール", "Singapore", r"Singapore(?:an)?"),
    ("MY", "馬", "マレーシア", "Malaysia", r"Malaysia(?:n)?"),
    ("TH", "泰", "タイ", "Thailand", r"Thailand|Thai"),
    ("MN", "蒙", "モンゴル", "Mongolia", r"Mongolian?"),
    ("CN", "中", "中国", "China", r"China|PRC|Chinese"),
    ("ASEAN", "ASEAN", "ASEAN", "ASEAN", r"ASEAN"),
    ("NATO", "NATO", "NATO", "NATO", r"NATO"),
    ("EU", "EU", "EU", "EU", r"EU|European Union"),
]
ORDER = {c[0]: i for i, c in enumerate(_COUNTRIES)}
# the names meetings.json gives countries and organisations
FULL_NAME = {
    "JP": "Japan", "US": "United States", "AU": "Australia", "IN": "India",
    "PH": "Philippines", "KR": "Republic of Korea", "GB": "United Kingdom", "FR": "France",
    "DE": "Germany", "IT": "Italy", "CA": "Canada", "NZ": "New Zealand", "VN": "Vietnam",
    "ID": "Indonesia", "SG": "Singapore", "MY": "Malaysia", "TH": "Thailand", "MN": "Mongolia",
    "CN": "China", "ASEAN": "ASEAN", "NATO": "NATO", "EU": "European Union",
}  # fmt: skip
CODE_OF_FULL_NAME = {v: k for k, v in FULL_NAME.items()}
JA_PREFIX = {c[0]: c[1] for c in _COUNTRIES}
JA_NAME = {c[0]: c[2] for c in _COUNTRIES}
EN_NAME = {c[0]: c[3] for c in _COUNTRIES}
_BY_JA_CHAR = {c[1]: c[0] for c in _COUNTRIES}
_EN_TOKENS = [(c[0], re.compile(rf"(?:{c[4]})\Z")) for c in _COUNTRIES]
# Japanese full names as they stand in running text (「米国」「豪州」「アメリカ合衆国」 ...)
_JA_WORDS = {
    "日本": "JP", "米国": "US", "アメリカ": "US", "豪州": "AU", "オーストラリア": "AU",
    "インド": "IN", "フィリピン": "PH", "韓国": "KR", "英国": "GB", "イギリス": "GB",
    "フランス": "FR", "ドイツ": "DE", "イタリア": "IT", "カナダ": "CA",
    "ニュージーランド": "NZ", "ベトナム": "VN", "インドネシア": "ID", "シンガポール": "SG",
    "マレーシア": "MY", "タイ": "TH", "モンゴル": "MN",
    "ASEAN": "ASEAN", "NATO": "NATO", "EU": "EU",
}  # fmt: skip

_JA_PREFIX_CHARS = "".join(c[1] for c in _COUNTRIES if len(c[1]) == 1 and c[0] != "JP")
# 日米, 日米豪比, 日・ASEAN, 日NATO; not 本日米国 / 28日米国 / 毎日
JA_PREFIX_RE = (
    rf"(?<![本毎同翌前当昨今先後0-9０-９月])日(?:・)?"
    rf"(?:[{_JA_PREFIX_CHARS}]|ASEAN|NATO|EU|NZ|・)+"
)
_EN_TOKEN_RE = "|".join(
    sorted((p for c in _COUNTRIES for p in c[4].split("|")), key=len, reverse=True)
)
# U.S.-Japan, Japan-US-S. Korea, Australia-Japan-Philippines-US, United States-Japan-Australia
EN_PREFIX_RE = rf"(?<![\w-])(?:{_EN_TOKEN_RE})(?:\s?[-–]\s?(?:{_EN_TOKEN_RE}))+(?![\w-])"


def sort_countries(keys: set[str] | list[str]) -> list[str]:
    return sorted(set(keys), key=lambda k: ORDER.get(k, 99))


def countries_of_ja_prefix(prefix: str) -> list[str]:
    """「日米豪比」 -> JP, US, AU, PH."""
    found = ["JP"]
    for token in re.findall(r"ASEAN|NATO|EU|NZ|.", prefix[1:]):
        if token in _BY_JA_CHAR:
            found.append(_BY_JA_CHAR[token])
    return sort_countries(found)


def country_of_en(token: str) -> str | None:
    token = token.strip()
    return next((key for key, rx in _EN_TOKENS if rx.match(token)), None)


def countries_of_en_prefix(prefix: str) -> list[str]:
    """ "U.S.-Japan-ROK" -> JP, US, KR."""
    keys = [country_of_en(t) for t in re.split(r"\s?[-–]\s?(?=[A-Z])", prefix)]
    return sort_countries([k for k in keys if k])


_EN_WORD_RE = re.compile(rf"(?<![\w-])(?:{_EN_TOKEN_RE})(?![\w])")
# ISO 3166 alpha-3 codes, as analysts abbreviate partners in a prefix ("JPN-AUS", "jpn-phl");
# read only in questions' prefixes (in running text "CAN" or "IND" is a word)
_ALPHA3 = {
    "JPN": "JP", "USA": "US", "AUS": "AU", "IND": "IN", "PHL": "PH", "KOR": "KR", "GBR": "GB",
    "FRA": "FR", "DEU": "DE", "ITA": "IT", "CAN": "CA", "NZL": "NZ", "VNM": "VN", "IDN": "ID",
    "SGP": "SG", "MYS": "MY", "THA": "TH", "MNG": "MN",
}  # fmt: skip
_TYPED_TOKEN_RE = "|".join([_EN_TOKEN_RE, *_ALPHA3])
# a partner prefix as a chat types it: "japan-rok", "jpn-aus", "us-japan" (question_kinds)
_TYPED_PREFIX_RE = re.compile(
    rf"(?<![\w-])(?:{_TYPED_TOKEN_RE})(?:\s?[-–]\s?(?:{_TYPED_TOKEN_RE}))+(?![\w-])", re.I
)
_TYPED_TOKENS = [
    (key, re.compile(rf"(?:{c})\Z", re.I)) for key, c in ((c[0], c[4]) for c in _COUNTRIES)
]


def cased_prefixes(text: str) -> str:
    """``text`` with each partner prefix typed in any case written as releases write it
    ("japan-rok" -> "Japan-ROK", "jpn-aus" -> "Japan-Australia"), so that a question typed as
    in a chat names its meeting too."""

    def canonical(m: re.Match[str]) -> str:
        keys = [_typed_country(t) for t in re.split(r"\s?[-–]\s?", m.group())]
        if any(k is None for k in keys):
            return m.group()
        return "-".join(EN_NAME[k] for k in keys if k)

    return _TYPED_PREFIX_RE.sub(canonical, text)


def _typed_country(token: str) -> str | None:
    token = token.strip()
    if token.upper() in _ALPHA3:
        return _ALPHA3[token.upper()]
    return next((key for key, rx in _TYPED_TOKENS if rx.match(token)), None)


_JA_WORD_RE = re.compile("|".join(sorted(_JA_WORDS, key=len, reverse=True)))


def countries_named(text: str) -> list[str]:
    """Countries named anywhere in ``text``, in order of first mention."""
    found: list[str] = []
    hits = [(m.start(), country_of_en(m.group())) for m in _EN_WORD_RE.finditer(text)]
    hits += [(m.start(), _JA_WORDS[m.group()]) for m in _JA_WORD_RE.finditer(text)]
    for _, key in sorted(hits, key=lambda h: h[0]):
        if key and key not in found and key != "CN":
            found.append(key)
    return found


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
    en = " ".join(w[:1].upper() + w[1:] for w in low.split()) if t.isascii() else t
    return low, t, en


def known_topic(topic: str) -> bool:
    t = topic.strip()
    return t in _TOPIC_BY_JA or re.sub(r"\s+", " ", t).lower() in _TOPIC_BY_EN


# -- kinds -----------------------------------------------------------------------------

FAMILIES = (
    "dialogue", "ministerial", "2+2", "defense", "foreign", "summit", "courtesy", "meeting",
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
        ja, en = f"{cja}{kind.topic_ja}協議", f"{sp}{kind.topic_en} Dialogue"
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
_JA = JA_PREFIX_RE
_EN = EN_PREFIX_RE
_Q = r"[\"“”'‘’「」]?"

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
            rf"(?P<c>{_JA})?(?:(?P<n>三|四|3|4)か国)?(?:防衛相|防衛大臣|国防相|国防大臣|防衛担当大臣)(?:会談|会合|会議)"
        ),
    ),
    ("foreign", re.compile(rf"(?P<c>{_JA})?(?:外相|外務大臣)(?:電話)?(?:会談|会合|会議)")),
    ("summit", re.compile(rf"(?P<c>{_JA})?首脳(?:電話)?(?:会談|会合|会議)")),
    ("courtesy", re.compile(r"表敬(?:訪問)?")),
    (
        "dialogue",
        re.compile(rf"(?P<c>{_JA})?(?P<topic>{_KANJI_KANA}{{2,12}}?)(?:協議|対話)(?!委員会)"),
    ),
    ("meeting", re.compile(rf"(?P<c>{_JA})?閣僚(?:会合|会議)")),
]
_MIN = r"Minist(?:ers['’]?|erial)"
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
            rf"(?:(?P<c>{_EN})\s+)?(?:(?P<n>Trilateral|Quadrilateral|Bilateral)\s+)?"
            rf"Defen[cs]e {_MIN}(?:\s+Meeting)?(?:\s*\((?P<abbr>[A-Z]{{3,6}})\))?"
        ),
    ),
    (
        "foreign",
        re.compile(
            rf"(?:(?P<c>{_EN})\s+)?(?:(?P<n>Trilateral|Quadrilateral|Bilateral)\s+)?"
            rf"Foreign {_MIN}(?:\s+Meeting)?"
        ),
    ),
    (
        "summit",
        re.compile(
            rf"(?:(?P<c>{_EN})\s+)?(?:Summit(?:s|\s+Meeting)?|Leaders['’]?\s+(?:Meeting|Summit))"
        ),
    ),
    ("courtesy", re.compile(r"[Cc]ourtesy [Cc]all")),
    (
        "dialogue",
        re.compile(
            rf"(?:(?P<c>{_EN})\s+)?(?P<topic>(?:[A-Z][a-z]+\s+){{1,4}}?)(?:Dialogue|Consultations|Talks)\b"
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
