"""Countries and organisations as releases name them: a gazetteer of both languages' words.

A partner prefix joins them (日米豪比, 日・フィリピン, 日ASEAN諸国, U.S.-Japan-ROK,
ASEAN-Japan); running text names them in full (「米国」「フィリピン」, "Australian", "Republic of
Korea"). Everything here is data about the language, not about any one meeting: a country joins
the table with its Japanese prefix character (when releases use one), its Japanese and English
names, and the words English uses for it.
"""

from __future__ import annotations

import functools
import re

# key, Japanese prefix character ("" when releases spell the name out), Japanese names (the
# first is the canonical one), English short name, English patterns (alternatives joined by
# "|" at the top level only: they are also read one by one), ISO alpha-3. The order is
# the canonical order of names: Japan first, as Japanese releases write 日米豪比.
_COUNTRIES: list[tuple[str, str, str, str, str, str]] = [
    ("JP", "日", "日本", "Japan", r"Japan(?:ese)?", "JPN"),
    ("US", "米", "米国|アメリカ合衆国|アメリカ", "U.S.",
     r"U\.S\.(?:A\.)?|USA|US|United States(?: of America)?|American", "USA"),
    ("AU", "豪", "豪州|オーストラリア", "Australia", r"Australia(?:n)?", "AUS"),
    ("IN", "印", "インド", "India", r"India(?:n)?", "IND"),
    ("PH", "比", "フィリピン", "Philippines",
     r"(?:the )?Philippines?|Philippine|PHL|Filipino", "PHL"),
    ("KR", "韓", "韓国|大韓民国", "ROK", r"ROK|Republic of Korea|South Korean?|S\. Korean?", "KOR"),
    ("GB", "英", "英国|イギリス", "UK", r"U\.K\.|UK|GBR|United Kingdom|Britain|British", "GBR"),
    ("FR", "仏", "フランス", "France", r"France|French", "FRA"),
    ("DE", "独", "ドイツ", "Germany", r"Germany|German", "DEU"),
    ("IT", "伊", "イタリア", "Italy", r"Italy|Italian", "ITA"),
    ("CA", "加", "カナダ", "Canada", r"Canada|Canadian", "CAN"),
    ("NZ", "NZ", "ニュージーランド", "New Zealand", r"New Zealand|NZ", "NZL"),
    ("VN", "越", "ベトナム", "Vietnam", r"Viet ?[Nn]am(?:ese)?", "VNM"),
    ("ID", "尼", "インドネシア", "Indonesia", r"Indonesia(?:n)?", "IDN"),
    ("SG", "星", "シンガポール", "Singapore", r"Singapore(?:an)?", "SGP"),
    ("MY", "馬", "マレーシア", "Malaysia", r"Malaysia(?:n)?", "MYS"),
    ("TH", "泰", "タイ", "Thailand", r"Thailand|Thai", "THA"),
    ("MN", "蒙", "モンゴル", "Mongolia", r"Mongolian?", "MNG"),
    ("KH", "", "カンボジア", "Cambodia", r"Cambodian?", "KHM"),
    ("LA", "", "ラオス", "Laos", r"Laos|Laotian|Lao PDR|Lao", "LAO"),
    ("MM", "", "ミャンマー", "Myanmar", r"Myanmar", "MMR"),
    ("BN", "", "ブルネイ", "Brunei", r"Brunei(?: Darussalam)?", "BRN"),
    ("TL", "", "東ティモール", "Timor-Leste", r"Timor-Leste|East Timor", "TLS"),
    ("LK", "", "スリランカ", "Sri Lanka", r"Sri Lankan?", "LKA"),
    ("BD", "", "バングラデシュ", "Bangladesh", r"Bangladesh(?:i)?", "BGD"),
    ("PK", "", "パキスタン", "Pakistan", r"Pakistan(?:i)?", "PAK"),
    ("PG", "", "パプアニューギニア", "Papua New Guinea", r"Papua New Guinea", "PNG"),
    ("FJ", "", "フィジー", "Fiji", r"Fiji(?:an)?", "FJI"),
    ("PW", "", "パラオ", "Palau", r"Palau(?:an)?", "PLW"),
    ("ES", "", "スペイン", "Spain", r"Spain|Spanish", "ESP"),
    ("NL", "蘭", "オランダ", "Netherlands", r"(?:the )?Netherlands|Dutch", "NLD"),
    ("BE", "", "ベルギー", "Belgium", r"Belgium|Belgian", "BEL"),
    ("PL", "", "ポーランド", "Poland", r"Poland|Polish", "POL"),
    ("SE", "", "スウェーデン", "Sweden", r"Sweden|Swedish", "SWE"),
    ("FI", "", "フィンランド", "Finland", r"Finland|Finnish", "FIN"),
    ("NO", "", "ノルウェー", "Norway", r"Norway|Norwegian", "NOR"),
    ("DK", "", "デンマーク", "Denmark", r"Denmark|Danish", "DNK"),
    ("EE", "", "エストニア", "Estonia", r"Estonian?", "EST"),
    ("LV", "", "ラトビア", "Latvia", r"Latvian?", "LVA"),
    ("LT", "", "リトアニア", "Lithuania", r"Lithuanian?", "LTU"),
    ("CZ", "", "チェコ", "Czechia", r"Czechia|Czech Republic|Czech", "CZE"),
    ("UA", "", "ウクライナ", "Ukraine", r"Ukraine|Ukrainian", "UKR"),
    ("TR", "", "トルコ", "Türkiye", r"T[üu]rkiye|Turkey|Turkish", "TUR"),
    ("IL", "", "イスラエル", "Israel", r"Israel(?:i)?", "ISR"),
    ("AE", "", "アラブ首長国連邦", "UAE", r"UAE|United Arab Emirates", "ARE"),
    ("SA", "", "サウジアラビア", "Saudi Arabia", r"Saudi Arabian?|Saudi", "SAU"),
    ("QA", "", "カタール", "Qatar", r"Qatar(?:i)?", "QAT"),
    ("JO", "", "ヨルダン", "Jordan", r"Jordan(?:ian)?", "JOR"),
    ("EG", "", "エジプト", "Egypt", r"Egypt(?:ian)?", "EGY"),
    ("DJ", "", "ジブチ", "Djibouti", r"Djibouti", "DJI"),
    ("KE", "", "ケニア", "Kenya", r"Kenyan?", "KEN"),
    ("ZA", "", "南アフリカ", "South Africa", r"South African?", "ZAF"),
    ("BR", "伯", "ブラジル", "Brazil", r"Brazil(?:ian)?", "BRA"),
    ("MX", "墨", "メキシコ", "Mexico", r"Mexico|Mexican", "MEX"),
    ("CL", "", "チリ", "Chile", r"Chilean?", "CHL"),
    ("PE", "", "ペルー", "Peru", r"Peruvian|Peru", "PER"),
    ("AR", "", "アルゼンチン", "Argentina", r"Argentina|Argentine|Argentinian", "ARG"),
    ("KZ", "", "カザフスタン", "Kazakhstan", r"Kazakh(?:stan)?", "KAZ"),
    ("UZ", "", "ウズベキスタン", "Uzbekistan", r"Uzbek(?:istan)?", "UZB"),
    ("CN", "中", "中国", "China", r"China|PRC|Chinese", "CHN"),
    ("RU", "露", "ロシア", "Russia", r"Russia(?:n)?", "RUS"),
    ("KP", "", "北朝鮮", "DPRK",
     r"DPRK|North Korean?|Democratic People['’]s Republic of Korea", "PRK"),
    ("ASEAN", "ASEAN", "ASEAN|東南アジア諸国連合", "ASEAN", r"ASEAN", ""),
    ("NATO", "NATO", "NATO|北大西洋条約機構", "NATO", r"NATO|North Atlantic Treaty Organization",
     ""),
    ("EU", "EU", "EU|欧州連合", "EU", r"EU|European Union", ""),
]  # fmt: skip
ORDER = {c[0]: i for i, c in enumerate(_COUNTRIES)}
# the names meetings.json gives countries and organisations
_FULL = {"US": "United States", "KR": "Republic of Korea", "GB": "United Kingdom", "EU":
         "European Union", "AE": "United Arab Emirates", "KP": "North Korea"}  # fmt: skip
