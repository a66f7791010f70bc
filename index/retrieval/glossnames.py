"""A quote's names, places and organisations in the other language, as JMdict and JMnedict give
them (:mod:`index.retrieval.gloss` adds the dates and figures).

- A Japanese quote: fugashi's nouns, the longest phrase first (up to four words), looked up as
  written. A phrase is a name when JMdict's first translation of it is capitalised ("Ministry of
  Defense", "Kumamoto prefecture"; 駐屯地, "garrison", is no name), or, for a phrase holding a
  proper noun, when JMnedict has it (中谷: Nakatani, Nakaya, ...).
- An English quote: capitalised phrases of up to three words ("Ministry of Defense", "Austin"),
  looked up in lower case; a Japanese form counts when the dictionary glosses it with the phrase,
  capitalised (漆 is "japan", lacquer: no). Adjectives of nationality ("Japanese") are no names.

Where the dictionary gives several translations, the one the reader's-language releases of the
same meeting (the witnesses) write most is taken; else JMdict's first translation of a Japanese
phrase; else the only one, or the only one the corpus holds; else the phrase is left out.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from index.retrieval.lexicon import Lexicon, gloss_variants
from index.schema import Gloss
from index.tokenize import EN_STOPWORDS, JapaneseEnglishTokenizer, Tokenizer

Known = Callable[[Sequence[str]], bool] | None

_LEADING_PAREN = re.compile(r"^\(([^)]*)\)\s*")
_PAREN = re.compile(r"\s*\([^)]*\)")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
_JA_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_HIRAGANA = re.compile(r"[\u3041-\u309f]+")
_DEMONYM = re.compile(r"(?:ese|ian|ish|ean|ican)$")
_JOINERS = frozenset({"of", "and", "for", "on", "the", "de"})  # "Ministry of Defense"
_NOUNISH = frozenset({"名詞", "接尾辞", "接頭辞"})


def clean(gloss: str) -> str:
    """A dictionary gloss as shown: "(United States of) America" -> "United States of
    America", "Kumamoto prefecture (Kyushu)" -> "Kumamoto prefecture", "the Japanese" ->
    "Japanese"."""
    text = _LEADING_PAREN.sub(r"\1 ", gloss.strip())
    text = " ".join(_PAREN.sub("", text).split())
    return _ARTICLE.sub("", text)


def is_proper(gloss: str) -> bool:
    """Whether a gloss names something: JMdict capitalises names, places and bodies only."""
    text = clean(gloss)
    return bool(text) and text[0].isupper()


@dataclass(frozen=True)
class _Candidate:
    text: str  # the translation as shown
    terms: tuple[str, ...]  # its BM25 terms
    headline: bool = False  # JMdict's first translation of a Japanese phrase


def _choose(
    candidates: list[_Candidate],
    witnesses: Sequence[str],
    count: Callable[[str, Sequence[str]], tuple[int, int]],
    known: Known,
) -> str | None:
    """The translation to show, or None when the dictionary's choice is not clear."""
    distinct = list(dict.fromkeys(c.text for c in candidates))
    if not distinct:
        return None
    if witnesses:
        counts = {text: count(text, witnesses) for text in distinct}
        best = max(distinct, key=lambda text: counts[text])  # the first of equals
        if counts[best][0] > 0:
            return best
    headline = next((c.text for c in candidates if c.headline), None)
    if headline is not None:
        return headline
    if len(distinct) == 1:
        return distinct[0]
    if known is not None:
        held = [
            text for text in distinct if any(known(c.terms) for c in candidates if c.text == text)
        ]
        if len(held) == 1:
            return held[0]
    return None


def _count_english(text: str, witnesses: Sequence[str]) -> tuple[int, int]:
    """How often the witnesses write ``text`` as words: in any case, then as cased."""
    pattern = rf"(?<![A-Za-z]){re.escape(text)}(?![A-Za-z])"
    any_case = sum(len(re.findall(pattern, w, re.I)) for w in witnesses)
    return any_case, sum(len(re.findall(pattern, w)) for w in witnesses)


def _count_japanese(text: str, witnesses: Sequence[str]) -> tuple[int, int]:
    n = sum(w.count(text) for w in witnesses)
    return n, n


# -- Japanese quotes -----------------------------------------------------------------------------


