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
    lines = [f"reviews: {stats['reviews']}   due now: {stats['due']}   cards seen: {stats['cards_seen']}"
             f"   new available: {stats['new_available']}   streak: {stats['streak']} day(s)"]
    if stats["retention"] is not None:
        lines.append(f"retention (review sessions): {stats['retention']:.0%}")
    lines.append(f"{'topic':24} {'questions':>9} {'seen':>5} {'mastered':>8} {'accuracy':>8}")
    for topic, t in stats["topics"].items():
        acc = "-" if t["accuracy"] is None else f"{t['accuracy']:.0%}"
        lines.append(f"{TOPIC_NAMES[topic]['en']:24} {t['questions']:9} {t['seen']:5} {t['mastered']:8} {acc:>8}")
    return Output(stats, "\n".join(lines))
