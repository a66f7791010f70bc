"""Who took part in a meeting and where it was held, read from the sentences that report it.

Participants are kept as published ("Mr. KUMAGAI Naoki, Deputy Director-General, ...",
「熊谷直樹外務省北米局審議官」), with what the text tells about them: their country (from
"Japanese Minister of Defense", 「米国防長官」) and role (defence, foreign affairs, head of
government), which decide the format of a meeting releases only describe ("met with").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from index.meetings.countries import EN_TOKEN_RE, JA_WORD_RE, JA_WORDS, country_hits, country_of_en

_JA_NAME_CHARS = re.compile(r"[\u30a0-\u30ff]+|[\u4e00-\u9fff]{2}")


@dataclass(frozen=True)
class Person:
    """A participant as published, with what the text says about them."""

    text: str
    lang: str  # script of ``text``: "ja" or "en"
    names: frozenset[str]  # name words, lower case, for matching the same person twice
    country: str | None
    role: str  # "defense", "foreign", "head" or "other"

    def same(self, other: Person) -> bool:
        return self.lang == other.lang and bool(self.names & other.names)


_ADVISER = re.compile(r"Advis[eo]r|Assistant to|補佐官|顧問")
_ORG_HEAD = re.compile(r"Secretary[- ]General|事務総長|事務局長")
_VICE = re.compile(
    r"Vice[- ](?:Defen[cs]e )?Minister|Deputy Minister|Deputy Secretary(?! General)"
    r"|Under ?Secretary|(?<!事務)次官(?!補)|副大臣|外務審議官|防衛審議官"
)
_OFFICIAL = re.compile(
    r"Director|Assistant Secretary|Deputy Assistant|Principal Deputy|Political Director"
    r"|局長|審議官|参事官|次官補|部長|課長|統括官|室長"
)


def role_of(title: str) -> str:
    """The office a title gives, as meetings are told apart by it: "head" of government,
    "defense" or "foreign" minister, "vice" minister, "official" below them, "org" (an
    international organisation's secretary-general) or "other"."""
    t = re.sub(r"Deputy Prime Minister|副首相", "", title)
    if _ADVISER.search(t):
        return "other"
    if _ORG_HEAD.search(t):
        return "org"
    if _VICE.search(t):
        return "vice"
    if _OFFICIAL.search(t):
        return "official"
    if re.search(r"Defen[cs]e|防衛|国防", t):
        return "defense"
    if re.search(
        r"Foreign|Secretary of State|State of the|Department of State|外務|外交|国務|外相", t
    ):
        return "foreign"
    if re.search(r"Prime Minister|President|総理|首相|大統領", t):
        return "head"
    return "other"


# -- English ---------------------------------------------------------------------------

_NAT = rf"(?:(?:the\s+)?(?P<nat>{EN_TOKEN_RE})(?:\s*\((?:ROK|U\.S\.|US)\))?(?:['’]s)?\s+)?"
_TITLE_EN = (
    r"(?:(?:Deputy\s+)?Prime Minister(?:\s+and\s+Minister for Defen[cs]e)?"
    r"|Secretary of (?:State|Defen[cs]e|National Defen[cs]e|Foreign Affairs)"
    r"|Minister (?:for|of) (?:Foreign Affairs|National Defen[cs]e|Defen[cs]e)"
    r"|Chief Cabinet Secretary(?: of Japan)?|Defen[cs]e Minister|Foreign Minister"
    r"|(?:Defen[cs]e|Foreign) Secretary|Secretary[- ]General"
    r"|President|Secretary|Minister|Ambassador)"
)
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ][a-zA-ZÀ-ÖØ-öø-ÿ'’.-]*|[A-Z]{2,})"  # Mélanie, Çavuşoğlu
_TITLED = re.compile(
    rf"{_NAT}(?P<title>{_TITLE_EN})\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})"
)
_HON = r"(?:(?:the\s+|The\s+)?Honou?rable|H\.E\.(?:\s+(?:Mr|Ms|Dr)\.)?|Mr\.|Ms\.|Mrs\.|Dr\.)"
_HONORED = re.compile(
    rf"(?P<hon>{_HON})\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}),\s+"
    rf"(?P<title>.+?)(?=,\s+(?:and\s+)?{_HON}|,?\s+and\s+{_HON}|(?<!U\.S)(?<![A-Z])\.\s"
    r"|(?<=U\.S)\.\s+(?=(?:The|This|They|He|She|It)\b)|\.$|;|\)|$"
    r"|,\s+(?:who|which|where|held|met)\b|\s+(?:held|met)\s)"  # "..., who is visiting"
)
# words that end a name: "Austin III's Meeting With", "Hegseth Joint Press Conference"
_STOP = frozenset(
    re.findall(
        r"\w+",
        """Meeting With Joint Press Conference Concludes The And Of In On At To For Trip Readout
        Statement Secretary Minister Deputy Monday Tuesday Wednesday Thursday Friday Saturday
        Sunday January February March April May June July August September October November
        December Defense Defence Foreign Japan Japanese Australian Ministers First Holds Meets
        Hosts Visits Receives Talks Speaks Calls Attends Welcomes Discusses Says""",
    )
)


_OF_COUNTRY = re.compile(rf",?\s+of\s+(?:the\s+)?(?P<nat>{EN_TOKEN_RE})\b")


def _clean_name(name: str) -> str:
    words: list[str] = []
    for word in name.split():
        bare = re.sub(r"['’]s$", "", word).rstrip(",")
        if bare in _STOP or bare.upper() in {"DECEMBER", "JULY"}:
            break
        possessive = bare != word.rstrip(",")
        if len(bare) > 2 and bare.endswith(".") and not bare[:-1].isupper():
            bare = bare[:-1]
        words.append(bare)
        if possessive:  # "Austin III's Meeting": a possessive ends the name
            break
    return " ".join(words)


def _en_names(name: str) -> frozenset[str]:
    return frozenset(
        w.lower().strip(".")
        for w in name.split()
        if len(w.strip(".")) > 1 and w not in ("III", "Jr.")
    )


def _en_country(nat: str | None, title: str) -> str | None:
    if nat:
        return country_of_en(nat)
    if re.search(
        r"Secretary of (?:State|Defen[cs]e)\b(?! of the Philippines)|Department of", title
    ):
        return "US"
    if re.search(r"Ministry of (?:Foreign Affairs|Defense)(?: of Japan)?\b", title):
        return "JP"
    named = country_hits(title)  # "Secretary General of the North Atlantic Treaty Organization"
    return named[0][1] if named else None


def people_en(text: str) -> list[Person]:
    """People named with their title in English text, in order."""
    found: list[tuple[int, Person]] = []
    taken: list[tuple[int, int]] = []
    for m in _HONORED.finditer(text):
        title = m["title"].strip().rstrip(",")
        if title.endswith("U.S"):
            title += "."
        if len(title) > 200 or not re.search(r"[A-Z]", title):
            continue
        published = text[m.start("hon") : m.start("title")] + title
        published = re.sub(r"^(?:the|The)\s+", "", published)
        person = Person(
            published, "en", _en_names(m["name"]), _en_country(None, title), role_of(title)
        )
        found.append((m.start(), person))
        taken.append((m.start(), m.start("title") + len(title)))
    for m in _TITLED.finditer(text):
        if any(a <= m.start("title") < b for a, b in taken):
            continue
        name = _clean_name(m["name"])
        if not name or name in ("Ms.", "Mr."):
            continue
        start = m.start("nat") if m["nat"] else m.start("title")
        published = text[start : m.start("name")] + name
        published = re.sub(r"^(?:the|The)\s+", "", published)
        country = _en_country(m["nat"], m["title"])
        after = _OF_COUNTRY.match(text, m.start("name") + len(name))
        if country is None and after:  # "Foreign Minister Taro Kono of Japan"
            country = country_of_en(after["nat"])
        person = Person(published, "en", _en_names(name), country, role_of(m["title"]))
        found.append((m.start(), person))
    found.sort(key=lambda p: p[0])
    return [p for _, p in found]


# -- Japanese --------------------------------------------------------------------------

_TITLE_JA = (
    r"(?:内閣総理大臣|総理大臣|首相|大統領|副首相兼国防大臣|国防大臣|国防部長官|防衛大臣|外務大臣"
    r"|国務長官|国防長官|内閣官房長官|官房長官|大臣|長官|次官補代理|次官補|次官|審議官|参事官"
    r"|局長|次長|部長|大使|司令官|幕僚長|統括官|議長|事務総長|事務局長|補佐官|副大臣)"
)
_JA_PERSON = re.compile(rf"(?P<body>.+?)(?P<title>{_TITLE_JA})(?P<note>\([^()A-Za-z]*\))?")
_LATIN_PAREN = re.compile(r"\((?=[^()]*[A-Za-z])(?:[^()]|\([^()]*\))*\)")
_SEPARATORS = re.compile(
    r"[、,，]|及び|並びに|ならびに|とともに|との間で|との|のほか|と(?=[^\u3040-\u309f])|が|は|も|から|による|により|他"
)
_ENUMERATOR = re.compile(r"^(?:\d{1,2}|[(（]\d{1,2}[)）])[\s.．]+|^[(（]\d{1,2}[)）]")
_NOT_NAMES = ("日本国", "日本", "米国", "両国", "日米", "同", "本", "各国", "両")
_JA_MARKERS = [
    (r"(?<!北)米|国務省|国防総省", "US"), (r"豪", "AU"), (r"比", "PH"), (r"韓", "KR"),
    (r"英", "GB"), (r"印", "IN"), (r"仏", "FR"), (r"独", "DE"), (r"伊", "IT"), (r"加", "CA"),
]  # fmt: skip


def _depth0_pieces(text: str) -> list[str]:
    """``text`` cut at separators outside brackets (「核及び大量破壊兵器」 stays whole)."""
    pieces, depth, last, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "(（「":
            depth += 1
        elif ch in ")）」":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = _SEPARATORS.match(text, i)
            if m:
                pieces.append(text[last:i])
                last = i = m.end()
                continue
        i += 1
    pieces.append(text[last:])
    return [p.strip() for p in pieces if p.strip()]


def people_ja(text: str) -> list[Person]:
    """People named with their title in Japanese text, in order."""
    found: list[Person] = []
    text = re.sub(r"\([\u3040-\u309f・]+\)", "", _LATIN_PAREN.sub("", text))  # readings: 稔(みのる)
    for piece in _depth0_pieces(text):
        piece = piece.rsplit("の", 1)[-1] if "の" in piece else piece
        piece = _ENUMERATOR.sub("", piece)  # 「2 岸田外務大臣は」: a list's number
        m = _JA_PERSON.fullmatch(piece)
        if m is None:
            continue
        body = m["body"]
        name_part = re.split(r"外務省|防衛省|国務省|国防|内閣|米国|米|豪|比|韓国|英国", body)[0]
        named = JA_WORD_RE.search(name_part)  # マルコス・フィリピン共和国大統領
        if named:
            name_part = name_part[: named.start()].rstrip("・")
        if len(name_part) < 2 or name_part in _NOT_NAMES or re.search(r"\d|[\u3040-\u309f]", body):
            continue
        names = frozenset(
            w
            for run in _JA_NAME_CHARS.findall(name_part)[:2]
            for w in run.split("・")  # ピート・ヘグセス is also ヘグセス
            if w and w != "ー"
        )
        rest = body[len(name_part) :]
        country = next((c for rx, c in _JA_MARKERS if re.search(rx, rest)), None)
        if country is None and (word := JA_WORD_RE.search(rest)):
            country = JA_WORDS[word.group()]
        if country is None and re.fullmatch(r"[\u4e00-\u9fff]+", name_part):
            country = "JP"
        found.append(Person(piece, "ja", names, country, role_of(m["title"] + body)))
    return found


def people(text: str) -> list[Person]:
    """People in ``text``, Japanese and English forms alike."""
    return list(_people(text))


@functools.lru_cache(maxsize=4096)
def _people(text: str) -> tuple[Person, ...]:
    # one release's sentences are read several times (who it names, who took part)
    return (*people_ja(text), *people_en(text))


def merge_people(groups: list[list[Person]]) -> list[Person]:
    """All people of several texts, each person once (the longest published form)."""
    merged: list[Person] = []
    for group in groups:
        for person in group:
            same = next((i for i, p in enumerate(merged) if p.same(person)), None)
            if same is None:
                merged.append(person)
            elif len(person.text) > len(merged[same].text):
                merged[same] = person
    return merged


# -- places ----------------------------------------------------------------------------

_NO_KANA = r"(?:[^\s、。,，\u3040-\u309f]|の)"
_PLACE_JA = [
    re.compile(rf"(?P<place>{_NO_KANA}{{2,40}}?)(?:において|にて)"),
    re.compile(r"(?P<place>[^\s、。,，\u3040-\u309f]{2,30}?)を訪問"),
    re.compile(r"(?P<place>[^\s、。,，\u3040-\u309f]{2,20}?)で(?:初)?(?:開催|実施)"),
]
_PLACE_EN = re.compile(
    r"\b(?:at|in)\s+(?P<place>(?:the\s+)?[A-Z][\w.'’-]*"
    r"(?:(?:\s+|,\s+|\s+(?:of|in|the|de)\s+)(?:[A-Z][\w.'’-]*|D\.C\.))*)"
)
_NOT_PLACES = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Dec\.|Jan\.|\d|The\b|Japan['’]s|Indo-Pacific|Alliance|Exclusive)"
)


def place_in(sentence: str) -> str | None:
    """Where the meeting reported by ``sentence`` was held, as written there."""
    for rx in _PLACE_JA:
        m = rx.search(sentence)
        if m:
            place = re.sub(r"^(?:訪問中|滞在中|出張中)?の", "", m["place"])  # 「訪問中のマニラ」
            if ("の" in place and place.index("の") < 2) or place.endswith(("形式", "方式")):
                continue  # 「テレビ会議形式で」: how, not where
            return place
    for m in _PLACE_EN.finditer(sentence):
        place = re.sub(r"^the\s+", "", m["place"]).rstrip(", ")
        if place.endswith(".") and not re.search(r"(?:^|[\s.])[A-Z]\.$", place):
            place = place[:-1]
        if _NOT_PLACES.match(place) or place.endswith(("'s", "’s")):
            continue
        return place
    return None
