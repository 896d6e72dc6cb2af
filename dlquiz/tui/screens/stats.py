"""Stats: reviews per day and per-topic accuracy (textual-plotext), retention, streak."""
from __future__ import annotations

from datetime import date, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual_plotext import PlotextPlot

from dlquiz.tui.i18n import t
from question_bank.model import TOPIC_NAMES

DAYS_SHOWN = 14


class StatsScreen(Screen):
    CSS_PATH = "stats.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="stats-summary")
        with Horizontal(id="plots"):
            yield PlotextPlot(id="per-day")
            yield PlotextPlot(id="accuracy")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_language()

    def refresh_language(self) -> None:
        from dlquiz.review.stats import progress_stats

        lang = self.app.lang
        stats = progress_stats(self.app.bank, self.app.store)
        retention = "-" if stats["retention"] is None else f"{stats['retention']:.0%}"
        self.query_one("#stats-summary", Static).update(
            f"{t('reviews', lang)}: {stats['reviews']}   {t('due', lang)}: {stats['due']}   "
            f"{t('streak', lang)}: {stats['streak']} {t('days', lang)}   {t('retention', lang)}: {retention}")
        today = date.today()
        days = [today - timedelta(days=i) for i in range(DAYS_SHOWN - 1, -1, -1)]
        counts = [stats["per_day"].get(d.isoformat(), 0) for d in days]
        per_day = self.query_one("#per-day", PlotextPlot)
        plt = per_day.plt
        plt.clear_data()
        plt.clear_figure()
        plt.bar([d.strftime("%m-%d") for d in days], counts)
        plt.title(t("per_day", lang))
        per_day.refresh()
        topics = [(k, v) for k, v in stats["topics"].items() if v["accuracy"] is not None]
        acc = self.query_one("#accuracy", PlotextPlot)
        plt = acc.plt
        plt.clear_data()
        plt.clear_figure()
        if topics:
            plt.bar([TOPIC_NAMES[k]["en"][:10] for k, _ in topics], [round(100 * v["accuracy"]) for _, v in topics],
                    orientation="horizontal")
        plt.title(t("accuracy", lang) + " (%)")
        acc.refresh()