def japanese_names(
    quote: str,
    lexicon: Lexicon,
    tokenizer: Tokenizer,
    witnesses: Sequence[str] = (),
    known: Known = None,
) -> list[tuple[int, Gloss]]:
    """The names of a Japanese quote with their English translations, and where they start."""
    if not isinstance(tokenizer, JapaneseEnglishTokenizer):
        return []
    text = unicodedata.normalize("NFKC", quote)
    words = tokenizer.tag(text)
    starts, cursor = [], 0
    for w in words:
        at = text.find(w.surface, cursor)
        starts.append(max(at, cursor))
        cursor = at + len(w.surface) if at >= 0 else cursor
    out: list[tuple[int, Gloss]] = []
    i = 0
    while i < len(words):
        for n in (4, 3, 2, 1):
            span = words[i : i + n]
            if len(span) < n or not _nameable(span):
                continue
            surface = "".join(w.surface for w in span)
            proper = any(w.feature.pos2 == "固有名詞" for w in span)
            gloss = _japanese_gloss(surface, proper, lexicon, witnesses, known)
            if gloss:
                out.append((starts[i], Gloss(surface, gloss, "name")))
                i += n
                break
        else:
            i += 1
    return out


def _nameable(span: list[Any]) -> bool:
    """Nouns (with their prefixes and suffixes), not numbers, in Japanese, two characters on."""
    features = [w.feature for w in span]
    if features[0].pos1 == "接尾辞" or features[-1].pos1 == "接頭辞":
        return False
    if any(f.pos1 not in _NOUNISH or f.pos2 == "数詞" for f in features):
        return False
    surface = "".join(w.surface for w in span)
    return len(surface) >= 2 and bool(_JA_CHAR.search(surface))


def _japanese_gloss(
    surface: str, proper: bool, lexicon: Lexicon, witnesses: Sequence[str], known: Known
) -> str | None:
    rows = lexicon.japanese(surface, names=False)
    glosses = dict.fromkeys(gloss for gloss, _ in rows)
    terms = {gloss: t for gloss, t in reversed(rows)}
    candidates: list[_Candidate] = []
    if glosses and is_proper(next(iter(glosses))):  # the word's first meaning is a name
        candidates += [
            _Candidate(clean(g), terms[g], headline=i == 0)
            for i, g in enumerate(glosses)
            if is_proper(g)
        ]
    if proper:
        candidates += [_Candidate(clean(g), t) for g, t in lexicon.japanese(surface, names=True)]
    return _choose(candidates, witnesses, _count_english, known)


# -- English quotes ------------------------------------------------------------------------------


def english_names(
    quote: str,
    lexicon: Lexicon,
    tokenizer: Tokenizer,
    witnesses: Sequence[str] = (),
    known: Known = None,
) -> list[tuple[int, Gloss]]:
    """The names of an English quote with their Japanese forms, and where they start."""
    text = unicodedata.normalize("NFKC", quote)
    words = list(_EN_WORD.finditer(text))
    out: list[tuple[int, Gloss]] = []
    i = 0
    while i < len(words):
        if not words[i].group()[0].isupper():
            i += 1
            continue
        for n in (3, 2, 1):
            span = words[i : i + n]
            if len(span) < n or not _en_phrase(text, span):
                continue
            phrase = " ".join(m.group() for m in span)
            form = _english_gloss(phrase, lexicon, witnesses, known)
            if form:
                out.append((span[0].start(), Gloss(phrase, form, "name")))
                i += n
                break
        else:
            i += 1
    return out


def _en_phrase(text: str, span: list[re.Match[str]]) -> bool:
    """Capitalised words one space apart ("of" and the like between them), not a lone
    adjective of nationality or a stop word."""
    words = [m.group() for m in span]
    if not words[-1][0].isupper() or any(
        text[a.end() : b.start()] != " " for a, b in itertools.pairwise(span)
    ):
        return False
    if any(not w[0].isupper() and w not in _JOINERS for w in words[1:-1]):
        return False
    if len(words) == 1:
        word = words[0].lower()
        return len(word) > 1 and word not in EN_STOPWORDS and not _DEMONYM.search(word)
    return True


def _english_gloss(
    phrase: str, lexicon: Lexicon, witnesses: Sequence[str], known: Known
) -> str | None:
    key = phrase.lower()
    candidates: list[_Candidate] = []
    for form, terms in lexicon.english(key, names=True):
        # one character proves nothing in a witness (元, Gen, stands in 地元, 元々, ...), and a
        # name in hiragana is its reading, not how it is written
        if len(form) < 2 or _HIRAGANA.fullmatch(form) or any(c.text == form for c in candidates):
            continue
        if _glossed_as(form, key, lexicon):
            candidates.append(_Candidate(form, terms))
    return _choose(candidates, witnesses, _count_japanese, known)


def _glossed_as(form: str, key: str, lexicon: Lexicon) -> bool:
    """Whether the dictionary translates ``form`` by ``key`` (lower case), as a name."""
    for names in (False, True):
        for gloss, _ in lexicon.japanese(form, names=names):
            if is_proper(gloss) and key in gloss_variants(gloss):
                return True
    return False
