"""Browse and search all questions; open one to read its answer and explanation, and drill it.

The box takes the same filter as `bank list` and sessions (`topic:cnn type:numeric tag:errata`, see
dlquiz.review.filters); its other words are ranked by question_bank.search.QuestionIndex, the palette's
index: hits on the id, a tag or the topic first, then the one-line title, then the full prompt. Rows show
that title in the user's language, cut to the window (CJK counts two cells); the id is in the detail view.
"""
from __future__ import annotations

from functools import lru_cache

from rich.cells import cell_len
from rich.text import Text
from textual import events, getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from dlquiz.present import qtype_name, question_text
from dlquiz.review.filters import QuestionFilter
from dlquiz.review.kinds import SessionKind
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.i18n import t
from dlquiz.tui.screens.question import answer_body
from question_bank.model import DIFFICULTY_NAMES, TOPIC_NAMES, Lang, Question
from question_bank.render import to_terminal
from question_bank.search import similar_questions, title_of

# Rows shown at most (a person scrolls a few pages, then narrows the filter): each keystroke rebuilds
# the table, ~50 µs a row, so the cap keeps a keystroke within ~30 ms even with a 10x bank.
MAX_ROWS = 300
TOPIC_WIDTH = 16  # cells; longer topic names are cut with "…"
MIN_TITLE_WIDTH = 20
# what a DataTable row costs besides its cells: one cell of padding either side, and the scrollbar
CELL_PADDING, SCROLLBAR = 2, 2


@lru_cache(maxsize=20_000)
def row_title(prompt: str, width: int) -> str:
    """The prompt's first line as the terminal shows it (LaTeX rendered), cut to `width` cells; cached, as
    each keystroke redraws every row. Only that line is rendered: a whole prompt costs 40x more."""
    return fit(title_of(to_terminal(prompt.split("\n", 1)[0]), limit=10_000), width).plain


def fit(text: str, width: int) -> Text:
    """`text` cut to `width` terminal cells with an ellipsis (Rich counts CJK as two cells); plain Text,
    as a title may hold [brackets] that markup would swallow."""
    shown = Text(text, no_wrap=True)
    shown.truncate(width, overflow="ellipsis")
    return shown


