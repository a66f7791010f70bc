"""Japanese-English word translations, so BM25 can match a question's words in the other language.

The dense model finds the other-language release of a meeting but ranks its sentences poorly
("Futenma" against 普天間). The EDRDG dictionaries JMdict (words) and JMnedict (names), shipped
as SQLite by the ``jamdict-data`` package, give the translations. On first use they are distilled
into a small cache database whose translations are already BM25 terms of the index's tokenizer:

- ``en``: an English word or phrase (lower case, up to 3 words) -> Japanese forms;
- ``ja``: a Japanese form -> English glosses (of its first sense).

:func:`question_sets` turns a question into :class:`TermSet` s: one per word or phrase of the
question that the dictionary knows, with its translations. The search decides which to use.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.model.cachelock import sibling_lock
from index.tokenize import EN_STOPWORDS, JapaneseEnglishTokenizer, Tokenizer, fold_plural

log = logging.getLogger(__name__)

LEXICON_VERSION = 2
# glosses of each entry's first sense only: later senses are other meanings (様子 is "state,
# situation" first and "sign, indication" third, so "sign" would match every 「…の様子」 caption)
SENSES = 1
NAME_GLOSSES = 8  # readings of a name kept (中谷: Nakatani, Nakaya, ...)
_PAREN = re.compile(r"\([^)]*\)")
_EN_WORD = re.compile(r"[A-Za-z0-9]+(?:[.'-][A-Za-z0-9]+)*")
_JA_SKIP_POS = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白", "代名詞"})
# grammatical verbs and nouns that translate to nothing a passage is about
_JA_LIGHT = frozenset(
    "する いる ある なる おける よる 対する 関する".split()
    + "れる られる せる ない よう こと もの ため".split()
)


@dataclass(frozen=True)
class TermSet:
    """A word or phrase of the question and its translations.

    Attributes:
        source: the phrase's own BM25 terms (in the question's language).
        targets: each translation as BM25 terms of the other language; empty for a term that is
            the same in both (a number, an acronym).
        text: the words as the question spells them ("Futenma").
    """

    source: tuple[str, ...]
    targets: tuple[tuple[str, ...], ...] = ()
    text: str = ""  # the words as the question spells them


def default_cache_path(tokenizer_name: str) -> Path:
    """``$SECBRIEF_LEXICON_CACHE`` (a folder) if set, else ``~/.cache/secbrief/lexicon``."""
    env = os.environ.get("SECBRIEF_LEXICON_CACHE")
    folder = Path(env).expanduser() if env else Path.home() / ".cache" / "secbrief" / "lexicon"
    return folder / f"jmdict-v{LEXICON_VERSION}-{tokenizer_name}.sqlite"


def dictionary_path() -> Path | None:
    """The jamdict-data SQLite file, or None when the package is not installed."""
    try:
        import jamdict_data
    except ImportError:
        return None
    path = Path(jamdict_data.JAMDICT_DB_PATH)
    return path if path.is_file() else None


class Lexicon:
    """Read access to a distilled cache database (thread-safe: one connection per thread).

    A lookup that fails (the cache deleted or damaged under a running bot) finds nothing and
    is logged: questions are still answered, without translations.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._failed = False
        self._connect()  # fail now, not at the first question

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.conn = conn
        return conn

    def _rows(self, sql: str, params: tuple[object, ...]) -> list[tuple[str, str]]:
        try:
            return self._connect().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            if not self._failed:
                self._failed = True
                log.warning("word translations unavailable (%s): %s", self.path, exc)
            return []

    def english(self, phrase: str, names: bool) -> list[tuple[str, tuple[str, ...]]]:
        """Japanese (form, terms) for an English phrase (lower case); names too if asked."""
        rows = self._rows(
            "SELECT form, terms FROM en WHERE key = ? AND name <= ? ORDER BY length(form)",
            (phrase, int(names)),
        )
        return [(form, tuple(terms.split())) for form, terms in rows]

    def knows(self, word: str) -> bool:
        """Whether the dictionary has ``word`` (lower case) as an English word, alone or
        opening a phrase ("fissile" in "fissile material"); names do not count."""
        rows = self._rows(
            "SELECT form, terms FROM en WHERE name = 0 AND (key = ? OR (key >= ? AND key < ?))"
            " LIMIT 1",
            (word, word + " ", word + "!"),
        )
        return bool(rows)

    def japanese(self, form: str, names: bool) -> list[tuple[str, tuple[str, ...]]]:
        """English (gloss, terms) for a Japanese form: its words, or its first readings as a
        name (JMnedict lists every reading of 中谷: Nakatani, Nakaya, ...)."""
        rows = self._rows(
            "SELECT gloss, terms FROM ja WHERE key = ? AND name = ? ORDER BY rowid",
            (form, int(names)),
        )
        if names:
            kept = set(list(dict.fromkeys(gloss for gloss, _ in rows))[:NAME_GLOSSES])
            rows = [row for row in rows if row[0] in kept]
        return [(gloss, tuple(terms.split())) for gloss, terms in rows]


