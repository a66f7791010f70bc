"""Which government body a question asks to be quoted from, which releases are its, and which
country a release's publisher speaks for.

"According to MOFA's advance announcement, ...", 「米国防総省の発表を行ったのは誰か」,
"Who provided the Pentagon release ...": the asker wants that body's own words, while the same
meeting's releases by the other side say much the same and often rank first. A body named as a
*participant* ("Which Ministry of Defense official co-chaired ...", 「国務省の人物」) is not a
source and is not matched: only phrasings that name where the words come from are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from index.schema import Document
from index.text import normalize


@dataclass(frozen=True)
class Publisher:
    """A government body that publishes releases."""

    key: str
    names: str  # regex alternatives naming it in a question (normalised, lower case)
    marks: tuple[str, ...]  # lower-case substrings of a release's publisher or link

    def publishes(self, doc: Document) -> bool:
        """Whether ``doc`` is this body's release (or a reprint naming it as the source)."""
        held = f"{doc.publisher or ''} {doc.url or ''}".lower()
        return any(mark in held for mark in self.marks)


PUBLISHERS = (
    Publisher(
        "mofa",
        r"mofa|(?:japan's |japanese )?(?:ministry of foreign affairs|foreign ministry)|外務省",
        ("外務省", "ministry of foreign affairs", "mofa.go.jp"),
    ),
    Publisher(
        "mod",
        r"(?:japan's |japanese )?(?:ministry of defen[cs]e|defen[cs]e ministry)|\bmod\b|防衛省",
        ("防衛省", "ministry of defense of japan", "mod.go.jp"),
    ),
    Publisher(
        "dod",
        r"(?:u\.?s\.? )?(?:department of defen[cs]e|defen[cs]e department)|\bdod\b|pentagon"
        r"|(?:米|米国|アメリカ)?国防(?:総)?省|ペンタゴン",
        ("department of defense", "dod news", "defense.gov"),
    ),
    Publisher(
        "state",
        r"(?:u\.?s\.? )?(?:department of state|state department)|(?:米|米国|アメリカ)?国務省",
        ("department of state", "state.gov"),
    ),
    Publisher(
        "kantei",
        r"kantei|(?:japan's )?prime minister's office|(?:首相|総理)?官邸",
        ("kantei", "prime minister's office", "首相官邸"),
    ),
)

_RELEASE_EN = (
    r"(?:advance |official |press |news |own )?"
    r"(?:announcement|release|readout|statement|transcript|account|summary|report|website)"
)
_VERB_EN = r"(?:announce|publish|release|report|say|state|describe|explain|list|post)"
_RELEASE_JA = r"(?:の)?(?:開催)?(?:発表|公表|報道発表|発表資料|資料|説明|ウェブサイト|ホームページ)"


def _source_patterns(names: str) -> list[re.Pattern[str]]:
    org = rf"(?:the )?(?:{names})"
    return [
        re.compile(rf"according to {org}"),
        re.compile(
            rf"(?:as |was |were )?(?:described|announced|reported|stated|published) by {org}"
        ),
        re.compile(rf"(?:{names})(?:'s|’s)? {_RELEASE_EN}"),
        re.compile(rf"(?:did|does|do|has|had) {org} {_VERB_EN}"),
        re.compile(rf"(?:{names}){_RELEASE_JA}"),
        re.compile(rf"(?:{names})(?:によると|によれば|では|が発表|が公表)"),
        re.compile(rf"(?:{names})は[^。?？]{{0,20}}(?:発表|公表)"),
    ]


_PATTERNS = [(p, _source_patterns(p.names)) for p in PUBLISHERS]


def named_sources(question: str) -> list[Publisher]:
    """The bodies ``question`` asks to be quoted from ("according to MOFA", 「防衛省の発表」)."""
    text = normalize(question).lower()
    return [pub for pub, patterns in _PATTERNS if any(p.search(text) for p in patterns)]


# where a government's site is: a country's top-level domain (ISO 3166 alpha-2, but .uk), the
# United States' own domains, and the organisations' sites
_SITE_SUFFIXES = {".gov": "US", ".mil": "US", ".uk": "GB", "nato.int": "NATO",
                  "europa.eu": "EU", "asean.org": "ASEAN"}  # fmt: skip
_GENERIC = frozenset({"com", "org", "net", "int", "edu", "info", "biz", "io", "eu", "news"})


def site_country(url: str | None) -> str | None:
    """The country (ISO alpha-2 code, "NATO", "EU", "ASEAN") whose site ``url`` is on, read from
    its address alone: a publisher never seen before still says whose side it speaks for
    (``mnd.go.kr``: KR; ``minister.defence.gov.au``: AU; ``defense.gov``: US). None for a
    generic domain (a news site's ``.com``)."""
    host = (urlsplit(url).hostname or "") if url else ""
    if not host:
        return None
    for suffix, code in _SITE_SUFFIXES.items():
        dotted = suffix if suffix.startswith(".") else "." + suffix
        if host == dotted[1:] or host.endswith(dotted):
            return code
    tld = host.rsplit(".", 1)[-1]
    return tld.upper() if len(tld) == 2 and tld.isalpha() and tld not in _GENERIC else None
