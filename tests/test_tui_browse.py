"""The browse screen, the question detail view and the help screen as a person uses them, at 80x24 in
both languages: ranked hits with readable titles, arrows and Enter from the filter box, drilling the
question opened, sources by the note's title, and a help screen that names every key."""
import asyncio
import dataclasses
from typing import cast

import pytest
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from dlquiz.present import source_text
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.screens.browse import MAX_ROWS, BrowseScreen, QuestionDetailScreen
from dlquiz.tui.screens.question import QuestionScreen
from question_bank.model import Bank, Bilingual, ExternalSource, Lang, Note, Question, Source

NOTE_FILE = "003_f177c8416cf10227.txt"
NOTE = Note(NOTE_FILE, Bilingual("深度学习面试问题整理", "Deep-learning interview question list"), ("感受野及其计算",))


def _q(qid: str, en: str, zh: str, tags=(), topic="cnn", source=None) -> Question:
    return Question(qid, topic, "flashcard", 2, tuple(tags), Bilingual(zh, en), Bilingual("答", "ans"),
                    Bilingual("因", "why"), source or Source(NOTE_FILE, "感受野及其计算"))


def browse_bank() -> Bank:
    """'pooling' is in one id, one tag, one title and, for the last, only deep in the prompt."""
    return Bank([
        _q("cnn.body-only", "What does this layer do?\nIt is a pooling layer of size 2.",
           "这一层做什么?\n池化 pooling。"),
        _q("cnn.title", "Why use pooling at all?", "为什么要用池化(pooling)?"),
        _q("cnn.tagged", "Max or average?", "最大还是平均?", tags=("pooling",)),
        _q("cnn.pooling-size", "Output size after a 2×2 window?", "2×2 窗口后的输出尺寸?"),
        _q("cnn.conv", "What is a convolution?", "什么是卷积?", tags=("conv",)),
        _q("math.paper", "What does the focal loss down-weight?", "focal loss 降低了谁的权重?", topic="math",
           source=ExternalSource("paper", "Lin et al. 2017, Focal Loss, §3", "https://arxiv.org/abs/1708.02002")),
    ], {NOTE_FILE: NOTE})


def make_app(tmp_path, lang: str, bank: Bank | None = None) -> DlquizApp:
    app = DlquizApp(db_path=tmp_path / "progress.db")
    app._bank = bank or browse_bank()
    app.set_reactive(DlquizApp.lang, cast(Lang, lang))
    return app


def rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def shown_ids(app) -> list[str]:
    return [row.value for row in app.screen.query_one(DataTable).rows]


