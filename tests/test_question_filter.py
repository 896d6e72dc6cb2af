"""One question filter (dlquiz.review.filters.QuestionFilter) behind `dlquiz bank list`, drill sessions and
the TUI's browse box; session kinds as an enum; the session summary's shape."""
from __future__ import annotations

import json

import pytest

from dlquiz.cli import main
from dlquiz.errors import InputError
from dlquiz.review.filters import QuestionFilter
from dlquiz.review.kinds import SessionKind
from dlquiz.review.session import Session, SessionConfig
from dlquiz.review.store import ProgressStore
from tests.bank_fixture import small_bank


def ids(questions) -> list[str]:
    return [q.id for q in questions]


@pytest.mark.parametrize("text, expected", [
    ("", QuestionFilter()),
    ("topic:cnn type:numeric tag:errata pool size", QuestionFilter("cnn", "numeric", "errata", search="pool size")),
    ("topic:", QuestionFilter()),  # still being typed: filters nothing yet
    ("kernel topic:math stride", QuestionFilter(topic="math", search="kernel stride")),
    ("size:3 d:2", QuestionFilter(search="size:3 d:2")),  # not filter keys: plain text
])
def test_parse_browse_text(text, expected):
    assert QuestionFilter.parse(text) == expected


def test_each_field_filters():
    bank = small_bank()
    assert ids(QuestionFilter().apply(bank.questions)) == ids(bank.questions)
    assert ids(QuestionFilter(topic="math").apply(bank.questions)) == ["math.q5", "math.q6"]
    assert ids(QuestionFilter(qtype="numeric").apply(bank.questions)) == ["cnn.q3", "losses.q7"]
    assert ids(QuestionFilter(tag="errata").apply(bank.questions)) == ["cnn.q4", "losses.q8"]
    assert ids(QuestionFilter(difficulty=1).apply(bank.questions)) == ["cnn.q3", "math.q6"]
    assert ids(QuestionFilter(search="答7").apply(bank.questions)) == ["losses.q7"]  # answer text, either language
    assert ids(QuestionFilter(search="CNN.Q1").apply(bank.questions)) == ["cnn.q1"]  # id, case-insensitive
    assert ids(QuestionFilter(topic="losses", tag="errata").apply(bank.questions)) == ["losses.q8"]


@pytest.mark.parametrize("wanted, message", [
    (QuestionFilter(topic="nope"), "unknown topic 'nope'"),
    (QuestionFilter(qtype="essay"), "unknown type 'essay'"),
    (QuestionFilter(difficulty=4), "difficulty must be 1, 2 or 3"),
])
def test_bad_values_are_one_input_error(wanted, message):
    with pytest.raises(InputError, match=message):
        wanted.apply(small_bank().questions)


def test_bank_list_is_the_filter(capsys):
    from question_bank.loader import load_bank

    assert main(["bank", "list", "--topic", "cnn", "--type", "numeric", "--json"]) == 0
    listed = [q["id"] for q in json.loads(capsys.readouterr().out)]
    assert listed and listed == ids(QuestionFilter(topic="cnn", qtype="numeric").apply(load_bank().questions))


def test_sessions_ask_only_what_the_filter_matches(tmp_path):
    store = ProgressStore(tmp_path / "p.db")
    config = SessionConfig(kind="practice", topic="losses", qtype="truefalse", include_generated=False)
    session = Session.start(small_bank(), store, config)
    assert ids(session.queue) == ["losses.q8"]
    assert all(config.question_filter.matches(q) for q in session.queue)
    with pytest.raises(InputError, match="unknown topic"):
        SessionConfig(kind="practice", topic="nope").validate()


def test_session_kind_is_an_enum_that_behaves_like_its_string(tmp_path):
    config = SessionConfig(kind="cram")
    config.validate()
    assert config.kind is SessionKind.CRAM and config.kind == "cram"
    with pytest.raises(InputError, match="allowed: review, practice, cram, mock, errata"):
        SessionConfig(kind="exam").validate()
    store = ProgressStore(tmp_path / "p.db")
    session = Session.start(small_bank(), store, SessionConfig(kind="practice", qtype="flashcard", count=1,
                                                               include_generated=False))
    session.grade_flashcard(3)
    [row] = store.reviews()
    assert row.session == "practice" and type(row.session) is str  # stored as the plain string
    summary = session.finish()
    assert list(summary) == ["kind", "answered", "total", "auto_graded", "correct", "score", "overridden",
                             "skipped", "seconds", "per_topic", "ratings", "missed"]
    assert json.loads(json.dumps(summary))["kind"] == "practice" and summary["ratings"] == {3: 1}
