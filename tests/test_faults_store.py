"""Progress-store faults the way users hit them (issue #9, "Progress store"): disk full at start-up and
mid-quiz, another process holding a lock, concurrent first starts, read-only files and folders,
DLQUIZ_HOME oddities, a newer schema, recovery reporting, two sessions grading the same card, and the
TUI staying alive with a red notice. Each one: one clear line (exit 2 on the CLI), no traceback, the
database file kept and everything already saved still there.

Disk full is injected for real with RLIMIT_FSIZE (writes past N bytes fail with EFBIG, which SQLite
reports as a disk I/O error). Read-only files and folders use chmod, or `chattr +i` when the tests run
as root (root ignores permission bits)."""
import asyncio
import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

FAST_LOCK = {"DLQUIZ_LOCK_TIMEOUT": "0.2"}


def dlquiz(args, home, stdin="", env=None, fsize=None, timeout=120, cwd=None):
    preexec = None
    if fsize is not None:
        def preexec():
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    full_env = {**os.environ, "DLQUIZ_HOME": str(home), "LANG": "C", **(env or {})}
    return subprocess.run([sys.executable, "-m", "dlquiz", *args], input=stdin, capture_output=True, text=True,
                          env=full_env, timeout=timeout, preexec_fn=preexec, cwd=cwd)


def assert_one_line_error(result, *needles):
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dlquiz: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0].lower(), lines[0]
    return lines[0]


def seed_reviews(home, n=2):
    result = dlquiz(["quiz", "--mode", "practice", "--type", "flashcard", "--count", str(n), "--seed", "1"], home,
                    "\n3\n" * n)
    assert result.returncode == 0, result.stderr
    assert review_count(home) == n


def review_count(home) -> int:
    result = dlquiz(["stats", "--json"], home)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["reviews"]


def moved_aside(home):
    return sorted(p.name for p in Path(home).glob("progress.db.corrupt-*"))


@pytest.fixture
def make_read_only():
    """chmod for normal users; root ignores permission bits, so `chattr +i` (immutable) there."""
    undo = []

    def make(path: Path):
        if os.geteuid() != 0:
            mode = path.stat().st_mode
            path.chmod(0o555 if path.is_dir() else 0o444)
            undo.append(lambda: path.chmod(mode))
            return
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a path read-only for root")
        result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"running as root and chattr +i failed here: {result.stderr.strip()}")
        undo.append(lambda: subprocess.run(["chattr", "-i", str(path)], capture_output=True))

    yield make
    for fn in reversed(undo):
        fn()


# -- disk full --------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["stats"], ["stats", "--json"], ["quiz", "--type", "flashcard"]])
def test_disk_full_at_start_up_keeps_the_database(tmp_path, command):
    seed_reviews(tmp_path)
    result = dlquiz(command, tmp_path, "\n3\n", fsize=0)
    assert_one_line_error(result, "disk")
    assert moved_aside(tmp_path) == []
    assert review_count(tmp_path) == 2  # space is back: nothing was lost


def test_disk_fills_mid_quiz_keeps_earlier_answers(tmp_path):
    seed_reviews(tmp_path, 1)  # the database exists; this session's answers go to the WAL
    count = 12
    result = dlquiz(["quiz", "--mode", "practice", "--type", "flashcard", "--count", str(count), "--seed", "2"],
                    tmp_path, "\n3\n" * count, fsize=64 * 1024)
    assert_one_line_error(result, "disk")
    shown = [int(n) for n in re.findall(rf"\[(\d+)/{count}\]", result.stdout)]
    saved_in_session = max(shown) - 1  # the question being graded when the disk filled was not saved
    assert 1 <= saved_in_session < count, result.stdout[-2000:]
    assert moved_aside(tmp_path) == []
    assert review_count(tmp_path) == 1 + saved_in_session


# -- locks and concurrency --------------------------------------------------------------------------
def hold_exclusive_lock(db: Path) -> sqlite3.Connection:
    """What another program holding the database does: exclusive locking mode, a write in progress."""
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO settings VALUES ('held', '1') ON CONFLICT(key) DO NOTHING")
    return holder


