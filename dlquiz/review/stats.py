"""Progress statistics for `dlquiz stats` and the TUI's home and stats screens."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from typing import TypedDict

from dlquiz.review.scoring import DEFINITIONS, counts_for_retention, definition, is_correct, is_mastered, share
from dlquiz.review.store import ProgressStore, utc_now
from question_bank.model import TOPICS, Bank


class TopicProgress(TypedDict):
    questions: int  # hand-written questions in the bank
    seen: int  # of those, with a card
    mastered: int  # scoring.is_mastered: in review, stability ≥ 21 days
    reviews: int  # answers logged, generated questions included
    correct: int  # scoring.is_correct: rated Hard, Good or Easy
    accuracy: float | None  # correct / reviews, None before any answer
    mastery: float  # mastered / questions
    due: int  # due now (suspended and buried cards are not due)
    due_14_days: int  # due from now to the end of the 14th day (the forecast's total for this topic)


class ForecastDay(TypedDict):
    date: str  # ISO local date; the first day (today) includes every overdue card
    due: int
    topics: dict[str, int]  # topic → cards due that day (topics with none left out)


class ProgressStats(TypedDict):
    """`progress_stats()`: the home and stats screens, and `dlquiz stats --json` (with recovered_from).
    correct, retention and mastered are `dlquiz.review.scoring`'s definitions (also in `definitions`)."""

    reviews: int
    correct: int
    accuracy: float | None  # correct / reviews
    due: int
    cards_seen: int
    mastered: int
    new_available: int
    suspended: int
    buried: int
    streak: int
    retention: float | None  # scoring: correct share of answers to questions answered on an earlier day
    retention_reviews: int  # how many answers that share is over
    per_day: dict[str, int]  # ISO local date → answers
    topics: dict[str, TopicProgress]
    forecast: list[ForecastDay]  # FORECAST_DAYS days from today
    definitions: dict[str, str]  # correct / retention / mastered, in English


class StatsReport(ProgressStats):
    """`dlquiz stats --json`: the stats, and the name the progress database was moved aside to (or None)."""

    recovered_from: str | None


FORECAST_DAYS = 14


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
    flags = store.all_flags()
    reviews = list(store.reviews())
    hand_written = [q for q in bank.questions if not q.is_generated]
    topic_of = {q.id: q.topic for q in bank.questions}
    per_topic = {t: TopicProgress(questions=0, seen=0, mastered=0, reviews=0, correct=0, accuracy=None,
                                  mastery=0.0, due=0, due_14_days=0) for t in TOPICS}
    for q in hand_written:
        per_topic[q.topic]["questions"] += 1
    today = now.astimezone().date()
    forecast = [ForecastDay(date=(today + timedelta(days=i)).isoformat(), due=0, topics={})
                for i in range(FORECAST_DAYS)]
    for qid, (card_json, due_at) in cards.items():
        topic = topic_of.get(qid)
        if topic is None:
            continue  # question removed from the bank: history kept, not counted here
        t = per_topic[topic]
        t["seen"] += 1
        t["mastered"] += int(is_mastered(json.loads(card_json)))
        flag = flags.get(qid)
        if flag is not None and flag.suspended:
            continue
        if flag is not None and flag.buried_until is not None:
            due_at = max(due_at, flag.buried_until)
        t["due"] += int(due_at <= now)
        day = max(0, (due_at.astimezone().date() - today).days)  # overdue counts today
        if day < FORECAST_DAYS:
            forecast[day]["due"] += 1
            forecast[day]["topics"][topic] = forecast[day]["topics"].get(topic, 0) + 1
            t["due_14_days"] += 1
    per_day: Counter[str] = Counter()
    last_seen: dict[str, datetime] = {}
    retention_total = retention_correct = 0
    for r in reviews:
        per_day[r.reviewed_at.astimezone().date().isoformat()] += 1
        if counts_for_retention(last_seen.get(r.question_id), r.reviewed_at):
            retention_total += 1
            retention_correct += int(is_correct(r.rating))
        last_seen[r.question_id] = r.reviewed_at
        topic = topic_of.get(r.question_id) or _generated_topic(r.question_id)
        if topic in per_topic:
            per_topic[topic]["reviews"] += 1
            per_topic[topic]["correct"] += int(is_correct(r.rating))
    for t in per_topic.values():
        t["accuracy"] = share(t["correct"], t["reviews"])
        t["mastery"] = share(t["mastered"], t["questions"]) or 0.0
    for day_entry in forecast:
        day_entry["topics"] = dict(sorted(day_entry["topics"].items()))
    days = {date.fromisoformat(d) for d in per_day}
    correct = sum(1 for r in reviews if is_correct(r.rating))
    in_bank = {qid for qid in cards if qid in topic_of}
    return ProgressStats(
        reviews=len(reviews),
        correct=correct,
        accuracy=share(correct, len(reviews)),
        due=sum(t["due"] for t in per_topic.values()),
        cards_seen=len(in_bank),
        mastered=sum(t["mastered"] for t in per_topic.values()),
        new_available=sum(1 for q in hand_written if q.id not in cards and not (
            q.id in flags and flags[q.id].hidden(now))),
        suspended=sum(1 for qid, f in flags.items() if f.suspended and qid in topic_of),
        buried=sum(1 for qid, f in flags.items() if not f.suspended and f.hidden(now) and qid in topic_of),
        streak=streak_days(days, today),
        retention=share(retention_correct, retention_total),
        retention_reviews=retention_total,
        per_day=dict(sorted(per_day.items())),
        topics=per_topic,
        forecast=forecast,
        definitions={key: definition(key, "en") for key in DEFINITIONS},
    )


def _generated_topic(question_id: str) -> str | None:
    from question_bank.generators import topic_of_generated

    return topic_of_generated(question_id)
