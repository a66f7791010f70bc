"""Split documents into sentence units (what is embedded and counted) and passages (what is shown).

A unit is one sentence, or a few short ones merged, never longer than ``max_chars``. A passage is
a unit with its neighbours for context. Both are ``(start, end)`` offsets into ``Document.text``.
"""

from __future__ import annotations

import re

from index.ingest.rawpage import CLOSING_MARK
from index.schema import Document
from index.text import normalize, sentence_spans, split_long

MIN_UNIT_CHARS = 40

# Lines around an article that are not part of what it says: photo captions, end marks,
# share and print links, "related links" headings (matched on the NFKC form of one line).
_BOILERPLATE = re.compile(
    r"^\s*(?:"
    r"(?:\(|\[)?写真(?:提供)?\s*[:：].{0,40}"  # 写真：防衛省
    r"|.{0,120}\((?:写真|写真提供\s*[:：].{0,30})\)"  # …の様子 (写真提供：内閣広報室)
    r"|\(?写真\)?"
    r"|#{3,}|-\s*以上\s*-"  # closing marks beyond rawpage.CLOSING_MARK
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
    text = normalize(line)
    return CLOSING_MARK.match(text.strip()) is not None or _BOILERPLATE.match(text) is not None


def document_units(
    doc: Document, max_chars: int, min_chars: int = MIN_UNIT_CHARS
) -> list[tuple[int, int]]:
    """Sentence units of a document, in order, as offsets into ``doc.text``.

    Page furniture (photo captions, 「（以上）」, share links: :func:`is_boilerplate`) is in no
    unit, and no unit spans over it, so no passage shows it."""
    pieces: list[tuple[int, int] | None] = []  # None: furniture left out
    for start, end in sentence_spans(doc.text):
        if is_boilerplate(doc.text[start:end]):
            if pieces and pieces[-1] is not None:
                pieces.append(None)
            continue
        pieces.extend(split_long(doc.text, start, end, max_chars))
    units: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    for piece in pieces:
        if piece is None:  # a short line before furniture stands alone
            if pending is not None:
                units.append(pending)
                pending = None
            continue
        start, end = piece
        if pending is not None:
            if end - pending[0] <= max_chars:
                start = pending[0]
            else:
                units.append(pending)
            pending = None
        if end - start < min_chars:
            pending = (start, end)
        else:
            units.append((start, end))
    if pending is not None:
        if units and pending[1] - units[-1][0] <= max_chars:
            units[-1] = (units[-1][0], pending[1])
        else:
            units.append(pending)
    return units


def passage_span(
    units: list[tuple[int, int]],
    i: int,
    max_chars: int,
    shown: list[tuple[int, int]] | None = None,
    text: str | None = None,
) -> tuple[int, int]:
    """Unit ``i`` with the unit before and the one after, each only where it still fits, is
    not already in a ``shown`` span (of the same document) and, given the document's
    ``text``, nothing left out of the units (page furniture) stands between them.

    The unit before comes first: it usually names who or what the hit's sentence is about.
    """

    def free(j: int) -> bool:
        a, b = units[j]
        if text is not None:
            gap = text[units[j][1] : units[i][0]] if j < i else text[units[i][1] : units[j][0]]
            if gap.strip():
                return False
        return not any(a < end and start < b for start, end in shown or ())

    start, end = units[i]
    if i > 0 and end - units[i - 1][0] <= max_chars and free(i - 1):
        start = units[i - 1][0]
    if i + 1 < len(units) and units[i + 1][1] - start <= max_chars and free(i + 1):
        end = units[i + 1][1]
    return start, end
