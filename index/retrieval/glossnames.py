"""A quote's names, places and organisations in the other language, as JMdict and JMnedict give
them (:mod:`index.retrieval.gloss` adds the dates and figures).

- A Japanese quote: fugashi's nouns, the longest phrase first (up to four words), looked up as
  written. A phrase is a name when JMdict's first translation of it is capitalised ("Ministry of
  Defense", "Kumamoto prefecture"; 駐屯地, "garrison", is no name), or, for a phrase holding a
  proper noun, when JMnedict has it (中谷: Nakatani, Nakaya, ...).
- An English quote: capitalised phrases of up to three words ("Ministry of Defense", "Austin"),
  looked up in lower case; a Japanese form counts when the dictionary glosses it with the phrase,
  capitalised (漆 is "japan", lacquer: no). Adjectives of nationality ("Japanese") are no names,
  nor is a common word alone ("South" of "South China Seas"), nor the end of a name after its
  "'s" or "of" ("People's Republic of China").

A translation is shown only when the reader's side of the corpus writes it: the one the
reader's-language releases of the same meeting (the witnesses) write most; else, of those some
release of the index writes, JMdict's first gloss, or the one reading written; else a name
JMnedict reads one way only and JMdict no other (辺野古: Henoko). A foreign name in katakana
counts only as the witnesses spell it (アントニー is JMnedict's Anthony; Blinken is Antony). A
dictionary's sense the releases never use ("Western playing cards" for トランプ) is never shown,
nor is a name with several readings the releases write.
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
from index.tokenize import EN_STOPWORDS, JapaneseEnglishTokenizer, Tokenizer, fold_plural

# whether some release of the index writes a text (its BM25 terms say where to look)
Written = Callable[[str, Sequence[str]], bool] | None

_LEADING_PAREN = re.compile(r"^\(([^)]*)\)\s*")
_PAREN = re.compile(r"\s*\([^)]*\)")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
_JA_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]+")
_HIRAGANA = re.compile(r"[\u3041-\u309f]+")
_DEMONYM = re.compile(r"(?:ese|ian|ish|ean|ican)$")
_DEMONYM_ALONE = re.compile(r"[A-Z][a-z]+(?:ese|ian|ish|ean|ican)")  # "Japanese" for 日本側
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
    terms: tuple[str, ...]  # its BM25 terms (where to look for it in the index)
    synonym: bool = False  # a gloss of JMdict's first sense (else one reading among others)


def _choose(
    candidates: list[_Candidate],
    witnesses: Sequence[str],
    count: Callable[[str, Sequence[str]], tuple[int, int]],
    written: Written,
    fallback: str | None = None,
    witnessed_only: bool = False,
) -> str | None:
    """The translation to show, or None when the reader's side does not settle it.

    The one the witnesses write most (a form inside a longer one counts only where it stands
    alone: 官房長 inside 官房長官); else, of those some release of the index writes, JMdict's
    first gloss, or the one reading written (several: left out; with ``witnessed_only``, a
    reading counts only where a witness writes it); else ``fallback``.
    """
    distinct = list(dict.fromkeys(c.text for c in candidates))
    if witnesses and distinct:
        counts = {text: count(text, witnesses) for text in distinct}
        alone = {
            text: (
                counts[text][0] - sum(counts[o][0] for o in distinct if o != text and text in o),
                counts[text][1],
            )
            for text in distinct
        }
        best = max(distinct, key=lambda text: alone[text])  # the first of equals
        if alone[best][0] > 0:
            return best
    held = [
        c
        for c in candidates
        if written is not None and (c.synonym or not witnessed_only) and written(c.text, c.terms)
    ]
    synonyms = [c.text for c in held if c.synonym]
    if synonyms:
        return synonyms[0]
    readings = list(dict.fromkeys(c.text for c in held))
    if readings:
        return readings[0] if len(readings) == 1 else None
    return fallback


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
    written: Written = None,
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
            if _cuts_katakana(text, starts[i], starts[i] + len(surface)):
                continue  # ギル of ギルベルト
            proper = [w.feature.pos2 == "固有名詞" for w in span]
            gloss = _japanese_gloss(surface, proper, lexicon, tokenizer, witnesses, written)
            if gloss:
                out.append((starts[i], Gloss(surface, gloss, "name")))
                i += n
                break
        else:
            i += 1
    return out


def _cuts_katakana(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] begins or ends inside a word in katakana."""
    inside = (start > 0 and _KATAKANA.match(text[start - 1]) and _KATAKANA.match(text[start])) or (
        end < len(text) and _KATAKANA.match(text[end]) and _KATAKANA.match(text[end - 1])
    )
    return bool(inside)


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
    surface: str,
    proper: list[bool],
    lexicon: Lexicon,
    tokenizer: Tokenizer,
    witnesses: Sequence[str],
    written: Written,
) -> str | None:
    words = list(dict.fromkeys(gloss for gloss, _ in lexicon.japanese(surface, names=False)))
    # JMdict's translations count when the word's first meaning is a name
    glosses = words if words and is_proper(words[0]) else []
    readings = [g for g, _ in lexicon.japanese(surface, names=True)] if any(proper) else []
    candidates = [
        _Candidate(text, tuple(tokenizer(text)), synonym=i < len(glosses))
        for i, gloss in enumerate(glosses + readings)
        if is_proper(gloss) and not _DEMONYM_ALONE.fullmatch(text := clean(gloss))
    ]
    # a name JMnedict reads one way only, and JMdict no other way, is glossed even when no
    # English release writes it (辺野古: Henoko; 熊本県: Kumamoto Prefecture); a common word's
    # translation (トランプ: "Western playing cards") or one of several readings is not
    fallback = None
    sole = list(dict.fromkeys(clean(g) for g in readings))
    if len(sole) == 1 and (not words or clean(words[0]).casefold() == sole[0].casefold()):
        fallback = sole[0]
    # a foreign name in katakana is spelt many ways in English (アントニー: Antony Blinken,
    # not JMnedict's Anthony): only the meeting's own releases settle it
    foreign = bool(_KATAKANA.fullmatch(surface.replace("・", "")))
    if foreign:
        fallback = None
    return _choose(candidates, witnesses, _count_english, written, fallback, foreign)