def open_lexicon(tokenizer: Tokenizer, path: Path | None = None) -> Lexicon | None:
    """The lexicon for ``tokenizer``, distilled on first use; None (logged) if unavailable."""
    path = path or default_cache_path(tokenizer.name)
    if not _is_complete(path):
        source = dictionary_path()
        if source is None:
            log.warning("jamdict-data is not installed: no word translations across languages")
            return None
        try:
            distill(source, path, tokenizer)
        except (OSError, sqlite3.Error) as exc:
            log.warning("cannot prepare the word translations in %s: %s", path, exc)
            return None
    try:
        return Lexicon(path)
    except sqlite3.Error as exc:
        log.warning("cannot open the word translations in %s: %s", path, exc)
        return None


def _is_complete(path: Path) -> bool:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == str(LEXICON_VERSION)


def distill(source: Path, path: Path, tokenizer: Tokenizer) -> None:
    """Write the cache database at ``path`` from the jamdict SQLite file ``source``.

    It is written beside ``path`` and renamed into place, so a killed run leaves nothing half
    written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with sibling_lock(path):
        if _is_complete(path):  # another process finished while we waited
            return
        started = time.perf_counter()
        # a warning, so that a command line user knows why the first run waits
        log.warning("preparing the word translations (first use only, about 30 s): %s", path)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            with (
                contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
                contextlib.closing(sqlite3.connect(tmp)) as out,
            ):
                _write(src, out, tokenizer)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        log.info("word translations ready in %.1f s: %s", time.perf_counter() - started, path)
        _remove_older(path)


def _remove_older(path: Path) -> None:
    """Delete the caches of earlier lexicon versions beside ``path`` (about 200 MB each)."""
    found = re.fullmatch(r"jmdict-v(\d+)-(.+)\.sqlite", path.name)
    if found is None:
        return
    version, rest = int(found.group(1)), found.group(2)
    for old in path.parent.glob(f"jmdict-v*-{rest}.sqlite"):
        older = re.fullmatch(r"jmdict-v(\d+)-.+\.sqlite", old.name)
        if older is not None and int(older.group(1)) < version:
            with contextlib.suppress(OSError):
                old.unlink()
                log.info("removed the word translations of an earlier version: %s", old)


def _write(src: sqlite3.Connection, out: sqlite3.Connection, tokenizer: Tokenizer) -> None:
    out.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE en (key TEXT, form TEXT, terms TEXT, name INTEGER);
        CREATE TABLE ja (key TEXT, gloss TEXT, terms TEXT, name INTEGER, ord INTEGER);
        """
    )
    ja_terms = _Memo(tokenizer)
    en_terms = _Memo(tokenizer)
    # JMdict, then JMnedict: one read into memory at a time (together they peaked at 1.6 GB)
    tables = (
        ("Kanji", "Kana", "Sense", "SenseGloss", "sid", SENSES),
        ("NEKanji", "NEKana", "NETranslation", "NETransGloss", "tid", None),
    )
    for name, (kanji, kana, sense, gloss, link, senses) in enumerate(tables):
        written, readings, glosses = _entries(src, kanji, kana, sense, gloss, link, senses)
        en_rows: set[tuple[str, str, str, int]] = set()
        ja_rows: list[tuple[str, str, str, int, int]] = []
        for idseq, entry_glosses in glosses.items():
            forms = written.get(idseq, [])
            # a question may spell a word in kana (a name only as written)
            keys = dict.fromkeys(forms + ([] if name else readings.get(idseq, [])))
            for order, gloss in enumerate(entry_glosses):
                for variant in gloss_variants(gloss):
                    terms = en_terms(variant)
                    if terms:
                        ja_rows.extend((key, gloss, terms, name, order) for key in keys)
            targets = [(form, ja_terms(form)) for form in forms]
            for gloss in entry_glosses:
                for variant in gloss_variants(gloss):
                    if len(variant.split()) <= 3:
                        en_rows.update((variant, f, t, name) for f, t in targets if t)
        out.executemany("INSERT INTO en VALUES (?, ?, ?, ?)", sorted(en_rows))
        out.executemany("INSERT INTO ja VALUES (?, ?, ?, ?, ?)", ja_rows)
        del written, readings, glosses, en_rows, ja_rows
    out.executescript(
        """
        CREATE INDEX en_key ON en (key);
        CREATE INDEX ja_key ON ja (key);
        """
    )
    meta = {"version": str(LEXICON_VERSION), "tokenizer": tokenizer.name}
    meta.update(dict(src.execute("SELECT key, value FROM meta").fetchall()))
    out.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    out.commit()


