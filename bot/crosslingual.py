"""What a reader sees under a passage in the other language than their question's: the release
of the same meeting in their language, and a gloss of the quote's dates, figures and names.

Plain text over ``index.schema.Hit`` (its ``counterpart`` and ``gloss``, computed in the core),
shared by the Discord replies (``bot.render``) and the command line (``bot.cli.ask``).
"""

from __future__ import annotations

from collections.abc import Callable

from index.schema import Document, Gloss, Hit

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "release_en": "English release of this meeting",
        "release_ja": "Japanese release of this meeting",
        "gloss": "Gloss",
    },
    "ja": {
        "release_en": "この会合の英語の発表",
        "release_ja": "この会合の日本語の発表",
        "gloss": "対訳",
    },
}


TITLE_CHARS = 200


def _same(text: str) -> str:
    return text


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plain_link(doc: Document) -> str:
    return doc.url or doc.path


def gloss_item(g: Gloss) -> str:
    """ "2024-12-10 (令和6年12月10日)", "熊本県 = Kumamoto Prefecture", "約40分間"."""
    if g.kind == "date":
        return f"{g.gloss} ({g.text})"
    if g.kind == "name":
        return f"{g.text} = {g.gloss}"
    return g.text


def reader_lines(
    hit: Hit,
    lang: str,
    *,
    escape: Callable[[str], str] = _same,
    link: Callable[[Document], str] = _plain_link,
    cut: Callable[[str, int], str] = _cut,
) -> list[tuple[str, str]]:
    """(label, text) for the release in the reader's language and the gloss, those there are.

    Args:
        hit: a shown passage (nothing for one in the question's language).
        lang: the language of the labels ("ja" or "en").
        escape: makes release text safe where it is shown (Discord markdown).
        link: the release's link as shown (``<url>`` in Discord, the file when it has none).
        cut: shortens a long title to a length, with an ellipsis (``bot.render.trim`` never
            splits a character).
    """
    words = LABELS.get(lang, LABELS["en"])
    out: list[tuple[str, str]] = []
    doc = hit.counterpart
    if doc is not None:
        title = cut(doc.title or doc.path, TITLE_CHARS)  # the link after it stays whole
        head = ", ".join(x for x in (title, _date(doc)) if x)
        label = words.get(f"release_{doc.lang}", words["release_en"])
        out.append((label, f"{escape(head)}, {link(doc)}"))
    if hit.gloss:
        out.append((words["gloss"], escape(" · ".join(gloss_item(g) for g in hit.gloss))))
    return out


def _date(doc: Document) -> str:
    return doc.date.isoformat() if doc.date else ""
