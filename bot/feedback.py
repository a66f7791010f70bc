"""What readers say about the answers: a vote under every answer, kept in SQLite.

The store behind the feedback buttons (:mod:`bot.cogs.feedback`) and ``secbrief feedback``.
Every answer shown with buttons is a row (when, where, the question, its language, and the
passages shown as release paths and offsets); every vote is one row per user and answer, which
that user may change. A user is kept only as a keyed hash (HMAC-SHA256 with a key made once by
:mod:`secrets`, in a file beside the database, mode 0600), never as their id or name. Rows
older than ``days`` are deleted when the store opens and by :meth:`FeedbackStore.purge`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import logging
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.errors import SecbriefError

if TYPE_CHECKING:
    from index.schema import Answer

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
ANSWERED, NOT_ANSWERED = "answered", "not_answered"
VOTES = (ANSWERED, NOT_ANSWERED)
# an answer's key, in its buttons' custom ids: secrets.token_urlsafe(12), not to be guessed
KEY = re.compile(r"[A-Za-z0-9_-]{16}")

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    asked_at TEXT NOT NULL,         -- UTC, 2025-01-31T12:00:00Z
    guild_id INTEGER,               -- NULL in a DM
    channel_id INTEGER,             -- NULL in a DM (a DM channel stands for its user)
    question TEXT NOT NULL,
    lang TEXT NOT NULL,             -- the question's language, also the buttons' language
    answered INTEGER NOT NULL       -- 1: passages were quoted, 0: the bot declined
);
CREATE INDEX IF NOT EXISTS answers_asked_at ON answers(asked_at);
CREATE TABLE IF NOT EXISTS passages (
    answer_id INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,      -- 1-based, as shown
    path TEXT NOT NULL,             -- the release, relative to the corpus folder
    title TEXT NOT NULL,
    lang TEXT NOT NULL,
    start INTEGER NOT NULL,         -- the passage's offsets in the release body
    end INTEGER NOT NULL,
    quote_start INTEGER NOT NULL,   -- the answering sentence shown in bold
    quote_end INTEGER NOT NULL,
    quote TEXT NOT NULL,
    PRIMARY KEY (answer_id, position)
);
CREATE TABLE IF NOT EXISTS votes (
    answer_id INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
    user_hash TEXT NOT NULL,        -- HMAC-SHA256 of the user id under the key file
    vote TEXT NOT NULL CHECK (vote IN ('answered', 'not_answered')),
    passage INTEGER,                -- the passage that answered, once chosen
    voted_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_hash)
);
"""


class FeedbackError(SecbriefError):
    """The feedback database cannot be used: damaged, unreadable or of a newer version."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"feedback database {path}: {reason}")


@dataclass(frozen=True)
class Shown:
    """A passage as shown under an answer: its release, its offsets, the sentence marked."""

    position: int
    path: str
    title: str
    lang: str
    start: int
    end: int
    quote_start: int
    quote_end: int
    quote: str


@dataclass(frozen=True)
class Rated:
    """An answer shown with the feedback buttons, as stored."""

    key: str
    question: str
    lang: str
    answered: bool
    passages: tuple[Shown, ...]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    """A time as stored: UTC, to the second, sortable as text."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_MENTION = re.compile(r"<@[!&]?\d+>")


def scrub(question: str) -> str:
    """The question as stored: mentions of other users or roles (their ids) left out."""
    return _MENTION.sub("@…", question)


def key_path(db: Path) -> Path:
    """The file of the HMAC key, beside the database."""
    return db.with_name(db.name + ".key")


def load_key(path: Path) -> bytes:
    """The HMAC key in ``path``, made there first (mode 0600, atomically) if there is none."""
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32) + "\n")
            with contextlib.suppress(FileExistsError):  # another process made one: use that
                os.link(tmp, path)
        except OSError as exc:
            raise FeedbackError(path, f"cannot make the key file ({exc.strerror})") from None
        finally:
            tmp.unlink(missing_ok=True)
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as exc:
        raise FeedbackError(path, f"unreadable key file ({exc})") from None
    if len(key) < 16:
        raise FeedbackError(path, "the key file holds fewer than 16 bytes")
    return key


