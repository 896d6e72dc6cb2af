"""Progress statistics for `dlquiz stats` and the TUI's home and stats screens."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from typing import TypedDict

from fsrs import Rating, State

from dlquiz.review.kinds import SessionKind
from dlquiz.review.store import ProgressStore, utc_now
from question_bank.model import TOPICS, Bank


class TopicProgress(TypedDict):
    questions: int  # hand-written questions in the bank
    seen: int  # of those, with a card
    mastered: int  # cards in fsrs' Review state (graduated from the learning steps)
    reviews: int  # answers logged, generated questions included
    correct: int
    graded: int  # auto-graded answers (flashcards are self-rated, not graded)
    accuracy: float | None  # correct / graded, None before any graded answer
    mastery: float  # mastered / questions


class ProgressStats(TypedDict):
    """`progress_stats()`: the home and stats screens, and `dlquiz stats --json` (with recovered_from)."""

    reviews: int
    due: int
    cards_seen: int
    new_available: int
    streak: int
    retention: float | None  # share of review-session answers not rated Again
    per_day: dict[str, int]  # ISO local date → answers
    topics: dict[str, TopicProgress]


class StatsReport(ProgressStats):
    """`dlquiz stats --json`: the stats, and the name the progress database was moved aside to (or None)."""

    recovered_from: str | None


def streak_days(days: set[date], today: date) -> int:
    """Consecutive days with at least one review, ending today (or yesterday if none yet today)."""
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def progress_stats(bank: Bank, store: ProgressStore, now: datetime | None = None) -> ProgressStats:
    now = now or utc_now()
    cards = store.all_cards()
    reviews = list(store.reviews())
    hand_written = [q for q in bank.questions if not q.is_generated]
    topic_of = {q.id: q.topic for q in bank.questions}
    per_topic = {t: TopicProgress(questions=0, seen=0, mastered=0, reviews=0, correct=0, graded=0, accuracy=None,
                                  mastery=0.0) for t in TOPICS}
    for q in hand_written:
        per_topic[q.topic]["questions"] += 1
    for qid, (card_json, _due) in cards.items():
        topic = topic_of.get(qid)
        if topic is None:
            continue  # question removed from the bank: history kept, not counted here
        per_topic[topic]["seen"] += 1
        if json.loads(card_json).get("state") == State.Review:
            per_topic[topic]["mastered"] += 1
    per_day: Counter[str] = Counter()
    for r in reviews:
        per_day[r.reviewed_at.astimezone().date().isoformat()] += 1
        topic = topic_of.get(r.question_id) or _generated_topic(r.question_id)
        if topic in per_topic:
            t = per_topic[topic]
            t["reviews"] += 1
            if r.correct is not None:
                t["graded"] += 1
                t["correct"] += int(r.correct)
    for t in per_topic.values():
        t["accuracy"] = round(t["correct"] / t["graded"], 3) if t["graded"] else None
        t["mastery"] = round(t["mastered"] / t["questions"], 3) if t["questions"] else 0.0
    recalled = [r for r in reviews if r.session == SessionKind.REVIEW]
    retention = (round(sum(1 for r in recalled if r.rating > Rating.Again) / len(recalled), 3) if recalled else None)
    due = sum(1 for qid, (_c, d) in cards.items() if d <= now and qid in topic_of)
    days = {date.fromisoformat(d) for d in per_day}
    return ProgressStats(
        reviews=len(reviews),
        due=due,
        cards_seen=sum(1 for qid in cards if qid in topic_of),
        new_available=sum(1 for q in hand_written if q.id not in cards),
        streak=streak_days(days, now.astimezone().date()),
        retention=retention,
        per_day=dict(sorted(per_day.items())),
        topics=per_topic,
    )


def _generated_topic(question_id: str) -> str | None:
    from question_bank.generators import topic_of_generated

    return topic_of_generated(question_id)
