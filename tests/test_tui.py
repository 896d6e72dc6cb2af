"""Drive the real TUI through Pilot: answer every question type, quit, restart, state restored."""
import asyncio

from textual.widgets import Input, Static

from dlquiz.review.store import ProgressStore
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.screens.question import QuestionScreen, SummaryScreen
from tests.bank_fixture import small_bank


def make_app(tmp_path):
    app = DlquizApp(db_path=tmp_path / "progress.db")
    app._bank = small_bank()
    return app


def static_text(app, selector):
    return str(app.screen.query_one(selector, Static).render())


async def answer_current(pilot, app):
    screen = app.screen
    q = screen.session.current
    if q.type == "flashcard":
        await pilot.press("space")
        assert "answer" in static_text(app, "#feedback").lower() or "答案" in static_text(app, "#feedback")
        await pilot.press("3")
    elif q.type == "choice" and not q.is_multi_answer:
        await pilot.press(q.correct[0].lower())
    elif q.type == "choice":
        await pilot.press(*",".join(q.correct).lower(), "enter")
    elif q.type == "truefalse":
        await pilot.press("t" if q.truth else "f")
    else:
        await pilot.press(*str(q.value), "enter")
    await pilot.pause()
    assert screen.state == "feedback"
    await pilot.press("enter")
    await pilot.pause()


def test_home_then_full_practice_session_then_restart(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert "New available" in static_text(app, "#summary")
            app.start_session("practice", count=8, include_generated=False)
            await pilot.pause()
            assert isinstance(app.screen, QuestionScreen)
            types = set()
            for _ in range(8):
                types.add(app.screen.session.current.type)
                await answer_current(pilot, app)
            assert types == {"flashcard", "choice", "numeric", "truefalse"}
            assert isinstance(app.screen, SummaryScreen)
            assert "8/8" in str(app.screen.query_one("#summary-text", Static).render())
            await pilot.press("escape")
            await pilot.press("f2")  # switch to Chinese
            await pilot.pause()
            assert "可学新卡" in static_text(app, "#summary")
            await pilot.press("ctrl+q")
        store = ProgressStore(tmp_path / "progress.db")
        assert store.review_count() == 8
        store.close()
        again = make_app(tmp_path)
        async with again.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert again.lang == "zh"
            assert "复习次数: 8" in static_text(again, "#summary")
    asyncio.run(run())


def test_bad_numeric_input_shows_red_error_and_records_nothing(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            app.start_session("practice", topic="cnn", qtype="numeric", include_generated=False)
            await pilot.pause()
            await pilot.press(*"3*x", "enter")
            await pilot.pause()
            assert "only numbers" in static_text(app, "#error")
            assert app.screen.state == "asking"
            assert app.store.review_count() == 0
            await pilot.press("f2", "enter")  # in Chinese, the error is Chinese too
            await pilot.pause()
            assert "只能使用数字" in static_text(app, "#error")
            assert app.store.review_count() == 0
            app.screen.query_one("#answer", Input).value = ""
            await pilot.press(*"639", "enter")
            await pilot.pause()
            assert "✗" in static_text(app, "#feedback")
            assert app.store.review_count() == 1
    asyncio.run(run())


def test_help_and_browse_screens(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
            assert "Keys" in static_text(app, "#help-text")
            await pilot.press("escape")
            await pilot.press("b")
            await pilot.pause()
            from textual.widgets import DataTable

            table = app.screen.query_one(DataTable)
            assert table.row_count == 8
            await pilot.press(*"tag:errata")
            await pilot.pause()
            assert table.row_count == 2
            # the same filter as `bank list` and sessions (dlquiz.review.filters), typed as text
            from dlquiz.review.filters import QuestionFilter

            shown = [row.value for row in table.rows]
            assert shown == [q.id for q in QuestionFilter(tag="errata").apply(app.bank.questions)]
            await pilot.press(*" topic:nope")
            await pilot.pause()
            assert "unknown topic 'nope'" in static_text(app, "#filter-status") and table.row_count == 2
    asyncio.run(run())


def test_home_menu_opens_screens_by_arrows_enter_and_click(tmp_path):
    async def run():
        from textual.widgets import OptionList

        from dlquiz.tui.screens.calc import CalcScreen
        from dlquiz.tui.screens.setup import SetupScreen

        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            menu = app.screen.query_one("#menu", OptionList)
            assert app.focused is menu and menu.highlighted == 0
            await pilot.press("down", "enter")  # second entry: practice → its setup dialog
            await pilot.pause()
            assert isinstance(app.screen, SetupScreen)
            await pilot.press("escape")
            await pilot.pause()
            menu.highlighted = 5  # calculators
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, CalcScreen)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("f2")
            await pilot.pause()
            labels = [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
            assert any("计算器" in label for label in labels) and menu.highlighted == 5
    asyncio.run(run())


def test_calculators_screen_updates_as_you_type_and_shows_red_errors(tmp_path):
    async def run():
        app = make_app(tmp_path)
        async with app.run_test(size=(140, 50)) as pilot:
            await pilot.press("c")
            await pilot.pause()
            result = lambda key: str(app.screen.query_one(f"#{key}-result", Static).render())  # noqa: E731
            assert "answer: 224" in result("conv")
            size = app.screen.query_one("#conv-size", Input)
            size.value = "227"
            await pilot.pause()
            assert "answer: 227" in result("conv")
            size.value = "abc"
            await pilot.pause()
            assert "expected an integer" in str(app.screen.query_one("#conv-error", Static).render())
            # AlexNet's receptive field at pool5, on screen, equals the CLI's JSON answer
            from textual.widgets import DataTable

            from dlquiz.cli import build_parser

            args = build_parser().parse_args(["calc", "rf", "alexnet"])
            cli_json = args.handler(args).data
            expected = cli_json["receptive_field"]
            table = app.screen.query_one("#rf-table", DataTable)
            assert table.row_count == len(cli_json["layers"])
            assert f"receptive field {expected}" in result("rf")
    asyncio.run(run())
