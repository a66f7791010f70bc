"""The feedback store and what is computed from it, without Discord: votes, retention, the
keyed hash, damaged files, the stats and the QA export."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot.feedback import ANSWERED, NOT_ANSWERED, FeedbackError, FeedbackStore, key_path
from bot.feedback_report import feedback_stats, iso_week, qa_rows, qa_tsv, stats_lines
from bot.settings import Settings
from index.schema import Answer, Chunk, Document, Hit

TEXT_EN = "Readout\n\nThe ministers met in Tokyo.\tThey signed\nthe accord on July 28.\n"
TEXT_JA = "発表\n\n両大臣は東京で会談した。覚書に署名した。\n"
EN = Document("a-en.txt", "a-en.txt", "Readout", None, None, "en", None, TEXT_EN)
JA = Document("b-ja.txt", "b-ja.txt", "発表", None, None, "ja", None, TEXT_JA)


def hit(doc: Document, sentence: str) -> Hit:
    start = doc.text.index(sentence)
    end = start + len(sentence)
    chunk = Chunk(0, doc.id, 0, len(doc.text), doc.text, doc.lang)
    return Hit(chunk, doc, 1.0, sentence, start, end)


def answer(question: str, *hits: Hit, lang: str = "en") -> Answer:
    return Answer(question, lang, bool(hits), list(hits))


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2025, 3, 3, 12, tzinfo=dt.UTC)  # a Monday, ISO week 10

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> FeedbackStore:
    return FeedbackStore.open(tmp_path / "fb.sqlite3", 365, clock)


SIGNED = "They signed\nthe accord on July 28."
TWO = answer("When was the accord signed?", hit(EN, "The ministers met in Tokyo."), hit(EN, SIGNED))


def test_files_are_private_and_the_database_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "data" / "fb.sqlite3"
    FeedbackStore.open(path).close()
    assert path.stat().st_mode & 0o777 == 0o600
    assert key_path(path).stat().st_mode & 0o777 == 0o600
    assert len(bytes.fromhex(key_path(path).read_text())) == 32
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_user_is_a_keyed_hash_the_same_after_reopening(tmp_path: Path) -> None:
    first = FeedbackStore.open(tmp_path / "a.sqlite3")
    again = FeedbackStore.open(tmp_path / "a.sqlite3")
    other = FeedbackStore.open(tmp_path / "b.sqlite3")  # another key
    assert first.user_hash(123) == again.user_hash(123) != first.user_hash(124)
    assert other.user_hash(123) != first.user_hash(123)
    assert "123" not in first.user_hash(123) and len(first.user_hash(123)) == 32


def test_one_vote_per_user_which_they_may_change(store: FeedbackStore) -> None:
    key = store.record_answer(TWO, "en", 1, 2)

    def mine() -> list[tuple[str, int | None]]:
        return [(r["vote"], r["passage"]) for r in store.rows()]

    assert store.vote(key, 7, ANSWERED) is not None
    assert mine() == [(ANSWERED, None)]  # two passages: which one comes next
    assert store.vote(key, 7, ANSWERED, 2) is not None
    assert store.vote(key, 7, ANSWERED) is not None
    assert mine() == [(ANSWERED, 2)]  # pressing "answered" again keeps the passage chosen
    assert store.vote(key, 7, NOT_ANSWERED) is not None
    assert mine() == [(NOT_ANSWERED, None)]
    assert store.vote(key, 8, ANSWERED, 1) is not None
    assert sorted(mine(), key=str) == [(ANSWERED, 1), (NOT_ANSWERED, None)]


@pytest.mark.parametrize(
    ("key", "choice", "passage"),
    [
        ("unknownunknown00", ANSWERED, None),
        (None, ANSWERED, 3),  # a passage the answer did not show
        (None, ANSWERED, 0),
        (None, NOT_ANSWERED, 1),  # a passage with "not answered"
        (None, "maybe", None),
    ],
)
def test_a_vote_the_answer_cannot_take_stores_nothing(
    store: FeedbackStore, key: str | None, choice: str, passage: int | None
) -> None:
    real = store.record_answer(TWO, "en", 1, 2)
    assert store.vote(key or real, 7, choice, passage) is None
    assert store.rows() == []


def test_with_one_passage_answered_means_that_one(store: FeedbackStore) -> None:
    key = store.record_answer(answer("q?", hit(JA, "覚書に署名した。")), "ja", None, None)
    rated = store.vote(key, 7, ANSWERED)
    assert rated is not None and rated.lang == "ja" and len(rated.passages) == 1
    assert rated.passages[0].quote == "覚書に署名した。"
    assert [r["passage"] for r in store.rows()] == [1]


def test_mentions_in_a_question_are_not_kept(store: FeedbackStore) -> None:
    key = store.record_answer(answer("did <@123456789> or <@!42> or <@&77> sign?"), "en", 1, 2)
    rated = store.answer(key)
    assert rated is not None and rated.question == "did @… or @… or @… sign?"


def test_answers_older_than_the_days_kept_go_at_open_and_by_purge(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "fb.sqlite3"
    store = FeedbackStore.open(path, 30, clock)
    old = store.record_answer(TWO, "en", 1, 2)
    store.vote(old, 7, NOT_ANSWERED)
    clock.now += dt.timedelta(days=20)
    recent = store.record_answer(TWO, "en", 1, 2)
    clock.now += dt.timedelta(days=11)  # the first is 31 days old now
    store.close()
    store = FeedbackStore.open(path, 30, clock)
    assert store.answer(old) is None and store.answer(recent) is not None
    with sqlite3.connect(path) as conn:  # its passages and votes went with it
        assert conn.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0] == 2
    clock.now += dt.timedelta(days=20)  # the second is 31 days old
    assert store.purge() == 1 and store.answer(recent) is None


def test_a_damaged_or_newer_database_is_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 200)
    with pytest.raises(FeedbackError, match=r"garbage\.sqlite3"):
        FeedbackStore.open(garbage)
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version=99")
    with pytest.raises(FeedbackError, match="schema 99 is newer"):
        FeedbackStore.open(newer)


def test_stats_by_language_week_and_the_unanswered_questions(
    store: FeedbackStore, clock: Clock
) -> None:
    en = store.record_answer(TWO, "en", 1, 2)
    store.vote(en, 1, ANSWERED, 2)
    store.vote(en, 2, NOT_ANSWERED)
    clock.now += dt.timedelta(days=7)
    for user, question in enumerate(["日米の覚書は？", "日米の覚書は？ ", "誰が来た？"]):
        key = store.record_answer(answer(question, lang="ja"), "ja", 1, 2)
        store.vote(key, user, NOT_ANSWERED)
    stats = feedback_stats(store)
    assert (stats.shown, stats.rated, stats.total.votes, stats.total.answered) == (4, 4, 5, 1)
    assert {k: v.text() for k, v in stats.by_lang.items()} == {"en": "1/2 (50%)", "ja": "0/3 (0%)"}
    assert {k: v.text() for k, v in stats.by_week.items()} == {
        "2025-W10": "1/2 (50%)",
        "2025-W11": "0/3 (0%)",
    }
    assert stats.unanswered == [
        ("日米の覚書は？", "ja", 2),  # asked twice, spelt alike
        ("When was the accord signed?", "en", 1),
        ("誰が来た？", "ja", 1),
    ]
    assert stats.to_json()["share"] == 0.2
    since = feedback_stats(store, dt.date(2025, 3, 5))
    assert (since.shown, since.total.votes) == (3, 3)
    assert feedback_stats(store, guild_id=99).total.votes == 0
    lines = stats_lines(stats, "ja")
    assert lines[1] == "答えになった: 1/5 (20%)" and "- 2025-W11 0/3 (0%)" in lines


def test_export_rows_gold_and_triage(store: FeedbackStore) -> None:
    found = store.record_answer(TWO, "en", 1, 2)
    store.vote(found, 1, ANSWERED, 2)
    store.vote(found, 2, ANSWERED, 2)  # the same question and passage: one row
    store.vote(found, 3, NOT_ANSWERED)  # the question has a gold row: no triage row
    cross = store.record_answer(answer("Who\tsigned?\n", hit(JA, "覚書に署名した。")), "en", 1, 2)
    store.vote(cross, 1, ANSWERED)
    missed = store.record_answer(answer("誰が来た？", lang="ja"), "ja", 1, 2)
    store.vote(missed, 1, NOT_ANSWERED)
    store.vote(missed, 2, ANSWERED)  # "answered" with no passage to name: left out, counted
    rows, unchosen = qa_rows(store.rows())
    assert unchosen == 1
    assert [(r.question, r.doc_file, r.answer_span, r.kind) for r in rows] == [
        ("When was the accord signed?", "a-en.txt", "the accord on July 28.", "feedback"),
        ("Who signed?", "b-ja.txt", "覚書に署名した。", "cross-lingual"),
        ("誰が来た？", "?", "?", "triage"),
    ]
    assert rows[0].id == f"fb-{found}-2" and rows[0].answer_span in TEXT_EN
    lines = qa_tsv(rows).splitlines()
    assert len(lines) == 4 and all(line.count("\t") == 5 for line in lines)


def test_iso_week_at_the_turn_of_the_year() -> None:
    assert iso_week("2024-12-30T00:00:00Z") == "2025-W01"
    assert iso_week("2027-01-01T23:59:59Z") == "2026-W53"


def test_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SECBRIEF_FEEDBACK", "0")
    monkeypatch.setenv("SECBRIEF_FEEDBACK_DAYS", "30")
    monkeypatch.setenv("SECBRIEF_INDEX_DIR", str(tmp_path / "data" / "index"))
    monkeypatch.setenv("SECBRIEF_FEEDBACK_DB", "")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.feedback, settings.feedback_days) == (False, 30)
    assert settings.feedback_path == tmp_path / "data" / "feedback.sqlite3"
    monkeypatch.setenv("SECBRIEF_FEEDBACK_DB", str(tmp_path / "fb.db"))
    assert Settings(_env_file=None).feedback_path == tmp_path / "fb.db"  # type: ignore[call-arg]
    monkeypatch.setenv("SECBRIEF_FEEDBACK_DAYS", "0")
    with pytest.raises(ValueError):
        Settings(_env_file=None)  # type: ignore[call-arg]