class FeedbackStore:
    """The answers shown with buttons and their votes; safe to call from worker threads.

    Open with :meth:`open`; every method may raise ``sqlite3.Error`` when the file goes bad.
    """

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        key: bytes,
        days: int,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.path = path
        self.days = days
        self._conn = conn
        self._key = key
        self._clock = clock
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls, path: Path, days: int = 365, clock: Callable[[], dt.datetime] = utc_now
    ) -> FeedbackStore:
        """Open (or create) the database at ``path`` in WAL mode and delete expired rows.

        Raises:
            FeedbackError: the file is damaged, not a database, or of a newer schema.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists()
        conn = sqlite3.connect(path, timeout=10.0, check_same_thread=False)
        try:
            if fresh:
                path.chmod(0o600)  # questions are what people typed: not for every local user
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise FeedbackError(path, f"damaged ({check})")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise FeedbackError(path, f"schema {version} is newer than this secbrief's")
            if not fresh and not key_path(path).exists():
                log.warning(
                    "no key beside %s: a new one is made; earlier voters may vote again", path
                )
            key = load_key(key_path(path))
            conn.executescript(SCHEMA)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            store = cls(path, conn, key, days, clock)
            store.purge()
        except sqlite3.Error as exc:
            conn.close()
            raise FeedbackError(path, str(exc)) from None
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def user_hash(self, user_id: int) -> str:
        """The keyed hash that stands for a user: the same user, the same hash."""
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    def purge(self) -> int:
        """Delete the answers (and their passages and votes) older than ``days``; how many."""
        cutoff = stamp(self._clock() - dt.timedelta(days=self.days))
        with self._lock, self._conn:
            deleted = self._conn.execute("DELETE FROM answers WHERE asked_at < ?", (cutoff,))
        if deleted.rowcount:
            log.info(
                "feedback: deleted %d answer(s) older than %d days", deleted.rowcount, self.days
            )
        return deleted.rowcount

    def record_answer(
        self, answer: Answer, lang: str, guild_id: int | None, channel_id: int | None
    ) -> str:
        """Keep ``answer`` as shown (in ``lang``, where it was asked); returns its key."""
        key = secrets.token_urlsafe(12)
        hits = answer.hits if answer.answered else []
        shown = [
            Shown(
                i,
                h.doc.path,
                h.doc.title or h.doc.path,
                h.doc.lang,
                h.chunk.start,
                h.chunk.end,
                h.quote_start,
                h.quote_end,
                h.quote,
            )
            for i, h in enumerate(hits, start=1)
        ]
        asked = (key, stamp(self._clock()), guild_id, channel_id, scrub(answer.question), lang)
        with self._lock, self._conn:
            cur = self._conn.execute(
                "INSERT INTO answers (key, asked_at, guild_id, channel_id, question, lang, "
                "answered) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*asked, int(bool(hits))),
            )
            self._conn.executemany(
                f"INSERT INTO passages VALUES ({cur.lastrowid}, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [astuple(p) for p in shown],
            )
        return key

    def answer(self, key: str) -> Rated | None:
        """The answer ``key`` names, or None (unknown, expired or deleted)."""
        with self._lock:
            return self._answer(key)

    def _answer(self, key: str) -> Rated | None:
        row = self._conn.execute(
            "SELECT id, question, lang, answered FROM answers WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        shown = self._conn.execute(
            "SELECT position, path, title, lang, start, end, quote_start, quote_end, quote "
            "FROM passages WHERE answer_id = ? ORDER BY position",
            (row[0],),
        ).fetchall()
        return Rated(key, row[1], row[2], bool(row[3]), tuple(Shown(*s) for s in shown))

    def vote(self, key: str, user_id: int, choice: str, passage: int | None = None) -> Rated | None:
        """Keep ``user_id``'s vote on the answer ``key``, replacing theirs if they had one.

        ``passage`` (1-based, with ANSWERED) is the passage that answered; with one passage
        shown, "answered" means that one. Voting ANSWERED again keeps the passage chosen.

        Returns:
            The answer voted on, or None when nothing was stored: the answer is unknown, the
            vote is not one of VOTES, or the passage is not one the answer showed.
        """
        if choice not in VOTES or (passage is not None and choice != ANSWERED):
            return None
        with self._lock, self._conn:
            rated = self._answer(key)
            if rated is None or (passage is not None and not 1 <= passage <= len(rated.passages)):
                return None
            if choice == ANSWERED and passage is None and len(rated.passages) == 1:
                passage = 1
            self._conn.execute(
                "INSERT INTO votes (answer_id, user_hash, vote, passage, voted_at) "
                "SELECT id, ?, ?, ?, ? FROM answers WHERE key = ? "
                "ON CONFLICT (answer_id, user_hash) DO UPDATE SET vote = excluded.vote, "
                "voted_at = excluded.voted_at, passage = CASE WHEN excluded.passage IS NULL "
                "AND excluded.vote = 'answered' AND votes.vote = 'answered' THEN votes.passage "
                "ELSE excluded.passage END",
                (self.user_hash(user_id), choice, passage, stamp(self._clock()), key),
            )
        return rated

    def rows(
        self, since: dt.date | None = None, guild_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Every vote with its answer and the passage chosen, oldest answer first (for
        :mod:`bot.feedback_report`)."""
        where, params = _where(since, guild_id)
        with self._lock:
            cur = self._conn.execute(
                "SELECT a.key, a.asked_at, a.lang, a.question, v.vote, v.passage, "
                "p.path, p.lang AS passage_lang, p.quote FROM votes v "
                "JOIN answers a ON a.id = v.answer_id LEFT JOIN passages p "
                "ON p.answer_id = v.answer_id AND p.position = v.passage"
                f"{where} ORDER BY a.asked_at, a.id, v.voted_at",
                params,
            )
            cur.row_factory = sqlite3.Row
            return [dict(row) for row in cur.fetchall()]

    def shown(self, since: dt.date | None = None, guild_id: int | None = None) -> int:
        """How many answers were shown with the buttons."""
        where, params = _where(since, guild_id)
        with self._lock:
            return int(
                self._conn.execute(f"SELECT COUNT(*) FROM answers a{where}", params).fetchone()[0]
            )


def _where(since: dt.date | None, guild_id: int | None) -> tuple[str, tuple[object, ...]]:
    clauses: list[str] = []
    params: list[object] = []
    if since is not None:
        clauses.append("a.asked_at >= ?")
        params.append(since.isoformat())
    if guild_id is not None:
        clauses.append("a.guild_id = ?")
        params.append(guild_id)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)
