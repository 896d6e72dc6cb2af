"""Browse and search all questions; open one to read its answer and explanation."""
from __future__ import annotations

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from dlquiz.present import question_text
from dlquiz.review.filters import QuestionFilter
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.i18n import t
from dlquiz.tui.screens.question import answer_body
from question_bank.model import TOPIC_NAMES
from question_bank.render import to_terminal


class BrowseScreen(Screen):
    app = getters.app(DlquizApp)
    CSS_PATH = "browse.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(id="filter")
        yield Static(id="filter-error", classes="error")
        yield DataTable(id="questions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "topic", "type", "d", "prompt")
        self.refresh_language()

    def refresh_language(self) -> None:
        self.query_one("#filter", Input).placeholder = t("filter", self.app.lang)
        self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.reload()

    def reload(self) -> None:
        from dlquiz.errors import InputError

        wanted = QuestionFilter.parse(self.query_one("#filter", Input).value)
        try:
            questions = wanted.apply(self.app.bank.questions)
            self.query_one("#filter-error", Static).update("")
        except InputError as exc:
            self.query_one("#filter-error", Static).update(Text(str(exc), style="bold red"))
            return
        lang = self.app.lang
        table = self.query_one(DataTable)
        table.clear()
        for q in questions:
            prompt = to_terminal(q.prompt.get(lang)).replace("\n", " ")
            table.add_row(q.id, TOPIC_NAMES[q.topic][lang], q.type, str(q.difficulty), prompt[:80], key=q.id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        question_id = event.row_key.value  # every row is added with its question's id as the key
        if question_id is not None:
            self.app.push_screen(QuestionDetailScreen(question_id))


class QuestionDetailScreen(Screen):
    app = getters.app(DlquizApp)
    CSS_PATH = "browse.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, question_id: str) -> None:
        super().__init__()
        self.question_id = question_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_language()

    def refresh_language(self) -> None:
        q = self.app.bank.by_id[self.question_id]  # opened from the table or the palette: a bank question
        lang = self.app.lang
        body = Text(f"{q.id}  ·  {TOPIC_NAMES[q.topic][lang]}  ·  {q.type}  ·  {', '.join(q.tags)}\n\n", "dim")
        body.append(question_text(q, lang) + "\n\n")
        body.append_text(answer_body(q, lang, with_key=True))
        self.query_one("#detail", Static).update(body)
