"""Names and words typed as in a chat, corrected against the corpus's own vocabulary.

"ausitn", "blinkin", "excercise": a Latin-script word of six letters or more that no release
holds, that the dictionary does not know as a word, and that is one edit (a letter added,
dropped, changed, or two swapped) from a word the releases do hold, is read as that word (the
most frequent one, when several are). Words the corpus holds are never changed, nor real
words it does not hold ("frigate" stays), and nothing is guessed for a word with no such
neighbour. The lookup is a symmetric-delete index (as SymSpell's) over the BM25 vocabulary:
each word and its one-letter deletions, so a question costs a few dictionary lookups.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from index.tokenize import fold_plural

_WORD = re.compile(r"[A-Za-z]{6,}")


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one insertion, deletion, substitution or swap of
    two neighbouring letters."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


class Speller:
    """Corrects misspelt Latin-script words of a question to words of the corpus.

    Args:
        vocab: the corpus's words (BM25 terms: lower case, plurals folded) and how many units
            hold each (more: preferred among equally close candidates).
        is_word: whether a word (lower case) is a real word, though the corpus lacks it (the
            dictionary's English headwords); such a word is left as typed.
    """

    def __init__(
        self, vocab: Mapping[str, int], is_word: Callable[[str], bool] | None = None
    ) -> None:
        self.is_word = is_word
        self.vocab = {w: n for w, n in vocab.items() if w.isascii() and w.isalpha()}
        self._near: dict[str, list[str]] = {}
        for word in self.vocab:
            if len(word) < 4:
                continue
            for key in (word, *_deletes(word)):
                self._near.setdefault(key, []).append(word)

    def known(self, word: str) -> bool:
        low = word.lower()
        return low in self.vocab or fold_plural(low) in self.vocab

    def suggest(self, word: str) -> str | None:
        """The corpus word one edit from ``word`` (lower case), or None."""
        low = word.lower()
        if self.known(low):
            return None
        found: set[str] = set()
        for key in (low, *_deletes(low)):
            found.update(self._near.get(key, ()))
        close = [w for w in found if _one_edit(low, w)]
        if not close or (self.is_word is not None and self.is_word(low)):
            return None
        return max(close, key=lambda w: (self.vocab[w], w))

    def correct(self, text: str) -> str:
        """``text`` with each misspelt word replaced (its capital kept)."""

        def fix(m: re.Match[str]) -> str:
            word = m.group()
            better = self.suggest(word)
            if better is None:
                return word
            return better.capitalize() if word[0].isupper() else better

        return _WORD.sub(fix, text)

    def corrections(self, text: str) -> Iterable[tuple[str, str]]:
        """(as typed, as read) for each word :meth:`correct` would change."""
        for m in _WORD.finditer(text):
            better = self.suggest(m.group())
            if better is not None:
                yield m.group(), better
