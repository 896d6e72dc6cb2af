"""`dlquiz stats`: reviews, due cards, streak, per-topic accuracy and mastery."""
from __future__ import annotations

import argparse
import sys

from dlquiz.commands import Output


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("stats", help="your progress: reviews, due cards, per-topic accuracy",
                              description="Progress statistics from the local progress database "
                              "(DLQUIZ_HOME overrides where it lives). If the database was unreadable it is "
                              "moved aside, a warning goes to stderr and --json reports its new name as "
                              "recovered_from.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=handle_stats)


def handle_stats(args) -> Output:
    from dlquiz.paths import progress_db_path
    from dlquiz.review.stats import StatsReport, progress_stats
    from dlquiz.review.store import ProgressStore
    from question_bank.loader import load_bank
    from question_bank.model import TOPIC_NAMES

    store = ProgressStore(progress_db_path(), writable=False)  # stats only reads: a read-only DB is fine
    if store.recovery_message:
        print(f"warning: {store.recovery_message}", file=sys.stderr)
    try:
        stats = StatsReport(**progress_stats(load_bank(), store),
                            recovered_from=store.recovered_from.name if store.recovered_from else None)
    finally:
        store.close()
    return Output(stats, stats_text(stats, TOPIC_NAMES))


def stats_text(stats, topic_names) -> str:
    """The plain-text report: totals, the three definitions, per topic, and the 14-day forecast."""
    from dlquiz.review.scoring import definition

    def pct(value) -> str:
        return "-" if value is None else f"{value:.0%}"

    lines = [f"reviews: {stats['reviews']}   correct: {stats['correct']} ({pct(stats['accuracy'])})   "
             f"due now: {stats['due']}   streak: {stats['streak']} day(s)",
             f"cards seen: {stats['cards_seen']}   mastered: {stats['mastered']}   "
             f"new available: {stats['new_available']}   suspended: {stats['suspended']}   buried: {stats['buried']}",
             f"retention: {pct(stats['retention'])} (over {stats['retention_reviews']} answer(s))",
             *(f"  {definition(key, 'en')}" for key in ("correct", "retention", "mastered")),
             "",
             f"{'topic':24} {'questions':>9} {'seen':>5} {'mastered':>8} {'correct':>8} {'due now':>7} {'14 days':>7}"]
    for topic, t in stats["topics"].items():
        lines.append(f"{topic_names[topic]['en']:24} {t['questions']:9} {t['seen']:5} {t['mastered']:8} "
                     f"{pct(t['accuracy']):>8} {t['due']:7} {t['due_14_days']:7}")
    lines += ["", "forecast: cards due per day (today includes overdue ones)"]
    for day in stats["forecast"]:
        by_topic = " · ".join(f"{topic_names[k]['en']} {n}" for k, n in day["topics"].items())
        lines.append(f"{day['date']}  {day['due']:4}  {by_topic}".rstrip())
    return "\n".join(lines)
