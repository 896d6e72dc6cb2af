"""FSRS glue: stable card ids, ratings for auto-graded answers, grading into the store."""
from __future__ import annotations

import hashlib
from datetime import datetime

# fsrs at import time (its enums are the ratings everywhere): measured with -X importtime it adds about
# 2 ms once Textual is loaded, and only its Optimizer (lazy in fsrs itself) would pull in torch.
from fsrs import Card, Rating, Scheduler

from dlquiz.review.store import ProgressStore, utc_now

RATING_NAMES = {Rating.Again: ("Again", "重来"), Rating.Hard: ("Hard", "困难"), Rating.Good: ("Good", "良好"),
                Rating.Easy: ("Easy", "简单")}
RATING_KEYS = {str(int(r)): r for r in Rating}  # a flashcard is self-rated by typing or pressing 1-4
SLOW_SECONDS = 60  # a correct answer that took longer than this was hard-won
FAST_SECONDS = 8  # a correct choice/true-false answer this quick is easy


def card_id_for(question_id: str) -> int:
    """fsrs' default card id is a timestamp; ours must be stable across devices and re-installs."""
    return int.from_bytes(hashlib.sha256(question_id.encode()).digest()[:7], "big")


def rating_for(correct: bool, seconds: float | None, question_type: str) -> Rating:
    """Map an auto-graded answer (and its time) to an FSRS rating."""
    if not correct:
        return Rating.Again
    if seconds is not None and seconds > SLOW_SECONDS:
        return Rating.Hard
    if seconds is not None and seconds < FAST_SECONDS and question_type in ("choice", "truefalse"):
        return Rating.Easy
    return Rating.Good


class Reviewer:
    """Owns the FSRS scheduler and writes every graded answer to the store at once."""

    def __init__(self, store: ProgressStore):
        self.store = store
        self.scheduler = Scheduler(enable_fuzzing=False)

    def card(self, question_id: str) -> Card:
        raw = self.store.card_json(question_id)
        return Card.from_json(raw) if raw else Card(card_id=card_id_for(question_id))

    def grade(self, question_id: str, rating: Rating | int, *, correct: bool | None, answer_ms: int | None,
              session: str, schedule: bool = True, now: datetime | None = None) -> Card:
        """Schedule and persist in one transaction: the card is read, rescheduled and written inside the
        same BEGIN IMMEDIATE, so two sessions grading the same card cannot lose an update. Generated
        questions (schedule=False) log the review but get no card: they are never 'due', a fresh variant
        comes instead. A store fault raises StoreError and records nothing."""
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
