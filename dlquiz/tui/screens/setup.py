"""Practice setup: choose topic, type, difficulty, a generator family (practice) and count, then start."""
from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from dlquiz.review.kinds import SessionKind
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.i18n import t
from question_bank.model import QUESTION_TYPES, TOPIC_NAMES


class SetupScreen(ModalScreen):
    app = getters.app(DlquizApp)
    CSS_PATH = "setup.tcss"
    BINDINGS = [Binding("escape", "dismiss", "Back")]

    def __init__(self, kind: SessionKind = SessionKind.PRACTICE) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        # two selects a row, count and Start side by side: the whole dialog fits an 80×24 terminal
        with Vertical(id="setup-box"):
            yield Label(t(self.kind, lang), classes="section-title")
            with Horizontal(classes="setup-row"):
                yield Select([(TOPIC_NAMES[k][lang], k) for k in TOPIC_NAMES], prompt="topic: all", id="topic")
                yield Select([(k, k) for k in QUESTION_TYPES], prompt="type: all", id="qtype")
            with Horizontal(classes="setup-row"):
                yield Select([("1 easy/易", 1), ("2 medium/中", 2), ("3 hard/难", 3)], prompt="difficulty: all",
                             id="difficulty")
                if self.kind == SessionKind.PRACTICE:
                    from question_bank.generators import FAMILIES, FAMILY_TITLES

                    # blank ("any"): the usual mix of bank and generated questions; a family: only its questions
                    yield Select([(FAMILY_TITLES[f].get(lang), f) for f in FAMILIES],
                                 prompt=t("setup_generator", lang), id="generator")
            with Horizontal(classes="setup-row"):
                yield Input("20", id="count", type="integer", placeholder="count")
                yield Button("Start / 开始", id="start", variant="primary")
            yield Label("", id="setup-error", classes="error")

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
            self.query_one("#setup-error", Label).update(f"count must be a whole number from 1 to {MAX_COUNT}")
            return
        extra = {"generator": value("generator")} if self.kind == SessionKind.PRACTICE else {}
        self.dismiss()
        self.app.start_session(self.kind, topic=value("topic"), qtype=value("qtype"),
                               difficulty=value("difficulty"), count=int(count_text), **extra)
