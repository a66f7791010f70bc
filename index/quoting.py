"""Passages as people read them: whole sentences, and reprints recognised as such."""

from __future__ import annotations

import re

from index.text import normalize, sentence_spans

# Lines around an article that are not part of what it says: photo captions, end marks,
# share and print links, "related links" headings (matched on the NFKC form of one line).
_BOILERPLATE = re.compile(
    r"^\s*(?:"
    r"(?:\(|\[)?写真(?:提供)?\s*[:：].{0,40}"  # 写真：防衛省
    r"|.{0,120}\((?:写真|写真提供\s*[:：].{0,30})\)"  # …の様子 (写真提供：内閣広報室)
    r"|\(?写真\)?"
    r"|\(?以上\)?"
    r"|#{3,}|-\s*(?:end|以上)\s*-"
    r"|(?:photo|photos|image)(?:\s+(?:by|credit))?\s*[:：].{0,120}"
    r"|\((?:photo|dod photo)[^)]{0,120}\)"
    r"|(?:share|print|tweet|email|印刷|シェア|ツイート|共有)(?:\s+this)?(?:\s*(?:page|ページ))?"
    r"|(?:related\s+(?:links?|articles?|content)|関連(?:リンク|記事|情報))\s*[:：]?"
    r")\s*$",
    re.IGNORECASE,
)


def is_boilerplate(line: str) -> bool:
    """Whether one line is page furniture, not the release's words: a photo caption
    (「写真：防衛省」, 「…の様子 (写真提供：内閣広報室)」, "Photo: …"), 「（以上）」, "###", a
    share or print link, a "Related links" heading."""
    return _BOILERPLATE.match(normalize(line)) is not None


def is_sentence(text: str) -> bool:
    """Whether the text holds a whole sentence (headings and link lines do not)."""
    return any(
        text[a:b].rstrip("」』）)\"”’'").endswith(("。", ".", "!", "?", "！", "？"))
        for a, b in sentence_spans(text)
    )


def shingles(text: str) -> set[str]:
    """Character 3-grams of the text, spaces removed (for spotting reprints)."""
    t = "".join(normalize(text).split())
    return {t[i : i + 3] for i in range(max(1, len(t) - 2))}


def near_duplicate(sa: set[str], sb: set[str], threshold: float = 0.6) -> bool:
    """Whether two passages' shingles overlap enough for one to be a reprint of the other."""
    if sa == sb:
        return bool(sa)
    if not sa or not sb:
        return False
    return len(sa & sb) / min(len(sa), len(sb)) >= threshold
