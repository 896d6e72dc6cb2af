"""Honest, visible scoring in the TUI (issue #11), driven with Pilot as a user would: FSRS's interval on
each grade key, the rating explained and overridable, undo (u) back to the database, suspend and bury,
the forecast on the stats screen, marked choices, skip showing the answer, re-drill of the missed
questions and the mock interview's list of missed answers."""
import asyncio
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler
from textual.widgets import DataTable, Static

from dlquiz.review.store import ProgressStore
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.screens.question import QuestionScreen, SummaryScreen
from dlquiz.tui.screens.stats import StatsScreen
from tests.bank_fixture import small_bank


def make_app(tmp_path, unit=""):
    app = DlquizApp(db_path=tmp_path / "progress.db")
    bank = small_bank()
    if unit:  # the numeric question cnn.q3 (640) asks for an answer in this unit
        bank = type(bank)([replace(q, unit=unit) if q.id == "cnn.q3" else q for q in bank.questions], bank.notes)
    app._bank = bank
    return app


def text_of(app, selector):
    return str(app.screen.query_one(selector, Static).render())


def db_rows(tmp_path, sql):
    conn = sqlite3.connect(tmp_path / "progress.db")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def fsrs_days_for_new_card(rating):
    """What FSRS itself (default scheduler, no fuzz) gives a new card for this rating, in whole days."""
    now = datetime.now(UTC)
    card, _ = Scheduler(enable_fuzzing=False).review_card(Card(), rating, review_datetime=now)
    return round((card.due - now).total_seconds() / 86400)


