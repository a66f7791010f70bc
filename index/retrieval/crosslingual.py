"""BM25 evidence across languages, from the translations of the question's words.

BM25 cannot match "Futenma" with 普天間, and the dense model ranks the Japanese sentence about
Futenma far down for an English question. Translating the question word by word
(index.retrieval.lexicon) fixes that, but also drags in the other-language reprint of every release
the question's own language already answers from. So only the words that the question's own
language lacks count: words no release among its best ones (or from the time the question names)
holds, only when the corpus leaves them one reading (a word whose translations match in many senses
says nothing), and only when that reading points at a single passage of the other language's
releases about the question ("Hawaii" recurs all through the Hawaii meeting's releases and
says nothing about which passage answers; 空軍基地 stands in one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.retrieval.lexicon import TermSet
from index.store.bm25 import BM25


@dataclass(frozen=True)
class Translated:
    """Per-unit evidence from translations, the target terms that matched somewhere, and
    which question words each matching translation stands for."""

    scores: np.ndarray
    terms: frozenset[str]
    pairs: dict[tuple[str, ...], str]  # translation (BM25 terms) -> the question's words


def translated_evidence(
    bm25: BM25,
    sets: Sequence[TermSet],
    eligible: np.ndarray,
    context: np.ndarray,
    max_readings: int,
    scope: np.ndarray | None = None,
    max_units: int = 0,
) -> Translated:
    """Score units by the translations of the question's missing words.

    Args:
        bm25: the index's BM25 (both languages share its vocabulary).
        sets: the question's words with their translations.
        eligible: the units that may score (the other language, within the filters).
        context: the units of the releases the question's own language ranks best; a word one
            of them holds is not missing.
        max_readings: a word is used only when at most this many of its translations occur in
            the eligible units ("sign": 印, 兆, 標識, ... is ambiguous; "memorandum" has a
            dozen translations but a corpus holds one of them, 覚書).
        scope: the other-language units about the question (its time's releases, or the
            releases of its best candidates).
        max_units: a word is used only when none of its translations stands in more than this
            many ``scope`` units (0: no limit).

    Returns:
        For each unit, the sum over missing words of its matching translation's BM25 weight.
    """
    n = len(eligible)
    scores = np.zeros(n, dtype=np.float64)
    matched: set[str] = set()
    pairs: dict[tuple[str, ...], str] = {}
    for term_set in sets:
        own = bm25.postings(term_set.source)
        if own is not None and context[own[0]].any():
            continue  # the question's language has it: its reprint elsewhere adds nothing
        readings = []
        for target in term_set.targets or (term_set.source,):
            found = bm25.postings(target)
            if found is not None and eligible[found[0]].any():
                keep = eligible[found[0]]
                readings.append((target, found[0][keep], found[1][keep]))
        if not readings or len(readings) > max_readings:
            continue
        if (
            max_units
            and scope is not None
            and max(int(scope[rows].sum()) for _, rows, _ in readings) > max_units
        ):
            continue
        best = np.zeros(n, dtype=np.float64)
        for target, rows, weights in readings:
            best[rows] = np.maximum(best[rows], weights)
            matched.update(target)
            pairs.setdefault(target, term_set.text or " ".join(term_set.source))
        scores += best
    return Translated(scores, frozenset(matched), pairs)
