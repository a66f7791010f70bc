"""Key sentences of a meeting: quoted verbatim from its releases, central and not redundant.

Candidates are the sentence units of the meeting's releases (only the part about this meeting
when a release reports several), without headings, captions, list markers and footers. They are
ranked by maximal marginal relevance over the unit embeddings: similarity to the centroid of all
candidates (both languages; the model is multilingual), plus a little for a sentence saying what
was decided or announced (agreed, signed, affirmed, 一致, 確認, 署名: that is what a reader of a
summary wants, not the background), minus similarity to those already chosen; a sentence that
repeats one already chosen (a reprint) is skipped. Up to four per language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.meetings.extract import Found
from index.schema import Document
from index.text import detect_lang, normalize, sentence_spans

QUOTES_PER_LANG = 4
MMR_LAMBDA = 0.7
OUTCOME_BONUS = 0.05  # added to a sentence's centrality when it says what was decided

# What a meeting decided or announced (not what it is, or what happened before it)
_OUTCOME = re.compile(
    r"\b(?:agree[ds]?|signed|sign(?:ed)? (?:a|an|the)|affirm(?:ed|s)?|reaffirm(?:ed|s)?"
    r"|commit(?:ted|s)?|announc(?:ed|es)|decided|concurred|confirm(?:ed|s)|endorsed"
    r"|pledged|launched|approved|adopted|welcomed)\b"
    r"|一致|確認|署名|合意|決定|発表|承認|採択|表明|歓迎",
    re.I,
)


def says_outcome(text: str) -> bool:
    """Whether a sentence says what was decided or announced ("agreed", 「一致した」)."""
    return _OUTCOME.search(text) is not None


@dataclass(frozen=True)
class Quote:
    """A key sentence, verbatim from the release at ``path``."""

    quote: str
    path: str


_BOILERPLATE = re.compile(
    r"^(?:title|date|source|lang|publisher|url)\s*:|Back to|へ戻る|Unsubscribe|This email"
    r"|pagetop|Ranking|写真[:：]|別ウィンドウ|\(PDF\)|Press Releases|Provisional translation"
    r"|^\d{4}-\d{1,2}-\d{1,2}\s+\d|^MODERATOR\b"
    r"|^(?:防衛省|外務省)としては",  # the closing line of every ministry release
    re.I,
)


def quotable(text: str) -> bool:
    """A whole sentence worth quoting: not a heading, a list marker, a caption or a footer."""
    t = text.strip()
    if _BOILERPLATE.search(t):
        return False
    short = 25 if detect_lang(t) == "ja" else 60
    return short <= len(t) <= 420 and re.search(r"[。.!?」”\"]$", t) is not None


def mmr(
    vectors: np.ndarray,
    k: int,
    lam: float = MMR_LAMBDA,
    centroid: np.ndarray | None = None,
    bonus: np.ndarray | None = None,
) -> list[int]:
    """Indices of ``k`` rows chosen for centrality (similarity to the centroid, plus ``bonus``)
    minus redundancy."""
    if len(vectors) == 0:
        return []
    c = vectors.mean(axis=0) if centroid is None else centroid
    c = c / (np.linalg.norm(c) or 1.0)
    relevance = vectors @ c
    if bonus is not None:
        relevance = relevance + bonus
    sims = vectors @ vectors.T
    chosen: list[int] = []
    while len(chosen) < min(k, len(vectors)):
        redundancy = sims[:, chosen].max(axis=1) if chosen else np.zeros(len(vectors))
        score = lam * relevance - (1 - lam) * redundancy
        score[chosen] = -np.inf
        chosen.append(int(np.argmax(score)))
    return chosen


def _shingles(text: str) -> set[str]:
    t = "".join(normalize(text).split())
    return {t[i : i + 3] for i in range(max(1, len(t) - 2))}


def near_duplicate(a: str, b: str, threshold: float = 0.6) -> bool:
    sa, sb = _shingles(a), _shingles(b)
    return bool(sa and sb) and len(sa & sb) / min(len(sa), len(sb)) >= threshold


def key_sentences(
    group: list[Found],
    docs: Sequence[Document],
    unit_doc: np.ndarray,
    unit_span: np.ndarray,
    vectors: np.ndarray,
) -> tuple[Quote, ...]:
    """Up to four key sentences per language for the meeting ``group`` reports, best first."""
    candidates: list[int] = []
    sentence: dict[int, tuple[int, int]] = {}  # the unit's quotable sentence (no heading)
    for f in group:
        text = docs[f.doc].text
        for u in np.flatnonzero(unit_doc == f.doc).tolist():
            s, e = (int(x) for x in unit_span[u])
            if f.region is not None and not any(a <= s and e <= b for a, b in f.region):
                continue
            whole = [(a, b) for a, b in sentence_spans(text, s, e) if quotable(text[a:b])]
            if whole:
                candidates.append(u)
                sentence[u] = max(whole, key=lambda x: x[1] - x[0])
    if not candidates:
        return ()
    centroid = vectors[candidates].mean(axis=0)
    quotes: list[Quote] = []
    for lang in ("ja", "en"):
        units = [u for u in candidates if docs[int(unit_doc[u])].lang == lang]
        outcome = np.array(
            [
                OUTCOME_BONUS
                * says_outcome(docs[int(unit_doc[u])].text[sentence[u][0] : sentence[u][1]])
                for u in units
            ]
        )
        picked: list[str] = []
        for i in mmr(vectors[units], len(units), centroid=centroid, bonus=outcome):
            u = units[i]
            doc = docs[int(unit_doc[u])]
            text = doc.text[sentence[u][0] : sentence[u][1]]
            if any(near_duplicate(text, p) for p in picked):
                continue  # the same sentence in a reprint
            picked.append(text)
            quotes.append(Quote(text, doc.path))
            if len(picked) >= QUOTES_PER_LANG:
                break
    return tuple(quotes)
