"""Home: what is due, streak, per-topic mastery, and the way into every session kind."""
from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from dlquiz.tui.i18n import t
from question_bank.model import TOPIC_NAMES

BUTTONS = [("review", "r"), ("practice", "p"), ("mock", "m"), ("errata", "e"), ("cram", "x"),
           ("calc", "c"), ("browse", "b"), ("stats", "s"), ("lab", "l")]


NAME_CELLS = 22


def bar(fraction: float, width: int = 20) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


class HomeScreen(Screen):
    BINDINGS = [Binding(key, f"go('{name}')", t(name, "en"), show=False) for name, key in BUTTONS]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(id="summary")
            with Horizontal(classes="buttons"):
                for name, key in BUTTONS[:5]:
                    yield Button(id=f"go-{name}", variant="primary" if name == "review" else "default")
            with Horizontal(classes="buttons"):
                for name, key in BUTTONS[5:]:
                    yield Button(id=f"go-{name}")
            yield Static(id="mastery-title", classes="section-title")
            yield Static(id="mastery")
        yield Footer()

    def on_mount(self) -> None:
        self._update_labels()  # stats come with ScreenResume, which also fires on the first push

    def on_screen_resume(self) -> None:
        self.refresh_stats()

    def refresh_language(self) -> None:
        self._update_labels()
        self.refresh_stats()

    def _update_labels(self) -> None:
        lang = self.app.lang
        for name, key in BUTTONS:
            self.query_one(f"#go-{name}", Button).label = f"{t(name, lang)} ({key})"
        self.query_one("#mastery-title", Static).update(t("mastery", lang))

    def refresh_stats(self) -> None:
        from dlquiz.review.stats import progress_stats

        lang = self.app.lang
        stats = progress_stats(self.app.bank, self.app.store)
        self.query_one("#summary", Static).update(Text.assemble(
            (f"{t('due', lang)}: ", "bold"), (f"{stats['due']}", "bold cyan"), "   ",
            (f"{t('new', lang)}: ", "bold"), (f"{stats['new_available']}", "bold green"), "   ",
            (f"{t('streak', lang)}: ", "bold"), f"{stats['streak']} {t('days', lang)}", "   ",
            (f"{t('reviews', lang)}: ", "bold"), f"{stats['reviews']}",
        ))
        lines = Text()
        for topic, s in stats["topics"].items():
            if not s["questions"]:
                continue
            name = TOPIC_NAMES[topic][lang]
            acc = "" if s["accuracy"] is None else f"  {s['accuracy']:.0%}"
            lines.append(name[:NAME_CELLS] + " " * max(1, NAME_CELLS + 1 - cell_len(name[:NAME_CELLS])))
            lines.append(bar(s["mastery"]), style="green")
            lines.append(f" {s['mastered']:3}/{s['questions']:<3} seen {s['seen']}{acc}\n")
        self.query_one("#mastery", Static).update(lines)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_go(event.button.id.removeprefix("go-"))

    def action_go(self, name: str) -> None:
        self.app.go(name)