class BrowseScreen(Screen):
    app = getters.app(DlquizApp)
    CSS_PATH = "browse.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(id="filter")
        yield Static(id="filter-status", classes="hint")
        yield DataTable(id="questions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self._width = self.size.width
        self.query_one("#filter", Input).focus()
        self.refresh_language()

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != getattr(self, "_width", None):
            self._width = event.size.width
            self.reload()

    def refresh_language(self) -> None:
        self.query_one("#filter", Input).placeholder = t("filter", self.app.lang)
        self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.reload()

    def matching(self) -> list[Question]:
        """The questions the box asks for: filtered, then ranked by its words (bank order without words).
        InputError for an unknown topic, type or difficulty."""
        typed = QuestionFilter.parse(self.query_one("#filter", Input).value)
        wanted = QuestionFilter(topic=typed.topic, qtype=typed.qtype, tag=typed.tag)
        wanted.validate()
        if not typed.search:
            return [q for q in self.app.bank.questions if wanted.matches(q)]
        hits = self.app.question_index.search(typed.search, limit=None, body=True, where=wanted.matches)
        return [hit.question for hit in hits]

    def _widths(self, questions: list[Question], lang: Lang) -> tuple[int, int, int, int]:
        """Title, topic, type and level column widths: each as wide as its header and the rows shown need
        (topics at most TOPIC_WIDTH), the title takes the rest of the window."""
        def need(key: str, cells: set[str]) -> int:
            return max([cell_len(t(f"browse_col_{key}", lang)), *map(cell_len, cells)])

        topic = min(TOPIC_WIDTH, need("topic", {TOPIC_NAMES[q.topic][lang] for q in questions}))
        qtype = need("type", {qtype_name(q.type, lang) for q in questions})
        level = need("level", {DIFFICULTY_NAMES[q.difficulty][lang] for q in questions})
        spare = self.size.width - SCROLLBAR - 4 * CELL_PADDING - topic - qtype - level
        return max(MIN_TITLE_WIDTH, spare), topic, qtype, level

    def reload(self) -> None:
        from dlquiz.errors import InputError

        status = self.query_one("#filter-status", Static)
        try:
            questions = self.matching()
        except InputError as exc:
            status.update(Text(str(exc), style="bold red"))
            return
        lang = self.app.lang
        shown = questions[:MAX_ROWS]
        title_width, topic_width, qtype_width, level_width = self._widths(shown, lang)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for key, width in (("prompt", title_width), ("topic", topic_width), ("type", qtype_width),
                           ("level", level_width)):
            table.add_column(fit(t(f"browse_col_{key}", lang), width), width=width, key=key)
        for q in shown:
            table.add_row(Text(row_title(q.prompt.get(lang), title_width), no_wrap=True),
                          fit(TOPIC_NAMES[q.topic][lang], topic_width), qtype_name(q.type, lang),
                          DIFFICULTY_NAMES[q.difficulty][lang], key=q.id)
        total = len(self.app.bank.questions)
        if len(questions) > MAX_ROWS:
            line = t("browse_capped", lang, shown=MAX_ROWS, matched=len(questions), total=total)
        else:
            line = t("browse_status", lang, shown=len(questions), total=total)
        status.update(Text(line, style="dim"))

    # -- keys: the filter box and the list work as one --------------------------------------------
    def on_key(self, event: events.Key) -> None:
        table = self.query_one(DataTable)
        if self.focused is self.query_one("#filter", Input) and event.key == "down" and table.row_count:
            event.stop()
            table.focus()
        elif self.focused is table and event.key == "up" and table.cursor_row == 0:
            event.stop()
            self.query_one("#filter", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter box opens the highlighted question (the first hit, unless moved)."""
        table = self.query_one(DataTable)
        if table.row_count:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            if row_key.value is not None:
                self.app.push_screen(QuestionDetailScreen(row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        question_id = event.row_key.value  # every row is added with its question's id as the key
        if question_id is not None:
            self.app.push_screen(QuestionDetailScreen(question_id))


class QuestionDetailScreen(Screen):
    """One question in full; `d` drills it alone, `s` with the questions most like it (same tags, topic)."""

    app = getters.app(DlquizApp)
    CSS_PATH = "browse.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("d", "drill_one", "Drill this"),
                Binding("s", "drill_similar", "Drill + similar")]

    def __init__(self, question_id: str) -> None:
        super().__init__()
        self.question_id = question_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail-scroll"):
            yield Static(id="detail")
        yield Static(id="detail-keys", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).focus()  # ↑/↓ and PgUp/PgDn scroll a long answer
        self.refresh_language()

    @property
    def question(self) -> Question:
        return self.app.bank.by_id[self.question_id]  # opened from the table or the palette: a bank question

    def similar(self) -> list[Question]:
        return similar_questions(self.app.bank, self.question)

    def refresh_language(self) -> None:
        q, lang = self.question, self.app.lang
        tags = f"  ·  {', '.join(q.tags)}" if q.tags else ""
        body = Text(f"{q.id}  ·  {TOPIC_NAMES[q.topic][lang]}  ·  {qtype_name(q.type, lang)}  ·  "
                    f"{DIFFICULTY_NAMES[q.difficulty][lang]}{tags}\n\n", "dim")
        body.append(question_text(q, lang) + "\n\n")
        body.append_text(answer_body(q, lang, with_key=True, notes=self.app.bank.notes))
        self.query_one("#detail", Static).update(body)
        self.query_one("#detail-keys", Static).update(t("detail_keys", lang, n=len(self.similar())))

    def action_drill_one(self) -> None:
        self._drill([self.question])

    def action_drill_similar(self) -> None:
        self._drill([self.question, *self.similar()])

    def _drill(self, questions: list[Question]) -> None:
        """A practice session of exactly these questions (graded and scheduled like practice); back here
        when it ends. A suspended or buried one is left out, as in every session."""
        self.app.start_session(SessionKind.PRACTICE, ids=frozenset(q.id for q in questions), count=len(questions),
                               include_generated=False)
