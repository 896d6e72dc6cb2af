"""Practice setup: choose topic, type, difficulty, a generator family (practice) and count, then start."""
from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from dlquiz.present import qtype_name
from dlquiz.review.kinds import SessionKind
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.i18n import t
from question_bank.model import DIFFICULTY_NAMES, QUESTION_TYPES, TOPIC_NAMES, Lang


class SetupScreen(ModalScreen):
    app = getters.app(DlquizApp)
    CSS_PATH = "setup.tcss"
    BINDINGS = [Binding("escape", "dismiss", "Back")]

    def __init__(self, kind: SessionKind = SessionKind.PRACTICE) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        options = self._options(lang)
        # two selects a row, count and Start side by side: the whole dialog fits an 80×24 terminal
        with Vertical(id="setup-box"):
            yield Label(t(self.kind, lang), id="setup-title", classes="section-title")
            with Horizontal(classes="setup-row"):
                yield Select(options["topic"], prompt=t("setup_topic_all", lang), id="topic")
                yield Select(options["qtype"], prompt=t("setup_type_all", lang), id="qtype")
            with Horizontal(classes="setup-row"):
                yield Select(options["difficulty"], prompt=t("setup_difficulty_all", lang), id="difficulty")
                if self.kind == SessionKind.PRACTICE:
                    # blank ("any"): the usual mix of bank and generated questions; a family: only its questions
                    yield Select(options["generator"], prompt=t("setup_generator", lang), id="generator")
            with Horizontal(classes="setup-row"):
                yield Input("20", id="count", type="integer", placeholder=t("setup_count", lang))
                yield Button(t("setup_start", lang), id="start", variant="primary")
            yield Label("", id="setup-error", classes="error")

    def _options(self, lang: Lang) -> dict[str, list]:
        """Each Select's choices in `lang`: (label, value)."""
        options: dict[str, list] = {
            "topic": [(TOPIC_NAMES[k][lang], k) for k in TOPIC_NAMES],
            "qtype": [(qtype_name(k, lang), k) for k in QUESTION_TYPES],
            "difficulty": [(f"{d} {DIFFICULTY_NAMES[d][lang]}", d) for d in sorted(DIFFICULTY_NAMES)],
        }
        if self.kind == SessionKind.PRACTICE:
            from question_bank.generators import FAMILIES, FAMILY_TITLES

            options["generator"] = [(FAMILY_TITLES[f].get(lang), f) for f in FAMILIES]
        return options

    def refresh_language(self) -> None:
        """F2 with the dialog open: every label and choice in the new language, the choices kept."""
        lang = self.app.lang
        prompts = {"topic": "setup_topic_all", "qtype": "setup_type_all", "difficulty": "setup_difficulty_all",
                   "generator": "setup_generator"}
        for widget_id, options in self._options(lang).items():
            select = self.query_one(f"#{widget_id}", Select)
            chosen = None if select.is_blank() else select.value
            with select.prevent(Select.Changed):
                select.set_options(options)
                select.prompt = t(prompts[widget_id], lang)
                if chosen is not None:
                    select.value = chosen
        self.query_one("#setup-title", Label).update(t(self.kind, lang))
        self.query_one("#count", Input).placeholder = t("setup_count", lang)
        self.query_one("#start", Button).label = t("setup_start", lang)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        def value(widget_id):
            # is_blank(), not a comparison with a sentinel: Textual renamed it (BLANK -> NULL) and
            # BLANK is now a plain False, so "all" was sent on as the topic
            select = self.query_one(f"#{widget_id}", Select)
            return None if select.is_blank() else select.value

        from dlquiz.review.session import MAX_COUNT

        count_text = self.query_one("#count", Input).value.strip()
        # ASCII digits and a short length first: int() of a 5000-digit paste raises ValueError
        if not (count_text.isascii() and count_text.isdigit() and len(count_text) <= 6
                and 1 <= int(count_text) <= MAX_COUNT):
            self.query_one("#setup-error", Label).update(t("setup_count_error", self.app.lang, most=MAX_COUNT))
            return
        extra = {"generator": value("generator")} if self.kind == SessionKind.PRACTICE else {}
        self.dismiss()
        self.app.start_session(self.kind, topic=value("topic"), qtype=value("qtype"),
                               difficulty=value("difficulty"), count=int(count_text), **extra)
