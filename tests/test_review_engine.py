"""Review engine: scheduling order, limits, persistence, migrations, corrupt-database recovery."""
import json
import sqlite3
from datetime import timedelta

import pytest
from fsrs import Rating

from dlquiz.errors import InputError
from dlquiz.review.scheduler import card_id_for, rating_for
from dlquiz.review.session import Session, SessionConfig
from dlquiz.review.stats import progress_stats, streak_days
from dlquiz.review.store import MIGRATIONS, SCHEMA_VERSION, ProgressStore, utc_now
from tests.bank_fixture import small_bank


@pytest.fixture
def store(tmp_path):
    s = ProgressStore(tmp_path / "progress.db")
    yield s
    s.close()


def answer_all(session):
    while (q := session.current) is not None:
        if q.type == "flashcard":
            session.grade_flashcard(Rating.Good)
        elif q.type == "numeric":
            session.answer(str(q.value))
        elif q.type == "choice":
            session.answer(",".join(q.correct))
        else:
            session.answer("t" if q.truth else "f")


def test_card_id_is_stable_and_distinct():
    assert card_id_for("cnn.a") == card_id_for("cnn.a") != card_id_for("cnn.b")
    assert 0 < card_id_for("cnn.a") < 2**63


def test_rating_mapping():
    assert rating_for(False, 3, "choice") == Rating.Again
    assert rating_for(True, 20, "numeric") == Rating.Good
    assert rating_for(True, 120, "numeric") == 2
    assert rating_for(True, 2, "truefalse") == 4


def test_new_cards_respect_daily_limit(store):
    bank = small_bank()
    session = Session.start(bank, store, SessionConfig(kind="review", new_per_day=3, seed=1))
    assert len(session.queue) == 3
    answer_all(session)
    again = Session.start(bank, store, SessionConfig(kind="review", new_per_day=3, seed=1))
    assert again.queue == []  # limit used up today, nothing due yet (learning steps are minutes away)


def test_due_cards_come_before_new(store):
    bank = small_bank()
    s = Session.start(bank, store, SessionConfig(kind="review", new_per_day=2, seed=3))
    first_two = [q.id for q in s.queue]
    answer_all(s)
    later = utc_now() + timedelta(days=30)
    s2 = Session.start(bank, store, SessionConfig(kind="review", new_per_day=10), now=later)
    assert [q.id for q in s2.queue[:2]] == sorted(first_two, key=lambda qid: store.all_cards()[qid][1])
    assert all(q.id not in first_two for q in s2.queue[2:])


def test_progress_persists_across_reopen(tmp_path):
    bank = small_bank()
    path = tmp_path / "p.db"
    store = ProgressStore(path)
    s = Session.start(bank, store, SessionConfig(kind="practice", count=4, seed=2, include_generated=False))
    answer_all(s)
    cards_before = store.all_cards()
    store.close()
    reopened = ProgressStore(path)
    assert reopened.review_count() == 4
    assert reopened.all_cards() == cards_before
    reopened.close()


def test_wrong_answer_is_recorded_as_again(store):
    bank = small_bank()
    s = Session.start(bank, store, SessionConfig(kind="practice", qtype="numeric", topic="cnn",
                                                 include_generated=False))
    fb = s.answer("639")
    assert fb.correct is False and fb.rating == Rating.Again
    row = next(store.reviews())
    assert row.correct is False and row.rating == Rating.Again and row.question_id == "cnn.q3"


def test_bad_typed_answer_records_nothing(store):
    from question_bank.answers import AnswerSyntaxError

    s = Session.start(small_bank(), store, SessionConfig(kind="practice", qtype="numeric", topic="cnn",
                                                         include_generated=False))
    with pytest.raises(AnswerSyntaxError):
        s.answer("import os")
    assert store.review_count() == 0 and s.position == 0


def test_errata_and_filters(store):
    s = Session.start(small_bank(), store, SessionConfig(kind="errata"))
    assert {q.id for q in s.queue} == {"cnn.q4", "losses.q8"}
    with pytest.raises(InputError):
        SessionConfig(kind="review", topic="nope").validate()


def test_mock_interview_mixes_topics_and_scores(store):
    s = Session.start(small_bank(), store, SessionConfig(kind="mock", count=6, seed=4, include_generated=False))
    assert len({q.topic for q in s.queue[:3]}) == 3
    assert s.time_left() is not None and s.time_left() > 0
    answer_all(s)
    summary = s.finish()
    assert summary["score"] == 6 and sum(t["answered"] for t in summary["per_topic"].values()) == 6
    assert store.conn.execute("SELECT score, total FROM mock_results").fetchone() == (6, 6)
    assert store.all_cards() == {}  # mock interviews don't move due dates


def test_removed_question_keeps_history(store):
    bank = small_bank()
    s = Session.start(bank, store, SessionConfig(kind="practice", count=8, include_generated=False))
    answer_all(s)
    smaller = type(bank)([q for q in bank.questions if q.id != "cnn.q1"], bank.notes)
    stats = progress_stats(smaller, store)
    assert store.review_count() == 8 and stats["reviews"] == 8
    assert stats["cards_seen"] == 7  # the removed card is not counted as seen, but its rows remain
    assert "cnn.q1" in store.all_cards()


def test_stats_shape(store):
    s = Session.start(small_bank(), store, SessionConfig(kind="practice", count=8, include_generated=False))
    answer_all(s)
    stats = progress_stats(small_bank(), store)
    assert stats["reviews"] == 8 and isinstance(stats["due"], int)
    assert stats["topics"]["cnn"]["reviews"] == 4 and stats["topics"]["cnn"]["accuracy"] == 1.0
    assert stats["streak"] == 1


def test_streak_counts_back_from_today():
    today = utc_now().date()
    days = {today - timedelta(days=i) for i in (0, 1, 2, 4)}
    assert streak_days(days, today) == 3
    assert streak_days({today - timedelta(days=1)}, today) == 1
    assert streak_days(set(), today) == 0


def test_corrupt_database_is_moved_aside(tmp_path):
    path = tmp_path / "progress.db"
    path.write_bytes(b"this is not a database" * 100)
    store = ProgressStore(path)
    assert store.recovered_from is not None and store.recovered_from.name.startswith("progress.db.corrupt-")
    assert store.recovered_from.read_bytes().startswith(b"this is not a database")
    assert "moved it to" in store.recovery_message
    assert store.review_count() == 0
    store.close()


def test_migration_from_version_1_keeps_data(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (1)")
    conn.executescript(MIGRATIONS[0])
    conn.execute("INSERT INTO reviews (question_id, rating, correct, answer_ms, session, reviewed_at)"
                 " VALUES ('cnn.q1', 3, NULL, 100, 'review', '2026-01-01T00:00:00+00:00')")
    conn.commit()
    conn.close()
    store = ProgressStore(path)
    assert store.conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    assert store.review_count() == 1
    store.set_setting("lang", "zh")
    assert store.get_setting("lang") == "zh"
    store.close()


def test_cards_json_round_trip(store):
    s = Session.start(small_bank(), store, SessionConfig(kind="practice", qtype="flashcard", topic="cnn",
                                                         include_generated=False))
    s.grade_flashcard(Rating.Good)
    card = json.loads(store.card_json("cnn.q1"))
    assert card["card_id"] == card_id_for("cnn.q1") and card["due"].endswith("+00:00")