def _entries(
    src: sqlite3.Connection,
    kanji: str,
    kana: str,
    sense: str,
    gloss: str,
    link: str,
    senses: int | None,
) -> tuple[dict[int, list[str]], dict[int, list[str]], dict[int, list[str]]]:
    """Of every entry: its written forms (kanji, else kana), its readings and English glosses."""
    written: dict[int, list[str]] = {}
    for idseq, text in src.execute(f"SELECT idseq, text FROM {kanji} ORDER BY ID"):
        written.setdefault(idseq, []).append(text)
    readings: dict[int, list[str]] = {}
    for idseq, text in src.execute(f"SELECT idseq, text FROM {kana} ORDER BY ID"):
        readings.setdefault(idseq, []).append(text)
    for idseq, texts in readings.items():
        written.setdefault(idseq, list(texts))
    glosses: dict[int, list[str]] = {}
    seen_senses: dict[int, set[int]] = {}
    rows = src.execute(
        f"SELECT s.idseq, s.ID, g.text FROM {sense} s JOIN {gloss} g ON g.{link} = s.ID "
        "WHERE g.lang = 'eng' ORDER BY s.idseq, s.ID"
    )
    for idseq, sid, text in rows:
        numbered = seen_senses.setdefault(idseq, set())
        numbered.add(sid)
        if senses is None or len(numbered) <= senses:
            glosses.setdefault(idseq, []).append(text)
    return written, readings, glosses


class _Memo:
    """Tokenizer results as space-joined terms, memoised (forms repeat across entries)."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        terms = self.seen.get(text)
        if terms is None:
            terms = " ".join(self.tokenizer(text))
            self.seen[text] = terms
        return terms


def gloss_variants(gloss: str) -> set[str]:
    """A gloss as English phrases: without and with its parenthesised part, lower case, with
    a leading "to"/"a"/"the" dropped ("air (force) base" -> "air base", "air force base")."""
    out = set()
    for text in (_PAREN.sub(" ", gloss), gloss.replace("(", " ").replace(")", " ")):
        words = text.lower().split()
        if words and words[0] in ("to", "a", "an", "the") and len(words) > 1:
            words = words[1:]
        if words:
            out.add(" ".join(words))
    return out


def question_sets(
    question: str, lang: str, lexicon: Lexicon, tokenizer: Tokenizer
) -> list[TermSet]:
    """The question's words and phrases with their translations into the other language."""
    text = unicodedata.normalize("NFKC", question)
    if lang == "ja":
        return _japanese_sets(text, lexicon, tokenizer)
    return _english_sets(text, lexicon, tokenizer)


