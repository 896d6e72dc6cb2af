"""SQLite progress store.

Why SQLite in WAL mode with one transaction per graded answer: a crash or kill -9 loses at most the
answer in flight. A file that is not a readable database is moved aside (never overwritten) and a
fresh one is started; `recovered_from` tells the UI what happened.
Reviews are keyed by question id and never deleted, so a bank edit that removes a question keeps its history.
"""
from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

SCHEMA_VERSION = 2

# Each migration takes the database from version i to i+1.
MIGRATIONS: list[str] = [
    # 0 → 1: cards and reviews
    """
    CREATE TABLE cards (
        question_id TEXT PRIMARY KEY,
        card_json   TEXT NOT NULL,
        due         TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX cards_due ON cards(due);
    CREATE TABLE reviews (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        question_id TEXT NOT NULL,
        rating      INTEGER NOT NULL,
        correct     INTEGER,
        answer_ms   INTEGER,
        session     TEXT NOT NULL,
        reviewed_at TEXT NOT NULL
    );
    CREATE INDEX reviews_question ON reviews(question_id);
    CREATE INDEX reviews_time ON reviews(reviewed_at);
    """,
    # 1 → 2: settings (language, theme, daily limits) and mock-interview results
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE mock_results (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        finished_at TEXT NOT NULL,
        score       INTEGER NOT NULL,
        total       INTEGER NOT NULL,
        seconds     INTEGER NOT NULL,
        breakdown   TEXT NOT NULL
    );
    """,
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat()


@dataclass(frozen=True)
class ReviewRow:
    question_id: str
    rating: int
    correct: bool | None
    answer_ms: int | None
    session: str
    reviewed_at: datetime


class ProgressStore:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.recovered_from: Path | None = None
        self.conn = self._open()

    # -- opening, recovery, migrations -------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across app crashes
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = self._connect()
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            if not ok:
                conn.close()
                raise sqlite3.DatabaseError("quick_check failed")
            self._migrate(conn)
            return conn
        except sqlite3.DatabaseError:
            self._move_aside()
            conn = self._connect()
            self._migrate(conn)
            return conn

    def _move_aside(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        self.path.rename(target)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
        self.recovered_from = target

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        version = row[0] if row else 0
        if row is None:
            conn.execute("INSERT INTO schema_version VALUES (0)")
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"progress database is from a newer dlquiz (schema {version})")
        for target in range(version, SCHEMA_VERSION):
            with _transaction(conn):
                for statement in _statements(MIGRATIONS[target]):
                    conn.execute(statement)
                conn.execute("UPDATE schema_version SET version = ?", (target + 1,))

    def close(self) -> None:
        self.conn.close()

    @property
    def recovery_message(self) -> str | None:
        if self.recovered_from is None:
            return None
        return (f"progress database was unreadable; moved it to {self.recovered_from.name} "
                "and started a fresh one")

    # -- writes ------------------------------------------------------------------------------
    def record_review(self, question_id: str, card_json: str | None, due: datetime | None, rating: int,
                      correct: bool | None, answer_ms: int | None, session: str,
                      reviewed_at: datetime) -> None:
        """One graded answer = one transaction (review row + card state; no card for generated ones)."""
        with _transaction(self.conn):
            self.conn.execute(
                "INSERT INTO reviews (question_id, rating, correct, answer_ms, session, reviewed_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (question_id, rating, None if correct is None else int(correct), answer_ms, session, iso(reviewed_at)),
            )
            if card_json is None:
                return
            self.conn.execute(
                "INSERT INTO cards (question_id, card_json, due, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(question_id) DO UPDATE SET card_json=excluded.card_json, due=excluded.due,"
                " updated_at=excluded.updated_at",
                (question_id, card_json, iso(due), iso(reviewed_at)),
            )

    def set_setting(self, key: str, value) -> None:
        with _transaction(self.conn):
            self.conn.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                              (key, json.dumps(value)))

    def get_setting(self, key: str, default=None):
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def record_mock(self, score: int, total: int, seconds: int, breakdown: dict) -> None:
        with _transaction(self.conn):
            self.conn.execute("INSERT INTO mock_results (finished_at, score, total, seconds, breakdown)"
                              " VALUES (?, ?, ?, ?, ?)", (iso(utc_now()), score, total, seconds, json.dumps(breakdown)))

    # -- reads -------------------------------------------------------------------------------
    def card_json(self, question_id: str) -> str | None:
        row = self.conn.execute("SELECT card_json FROM cards WHERE question_id = ?", (question_id,)).fetchone()
        return row[0] if row else None

    def all_cards(self) -> dict[str, tuple[str, datetime]]:
        return {qid: (card, datetime.fromisoformat(due))
                for qid, card, due in self.conn.execute("SELECT question_id, card_json, due FROM cards")}

    def due_ids(self, now: datetime) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT question_id FROM cards WHERE due <= ? ORDER BY due", (iso(now),))]

    def reviews(self, since: datetime | None = None) -> Iterator[ReviewRow]:
        query = "SELECT question_id, rating, correct, answer_ms, session, reviewed_at FROM reviews"
        args: tuple = ()
        if since is not None:
            query += " WHERE reviewed_at >= ?"
            args = (iso(since),)
        for qid, rating, correct, ms, session, at in self.conn.execute(query + " ORDER BY id", args):
            yield ReviewRow(qid, rating, None if correct is None else bool(correct), ms, session,
                            datetime.fromisoformat(at))

    def review_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]

    def new_cards_since(self, since: datetime) -> int:
        """Cards whose first review happened at or after `since` (for the daily new-card limit)."""
        return self.conn.execute(
            "SELECT COUNT(*) FROM (SELECT question_id, MIN(reviewed_at) AS first FROM reviews"
            " GROUP BY question_id) WHERE first >= ?", (iso(since),)).fetchone()[0]


class _transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on error (autocommit connection)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        return False


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
