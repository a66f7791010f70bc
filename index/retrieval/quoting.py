"""Passages as people read them: whole sentences, and reprints recognised as such."""

from __future__ import annotations

from index.text import normalize, sentence_spans


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