@pytest.mark.parametrize("command", [["stats"], ["stats", "--json"], ["quiz", "--type", "flashcard"]])
def test_another_process_holding_an_exclusive_lock(tmp_path, command):
    seed_reviews(tmp_path)
    holder = hold_exclusive_lock(tmp_path / "progress.db")
    try:
        result = dlquiz(command, tmp_path, "\n3\n", env=FAST_LOCK)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    line = assert_one_line_error(result, "locked")
    assert "progress.db" in line
    assert moved_aside(tmp_path) == []
    assert review_count(tmp_path) == 2


def test_bad_lock_timeout_is_one_line(tmp_path):
    assert_one_line_error(dlquiz(["stats"], tmp_path, env={"DLQUIZ_LOCK_TIMEOUT": "soon"}), "dlquiz_lock_timeout")


# `python -m dlquiz` with a start line: the CLI is imported first, so every process reaches the store at once.
STARTING_BLOCK = r"""
import os, sys, time
import dlquiz.cli, dlquiz.commands.quiz, dlquiz.paths, dlquiz.review.session, dlquiz.review.store
ready, go = sys.argv[1], sys.argv[2]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.001)
sys.exit(dlquiz.cli.main(sys.argv[3:]))
"""


def test_concurrent_first_starts_lose_nothing(tmp_path):
    """Ten `dlquiz quiz` processes start on a fresh DLQUIZ_HOME at the same moment, each answering one
    question: before, schema/WAL setup raced ('database is locked', 'no such table') and one process moved
    another's fresh database aside, losing answers."""
    rounds, per_round = 2, 10
    for r in range(rounds):
        home, flags = tmp_path / f"home{r}", tmp_path / f"flags{r}"
        flags.mkdir()
        env = {**os.environ, "DLQUIZ_HOME": str(home), "LANG": "C"}
        procs = []
        for i in range(per_round):
            quiz = ["quiz", "--mode", "practice", "--type", "flashcard", "--count", "1", "--seed", str(i)]
            p = subprocess.Popen([sys.executable, "-c", STARTING_BLOCK, str(flags / f"ready{i}"), str(flags / "go"),
                                  *quiz],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env)
            p.stdin.write("\n3\n")
            p.stdin.close()
            procs.append(p)
        while len(list(flags.glob("ready*"))) < per_round and all(p.poll() is None for p in procs):
            threading.Event().wait(0.01)
        (flags / "go").touch()
        for p in procs:
            err = p.stderr.read()
            p.stdout.read()
            assert p.wait(timeout=180) == 0 and "Traceback" not in err, err[-1500:]
        assert moved_aside(home) == []
        assert review_count(home) == per_round


