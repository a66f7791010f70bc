"""Word tokens for BM25: fugashi (MeCab + unidic-lite) for Japanese, a regex for English."""

from __future__ import annotations

import re
import threading
from typing import Any, Protocol

from index.text import normalize

# Japanese runs (kana, kanji, prolonged sound mark) versus everything else.
_RUN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u30fc々〆ヶ]+|[^\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u30fc々〆ヶ]+"
)
_EN_WORD = re.compile(r"\d\+\d|[a-z0-9]+(?:\.[a-z0-9]+)*")
_JA_SKIP_POS = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白"})
EN_STOPWORDS = frozenset(
    """
    a an and are as at be been by did do does for from had has have he her his how in is it its
    of on or she that the their them they this to was were what when where which who whom whose
    why will with would s
    """.split()
)


class Tokenizer(Protocol):
    """Turns text into the terms BM25 counts."""

    name: str

    def __call__(self, text: str) -> list[str]: ...


def fold_plural(word: str) -> str:
    # Light plural folding only: "dialogues" -> "dialogue", "ministers" -> "minister".
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_TAGGER: Any = None
_TAGGER_LOCK = threading.Lock()


def shared_tagger() -> Any:
    """The process's one fugashi Tagger. A Tagger maps unidic-lite's dictionary (188 MB)
    and fugashi never unmaps it, so one per tokenizer or per thread grew a process by that
    much with every index load and worker thread; use it only under ``_TAGGER_LOCK``
    (MeCab is not thread-safe)."""
    global _TAGGER
    with _TAGGER_LOCK:
        if _TAGGER is None:
            import fugashi

            _TAGGER = fugashi.Tagger()
        return _TAGGER


class JapaneseEnglishTokenizer:
    """fugashi for Japanese runs (surface or lemma forms), a word regex for the rest.

    All tokenizers of a process share one MeCab tagger, behind a lock (:func:`shared_tagger`).
    """

    def __init__(self, form: str = "lemma") -> None:
        if form not in ("surface", "lemma"):
            raise ValueError(f"form must be 'surface' or 'lemma', not {form!r}")
        self.form = form
        self.name = f"fugashi-unidic-lite-{form}"

    def tag(self, text: str) -> list[Any]:
        """fugashi's words for ``text`` (with their unidic features)."""
        tagger = shared_tagger()
        with _TAGGER_LOCK:
            words = list(tagger(text))
            for word in words:  # a node reads its features from the tagger's memory, which
                _ = word.feature  # the next parse reuses: read them while it is ours
        return words

    def __call__(self, text: str) -> list[str]:
        tokens: list[str] = []
        for run in _RUN.findall(normalize(text)):
            first = run[0]
            if "\u3040" <= first <= "\u9fff" or first in "々〆ヶ":
                tokens.extend(self._japanese(run))
            else:
                tokens.extend(
                    fold_plural(w) for w in _EN_WORD.findall(run) if w not in EN_STOPWORDS
                )
        return tokens

    def _japanese(self, run: str) -> list[str]:
        out: list[str] = []
        for word in self.tag(run):
            feature = word.feature
            if feature.pos1 in _JA_SKIP_POS:
                continue
            term = word.surface
            if self.form == "lemma" and feature.lemma and feature.pos1 in ("動詞", "形容詞"):
                term = feature.lemma
            out.append(term)
        return out
