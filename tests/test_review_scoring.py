"""One definition of correct, retention and mastered (dlquiz.review.scoring) everywhere: the session
summary, `dlquiz quiz`, `dlquiz stats` (text and --json, with the 14-day forecast); undo and override in
the store; suspend/bury migration; units typed after numbers; no trivia in mock interviews."""
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler, State

from dlquiz.errors import InputError
from dlquiz.review.scheduler import Reviewer
from dlquiz.review.session import Session, SessionConfig
from dlquiz.review.stats import progress_stats
from dlquiz.review.store import MIGRATIONS, ProgressStore
from question_bank.answers import check_answer
from tests.bank_fixture import small_bank


@pytest.fixture
def store(tmp_path):
    s = ProgressStore(tmp_path / "progress.db")
    yield s
    s.close()


def cli(tmp_path, *args, stdin=""):
    env = {**os.environ, "DLQUIZ_HOME": str(tmp_path), "LANG": "en_US.UTF-8"}
    return subprocess.run([sys.executable, "-m", "dlquiz", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


# -- the CLI: quiz summary and stats agree ---------------------------------------------------------
def test_quiz_summary_numbers_match_stats(tmp_path):
    # four flashcards rated Again, Hard, Good, Easy: Hard counts as correct (FSRS's and Anki's "pass")
    quiz = cli(tmp_path, "quiz", "--type", "flashcard", "--count", "4", "--seed", "5", "--json",
               stdin="\n1\n\n2\n\n3\n\n4\n")
    assert quiz.returncode == 0, quiz.stderr
    summary = json.loads(quiz.stdout[quiz.stdout.index("\n{") + 1:] if "\n{" in quiz.stdout else quiz.stdout)
    assert summary["answered"] == 4 and summary["correct"] == 3
    stats = json.loads(cli(tmp_path, "stats", "--json").stdout)
    assert stats["reviews"] == 4 and stats["correct"] == 3 and stats["accuracy"] == 0.75
    for topic, score in summary["per_topic"].items():
        assert (stats["topics"][topic]["reviews"], stats["topics"][topic]["correct"]) == \
            (score["answered"], score["correct"])
    assert stats["retention"] is None  # nothing answered on an earlier day yet
    text = cli(tmp_path, "quiz", "--type", "flashcard", "--count", "4", "--seed", "5",
               stdin="\n1\n\n2\n\n3\n\n4\n").stdout
    assert "score: 3/4 correct" in text and "correct = rated Hard, Good or Easy" in text
    assert "rate 1 Again 1m · 2 Hard" in text  # each grade key with FSRS's next interval


def test_stats_json_has_a_14_day_forecast_per_topic(tmp_path):
    # three flashcards rated Easy in a review session: FSRS puts each a few days out
    result = cli(tmp_path, "quiz", "--type", "flashcard", "--count", "3", "--seed", "1", stdin="\n4\n" * 3)
    assert result.returncode == 0, result.stderr
    stats = json.loads(cli(tmp_path, "stats", "--json").stdout)
    forecast = stats["forecast"]
    today = datetime.now().astimezone().date()
    assert [d["date"] for d in forecast] == [(today + timedelta(days=i)).isoformat() for i in range(14)]
    now = datetime.now(UTC)
    easy, _ = Scheduler(enable_fuzzing=False).review_card(Card(), Rating.Easy, review_datetime=now)
    day = (easy.due.astimezone().date() - today).days
    assert forecast[day]["due"] == 3 and sum(d["due"] for d in forecast) == 3
    assert sum(forecast[day]["topics"].values()) == 3
    assert sum(t["due_14_days"] for t in stats["topics"].values()) == 3
    text = cli(tmp_path, "stats").stdout
    assert "forecast: cards due per day" in text
    assert f"{forecast[day]['date']}     3" in text


def test_mock_quiz_prints_the_missed_questions_with_answers(tmp_path):
    result = cli(tmp_path, "quiz", "--mode", "mock", "--type", "truefalse", "--count", "2", "--seed", "3",
                 "--json", stdin="\n\n")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout[result.stdout.rindex("\n{") + 1:])
    assert summary["skipped"] == 2 and len(summary["missed"]) == 2
    text = cli(tmp_path, "quiz", "--mode", "mock", "--type", "truefalse", "--count", "2", "--seed", "3",
               stdin="\n\n").stdout
    assert "skipped\nanswer:" in text  # skip shows the answer before moving on
    assert "missed (2):" in text and text.count("   answer: ") == 2


# -- definitions -------------------------------------------------------------------------------
def test_retention_counts_only_answers_to_questions_seen_on_an_earlier_day(store):
    bank, reviewer = small_bank(), Reviewer(store)
    day1 = datetime.now(UTC) - timedelta(days=3)
    for qid in ("cnn.q1", "math.q5"):
        reviewer.grade(qid, Rating.Good, correct=None, answer_ms=1, session="review", now=day1)
        reviewer.grade(qid, Rating.Again, correct=None, answer_ms=1, session="review",
                       now=day1 + timedelta(minutes=1))  # same day: not a retention measurement
    reviewer.grade("cnn.q1", Rating.Hard, correct=None, answer_ms=1, session="review", now=day1 + timedelta(days=2))
    reviewer.grade("math.q5", Rating.Again, correct=None, answer_ms=1, session="practice",
                   now=day1 + timedelta(days=2))
    stats = progress_stats(bank, store)
    assert stats["retention_reviews"] == 2 and stats["retention"] == 0.5
    assert stats["reviews"] == 6 and stats["correct"] == 3  # Good, Good, Hard


def test_mastered_means_review_state_with_three_weeks_of_stability(store):
    bank, reviewer = small_bank(), Reviewer(store)
    at = datetime.now(UTC) - timedelta(days=400)
    card = reviewer.grade("cnn.q1", Rating.Easy, correct=None, answer_ms=1, session="review", now=at)
    while (card.stability or 0) < 21:
        assert progress_stats(bank, store)["topics"]["cnn"]["mastered"] == 0
        at = card.due
        card = reviewer.grade("cnn.q1", Rating.Good, correct=None, answer_ms=1, session="review", now=at)
    assert card.state == State.Review
    assert progress_stats(bank, store)["topics"]["cnn"]["mastered"] == 1


# -- undo and override in the store ------------------------------------------------------------
def test_undo_restores_the_previous_card_and_refuses_after_another_grade(store, tmp_path):
    bank = small_bank()
    first = Session.start(bank, store, SessionConfig(kind="practice", qtype="flashcard", topic="cnn",
                                                     include_generated=False))
    first.grade_flashcard(Rating.Good)
    before = store.card_json("cnn.q1")
    second = Session.start(bank, store, SessionConfig(kind="practice", qtype="flashcard", topic="cnn",
                                                      include_generated=False))
    second.grade_flashcard(Rating.Easy)
    other = ProgressStore(tmp_path / "progress.db")  # another session grades the same card meanwhile
    Reviewer(other).grade("cnn.q1", Rating.Hard, correct=None, answer_ms=1, session="practice")
    with pytest.raises(InputError, match="graded again"):
        second.undo()
    assert store.review_count() == 3  # nothing changed
    other.close()
    third = Session.start(bank, store, SessionConfig(kind="practice", qtype="flashcard", topic="cnn",
                                                     include_generated=False))
    now_json = store.card_json("cnn.q1")
    third.grade_flashcard(Rating.Again)
    third.undo()
    assert store.card_json("cnn.q1") == now_json != before and store.review_count() == 3
    assert third.current is not None and third.current.id == "cnn.q1" and third.results == []


def test_override_changes_the_rating_and_the_score(store):
    s = Session.start(small_bank(), store, SessionConfig(kind="review", qtype="truefalse", topic="cnn"))
    s.answer("t")  # wrong: cnn.q4 is false
    assert s.summary()["correct"] == 0
    s.override(Rating.Good)  # "I misread it": the user's call
    summary = s.summary()
    assert summary["correct"] == 1 and summary["overridden"] == 1
    assert [r.rating for r in store.reviews()] == [Rating.Good]


def test_migration_2_to_3_adds_suspend_and_bury(tmp_path):
    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (2)")
    conn.executescript(MIGRATIONS[0] + MIGRATIONS[1])
    conn.execute("INSERT INTO reviews (question_id, rating, correct, answer_ms, session, reviewed_at)"
                 " VALUES ('cnn.q1', 3, NULL, 100, 'review', '2026-01-01T00:00:00+00:00')")
    conn.commit()
    conn.close()
    store = ProgressStore(path)
    assert store.review_count() == 1
    s = Session.start(small_bank(), store, SessionConfig(kind="practice", include_generated=False))
    s.suspend(s.queue[0])
    assert store.flags(s.queue[0].id).suspended
    assert s.queue[0].id not in [q.id for q in Session.start(small_bank(), store,
                                                              SessionConfig(kind="practice",
                                                                            include_generated=False)).queue]
    store.close()


# -- answers and mock ----------------------------------------------------------------------------
def test_a_unit_after_the_number_is_accepted():
    q = replace(small_bank().by_id["cnn.q3"], unit="px")  # 640
    assert check_answer(q, "640 px").correct and check_answer(q, "640px").correct
    assert check_answer(q, "640 PX").correct and not check_answer(q, "639 px").correct
    percent = replace(q, value=91.8, tolerance=0.05, unit="%")
    assert check_answer(percent, "91.8 %").correct and check_answer(percent, "91.8%").correct


def test_mock_interviews_leave_out_trivia(store):
    bank = small_bank()
    tagged = type(bank)([replace(q, tags=(*q.tags, "trivia")) if q.topic == "math" else q
                         for q in bank.questions], bank.notes)
    mock = Session.start(tagged, store, SessionConfig(kind="mock", count=8, include_generated=False))
    assert mock.queue and all("trivia" not in q.tags for q in mock.queue)
    practice = Session.start(tagged, store, SessionConfig(kind="practice", count=8, include_generated=False))
    assert any("trivia" in q.tags for q in practice.queue)