FULL_NAME = {c[0]: _FULL.get(c[0], c[3]) for c in _COUNTRIES}
CODE_OF_FULL_NAME = {v: k for k, v in FULL_NAME.items()}
JA_PREFIX = {c[0]: c[1] or c[2].split("|")[0] for c in _COUNTRIES}
JA_NAME = {c[0]: c[2].split("|")[0] for c in _COUNTRIES}
EN_NAME = {c[0]: c[3] for c in _COUNTRIES}
_BY_JA_CHAR = {c[1]: c[0] for c in _COUNTRIES if c[1]}
_EN_TOKENS = [(c[0], re.compile(rf"(?:{c[4]})\Z")) for c in _COUNTRIES]
# Japanese names as they stand in running text (「米国」「豪州」「アメリカ合衆国」 ...)
JA_WORDS = {w: c[0] for c in _COUNTRIES for w in c[2].split("|")}
# groups of countries named as one: "the Quad" is Japan, the United States, Australia and India
_QUAD = ("JP", "US", "AU", "IN")
GROUPS = {"Quad": _QUAD, "QUAD": _QUAD, "クアッド": _QUAD}
GROUP_RE = "|".join(GROUPS)
# countries named around a meeting that are seldom its partners: the region's concerns
NOT_GUESSED = frozenset({"CN", "RU", "KP"})


