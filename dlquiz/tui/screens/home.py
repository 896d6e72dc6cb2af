"""Home: what is due, streak, per-topic mastery, and the way into every session kind.

The menu is one OptionList rather than nine Buttons and the key hints are one Static rather than a
Footer: measured, those two choices take about 170 ms off the first frame (benchmarks/bench_tui.py).
"""
from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from dlquiz.text_layout import fit, pad
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.i18n import t
from question_bank.model import TOPIC_NAMES

MENU = [("review", "r"), ("practice", "p"), ("mock", "m"), ("errata", "e"), ("cram", "x"),
        ("calc", "c"), ("browse", "b"), ("stats", "s"), ("lab", "l")]

NAME_CELLS = 24


def bar(fraction: float, width: int = 20) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def menu_prompt(name: str, key: str, lang: str) -> Text:
    """One menu row: key, name padded to a column (CJK counts two cells), what it does."""
    label = t(name, lang)
    return Text.assemble((f"{key}  ", "bold cyan"), (label, "bold"),
                         " " * max(2, 20 - cell_len(label)), (t(f"{name}_desc", lang), "dim"))


class HomeScreen(Screen):
    app = getters.app(DlquizApp)
    BINDINGS = [Binding(key, f"go('{name}')", t(name, "en"), show=False) for name, key in MENU]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(id="summary")
            yield OptionList(id="menu")
            yield Static(id="mastery-title", classes="section-title")
            yield Static(id="mastery")
        yield Static(id="home-keys", classes="hint")

    def on_mount(self) -> None:
        self._update_labels()  # stats come with ScreenResume, which Textual also sends to the default screen

    def on_screen_resume(self) -> None:
        # After the next paint: the menu is on screen at once, the numbers (the bank's ~700 questions
        # read from the cache, then the progress stats) follow a few tens of ms later.
        self.call_after_refresh(self.refresh_stats)

    def refresh_language(self) -> None:
        self._update_labels()
        self.refresh_stats()

    def _update_labels(self) -> None:
        lang = self.app.lang
        menu = self.query_one("#menu", OptionList)
        highlighted = menu.highlighted
        menu.clear_options()
        menu.add_options([Option(menu_prompt(name, key, lang), id=name) for name, key in MENU])
        menu.highlighted = highlighted if highlighted is not None else 0
        self.query_one("#mastery-title", Static).update(t("mastery", lang))
        self.query_one("#home-keys", Static).update(t("keys_home", lang))

    def refresh_stats(self) -> None:
        from dlquiz.review.stats import progress_stats

        lang = self.app.lang
        stats = progress_stats(self.app.bank, self.app.store)
        self.query_one("#summary", Static).update(Text.assemble(
            (f"{t('due', lang)}: ", "bold"), (f"{stats['due']}", "bold cyan"), "   ",
            (f"{t('new', lang)}: ", "bold"), (f"{stats['new_available']}", "bold green"), "   ",
            (f"{t('streak', lang)}: ", "bold"), f"{stats['streak']} {t('days', lang)}", "   ",
            (f"{t('reviews', lang)}: ", "bold"), f"{stats['reviews']}", "   ",
            (f"{t('correct', lang)}: ", "bold"), percent(stats["accuracy"]), "   ",
            (f"{t('retention', lang)}: ", "bold"), percent(stats["retention"]),
        ))
        lines = Text()
        for topic, s in stats["topics"].items():
            if not s["questions"]:
                continue
            name = TOPIC_NAMES[topic][lang]
            acc = "" if s["accuracy"] is None else f"  ✓{s['accuracy']:.0%}"
            lines.append(pad(fit(name, NAME_CELLS), NAME_CELLS + 1))  # in columns: a CJK character takes two
            lines.append(bar(s["mastery"]), style="green")
            lines.append(f" {s['mastered']:3}/{s['questions']:<3} {t('seen', lang)} {s['seen']}{acc}\n")
        lines.append(t("mastery_legend", lang), style="dim")
        self.query_one("#mastery", Static).update(lines)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:  # every menu option is built with its screen's name as id
            self.action_go(event.option.id)

    def action_go(self, name: str) -> None:
        self.app.go(name)