# -- English quotes ------------------------------------------------------------------------------


def english_names(
    quote: str,
    lexicon: Lexicon,
    tokenizer: Tokenizer,
    witnesses: Sequence[str] = (),
    written: Written = None,
) -> list[tuple[int, Gloss]]:
    """The names of an English quote with their Japanese forms, and where they start."""
    text = unicodedata.normalize("NFKC", quote)
    words = list(_EN_WORD.finditer(text))
    out: list[tuple[int, Gloss]] = []
    glossed_to = 0  # where the last phrase glossed ends
    i = 0
    while i < len(words):
        if not words[i].group()[0].isupper() or _inside_name(text, words[i], glossed_to):
            i += 1
            continue
        for n in (3, 2, 1):
            span = words[i : i + n]
            if len(span) < n or not _en_phrase(text, span):
                continue
            phrase = " ".join(m.group() for m in span)
            if n == 1 and _common(phrase.lower(), lexicon):
                continue
            form = _english_gloss(phrase, lexicon, tokenizer, witnesses, written)
            if form:
                out.append((span[0].start(), Gloss(phrase, form, "name")))
                glossed_to = span[-1].end()
                i += n
                break
        else:
            i += 1
    return out


def _inside_name(text: str, word: re.Match[str], glossed_to: int) -> bool:
    """Whether the word goes on a name no phrase of the quote glossed, after its "'s" or "of":
    the "Republic of China" of "People's Republic of China" is another country, and the
    "Korea" of "Democratic People's Republic of Korea" is not 韓国."""
    before = re.search(
        r"[A-Z][A-Za-z-]*(?:['’]s| of) $", text[max(0, word.start() - 40) : word.start()]
    )
    return before is not None and word.start() - len(before.group()) >= glossed_to


def _common(word: str, lexicon: Lexicon) -> bool:
    """Whether JMdict has ``word`` (lower case) as a common word ("south", "camp", "japan" the
    lacquer): alone, such a word of a name ("South China Seas", "Camp Smith") is not glossed."""
    for form, _ in lexicon.english(word, names=False):
        for gloss, _ in lexicon.japanese(form, names=False):
            if not is_proper(gloss) and word in gloss_variants(gloss):
                return True
    return False


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
    phrase: str,
    lexicon: Lexicon,
    tokenizer: Tokenizer,
    witnesses: Sequence[str],
    written: Written,
) -> str | None:
    key = phrase.lower()
    words = key.split()
    folded = " ".join([*words[:-1], fold_plural(words[-1])])  # "South China Seas"
    candidates: list[_Candidate] = []
    for form, _ in lexicon.english(key, names=True) or lexicon.english(folded, names=True):
        # one character proves nothing in a witness (元, Gen, stands in 地元, 元々, ...), and a
        # name in hiragana is its reading, not how it is written
        if len(form) < 2 or _HIRAGANA.fullmatch(form) or any(c.text == form for c in candidates):
            continue
        if _glossed_as(form, key, lexicon) or _glossed_as(form, folded, lexicon):
            candidates.append(_Candidate(form, tuple(tokenizer(form))))
    return _choose(candidates, witnesses, _count_japanese, written)


def _glossed_as(form: str, key: str, lexicon: Lexicon) -> bool:
    """Whether the dictionary translates ``form`` by ``key`` (lower case), as a name."""
    for names in (False, True):
        for gloss, _ in lexicon.japanese(form, names=names):
            if is_proper(gloss) and key in gloss_variants(gloss):
                return True
    return False
