"""FSRS glue: stable card ids, ratings for auto-graded answers, grading into the store."""
from __future__ import annotations

import hashlib
from datetime import datetime

from dlquiz.review.store import ProgressStore, utc_now

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: ("Again", "重来"), HARD: ("Hard", "困难"), GOOD: ("Good", "良好"), EASY: ("Easy", "简单")}
SLOW_SECONDS = 60  # a correct answer that took longer than this was hard-won
FAST_SECONDS = 8  # a correct choice/true-false answer this quick is easy


def card_id_for(question_id: str) -> int:
    """fsrs' default card id is a timestamp; ours must be stable across devices and re-installs."""
    return int.from_bytes(hashlib.sha256(question_id.encode()).digest()[:7], "big")


def rating_for(correct: bool, seconds: float | None, question_type: str) -> int:
    """Map an auto-graded answer (and its time) to an FSRS rating."""
    if not correct:
        return AGAIN
    if seconds is not None and seconds > SLOW_SECONDS:
        return HARD
    if seconds is not None and seconds < FAST_SECONDS and question_type in ("choice", "truefalse"):
        return EASY
    return GOOD


class Reviewer:
    """Owns the FSRS scheduler and writes every graded answer to the store at once."""

    def __init__(self, store: ProgressStore):
        from fsrs import Scheduler  # imported when the first session starts, not at app start

        self.store = store
        self.scheduler = Scheduler(enable_fuzzing=False)

    def card(self, question_id: str):
        from fsrs import Card

        raw = self.store.card_json(question_id)
        return Card.from_json(raw) if raw else Card(card_id=card_id_for(question_id))

    def grade(self, question_id: str, rating: int, *, correct: bool | None, answer_ms: int | None,
              session: str, schedule: bool = True, now: datetime | None = None):
        """Schedule and persist in one transaction: the card is read, rescheduled and written inside the
        same BEGIN IMMEDIATE, so two sessions grading the same card cannot lose an update. Generated
        questions (schedule=False) log the review but get no card: they are never 'due', a fresh variant
        comes instead. A store fault raises StoreError and records nothing."""
        from fsrs import Card, Rating

        now = now or utc_now()
        if not schedule:
            self.store.grade(question_id, rating, correct, answer_ms, session, now)
            return self.card(question_id)
        graded = []

        def reschedule(raw: str | None):
            card = Card.from_json(raw) if raw else Card(card_id=card_id_for(question_id))
            card, _log = self.scheduler.review_card(card, Rating(rating), review_datetime=now)
            graded.append(card)
            return card.to_json(), card.due

        self.store.grade(question_id, rating, correct, answer_ms, session, now, reschedule=reschedule)
        return graded[-1]
