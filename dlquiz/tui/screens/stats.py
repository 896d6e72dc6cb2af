"""Stats: totals with what correct, retention and mastered mean (dlquiz.review.scoring), reviews per day
and the 14-day review forecast (textual-plotext), and a per-topic table (seen, mastered, correct, due now,
due in 14 days). `u` unsuspends every suspended card."""
from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual_plotext import PlotextPlot

from dlquiz.tui.app import DlquizApp
from dlquiz.tui.i18n import t
from question_bank.model import TOPIC_NAMES

DAYS_SHOWN = 14


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


class StatsScreen(Screen):
    app = getters.app(DlquizApp)
    CSS_PATH = "stats.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("u", "unsuspend_all", "Unsuspend all")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="stats-summary")
        with Horizontal(id="plots"):
            yield PlotextPlot(id="per-day")
            yield PlotextPlot(id="forecast")
        yield DataTable(id="topic-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_language()

    def refresh_language(self) -> None:
        from dlquiz.review.scoring import definition
        from dlquiz.review.stats import progress_stats

        lang = self.app.lang
        stats = progress_stats(self.app.bank, self.app.store)
        self.stats = stats
        summary = Text()
        summary.append(f"{t('reviews', lang)}: {stats['reviews']}   "
                       f"{t('correct', lang)}: {stats['correct']} ({percent(stats['accuracy'])})   "
                       f"{t('retention', lang)}: {percent(stats['retention'])}   "
                       f"{t('mastered', lang)}: {stats['mastered']}   {t('due', lang)}: {stats['due']}   "
                       f"{t('streak', lang)}: {stats['streak']} {t('days', lang)}", style="bold")
        if stats["suspended"]:
            summary.append("   " + t("suspended_count", lang, n=stats["suspended"]))
        for key in ("correct", "retention", "mastered"):
            summary.append("\n" + definition(key, "zh" if lang == "zh" else "en"), style="dim")
        self.query_one("#stats-summary", Static).update(summary)
        today = date.today()
        days = [today - timedelta(days=i) for i in range(DAYS_SHOWN - 1, -1, -1)]
        self._bar_plot("#per-day", [d.strftime("%m-%d") for d in days],
                       [stats["per_day"].get(d.isoformat(), 0) for d in days], t("per_day", lang))
        self._bar_plot("#forecast", [d["date"][5:] for d in stats["forecast"]],
                       [d["due"] for d in stats["forecast"]], t("forecast", lang))
        table = self.query_one("#topic-table", DataTable)
        table.clear(columns=True)
        table.add_columns(t("topic", lang), t("questions", lang), t("seen", lang), t("mastered", lang),
                          t("correct", lang), t("due", lang), t("due_14", lang))
        for topic, s in stats["topics"].items():
            if not s["questions"] and not s["reviews"]:
                continue
            table.add_row(TOPIC_NAMES[topic][lang], s["questions"], s["seen"], s["mastered"], percent(s["accuracy"]),
                          s["due"], s["due_14_days"], key=topic)

    def _bar_plot(self, selector: str, labels: list[str], values: list[int], title: str) -> None:
        widget = self.query_one(selector, PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        plt.bar(labels, values)
        plt.title(title)
        widget.refresh()

    def action_unsuspend_all(self) -> None:
        from dlquiz.errors import StoreError

        try:
            n = self.app.store.unsuspend_all()
        except StoreError as exc:
            self.app.notify(str(exc), severity="error")
            return
        self.app.notify(t("unsuspended_all", self.app.lang, n=n))
        self.refresh_language()
