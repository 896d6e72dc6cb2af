"""Every home entry opened the way a person opens it, with every dialog left at its defaults: the app
must reach the screen the entry promises, never a red toast about its own sentinels (the practice
dialog once sent Textual's `Select.NULL` as the topic)."""
import asyncio

import pytest

from dlquiz.tui.app import DlquizApp
from dlquiz.tui.screens.question import QuestionScreen
from dlquiz.tui.screens.setup import SetupScreen
from tests.bank_fixture import small_bank


def make_app(tmp_path):
    app = DlquizApp(db_path=tmp_path / "progress.db")
    app._bank = small_bank()
    return app


def error_toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == "error"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_practice_dialog_with_its_defaults_starts_a_session(tmp_path, lang):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            if lang == "zh":
                await pilot.press("f2")
            await pilot.press("p")
            await pilot.pause()
            assert isinstance(app.screen, SetupScreen)
            app.screen.query_one("#start").press()  # topic/type/difficulty left at "all", count 20
            await pilot.pause()
            assert not error_toasts(app), error_toasts(app)
            assert isinstance(app.screen, QuestionScreen)
            session = app.screen.session
            assert session.config.topic is None and session.config.qtype is None
            assert session.config.difficulty is None
            assert len({q.topic for q in session.queue}) > 1  # "all topics" really means all

    asyncio.run(run())


def test_practice_dialog_with_one_choice_filters_by_it(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("p")
            await pilot.pause()
            topic = app.bank.questions[0].topic
            app.screen.query_one("#topic").value = topic
            app.screen.query_one("#start").press()
            await pilot.pause()
            assert not error_toasts(app), error_toasts(app)
            assert isinstance(app.screen, QuestionScreen)
            assert {q.topic for q in app.screen.session.queue} == {topic}

    asyncio.run(run())


@pytest.mark.parametrize("key", ["r", "m", "e", "x", "c", "b", "s", "l", "question_mark"])
def test_every_home_entry_opens_without_an_error(tmp_path, key):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            home = app.screen
            await pilot.press(key)
            await pilot.pause()
            assert not error_toasts(app), (key, error_toasts(app))
            assert app.screen is not home, key

    asyncio.run(run())
