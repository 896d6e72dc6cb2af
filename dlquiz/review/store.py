"""SQLite progress store.

Why SQLite in WAL mode with one transaction per graded answer: a crash or kill -9 loses at most the
answer in flight. Reviews are keyed by question id and never deleted, so a bank edit that removes a
question keeps its history.

Faults. A file is moved aside (never overwritten, never deleted) only when SQLite itself says it is not a
database or is malformed, or `PRAGMA quick_check` fails; `recovered_from` tells the UI what happened.
Everything else (locked by another process, disk full or an I/O error, read-only file or folder, cannot
open, a schema from a newer dlquiz) raises `StoreError`: one line for the user, the file left as it is and
every answer already committed kept. Opening (schema creation, migrations, WAL switch, recovery) is
serialised between processes with an exclusive flock on the data folder, so concurrent first starts on
a fresh folder are safe. Grading reads and writes a card in one BEGIN IMMEDIATE transaction (`grade`), so
two sessions grading the same card cannot lose an update.

Environment: DLQUIZ_LOCK_TIMEOUT — seconds to wait for another process holding the database before
reporting it as locked (default 3; 0 means do not wait).
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dlquiz.errors import InputError, StoreError

LOCK_TIMEOUT_ENV = "DLQUIZ_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 3.0
MAX_LOCK_TIMEOUT = 3600.0
MEMORY = ":memory:"

SCHEMA_VERSION = 3

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
    # 2 → 3: suspend and bury. A table of its own rather than columns on `cards`: a question never
    # answered has no card row (its FSRS card is made at the first grade), and it can be suspended too.
    """
    CREATE TABLE card_flags (
        question_id  TEXT PRIMARY KEY,
        suspended    INTEGER NOT NULL DEFAULT 0,
        buried_until TEXT
    );
    """,
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


def lock_timeout() -> float:
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 <= value <= MAX_LOCK_TIMEOUT:  # also false for nan
        raise StoreError(f"{LOCK_TIMEOUT_ENV} must be a number of seconds from 0 to {MAX_LOCK_TIMEOUT:g}, "
                         f"got {raw!r}", "other")
    return value


def _error_name(exc: sqlite3.Error) -> str:
    return getattr(exc, "sqlite_errorname", None) or ""


def is_corruption(exc: sqlite3.Error) -> bool:
    """Only SQLite saying 'not a database' or 'malformed' means the file itself is bad."""
    name = _error_name(exc)
    if name:
        return name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))
    text = str(exc).lower()
    return "file is not a database" in text or "malformed" in text


def store_error(exc: sqlite3.Error, path: Path, timeout: float) -> StoreError:
    """One line for an SQLite error that is not corruption (the file is kept as it is)."""
    name, text = _error_name(exc), str(exc)
    low = text.lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or (not name and "locked" in low):
        return StoreError(f"progress database {path} is locked by another dlquiz process or program "
                          f"(waited {timeout:g} s); close it and retry", "locked")
    if name.startswith("SQLITE_FULL") or "disk is full" in low:
        return StoreError(f"cannot write progress database {path}: the disk is full; free some space and "
                          "retry (answers already saved are kept)", "full")
    if name.startswith("SQLITE_IOERR") or (not name and "disk i/o error" in low):
        return StoreError(f"cannot use progress database {path}: disk I/O error ({name or text}): is the disk "
                          "full or failing? Free some space and retry (answers already saved are kept)", "io")
    if name.startswith("SQLITE_READONLY") or (not name and "readonly" in low):
        return StoreError(f"progress database {path} is read-only; make it and its folder writable, "
                          "or set DLQUIZ_HOME to a writable folder", "readonly")
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")) or (not name and "unable to open" in low):
        return StoreError(f"cannot open progress database {path}: it and its folder {path.parent} must be "
                          "readable and writable (or set DLQUIZ_HOME to a writable folder)", "cantopen")
    if is_corruption(exc):
        return StoreError(f"progress database {path} is damaged ({text}); restart dlquiz to move it aside "
                          "and start a fresh one", "damaged")
    return StoreError(f"progress database {path}: {text} ({name or 'sqlite error'})", "other")


class _Damaged(Exception):
    """quick_check found a problem: treat the file like one SQLite calls malformed."""


@contextmanager
def _folder_lock(folder: Path, timeout: float):
    """Exclusive flock on the data folder while opening: serialises first-run setup and recovery between
    processes. Where flock is unavailable (non-POSIX, some network file systems) opening still works:
    migrations run in BEGIN IMMEDIATE and re-read the version, and the WAL switch is retried."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(f"progress database in {folder} is being set up by another dlquiz process "
                                     f"(waited {timeout:g} s); close it and retry", "locked") from None
                time.sleep(0.01)
            except OSError:  # flock not supported here
                break
        yield
    finally:
        os.close(fd)  # releases the flock