def _alternatives(words: list[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_KATAKANA = r"\u30a1-\u30fa\u30fc-\u30ff"  # katakana letters, not the middle dot ・
# a spelled-out name in a prefix: 日・フィリピン, 日ニュージーランド (not インド太平洋)
_JA_NAME_TOKEN = (
    rf"(?:{_alternatives([w for w in JA_WORDS if w not in ('日本',) and len(w) > 1])})"
    rf"(?![{_KATAKANA}]|太平洋)"
)
_JA_PREFIX_CHARS = "".join(c[1] for c in _COUNTRIES if len(c[1]) == 1 and c[0] != "JP")
# 日米, 日米豪比, 日・ASEAN(諸国), 日・フィリピン, 日NATO; not 本日米国 / 28日米国 / 毎日 / 訪日中
JA_PREFIX_RE = (
    rf"(?<![本毎同翌前当昨今先後訪来滞0-9０-９月])日(?:・)?"
    rf"(?:{_JA_NAME_TOKEN}|[{_JA_PREFIX_CHARS}]|ASEAN(?:諸国)?|NATO|EU|NZ|・)+"
)
_JA_TOKEN_RE = re.compile(rf"{_JA_NAME_TOKEN}|ASEAN|NATO|EU|NZ|.")
EN_TOKEN_RE = "|".join(
    sorted((p for c in _COUNTRIES for p in c[4].split("|")), key=len, reverse=True)
)
# U.S.-Japan, Japan-US-S. Korea, Australia-Japan-Philippines-US, United States-Japan-Australia
EN_PREFIX_RE = rf"(?<![\w-])(?=[A-Z])(?:{EN_TOKEN_RE})(?:\s?[-–]\s?(?:{EN_TOKEN_RE}))+(?![\w-])"


def sort_countries(keys: set[str] | list[str]) -> list[str]:
    """Country codes once each, in the canonical order of names (Japan first)."""
    return sorted(set(keys), key=lambda k: ORDER.get(k, 999))


def countries_of_ja_prefix(prefix: str) -> list[str]:
    """「日米豪比」 -> JP, US, AU, PH; 「日・フィリピン」 -> JP, PH; 「クアッド」: its four."""
    if prefix in GROUPS:
        return sort_countries(list(GROUPS[prefix]))
    found = ["JP"]
    for token in _JA_TOKEN_RE.findall(prefix[1:]):
        key = JA_WORDS.get(token) or _BY_JA_CHAR.get(token)
        if key:
            found.append(key)
    return sort_countries(found)


@functools.lru_cache(maxsize=1024)
def country_of_en(token: str) -> str | None:
    """The code of one English country word ("Australian" -> AU), or None."""
    token = token.strip()
    return next((key for key, rx in _EN_TOKENS if rx.match(token)), None)


def countries_of_en_prefix(prefix: str) -> list[str]:
    """ "U.S.-Japan-ROK" -> JP, US, KR; "Quad": its four."""
    if prefix.strip() in GROUPS:
        return sort_countries(list(GROUPS[prefix.strip()]))
    keys = [country_of_en(t) for t in re.split(r"\s?[-–]\s?(?=[A-Z])", prefix)]
    return sort_countries([k for k in keys if k])


# ISO 3166 alpha-3 codes, as analysts abbreviate partners in a prefix ("JPN-AUS", "jpn-phl");
# read only in questions' prefixes (in running text "CAN" or "IND" is a word)
_ALPHA3 = {c[5]: c[0] for c in _COUNTRIES if c[5]}
_TYPED_TOKEN_RE = "|".join([EN_TOKEN_RE, *_ALPHA3])
# a partner prefix as a chat types it: "japan-rok", "jpn-aus", "us-japan" (question_kinds)
_TYPED_PREFIX_RE = re.compile(
    rf"(?<![\w-])(?:{_TYPED_TOKEN_RE})(?:\s?[-–]\s?(?:{_TYPED_TOKEN_RE}))+(?![\w-])", re.I
)
_TYPED_TOKENS = [(key, re.compile(rx.pattern, re.I)) for key, rx in _EN_TOKENS]


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


# a country word standing alone or inside a prefix ("Japan-Australia": both), not a word's part
_EN_WORD_RE = re.compile(rf"(?<![\w])(?:{EN_TOKEN_RE})(?![\w])")


def _ja_word(word: str) -> str:
    """A Japanese name as a whole word: a katakana name not inside a longer katakana word."""
    kana = f"[{_KATAKANA}]"
    before = f"(?<!{kana})" if re.match(kana, word) else ""
    after = f"(?!{kana}|太平洋)" if re.search(f"{kana}$", word) else ""
    return before + re.escape(word) + after


_FIRST = "".join(sorted({re.escape(w[0]) for w in JA_WORDS}))
# the lookahead on first characters lets the scan skip most positions at once (30x faster)
JA_WORD_RE = re.compile(
    rf"(?=[{_FIRST}])(?:{'|'.join(_ja_word(w) for w in sorted(JA_WORDS, key=len, reverse=True))})"
)


# a country named as where something happens, not who takes part: "visiting Germany to attend
# the G7", "in Singapore", 「ドイツを訪問中」, 「米国・ニューヨークにおいて」
_PLACE_BEFORE = re.compile(r"(?:\bvisit(?:ing|s|ed)?|\bvisit to|\bin|\bat)\s+(?:the\s+)?$")
_PLACE_AFTER = re.compile(
    r"^(?:・[^\s、。,，]{1,12})?(?:を訪問|に出張|において|にて|に滞在|訪問中|出張中|で開催|で行われ)"
)


def _hits(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, code, whether named in a partner prefix) of every country ``text`` names."""
    hits = [
        (m.start(), m.end(), country_of_en(m.group()), False) for m in _EN_WORD_RE.finditer(text)
    ]
    hits += [(m.start(), m.end(), JA_WORDS[m.group()], False) for m in JA_WORD_RE.finditer(text)]
    for m in re.finditer(JA_PREFIX_RE, text):
        hits += [(m.start(), m.end(), key, True) for key in countries_of_ja_prefix(m.group())]
    for m in re.finditer(rf"(?<![\w-])(?:{GROUP_RE})(?![\w-])", text):
        hits += [(m.start(), m.end(), key, True) for key in GROUPS[m.group()]]
    return sorted(((a, b, k, p) for a, b, k, p in hits if k), key=lambda h: h[0])


def country_hits(text: str) -> list[tuple[int, str]]:
    """(position, code) of every country ``text`` names: words, names and partner prefixes."""
    return [(a, key) for a, _, key, _ in _hits(text)]


def countries_named(text: str, places: bool = True) -> list[str]:
    """Countries named anywhere in ``text``, in order of first mention (the region's concerns,
    :data:`NOT_GUESSED`, left out: they are seldom a meeting's partners); without ``places``,
    countries named only as where something happens ("visiting Germany") are left out too."""
    found: list[str] = []
    for start, end, key, prefix in _hits(text):
        if key in found or key in NOT_GUESSED:
            continue
        if not (places or prefix) and (
            _PLACE_BEFORE.search(text[max(0, start - 20) : start]) or _PLACE_AFTER.match(text[end:])
        ):
            continue
        found.append(key)
    return found