def test_flashcard_reveal_with_enter_shows_fsrs_intervals_then_next_due(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            app.start_session("review", qtype="flashcard", topic="cnn")
            await pilot.pause()
            await pilot.press("enter")  # Enter reveals, as in `dlquiz quiz`
            await pilot.pause()
            assert app.screen.state == "revealed"
            hint = text_of(app, "#hint")
            # FSRS's default learning steps are 1 and 10 minutes; Easy graduates a new card at once
            assert "1 Again 1m" in hint and "3 Good 10m" in hint
            assert f"4 Easy {fsrs_days_for_new_card(Rating.Easy)}d" in hint
            await pilot.press("3")
            await pilot.pause()
            feedback = text_of(app, "#feedback")
            assert "rated: Good" in feedback and "next due:" in feedback and "(in 10m)" in feedback
    asyncio.run(run())


def test_auto_rating_is_explained_and_1_to_4_override_it_in_the_database(tmp_path):
    async def run():
        app = make_app(tmp_path, unit="px")
        async with app.run_test(size=(80, 24)) as pilot:
            app.start_session("review", qtype="numeric", topic="cnn")
            await pilot.pause()
            await pilot.press(*"640 px", "enter")  # a unit typed after the number is accepted
            await pilot.pause()
            feedback = text_of(app, "#feedback")
            assert "✓" in feedback and "auto-rated Good" in feedback and "60 s would be Hard" in feedback
            assert "change rating" in text_of(app, "#hint") and "2 Hard 6m" in text_of(app, "#hint")
            assert db_rows(tmp_path, "SELECT rating FROM reviews") == [(int(Rating.Good),)]
            await pilot.press("2")  # I struggled: Hard, not Good
            await pilot.pause()
            assert "rated: Hard (you changed it" in text_of(app, "#feedback")
            assert db_rows(tmp_path, "SELECT rating FROM reviews") == [(int(Rating.Hard),)]
            (card_json,), = db_rows(tmp_path, "SELECT card_json FROM cards")
            expected, _ = Scheduler(enable_fuzzing=False).review_card(Card(), Rating.Hard)
            assert json.loads(card_json)["stability"] == expected.stability  # rescheduled as if Hard at once
            await pilot.press("escape")
            await pilot.pause()
            assert "1/1 correct" in text_of(app, "#summary-text")  # Hard still counts as correct
    asyncio.run(run())


def test_choice_feedback_marks_the_pick_and_the_correct_option(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            app.start_session("practice", qtype="choice", topic="cnn", include_generated=False)
            await pilot.pause()
            await pilot.press("a")  # wrong: B is right
            await pilot.pause()
            prompt = text_of(app, "#prompt")
            assert "✗ A. a  ← your answer" in prompt and "✓ B. b" in prompt
            assert "auto-rated Again: wrong answer" in text_of(app, "#feedback")
    asyncio.run(run())


def test_undo_with_u_takes_the_review_row_and_the_card_state_back(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            app.start_session("practice", qtype="flashcard", topic="cnn", include_generated=False)
            await pilot.pause()
            await pilot.press("enter", "4")  # first time: Easy
            await pilot.pause()
            before = db_rows(tmp_path, "SELECT card_json, due FROM cards")
            await pilot.press("escape", "escape")
            await pilot.pause()
            app.start_session("practice", qtype="flashcard", topic="cnn", include_generated=False)
            await pilot.pause()
            await pilot.press("enter", "1")  # second time: Again
            await pilot.pause()
            assert len(db_rows(tmp_path, "SELECT id FROM reviews")) == 2
            assert db_rows(tmp_path, "SELECT card_json, due FROM cards") != before
            await pilot.press("u")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, QuestionScreen) and screen.state == "asking"
            assert "问1" in text_of(app, "#prompt")  # back on the same question
            assert db_rows(tmp_path, "SELECT rating FROM reviews") == [(int(Rating.Easy),)]
            assert db_rows(tmp_path, "SELECT card_json, due FROM cards") == before
    asyncio.run(run())


def test_undo_of_a_first_answer_leaves_no_card(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            app.start_session("review", qtype="truefalse", topic="cnn")
            await pilot.pause()
            await pilot.press("f")
            await pilot.pause()
            await pilot.press("enter")  # on to the next question (the session is over: the summary)
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            await pilot.press("escape")
            app.start_session("review", qtype="flashcard", topic="cnn")
            await pilot.pause()
            await pilot.press("enter", "3", "u")
            await pilot.pause()
            assert db_rows(tmp_path, "SELECT question_id FROM cards") == [("cnn.q4",)]
            assert db_rows(tmp_path, "SELECT question_id FROM reviews") == [("cnn.q4",)]
    asyncio.run(run())


def test_suspend_keeps_a_card_out_until_unsuspended_on_the_stats_screen(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            app.start_session("review", qtype="flashcard")
            await pilot.pause()
            first = app.screen.session.current.id
            await pilot.press("s")  # suspend before answering: moves on, nothing graded
            await pilot.pause()
            assert app.screen.session.current.id != first
            assert db_rows(tmp_path, "SELECT question_id, suspended FROM card_flags") == [(first, 1)]
            assert db_rows(tmp_path, "SELECT COUNT(*) FROM reviews") == [(0,)]
            await pilot.press("escape", "escape")
            await pilot.pause()
            app.start_session("cram", qtype="flashcard", include_generated=False)
            await pilot.pause()
            assert [q.id for q in app.screen.session.queue] != [] and first not in \
                [q.id for q in app.screen.session.queue]
            await pilot.press("escape", "escape")
            await pilot.press("s")
            await pilot.pause()
            assert isinstance(app.screen, StatsScreen)
            assert "Suspended: 1" in text_of(app, "#stats-summary")
            await pilot.press("u")
            await pilot.pause()
            assert "Suspended" not in text_of(app, "#stats-summary")
            assert db_rows(tmp_path, "SELECT COUNT(*) FROM card_flags") == [(0,)]
    asyncio.run(run())


def test_bury_hides_a_card_until_tomorrow(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            app.start_session("review", qtype="flashcard", topic="cnn")
            await pilot.pause()
            await pilot.press("enter", "1")  # Again: due again in a minute
            await pilot.pause()
            await pilot.press("b")  # bury it from the feedback view
            await pilot.pause()
            (until,), = db_rows(tmp_path, "SELECT buried_until FROM card_flags WHERE question_id = 'cnn.q1'")
            tomorrow = (datetime.now().astimezone() + timedelta(days=1)).date()
            assert datetime.fromisoformat(until).astimezone().date() == tomorrow
    asyncio.run(run())
    from dlquiz.review.session import Session, SessionConfig

    store = ProgressStore(tmp_path / "progress.db")
    later = datetime.now(UTC) + timedelta(minutes=5)  # due by then, but buried
    assert "cnn.q1" not in [q.id for q in Session.start(small_bank(), store, SessionConfig(kind="review"),
                                                        now=later).queue]
    day_after = datetime.now(UTC) + timedelta(days=2)
    assert "cnn.q1" in [q.id for q in Session.start(small_bank(), store, SessionConfig(kind="review"),
                                                    now=day_after).queue]
    store.close()


def test_skip_shows_the_answer_before_moving_on(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            app.start_session("practice", qtype="numeric", topic="cnn", include_generated=False)
            await pilot.pause()
            await pilot.press("enter")  # empty answer = skip
            await pilot.pause()
            assert app.screen.state == "skipped"
            assert "Skipped" in text_of(app, "#feedback") and "答3" in text_of(app, "#feedback")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            assert db_rows(tmp_path, "SELECT COUNT(*) FROM reviews") == [(0,)]
    asyncio.run(run())


def test_summary_offers_to_redrill_the_missed_questions(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            app.start_session("practice", topic="cnn", qtype="choice", include_generated=False)
            await pilot.pause()
            await pilot.press("c", "enter")  # wrong
            await pilot.pause()
            summary = text_of(app, "#summary-text")
            assert "0/1 correct" in summary and "missed (1)" in summary and "B — 答2" in summary
            assert "r: re-drill the 1 missed" in text_of(app, "#summary-keys")
            await pilot.press("r")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, QuestionScreen)
            assert [q.id for q in screen.session.queue] == ["cnn.q2"]
            assert "Re-drill missed" in text_of(app, "#progress")
            await pilot.press("b")  # right this time
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert "1/1 correct" in text_of(app, "#summary-text") and "nothing missed" in text_of(app, "#summary-text")
    asyncio.run(run())


def test_mock_interview_ends_with_the_missed_questions_and_their_answers(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            app.start_session("mock", qtype="truefalse", include_generated=False)
            await pilot.pause()
            session = app.screen.session
            wrong = session.current
            await pilot.press("t" if not wrong.truth else "f", "enter")
            await pilot.pause()
            right = session.current
            await pilot.press("t" if right.truth else "f", "enter")
            await pilot.pause()
            summary = text_of(app, "#summary-text")
            assert "1/2 correct" in summary and "missed (1)" in summary
            assert wrong.prompt.en in summary and wrong.answer.en in summary
            assert right.prompt.en not in summary
    asyncio.run(run())


def test_stats_screen_shows_the_forecast_per_topic(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            app.start_session("review", qtype="flashcard")
            await pilot.pause()
            await pilot.press("enter", "4", "enter", "enter", "4", "enter")  # both flashcards Easy
            await pilot.pause()
            await pilot.press("escape", "s")
            await pilot.pause()
            assert isinstance(app.screen, StatsScreen)
            table = app.screen.query_one("#topic-table", DataTable)
            rows = {key.value: table.get_row(key) for key in table.rows}
            easy_days = fsrs_days_for_new_card(Rating.Easy)
            # one Easy card each in CNNs and Math: due in `easy_days` days, inside the 14-day forecast
            assert easy_days < 14
            assert rows["cnn"][-2:] == [0, 1] and rows["math"][-2:] == [0, 1]
            assert rows["cnn"][4] == "100%"
            plot = app.screen.query_one("#forecast")
            assert plot is not None
            assert app.screen.stats["forecast"][easy_days]["due"] == 2
    asyncio.run(run())


def test_home_shows_the_same_correct_share_as_the_summary(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            app.start_session("practice", topic="cnn", include_generated=False)
            await pilot.pause()
            session = app.screen.session
            for _ in range(4):
                q = session.current
                if q.type == "flashcard":
                    await pilot.press("enter", "2")  # Hard: correct
                elif q.type == "numeric":
                    await pilot.press(*"1", "enter")  # wrong
                elif q.type == "choice":
                    await pilot.press("b")
                else:
                    await pilot.press("t")  # wrong (cnn.q4 is false)
                await pilot.pause()
                await pilot.press("enter")
                await pilot.pause()
            assert "2/4 correct (50%)" in text_of(app, "#summary-text")
            await pilot.press("escape")
            await pilot.pause()
            await pilot.pause()
            assert "Correct: 50%" in text_of(app, "#summary")
            assert "✓50%" in text_of(app, "#mastery")
    asyncio.run(run())