def test_first_run_setup_in_progress_elsewhere_is_not_corruption(tmp_path):
    """The deterministic core of the race above: another process is creating the fresh database (write
    lock held, rollback journal, WAL not set yet). Before, dlquiz called it unreadable and moved it aside."""
    tmp_path.mkdir(exist_ok=True)
    other = sqlite3.connect(tmp_path / "progress.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    other.execute("CREATE TABLE other_setup (x)")
    try:
        result = dlquiz(["stats"], tmp_path, env=FAST_LOCK)
    finally:
        other.execute("COMMIT")
    assert_one_line_error(result, "locked")
    assert moved_aside(tmp_path) == []
    assert other.execute("SELECT name FROM sqlite_master WHERE name = 'other_setup'").fetchone()
    other.close()
    assert review_count(tmp_path) == 0  # and the next start sets the database up around it


def test_two_sessions_grading_the_same_card_lose_no_update(tmp_path, monkeypatch):
    """Session A reads the card, session B grades the same card, then A writes: with the card read
    outside the write transaction, A overwrote B's review of the card (reps 1 after two reviews)."""
    from fsrs import Rating

    from dlquiz.review.scheduler import Reviewer
    from dlquiz.review.store import ProgressStore

    path = tmp_path / "progress.db"
    store_a, store_b = ProgressStore(path), ProgressStore(path)
    reviewer_a, reviewer_b = Reviewer(store_a), Reviewer(store_b)
    b_done = threading.Event()
    b_errors = []

    def grade_b():
        try:
            reviewer_b.grade("cnn.q1", Rating.Good, correct=None, answer_ms=1, session="review")
        except Exception as exc:  # reported by the assertion below
            b_errors.append(exc)
        b_done.set()

    real_review = reviewer_a.scheduler.review_card
    b_thread = threading.Thread(target=grade_b)

    def review_card_then_let_b_in(card, *args, **kwargs):
        if not b_thread.is_alive() and not b_done.is_set():
            b_thread.start()
            b_done.wait(timeout=1.0)  # B either finishes (no isolation) or waits for A's transaction
        return real_review(card, *args, **kwargs)

    monkeypatch.setattr(reviewer_a.scheduler, "review_card", review_card_then_let_b_in)
    reviewer_a.grade("cnn.q1", Rating.Good, correct=None, answer_ms=1, session="review")
    b_thread.join(timeout=30)
    assert not b_errors, b_errors
    assert store_a.review_count() == 2
    # two GOOD reviews of a new card, one after the other (a lost update leaves the card as after one)
    single = Reviewer(ProgressStore(tmp_path / "single.db"))
    once = single.grade("x", Rating.Good, correct=None, answer_ms=1, session="review").to_dict()
    twice = single.grade("x", Rating.Good, correct=None, answer_ms=1, session="review").to_dict()
    assert (once["state"], once["step"]) != (twice["state"], twice["step"])
    got = json.loads(store_a.card_json("cnn.q1"))
    assert (got["state"], got["step"]) == (twice["state"], twice["step"])
    store_a.close()
    store_b.close()
    single.store.close()


# -- read-only and odd places -----------------------------------------------------------------------
def test_read_only_progress_db(tmp_path, make_read_only):
    seed_reviews(tmp_path)
    make_read_only(tmp_path / "progress.db")
    assert_one_line_error(dlquiz(["quiz", "--type", "flashcard"], tmp_path, "\n3\n"), "read-only")
    stats = dlquiz(["stats", "--json"], tmp_path)  # reading a read-only database is fine
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["reviews"] == 2
    assert moved_aside(tmp_path) == []


def test_read_only_data_dir(tmp_path, make_read_only):
    seed_reviews(tmp_path)
    make_read_only(tmp_path)
    for command in (["stats"], ["quiz", "--type", "flashcard"]):
        line = assert_one_line_error(dlquiz(command, tmp_path, "\n3\n"), str(tmp_path).lower())
        assert "writable" in line or "read-only" in line
    assert moved_aside(tmp_path) == []


def test_read_only_empty_data_dir(tmp_path, make_read_only):
    home = tmp_path / "home"
    home.mkdir()
    make_read_only(home)
    assert_one_line_error(dlquiz(["stats"], home), "progress.db")


def test_dlquiz_home_is_a_file(tmp_path):
    home = tmp_path / "not-a-dir"
    home.write_text("hello")
    assert_one_line_error(dlquiz(["stats"], home), "dlquiz_home", "is a file")
    assert_one_line_error(dlquiz(["quiz"], home, "\n3\n"), "is a file")
    assert home.read_text() == "hello"


def test_dlquiz_home_under_a_file(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("hello")
    assert_one_line_error(dlquiz(["stats"], blocker / "sub"), "is a file", str(blocker).lower())


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux /sys (mkdir there is refused even for root)")
def test_dlquiz_home_in_an_unwritable_place():
    line = assert_one_line_error(dlquiz(["stats"], "/sys/dlquiz-test-home"), "/sys/dlquiz-test-home")
    assert "DLQUIZ_HOME" in line


def test_dlquiz_home_expands_tilde(tmp_path):
    user_home, cwd = tmp_path / "user", tmp_path / "cwd"
    user_home.mkdir()
    cwd.mkdir()
    result = dlquiz(["quiz", "--type", "flashcard", "--count", "1"], "~/drills", "\n3\n", env={"HOME": str(user_home)},
                    cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert (user_home / "drills" / "progress.db").is_file()
    assert not (cwd / "~" / "drills" / "progress.db").exists()


def test_newer_schema_is_kept_and_named(tmp_path):
    seed_reviews(tmp_path, 1)
    conn = sqlite3.connect(tmp_path / "progress.db")
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()
    assert_one_line_error(dlquiz(["stats"], tmp_path), "newer")
    assert moved_aside(tmp_path) == []
    conn = sqlite3.connect(tmp_path / "progress.db")
    assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1
    conn.close()


# -- recovery is still done, and reported ------------------------------------------------------------
def test_stats_json_reports_a_recovery(tmp_path):
    (tmp_path / "progress.db").write_bytes(b"this is not a database" * 200)
    result = dlquiz(["stats", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["recovered_from"].startswith("progress.db.corrupt-")
    assert moved_aside(tmp_path) == [data["recovered_from"]]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: ") and data["recovered_from"] in lines[0]
    again = dlquiz(["stats", "--json"], tmp_path)
    assert json.loads(again.stdout)["recovered_from"] is None and again.stderr == ""


def test_plain_stats_warns_on_stderr(tmp_path):
    (tmp_path / "progress.db").write_bytes(b"this is not a database" * 200)
    result = dlquiz(["stats"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("warning: ") and "moved it to" in result.stderr
    assert "warning" not in result.stdout


def test_damaged_pages_are_moved_aside(tmp_path):
    from dlquiz.review.store import ProgressStore

    seed_reviews(tmp_path, 3)
    path = tmp_path / "progress.db"
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data), page):  # keep the header page, scribble over the rest
        data[start + 8:start + page] = b"\xa5" * (page - 8)
    path.write_bytes(bytes(data))
    store = ProgressStore(path)
    assert store.recovered_from is not None and store.recovered_from.read_bytes() == bytes(data)
    assert store.review_count() == 0
    store.close()


# -- the TUI ----------------------------------------------------------------------------------------
def notices(app):
    return [(n.message, n.severity) for n in app._notifications]


def test_tui_starts_with_a_red_notice_when_the_store_cannot_open(tmp_path):
    from dlquiz.tui.app import DlquizApp
    from tests.bank_fixture import small_bank

    blocker = tmp_path / "blocker"
    blocker.write_text("hello")

    async def run():
        app = DlquizApp(db_path=blocker / "progress.db")
        app._bank = small_bank()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            errors = [m for m, sev in notices(app) if sev == "error"]
            assert any("is a file" in m and "not be saved" in m for m in errors), notices(app)
            app.start_session("practice", count=2, include_generated=False)  # still usable
            await pilot.pause()
            assert app.screen.session.queue
    asyncio.run(run())
    assert blocker.read_text() == "hello"


def test_tui_grading_while_locked_shows_a_notice_and_keeps_going(tmp_path, monkeypatch):
    from dlquiz.tui.app import DlquizApp
    from dlquiz.tui.screens.question import QuestionScreen
    from tests.bank_fixture import small_bank

    monkeypatch.setenv("DLQUIZ_LOCK_TIMEOUT", "0.2")
    path = tmp_path / "progress.db"

    async def run():
        app = DlquizApp(db_path=path)
        app._bank = small_bank()
        async with app.run_test(size=(120, 40)) as pilot:
            app.start_session("practice", qtype="flashcard", count=3, include_generated=False)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, QuestionScreen)
            await pilot.press("space", "3")  # first answer saved
            await pilot.pause()
            assert app.store.review_count() == 1
            await pilot.press("enter", "space")
            await pilot.pause()
            holder = sqlite3.connect(path, isolation_level=None)  # another session mid-write
            holder.execute("BEGIN IMMEDIATE")
            try:
                await pilot.press("3")  # the store is locked: a notice, the app lives, nothing moves on
                await pilot.pause()
                assert app.screen is screen and screen.state == "revealed"
                assert any("locked" in m and sev == "error" for m, sev in notices(app)), notices(app)
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            await pilot.press("3")  # lock gone: the same answer is saved
            await pilot.pause()
            assert screen.state == "feedback"
            assert app.store.review_count() == 2
    asyncio.run(run())
    assert moved_aside(tmp_path) == []
