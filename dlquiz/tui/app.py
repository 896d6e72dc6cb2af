"""The dlquiz Textual app: home, drill sessions, calculators, browse, stats (and the lab)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from dlquiz.lang import preferred_lang
from dlquiz.review.kinds import SessionKind
from dlquiz.tui.commands import DlquizCommands
from dlquiz.tui.i18n import localize_bindings, t

if TYPE_CHECKING:  # only for annotations: the bank and the search index load on first use
    from question_bank.model import Bank, Lang
    from question_bank.search import QuestionIndex

THEMES = ("textual-dark", "textual-light")


class DlquizApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "dlquiz"
    COMMANDS = {DlquizCommands}  # it yields Textual's system commands too, after ours
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("question_mark", "help", "Help"),
        Binding("f2", "toggle_language", "中文/EN", priority=True),  # in dialogs (modal screens) too
        Binding("f3", "toggle_theme", "Theme"),
    ]
    lang: reactive[Lang] = reactive("en", init=False)

    def __init__(self, db_path: Path | None = None) -> None:
        super().__init__()
        self.store_error: str | None = None  # why progress is not being saved (shown as a red notice)
        self.store = self._open_store(db_path)
        self._bank: Bank | None = None
        self._question_index: tuple[Bank, QuestionIndex] | None = None
        self.set_reactive(DlquizApp.lang, preferred_lang(self._setting("lang")))
        theme = self._setting("theme")
        if theme in THEMES:
            self.theme = theme

    def _open_store(self, db_path: Path | None):
        """The progress store; when it can't open (locked, disk full, read-only, DLQUIZ_HOME a file…) the
        app still starts: read-only opens for reading, anything else runs on a throwaway in-memory store,
        and a red notice says that answers are not being saved. The file itself is never touched."""
        from dlquiz.errors import StoreError
        from dlquiz.paths import progress_db_path
        from dlquiz.review.store import ProgressStore

        path = db_path
        try:
            path = path or progress_db_path()
            return ProgressStore(path)
        except StoreError as exc:
            self.store_error = str(exc)
            if exc.kind == "readonly" and path is not None:
                try:
                    return ProgressStore(path, writable=False)
                except StoreError:
                    pass
        return ProgressStore.in_memory()

    @property
    def not_saved_title(self) -> str:
        return t("not_saved", self.lang)

    def _setting(self, key: str):
        from dlquiz.errors import StoreError

        try:
            return self.store.get_setting(key)
        except StoreError:
            return None

    def save_setting(self, key: str, value) -> None:
        """Settings are a convenience: a store fault is a notice, never a crash."""
        from dlquiz.errors import StoreError

        try:
            self.store.set_setting(key, value)
        except StoreError as exc:
            self.notify(str(exc), title=self.not_saved_title, severity="error", timeout=15)

    @property
    def bank(self) -> Bank:
        if self._bank is None:
            from question_bank.loader import load_bank

            self._bank = load_bank()
        return self._bank

    @property
    def question_index(self) -> QuestionIndex:
        """The palette's search index, built on first use for the bank in use."""
        from question_bank.search import QuestionIndex

        cached = self._question_index
        if cached is None or cached[0] is not self.bank:
            cached = (self.bank, QuestionIndex(self.bank))
            self._question_index = cached
        return cached[1]

    def get_default_screen(self):
        """Home is the bottom of the stack itself (no empty default screen under it to mount)."""
        from dlquiz.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self.title = t("title", self.lang)
        # every screen's Footer keys in the user's language, from the first frame on
        self.screen_change_signal.subscribe(self, self._localize_screen)
        localize_bindings(self, self.lang)
        self._localize_screen(self.screen)
        if self.store.recovery_message:
            self.notify(self.store.recovery_message, title=t("recovered", self.lang), severity="error", timeout=15)
        if self.store_error:
            self.notify(t("not_saved_reason", self.lang, reason=self.store_error), title=self.not_saved_title,
                        severity="error", timeout=30)

    def on_unmount(self) -> None:
        self.store.close()

    # -- actions -------------------------------------------------------------------------------
    def action_help(self) -> None:
        from dlquiz.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_language(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"

    def watch_lang(self, lang: str) -> None:
        self.save_setting("lang", lang)
        self.title = t("title", lang)
        localize_bindings(self, lang)
        for screen in self.screen_stack:
            localize_bindings(screen, lang)
        self.screen.refresh_bindings()
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_language", None)
            if refresh is not None:
                refresh()

    def _localize_screen(self, screen) -> None:
        localize_bindings(screen, self.lang)
        screen.refresh_bindings()

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
        self.save_setting("theme", self.theme)

    def start_session(self, kind: SessionKind, **filters) -> None:
        from dlquiz.errors import InputError
        from dlquiz.review.session import Session, SessionConfig
        from dlquiz.tui.screens.question import QuestionScreen

        try:
            session = Session.start(self.bank, self.store, SessionConfig(kind=kind, **filters))
        except InputError as exc:
            self.notify(str(exc), severity="error")
            return
        if not session.queue:
            self.notify(t("empty", self.lang), severity="warning")
            return
        self.push_screen(QuestionScreen(session))

    def go(self, name: str) -> None:
        """Home buttons and the command palette: start a session kind or open a screen."""
        if name == SessionKind.PRACTICE:  # practice asks for its filters first
            self.open_screen("setup")
        elif name in list(SessionKind):
            self.start_session(SessionKind(name))
        else:
            self.open_screen(name)

    def open_screen(self, name: str) -> None:
        """Open one of the top-level screens by name (home buttons, command palette)."""
        from importlib import import_module

        module_name, class_name = SCREEN_CLASSES[name]
        screen_cls = getattr(import_module(f"dlquiz.tui.screens.{module_name}"), class_name)
        self.push_screen(screen_cls())


SCREEN_CLASSES = {
    "calc": ("calc", "CalcScreen"),
    "browse": ("browse", "BrowseScreen"),
    "stats": ("stats", "StatsScreen"),
    "lab": ("lab", "LabScreen"),
    "setup": ("setup", "SetupScreen"),
}


def run_app() -> int:
    DlquizApp().run()
    return 0
