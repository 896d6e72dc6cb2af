"""The plain-terminal quiz via subprocess: piped answers are recorded, stats report them,
kill -9 mid-session loses at most the answer in flight, a garbage DB is moved aside."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest


def run(args, home, stdin="", timeout=60):
    env = {**os.environ, "DLQUIZ_HOME": str(home), "LANG": "C"}
    return subprocess.run([sys.executable, "-m", "dlquiz", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=timeout)


def test_issue_example_records_three_flashcard_reviews(tmp_path):
    result = run(["quiz", "--type", "flashcard", "--count", "3"], tmp_path, "\n3\n\n3\n\n3\n")
    assert result.returncode == 0, result.stderr
    assert "score: 3/3" in result.stdout
    stats = json.loads(run(["stats", "--json"], tmp_path).stdout)
    assert stats["reviews"] == 3 and stats["cards_seen"] == 3
    assert set(stats) >= {"reviews", "due", "cards_seen", "topics"}


def test_typed_answers_wrong_then_unreadable_then_eof(tmp_path):
    # An unreadable answer is re-asked (not recorded); EOF ends the session cleanly.
    result = run(["quiz", "--mode", "practice", "--type", "numeric", "--count", "2", "--seed", "1"], tmp_path,
                 "not a number\n-123456789\n")
    assert result.returncode == 0, result.stderr
    assert "! only numbers" in result.stdout or "! not a number" in result.stdout
    assert "✗ wrong" in result.stdout
    assert json.loads(run(["stats", "--json"], tmp_path).stdout)["reviews"] == 1


def test_quiz_in_chinese(tmp_path):
    result = run(["quiz", "--mode", "errata", "--type", "truefalse", "--count", "1", "--lang", "zh"], tmp_path,
                 "maybe\nt\n")
    assert result.returncode == 0, result.stderr
    assert "得分" in result.stdout and "出处" in result.stdout
    assert "! 请输入 t/true/对 或 f/false/错" in result.stdout  # the re-ask is in Chinese too


@pytest.mark.parametrize("args, needle", [
    (["quiz", "--count", "0"], "--count must be a positive integer"),
    (["quiz", "--topic", "astrology"], "unknown topic 'astrology'"),
    (["quiz", "--type", "essay"], "invalid choice: 'essay'"),
])
def test_bad_options_one_line_exit_2(tmp_path, args, needle):
    result = run(args, tmp_path)
    assert result.returncode == 2
    assert needle in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_kill_9_mid_session_keeps_every_graded_answer(tmp_path):
    env = {**os.environ, "DLQUIZ_HOME": str(tmp_path), "LANG": "C", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "dlquiz", "quiz", "--mode", "practice", "--type", "flashcard",
                             "--count", "10", "--seed", "3"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    seen = ""

    def read_until(marker):
        nonlocal seen
        deadline = time.time() + 60
        while marker not in seen:
            assert time.time() < deadline, seen
            seen += proc.stdout.read(1)

    read_until("[1/10]")
    proc.stdin.write("\n3\n\n2\n\n")  # grade two, reveal the third (in flight)
    proc.stdin.flush()
    read_until("[3/10]")
    read_until("rate 1")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    stats = json.loads(run(["stats", "--json"], tmp_path).stdout)
    assert stats["reviews"] == 2


def test_garbage_database_is_moved_aside(tmp_path):
    (tmp_path / "progress.db").write_bytes(b"\x00garbage" * 512)
    result = run(["stats", "--json"], tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)["reviews"] == 0
    moved = [p.name for p in tmp_path.iterdir() if p.name.startswith("progress.db.corrupt-")]
    assert len(moved) == 1
    assert (tmp_path / moved[0]).read_bytes().startswith(b"\x00garbage")