def focused(app):
    """The focused widget, read fresh each time (a plain `app.focused` would be narrowed by mypy)."""
    return app.focused


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_browse(pilot, app, query: str = "") -> None:
    await pilot.press("b")
    await pilot.pause()
    assert isinstance(app.screen, BrowseScreen)
    if query:
        await pilot.press(*query)
        await pilot.pause()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hits_are_ranked_and_rows_show_the_title_in_the_users_language(tmp_path, lang):
    async def run():
        app = make_app(tmp_path, lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_browse(pilot, app, "pooling")
            # the tag, then the id, then the title; a word only deep in the prompt comes last
            assert shown_ids(app) == ["cnn.tagged", "cnn.pooling-size", "cnn.title", "cnn.body-only"]
            first = rows(app)[0]
            assert first[0] == ("最大还是平均?" if lang == "zh" else "Max or average?")
            assert not any("cnn." in cell for row in rows(app) for cell in row)  # no ids in the list
            header = [str(c.label) for c in app.screen.query_one(DataTable).columns.values()]
            assert header[0] == ("题目" if lang == "zh" else "Question")
            assert "4" in text_of(app, "#filter-status") and "6" in text_of(app, "#filter-status")
            # the other filters still narrow what the words find
            await pilot.press(*" topic:math")
            await pilot.pause()
            assert shown_ids(app) == []
    asyncio.run(run())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_arrows_and_enter_work_from_the_filter_box(tmp_path, lang):
    async def run():
        app = make_app(tmp_path, lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_browse(pilot, app, "pooling")
            screen = app.screen
            box, table = screen.query_one("#filter", Input), screen.query_one(DataTable)
            assert focused(app) is box
            await pilot.press("enter")  # Enter in the box opens the best hit
            await pilot.pause()
            assert isinstance(app.screen, QuestionDetailScreen) and app.screen.question_id == "cnn.tagged"
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("down")  # into the list, first row highlighted
            assert focused(app) is table and table.cursor_row == 0
            await pilot.press("down", "enter")
            await pilot.pause()
            assert isinstance(app.screen, QuestionDetailScreen) and app.screen.question_id == "cnn.pooling-size"
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("up", "up")  # the top row's ↑ goes back to the box, where typing goes on
            assert focused(app) is box
            await pilot.press(*" size")
            await pilot.pause()
            assert shown_ids(app) == ["cnn.pooling-size", "cnn.body-only"]  # both words: id, then body
    asyncio.run(run())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_detail_view_drills_the_question_alone_or_with_similar_ones(tmp_path, lang):
    async def run():
        app = make_app(tmp_path, lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_browse(pilot, app, "convolution")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, QuestionDetailScreen)
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, QuestionScreen)
            assert [q.id for q in app.screen.session.queue] == ["cnn.conv"]
            await pilot.press("space", "3")  # reveal, rate Good: the answer is saved like any practice
            await pilot.pause()
            assert app.store.review_count() == 1
            await pilot.press("enter")  # the summary …
            await pilot.pause()
            await pilot.press("escape")  # … then back where the drill started
            await pilot.pause()
            assert isinstance(app.screen, QuestionDetailScreen)
            await pilot.press("s")
            await pilot.pause()
            queue = {q.id for q in app.screen.session.queue}
            # the other cnn questions are its topic; the math one shares nothing with it
            assert queue == {"cnn.conv", "cnn.body-only", "cnn.title", "cnn.tagged", "cnn.pooling-size"}
    asyncio.run(run())


@pytest.mark.parametrize("lang, note_line, paper_line", [
    ("en", "source: Deep-learning interview question list § 感受野及其计算", "source: paper: Lin et al. 2017"),
    ("zh", "深度学习面试问题整理 § 感受野及其计算", "论文: Lin et al. 2017"),
])
def test_sources_show_the_notes_title_not_its_file_name(tmp_path, lang, note_line, paper_line):
    async def run():
        app = make_app(tmp_path, lang)
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(QuestionDetailScreen("cnn.conv"))
            await pilot.pause()
            shown = " ".join(text_of(app, "#detail").split())  # the source line may wrap at 80 columns
            assert " ".join(note_line.split()) in shown and NOTE_FILE not in shown
            await pilot.press("escape")
            app.push_screen(QuestionDetailScreen("math.paper"))
            await pilot.pause()
            assert paper_line in " ".join(text_of(app, "#detail").split())
    asyncio.run(run())


def test_source_text_without_notes_falls_back_to_the_file_name():
    bank = browse_bank()
    q = bank.by_id["cnn.conv"]
    assert source_text(q, "en") == f"source: {NOTE_FILE} § 感受野及其计算"
    assert source_text(q, "en", bank.notes) == "source: Deep-learning interview question list § 感受野及其计算"
    paper = bank.by_id["math.paper"]
    assert source_text(paper, "en") == "source: paper: Lin et al. 2017, Focal Loss, §3 <https://arxiv.org/abs/1708.02002>"


def test_a_ten_times_bigger_bank_shows_a_capped_list_and_says_so(tmp_path):
    from question_bank.loader import load_bank

    real = load_bank()
    big = Bank([dataclasses.replace(q, id=f"{q.id}.{i}") for i in range(10) for q in real.questions], real.notes)

    async def run():
        app = make_app(tmp_path, "en", big)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_browse(pilot, app, "gradient")
            assert app.screen.query_one(DataTable).row_count == MAX_ROWS
            assert f"first {MAX_ROWS} of" in text_of(app, "#filter-status")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, QuestionDetailScreen)
    asyncio.run(run())


def _key_names(binding_keys: str) -> list[str]:
    """How the help screen writes a binding's keys ("escape,enter" → Esc, Enter)."""
    names = {"escape": "Esc", "enter": "Enter", "space": "Space", "question_mark": "?", "f2": "F2", "f3": "F3"}
    return [names.get(key, key) for key in binding_keys.split(",")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_help_names_every_key_of_every_screen(tmp_path, lang):
    from dlquiz.tui.screens.calc import CalcScreen
    from dlquiz.tui.screens.help import HelpScreen
    from dlquiz.tui.screens.home import MENU
    from dlquiz.tui.screens.lab import LabScreen
    from dlquiz.tui.screens.stats import StatsScreen
    from dlquiz.tui.screens.summary import SummaryScreen

    screens = (DlquizApp, CalcScreen, LabScreen, StatsScreen, SummaryScreen, QuestionDetailScreen, HelpScreen)
    declared = [key for cls in screens
                for binding in cls.BINDINGS if isinstance(binding, Binding) for key in _key_names(binding.key)]
    tab_keys = [key for key in declared if key.startswith("alt+")]  # written as a range: alt+1…alt+7
    declared = [key for key in declared if key not in tab_keys[1:-1]]
    declared += [key for _, key in MENU]
    # handled in QuestionScreen.on_key, not declared as bindings
    declared += ["Enter", "Space", "1–4", "u", "s", "b", "ctrl+p", "↓", "↑"]

    async def run():
        app = make_app(tmp_path, lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = text_of(app, "#help-text")
            words = {"Enter": "回车", "Space": "空格"} if lang == "zh" else {}
            missing = [key for key in dict.fromkeys(declared) if words.get(key, key) not in text]
            assert not missing, missing
            box = app.screen.query_one("#help-box")
            assert box.max_scroll_y > 0  # longer than 80x24: it scrolls …
            await pilot.press("end")
            await pilot.pause()
            assert box.scroll_y == box.max_scroll_y  # … by keyboard
            await pilot.press("f2")  # and follows the language
            await pilot.pause()
            assert text_of(app, "#help-text") != text
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
    asyncio.run(run())


def test_the_palettes_search_stays_on_short_fields():
    from question_bank.search import QuestionIndex

    index = QuestionIndex(browse_bank())
    assert "cnn.body-only" not in [hit.question.id for hit in index.search("pooling")]  # the palette's call
    assert [hit.question.id for hit in index.search("pooling", body=True)][-1] == "cnn.body-only"
