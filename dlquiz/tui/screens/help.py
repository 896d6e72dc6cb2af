"""`?`: every key of every screen, in the current language (the catalog's `help_body`; README's
"TUI keys" says the same). It scrolls: at 80x24 it is longer than the screen."""
from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from dlquiz.tui.app import DlquizApp
from dlquiz.tui.i18n import t


class HelpScreen(ModalScreen):
    app = getters.app(DlquizApp)
    BINDINGS = [Binding("escape,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(t("help_body", self.app.lang), id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-box", VerticalScroll).focus()  # so ↑/↓ and PgUp/PgDn scroll it

    def refresh_language(self) -> None:
        self.query_one("#help-text", Static).update(t("help_body", self.app.lang))
