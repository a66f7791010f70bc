"""The word translations (index.retrieval.lexicon) and the evidence they give
(index.retrieval.crosslingual), on a small dictionary in jamdict's own SQLite layout."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from index.retrieval import lexicon
from index.retrieval.crosslingual import translated_evidence
from index.retrieval.lexicon import (
    Lexicon,
    TermSet,
    distill,
    gloss_variants,
    open_lexicon,
    question_sets,
)
from index.store.bm25 import BM25
from index.tokenize import JapaneseEnglishTokenizer

# (written forms, readings, senses: each a list of glosses)
WORDS = [
    (["空軍基地"], ["くうぐんきち"], [["air (force) base"]]),
    (["署名"], ["しょめい"], [["signature"]]),
    (["会議"], ["かいぎ"], [["meeting", "conference"]]),
    (["会合"], ["かいごう"], [["meeting", "assembly"]]),
    (["示す"], ["しめす"], [["to show"], ["to demonstrate"], ["to indicate"], ["to point out"]]),
    (["潜水艦"], ["せんすいかん"], [["submarine"]]),
    ([], ["ミサイル"], [["missile"]]),
]
NAMES = [
    (["普天間"], ["ふてんま"], ["Futenma", "Futema"]),
    (["中谷"], ["なかたに"], [f"Nakata{'n' * i}i" for i in range(1, 12)]),
]


def make_jamdict(path: Path) -> Path:
    """A dictionary with jamdict-data's tables (the columns lexicon reads)."""
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE Kanji (ID INTEGER PRIMARY KEY, idseq INTEGER, text TEXT);
        CREATE TABLE Kana (ID INTEGER PRIMARY KEY, idseq INTEGER, text TEXT, nokanji BOOLEAN);
        CREATE TABLE Sense (ID INTEGER PRIMARY KEY, idseq INTEGER);
        CREATE TABLE SenseGloss (sid INTEGER, lang TEXT, gend TEXT, text TEXT);
        CREATE TABLE NEKanji (ID INTEGER PRIMARY KEY, idseq INTEGER, text TEXT);
        CREATE TABLE NEKana (ID INTEGER PRIMARY KEY, idseq INTEGER, text TEXT, nokanji BOOLEAN);
        CREATE TABLE NETranslation (ID INTEGER PRIMARY KEY, idseq INTEGER);
        CREATE TABLE NETransGloss (tid INTEGER, lang TEXT, gend TEXT, text TEXT);
        INSERT INTO meta VALUES ('jmdict.version', 'test');
        """
    )
    for idseq, (written, readings, senses) in enumerate(WORDS, start=1):
        db.executemany(
            "INSERT INTO Kanji (idseq, text) VALUES (?, ?)", [(idseq, w) for w in written]
        )
        db.executemany(
            "INSERT INTO Kana (idseq, text) VALUES (?, ?)", [(idseq, r) for r in readings]
        )
        for glosses in senses:
            sid = db.execute("INSERT INTO Sense (idseq) VALUES (?)", (idseq,)).lastrowid
            db.executemany(
                "INSERT INTO SenseGloss (sid, lang, text) VALUES (?, 'eng', ?)",
                [(sid, g) for g in glosses],
            )
    for idseq, (written, readings, glosses) in enumerate(NAMES, start=100):
        db.executemany(
            "INSERT INTO NEKanji (idseq, text) VALUES (?, ?)", [(idseq, w) for w in written]
        )
        db.executemany(
            "INSERT INTO NEKana (idseq, text) VALUES (?, ?)", [(idseq, r) for r in readings]
        )
        for gloss in glosses:  # JMnedict: one translation per reading
            tid = db.execute("INSERT INTO NETranslation (idseq) VALUES (?)", (idseq,)).lastrowid
            db.execute(
                "INSERT INTO NETransGloss (tid, lang, text) VALUES (?, 'eng', ?)", (tid, gloss)
            )
    db.commit()
    db.close()
    return path


@pytest.fixture(scope="module")
def tokenizer() -> JapaneseEnglishTokenizer:
    return JapaneseEnglishTokenizer()


@pytest.fixture(scope="module")
def lex(tmp_path_factory: pytest.TempPathFactory, tokenizer: JapaneseEnglishTokenizer) -> Lexicon:
    folder = tmp_path_factory.mktemp("lexicon")
    distill(make_jamdict(folder / "jamdict.db"), folder / "lexicon.sqlite", tokenizer)
    return Lexicon(folder / "lexicon.sqlite")


def test_gloss_variants() -> None:
    assert gloss_variants("air (force) base") == {"air base", "air force base"}
    assert gloss_variants("to meet") == {"meet"}
    assert gloss_variants("Futenma") == {"futenma"}


def test_english_to_japanese(lex: Lexicon) -> None:
    assert lex.english("air base", names=False) == [("空軍基地", ("空軍", "基地"))]
    assert lex.english("air force base", names=False) == [("空軍基地", ("空軍", "基地"))]
    assert {form for form, _ in lex.english("meeting", names=False)} == {"会議", "会合"}
    assert lex.english("futenma", names=False) == []  # a name, asked for as a word
    assert lex.english("futenma", names=True) == [("普天間", ("普天間",))]
    assert lex.english("missile", names=False) == [("ミサイル", ("ミサイル",))]


def test_knows_an_english_word_alone_or_opening_a_phrase(lex: Lexicon) -> None:
    # the spelling corrector leaves such a word as typed (index.retrieval.spelling)
    assert lex.knows("missile") and lex.knows("air")  # "air" opens "air base"
    assert not lex.knows("futenma")  # a name is no word
    assert not lex.knows("ausitn")


def test_japanese_to_english(lex: Lexicon) -> None:
    assert {g for g, _ in lex.japanese("会議", names=False)} == {"meeting", "conference"}
    assert lex.japanese("しょめい", names=False) == [("signature", ("signature",))]  # by reading
    # only the first sense: later ones are other meanings (様子: "state" first, "sign" third)
    assert {g for g, _ in lex.japanese("示す", names=False)} == {"to show"}
    assert lex.english("indicate", names=False) == []
    # a name keeps its first readings only
    readings = {g for g, _ in lex.japanese("中谷", names=True)}
    assert len(readings) == lexicon.NAME_GLOSSES
    assert NAMES[1][2][0] in readings and NAMES[1][2][-1] not in readings


def test_english_question_sets(lex: Lexicon, tokenizer: JapaneseEnglishTokenizer) -> None:
    sets = question_sets(
        "Which air base hosted the meeting about Futenma in 2027 with the ACM?",
        "en",
        lex,
        tokenizer,
    )
    by_source = {s.source: s for s in sets}
    assert by_source[("air", "base")].targets == (("空軍", "基地"),)
    assert by_source[("futenma",)].targets == (("普天間",),)
    assert set(by_source[("meeting",)].targets) == {("会議",), ("会合",)}
    # numbers and acronyms are the same words in both languages
    assert by_source[("2027",)] == TermSet(("2027",), (), "2027")
    assert by_source[("acm",)] == TermSet(("acm",), (), "ACM")
    assert by_source[("air", "base")].text == "air base"  # as the question spells it
    # a lower-case word is not taken for a name
    assert not question_sets("what about futenma", "en", lex, tokenizer)


def test_japanese_question_sets(lex: Lexicon, tokenizer: JapaneseEnglishTokenizer) -> None:
    sets = question_sets("普天間について、どの潜水艦が会議で示されたか。", "ja", lex, tokenizer)
    by_source = {s.source: s for s in sets}
    assert ("futenma",) in by_source[("普天間",)].targets
    assert by_source[("潜水", "艦")].targets == (("submarine",),)
    assert ("meeting",) in by_source[("会議",)].targets
    assert ("show",) in by_source[("示す",)].targets  # a verb, looked up by its lemma
    # grammar words and the question word translate to nothing
    assert all(s.source not in {("する",), ("何",), ("どの",)} for s in sets)


def test_missing_dictionary_means_no_translations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tokenizer: JapaneseEnglishTokenizer
) -> None:
    monkeypatch.setattr(lexicon, "dictionary_path", lambda: None)
    assert open_lexicon(tokenizer, tmp_path / "none.sqlite") is None


def test_a_failed_distillation_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tokenizer: JapaneseEnglishTokenizer
) -> None:
    def broken(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(lexicon, "_write", broken)
    target = tmp_path / "lexicon.sqlite"
    with pytest.raises(sqlite3.OperationalError):
        distill(make_jamdict(tmp_path / "jamdict.db"), target, tokenizer)
    assert not target.exists()
    assert not list(tmp_path.glob(".lexicon.sqlite.tmp-*"))
    monkeypatch.setattr(lexicon, "dictionary_path", lambda: tmp_path / "jamdict.db")
    assert open_lexicon(tokenizer, target) is None  # logged, and search goes on without it


def test_a_damaged_cache_is_rebuilt_and_a_vanished_one_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tokenizer: JapaneseEnglishTokenizer
) -> None:
    source = make_jamdict(tmp_path / "jamdict.db")
    monkeypatch.setattr(lexicon, "dictionary_path", lambda: source)
    target = tmp_path / "cache" / "lexicon.sqlite"
    target.parent.mkdir()
    target.write_bytes(b"not a database" * 100)
    lex = open_lexicon(tokenizer, target)
    assert lex is not None and lex.english("submarine", names=False) == [("潜水艦", ("潜水", "艦"))]

    # deleted under a running bot: a new thread's lookup finds nothing, and says so once
    target.unlink()
    found: list[object] = []
    worker = threading.Thread(target=lambda: found.append(lex.english("submarine", False)))
    worker.start()
    worker.join()
    assert found == [[]]


def test_postings() -> None:
    bm25 = BM25.fit([["a", "b"], ["a"], ["b", "c", "a"], ["c"]])
    rows, weights = bm25.postings(["a", "b"])  # type: ignore[misc]
    assert rows.tolist() == [0, 2]
    assert np.allclose(weights, bm25.scores(["a", "b"])[[0, 2]])
    assert bm25.postings(["a", "zzz"]) is None
    assert bm25.postings([]) is None


def test_translated_evidence_counts_only_missing_words() -> None:
    units = [
        ["futenma", "relocation"],  # 0 en
        ["普天間", "移設"],  # 1 ja
        ["会議", "開催"],  # 2 ja
        ["meeting", "held"],  # 3 en
        ["会合"],  # 4 ja
    ]
    bm25 = BM25.fit(units)
    ja = np.array([False, True, True, False, True])
    futenma = TermSet(("futenma",), (("普天間",),))
    meeting = TermSet(("meeting",), (("会議",), ("会合",), ("集会",)))
    nowhere = np.zeros(5, dtype=bool)

    found = translated_evidence(bm25, [futenma, meeting], ja, nowhere, max_readings=2)
    assert found.scores[1] > 0 and found.scores[2] > 0 and found.scores[4] > 0
    assert not found.scores[~ja].any()  # only the other language scores
    assert found.terms == {"普天間", "会議", "会合"}
    assert found.pairs == {("普天間",): "futenma", ("会議",): "meeting", ("会合",): "meeting"}

    # the English release holds "meeting" (but not "futenma"): only 普天間 counts
    english_release = np.array([False, False, False, True, False])
    found = translated_evidence(bm25, [futenma, meeting], ja, english_release, 2)
    assert found.scores.nonzero()[0].tolist() == [1]

    # "meeting" has two readings in this corpus (集会 is in none of its passages): ambiguous
    assert translated_evidence(bm25, [meeting], ja, nowhere, 1).scores.nonzero()[0].tolist() == []
    # ... unless a filter leaves one of them
    only_2 = np.array([False, False, True, False, False])
    assert translated_evidence(bm25, [meeting], only_2, nowhere, 1).terms == {"会議"}
    # numbers and acronyms match themselves
    units_2027 = BM25.fit([["2027", "演習"], ["exercise", "2027"]])
    same = TermSet(("2027",))
    found = translated_evidence(units_2027, [same], np.array([True, False]), np.zeros(2, bool), 1)
    assert found.scores.nonzero()[0].tolist() == [0]


def test_translated_evidence_skips_words_spread_over_the_question_s_releases() -> None:
    units = [
        ["ハワイ", "会談"],  # 0 ja: the venue, in every passage of the meeting's releases
        ["ハワイ", "演習", "2027"],  # 1 ja
        ["空軍", "基地"],  # 2 ja: the answer, in one passage
        ["hawaii", "meeting"],  # 3 en
    ]
    bm25 = BM25.fit(units)
    ja = np.array([True, True, True, False])
    hawaii = TermSet(("hawaii",), (("ハワイ",),))
    air_base = TermSet(("air", "base"), (("空軍", "基地"),))
    nowhere = np.zeros(4, dtype=bool)

    everywhere = translated_evidence(bm25, [hawaii, air_base], ja, nowhere, 1)
    assert everywhere.scores.nonzero()[0].tolist() == [0, 1, 2]
    # "Hawaii" points at two passages about the question, 空軍基地 at one: only that counts
    found = translated_evidence(bm25, [hawaii, air_base], ja, nowhere, 1, ja, max_units=1)
    assert found.scores.nonzero()[0].tolist() == [2]
    assert found.pairs == {("空軍", "基地"): "air base"}
    # passages outside the scope (other meetings' releases) do not count against a word
    found = translated_evidence(
        bm25, [hawaii], ja, nowhere, 1, np.array([False, True, False, False]), max_units=1
    )
    assert found.scores.nonzero()[0].tolist() == [0, 1]
    # no limit without a scope
    assert translated_evidence(bm25, [hawaii], ja, nowhere, 1, None, 1).scores.any()


def test_a_new_version_removes_the_caches_of_earlier_ones(
    tmp_path: Path, tokenizer: JapaneseEnglishTokenizer
) -> None:
    source = make_jamdict(tmp_path / "jamdict.db")
    folder = tmp_path / "cache"
    folder.mkdir()
    version = lexicon.LEXICON_VERSION
    older = folder / f"jmdict-v{version - 1}-{tokenizer.name}.sqlite"
    other_tokenizer = folder / f"jmdict-v{version - 1}-another-tokenizer.sqlite"
    for path in (older, other_tokenizer):
        path.write_bytes(b"an earlier cache")
    target = folder / f"jmdict-v{version}-{tokenizer.name}.sqlite"
    distill(source, target, tokenizer)
    assert target.exists() and not older.exists()
    assert other_tokenizer.exists()  # another tokenizer's cache may still be in use