def _retry_busy(fn, timeout: float):
    """PRAGMA journal_mode=WAL does not wait for a busy database; retry it until the lock timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not _error_name(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


@dataclass(frozen=True)
class GradeReceipt:
    """What one `grade` did, so that `undo` and `regrade` can take exactly that back."""

    review_id: int
    question_id: str
    scheduled: bool  # a card row was read and written (False: generated, cram, mock)
    previous: tuple[str, str, str] | None  # the card row before (card_json, due, updated_at); None: no card yet
    written: str | None  # the card_json this grade wrote


@dataclass(frozen=True)
class CardFlags:
    suspended: bool = False
    buried_until: datetime | None = None

    def hidden(self, now: datetime) -> bool:
        """Suspended, or buried until a time still to come."""
        return self.suspended or (self.buried_until is not None and self.buried_until > now)


@dataclass(frozen=True)
class ReviewRow:
    question_id: str
    rating: int
    correct: bool | None
    answer_ms: int | None
    session: str
    reviewed_at: datetime


class ProgressStore:
    """`writable=False` (for read-only commands such as `stats`) skips the write probe, so a read-only
    database can still be read; recovery and migrations still write when they are needed."""

    def __init__(self, path: Path | str, writable: bool = True):
        self.path = Path(path)
        self.recovered_from: Path | None = None
        self.timeout = 0.0 if self.is_memory else lock_timeout()
        self.conn = self._open(writable)

    @classmethod
    def in_memory(cls) -> ProgressStore:
        """A throwaway store (nothing is saved): the TUI runs on one when the real store can't open."""
        return cls(MEMORY)

    @property
    def is_memory(self) -> bool:
        return str(self.path) == MEMORY

    # -- opening, recovery, migrations -------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), timeout=self.timeout, isolation_level=None, check_same_thread=False)
        try:
            _retry_busy(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchone(), self.timeout)
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across app crashes
            conn.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            conn.close()
            raise
        return conn

    def _open(self, writable: bool) -> sqlite3.Connection:
        if self.is_memory:
            conn = sqlite3.connect(MEMORY, isolation_level=None, check_same_thread=False)
            self._migrate(conn)
            return conn
        folder = self.path.parent
        _make_folder(folder)
        if self.path.is_dir():
            raise StoreError(f"progress database {self.path} is a folder, not a file; move it away "
                             "or set DLQUIZ_HOME to another folder", "cantopen")
        with _folder_lock(folder, self.timeout):
            try:
                return self._open_checked(writable)
            except sqlite3.Error as exc:
                if not is_corruption(exc):
                    raise store_error(exc, self.path, self.timeout) from None
            except _Damaged:
                pass
            self._move_aside()
            try:
                return self._open_checked(writable)
            except (sqlite3.Error, _Damaged) as exc:
                err = exc if isinstance(exc, sqlite3.Error) else sqlite3.DatabaseError("quick_check failed")
                raise store_error(err, self.path, self.timeout) from None

    def _open_checked(self, writable: bool) -> sqlite3.Connection:
        conn = self._connect()
        try:
            if conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                raise _Damaged()
            self._migrate(conn)
            if writable:
                _probe_write(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _move_aside(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        try:
            self.path.rename(target)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.rename(target.with_name(target.name + suffix))
        except OSError as exc:
            raise StoreError(f"progress database {self.path} is unreadable and could not be moved aside "
                             f"({exc.strerror or exc}); move it away yourself and retry", "cantopen") from None
        self.recovered_from = target

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Create or upgrade the schema. Read first (no write lock when up to date, so a read-only
        database can be read), then migrate in one BEGIN IMMEDIATE transaction that reads the version
        again: a concurrent opener that got there first leaves nothing to do."""
        version = _schema_version(conn)
        self._check_not_newer(version)
        if version == SCHEMA_VERSION:
            return
        with _transaction(conn):
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                conn.execute("INSERT INTO schema_version VALUES (0)")
            version = row[0] if row else 0
            self._check_not_newer(version)
            for target in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[target]):
                    conn.execute(statement)
            conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))

    def _check_not_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(f"progress database {self.path} is from a newer dlquiz (schema {version}; this one "
                             f"knows up to {SCHEMA_VERSION}); upgrade dlquiz, the file was left as it is", "newer")

    def close(self) -> None:
        self.conn.close()

    @property
    def recovery_message(self) -> str | None:
        if self.recovered_from is None:
            return None
        return (f"progress database was unreadable; moved it to {self.recovered_from.name} "
                "and started a fresh one")

    @contextmanager
    def _guard(self):
        """Every SQLite error at run time becomes one StoreError line (locked, disk full, read-only…)."""
        try:
            yield
        except sqlite3.Error as exc:
            raise store_error(exc, self.path, self.timeout) from None

    # -- writes ------------------------------------------------------------------------------
    def grade(self, question_id: str, rating: int, correct: bool | None, answer_ms: int | None, session: str,
              reviewed_at: datetime,
              reschedule: Callable[[str | None], tuple[str, datetime]] | None = None) -> GradeReceipt:
        """One graded answer = one BEGIN IMMEDIATE transaction: read the card, `reschedule(card_json or None)`
        → (new card_json, due), write the review row and the card. Without `reschedule` (generated
        questions, cram, mock) only the review row is written. The receipt lets `undo` take it back."""
        with self._guard(), _transaction(self.conn):
            card_json = due = None
            previous = None
            if reschedule is not None:
                previous = self._card_row(question_id)
                card_json, due = reschedule(previous[0] if previous else None)
            review_id = self._insert_review(question_id, card_json, due, rating, correct, answer_ms, session,
                                            reviewed_at)
        return GradeReceipt(review_id, question_id, reschedule is not None, previous, card_json)

    def undo(self, receipt: GradeReceipt) -> None:
        """Take one grade back in one transaction: its review row is deleted and the card is restored to what
        it was before (or removed, if that grade created it). InputError, and nothing changed, when the card
        was graded again since (another session): restoring it would lose that grade."""
        with self._guard(), _transaction(self.conn):
            self._check_unchanged(receipt)
            self.conn.execute("DELETE FROM reviews WHERE id = ?", (receipt.review_id,))
            if receipt.scheduled:
                self._restore_card(receipt)

    def regrade(self, receipt: GradeReceipt, rating: int,
                reschedule: Callable[[str | None], tuple[str, datetime]] | None = None) -> GradeReceipt:
        """Change the rating of one grade (an override after an auto-graded answer), in one transaction: the
        review row keeps its time and answer and gets the new rating; a scheduled card is rescheduled from
        its state before that grade, as if the new rating had been given in the first place."""
        with self._guard(), _transaction(self.conn):
            self._check_unchanged(receipt)
            self.conn.execute("UPDATE reviews SET rating = ? WHERE id = ?", (rating, receipt.review_id))
            if not receipt.scheduled or reschedule is None:
                return receipt
            at = self.conn.execute("SELECT reviewed_at FROM reviews WHERE id = ?", (receipt.review_id,)).fetchone()
            card_json, due = reschedule(receipt.previous[0] if receipt.previous else None)
            self._write_card(receipt.question_id, card_json, due, datetime.fromisoformat(at[0]))
        return GradeReceipt(receipt.review_id, receipt.question_id, True, receipt.previous, card_json)

    def _card_row(self, question_id: str) -> tuple[str, str, str] | None:
        row = self.conn.execute("SELECT card_json, due, updated_at FROM cards WHERE question_id = ?",
                                (question_id,)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def _check_unchanged(self, receipt: GradeReceipt) -> None:
        if self.conn.execute("SELECT 1 FROM reviews WHERE id = ?", (receipt.review_id,)).fetchone() is None:
            raise InputError("that answer is no longer in the progress database; nothing to undo")
        if receipt.scheduled:
            now = self._card_row(receipt.question_id)
            if (now[0] if now else None) != receipt.written:
                raise InputError("this card was graded again since (another session); its grade was kept")

    def _restore_card(self, receipt: GradeReceipt) -> None:
        if receipt.previous is None:
            self.conn.execute("DELETE FROM cards WHERE question_id = ?", (receipt.question_id,))
        else:
            card_json, due, updated_at = receipt.previous
            self.conn.execute("UPDATE cards SET card_json = ?, due = ?, updated_at = ? WHERE question_id = ?",
                              (card_json, due, updated_at, receipt.question_id))

    # -- suspend and bury --------------------------------------------------------------------
    def set_flags(self, question_id: str, flags: CardFlags) -> None:
        """Suspended: never due, never offered, until unsuspended. Buried: not until `buried_until`."""
        until = None if flags.buried_until is None else iso(flags.buried_until)
        with self._guard(), _transaction(self.conn):
            if not flags.suspended and until is None:
                self.conn.execute("DELETE FROM card_flags WHERE question_id = ?", (question_id,))
                return
            self.conn.execute(
                "INSERT INTO card_flags (question_id, suspended, buried_until) VALUES (?, ?, ?)"
                " ON CONFLICT(question_id) DO UPDATE SET suspended=excluded.suspended,"
                " buried_until=excluded.buried_until", (question_id, int(flags.suspended), until))

    def flags(self, question_id: str) -> CardFlags:
        return self.all_flags().get(question_id, CardFlags())

    def all_flags(self) -> dict[str, CardFlags]:
        with self._guard():
            rows = self.conn.execute("SELECT question_id, suspended, buried_until FROM card_flags").fetchall()
        return {qid: CardFlags(bool(s), None if b is None else datetime.fromisoformat(b)) for qid, s, b in rows}

    def hidden_ids(self, now: datetime) -> set[str]:
        """Questions suspended or buried at `now`: left out of every session."""
        return {qid for qid, f in self.all_flags().items() if f.hidden(now)}

    def unsuspend_all(self) -> int:
        """Unsuspend every card; returns how many were suspended."""
        with self._guard(), _transaction(self.conn):
            n = self.conn.execute("SELECT COUNT(*) FROM card_flags WHERE suspended = 1").fetchone()[0]
            self.conn.execute("UPDATE card_flags SET suspended = 0")
            self.conn.execute("DELETE FROM card_flags WHERE suspended = 0 AND buried_until IS NULL")
        return n

    def record_review(self, question_id: str, card_json: str | None, due: datetime | None, rating: int,
                      correct: bool | None, answer_ms: int | None, session: str,
                      reviewed_at: datetime) -> None:
        """Write an already computed card state (no read): use `grade` to schedule from the stored card."""
        with self._guard(), _transaction(self.conn):
            self._insert_review(question_id, card_json, due, rating, correct, answer_ms, session, reviewed_at)

    def _insert_review(self, question_id, card_json, due, rating, correct, answer_ms, session, reviewed_at) -> int:
        cursor = self.conn.execute(
            "INSERT INTO reviews (question_id, rating, correct, answer_ms, session, reviewed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (question_id, int(rating), None if correct is None else int(correct), answer_ms, session,
             iso(reviewed_at)),
        )
        if card_json is not None:
            self._write_card(question_id, card_json, due, reviewed_at)
        return int(cursor.lastrowid or 0)

    def _write_card(self, question_id: str, card_json: str, due: datetime, reviewed_at: datetime) -> None:
        self.conn.execute(
            "INSERT INTO cards (question_id, card_json, due, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(question_id) DO UPDATE SET card_json=excluded.card_json, due=excluded.due,"
            " updated_at=excluded.updated_at",
            (question_id, card_json, iso(due), iso(reviewed_at)),
        )

    def set_setting(self, key: str, value) -> None:
        with self._guard(), _transaction(self.conn):
            self.conn.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                              (key, json.dumps(value)))

    def get_setting(self, key: str, default=None):
        with self._guard():
            row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def record_mock(self, score: int, total: int, seconds: int, breakdown: dict) -> None:
        with self._guard(), _transaction(self.conn):
            self.conn.execute("INSERT INTO mock_results (finished_at, score, total, seconds, breakdown)"
                              " VALUES (?, ?, ?, ?, ?)", (iso(utc_now()), score, total, seconds, json.dumps(breakdown)))

    # -- reads -------------------------------------------------------------------------------
    def card_json(self, question_id: str) -> str | None:
        with self._guard():
            row = self.conn.execute("SELECT card_json FROM cards WHERE question_id = ?", (question_id,)).fetchone()
        return row[0] if row else None

    def all_cards(self) -> dict[str, tuple[str, datetime]]:
        with self._guard():
            rows = self.conn.execute("SELECT question_id, card_json, due FROM cards").fetchall()
        return {qid: (card, datetime.fromisoformat(due)) for qid, card, due in rows}

    def due_ids(self, now: datetime) -> list[str]:
        """Cards due at `now`, oldest first; suspended and buried ones are not due."""
        with self._guard():
            rows = self.conn.execute(
                "SELECT c.question_id FROM cards c LEFT JOIN card_flags f ON f.question_id = c.question_id"
                " WHERE c.due <= ? AND COALESCE(f.suspended, 0) = 0"
                " AND (f.buried_until IS NULL OR f.buried_until <= ?) ORDER BY c.due", (iso(now), iso(now))).fetchall()
        return [r[0] for r in rows]

    def reviews(self) -> Iterator[ReviewRow]:
        with self._guard():
            rows = self.conn.execute("SELECT question_id, rating, correct, answer_ms, session, reviewed_at"
                                     " FROM reviews ORDER BY id").fetchall()
        for qid, rating, correct, ms, session, at in rows:
            yield ReviewRow(qid, rating, None if correct is None else bool(correct), ms, session,
                            datetime.fromisoformat(at))

    def review_count(self) -> int:
        with self._guard():
            return self.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]

    def new_cards_since(self, since: datetime) -> int:
        """Cards whose first review happened at or after `since` (for the daily new-card limit)."""
        with self._guard():
            return self.conn.execute(
                "SELECT COUNT(*) FROM (SELECT question_id, MIN(reviewed_at) AS first FROM reviews"
                " GROUP BY question_id) WHERE first >= ?", (iso(since),)).fetchone()[0]


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise StoreError(f"cannot create the folder {folder} for the progress database: {blocker} is a file, "
                             "not a folder", "home") from None
        raise StoreError(f"cannot create the folder {folder} for the progress database: "
                         f"{exc.strerror or exc}", "home") from None


def _schema_version(conn: sqlite3.Connection) -> int:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone() is None:
        return 0
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    return row[0] if row else 0


def _probe_write(conn: sqlite3.Connection) -> None:
    """Find a read-only database at start-up, not at the first answer: a no-op UPDATE, rolled back."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("UPDATE schema_version SET version = version")
    finally:
        conn.execute("ROLLBACK")


class _transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on error (autocommit connection). A failed COMMIT (disk
    full) is rolled back too, so the connection stays usable once space is back."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
                return False
            except BaseException:
                self._rollback()
                raise
        self._rollback()
        return False

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