def _english_sets(text: str, lexicon: Lexicon, tokenizer: Tokenizer) -> list[TermSet]:
    words = _EN_WORD.findall(text)
    sets: list[TermSet] = []
    i = 0
    while i < len(words):
        if words[i].lower() in EN_STOPWORDS:
            i += 1
            continue
        found: tuple[int, list[tuple[str, tuple[str, ...]]]] | None = None
        for n in (3, 2, 1):
            span = words[i : i + n]
            if len(span) < n or span[-1].lower() in EN_STOPWORDS:
                continue
            phrase = " ".join(w.lower() for w in span)
            keys = dict.fromkeys(
                [phrase, " ".join([*phrase.split()[:-1], fold_plural(span[-1].lower())])]
            )
            rows: dict[str, tuple[str, ...]] = {}
            for key in keys:
                for form, terms in lexicon.english(key, names=span[0][0].isupper()):
                    rows.setdefault(form, terms)
            if rows:
                found = (n, list(rows.items()))
                break
        if found is not None:
            n, rows_found = found
            text = " ".join(words[i : i + n])
            targets = tuple(dict.fromkeys(t for _, t in rows_found if t))
            sets.append(TermSet(tuple(tokenizer(text)), targets, text))
            i += n
            continue
        word = words[i]
        if word.isdigit() or (word.isascii() and word.isupper() and len(word) > 1):
            sets.append(TermSet(tuple(tokenizer(word)), text=word))  # "2027", "ACM"
        i += 1
    return sets


def _japanese_sets(text: str, lexicon: Lexicon, tokenizer: Tokenizer) -> list[TermSet]:
    if not isinstance(tokenizer, JapaneseEnglishTokenizer):
        return []
    words = [_JaWord(w) for w in tokenizer.tag(text)]
    sets: list[TermSet] = []
    i = 0
    while i < len(words):
        if not words[i].content:
            if words[i].latin:
                sets.append(TermSet(tuple(tokenizer(words[i].surface)), text=words[i].surface))
            i += 1
            continue
        found: tuple[int, list[tuple[str, tuple[str, ...]]]] | None = None
        for n in (4, 3, 2, 1):
            span = words[i : i + n]
            if len(span) < n or not all(w.content for w in span):
                continue
            surface = "".join(w.surface for w in span)
            keys = dict.fromkeys([surface] + ([span[0].lemma] if n == 1 and span[0].lemma else []))
            rows: list[tuple[str, tuple[str, ...]]] = []
            for key in keys:
                rows += lexicon.japanese(key, names=False)
            if not rows or any(w.proper for w in span):
                for key in keys:
                    rows += lexicon.japanese(key, names=True) if len(key) >= 2 else []
            if rows:
                found = (n, rows)
                break
        if found is not None:
            n, rows_found = found
            text = "".join(w.surface for w in words[i : i + n])
            targets = tuple(dict.fromkeys(t for _, t in rows_found if t))
            sets.append(TermSet(tuple(tokenizer(text)), targets, text))
            i += n
        else:
            i += 1
    return sets


class _JaWord:
    """What the set builder needs of one fugashi token."""

    def __init__(self, word: Any) -> None:
        feature = word.feature
        self.surface: str = word.surface
        lemma = feature.lemma or ""
        self.lemma: str = lemma.split("-")[0]
        self.proper = feature.pos2 == "固有名詞"
        self.latin = bool(re.fullmatch(r"[A-Za-z0-9]+", self.surface))
        one_kana = len(self.surface) == 1 and "\u3040" <= self.surface <= "\u309f"
        self.content = not (
            self.latin or feature.pos1 in _JA_SKIP_POS or self.lemma in _JA_LIGHT or one_kana
        )
