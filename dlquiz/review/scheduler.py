"""FSRS glue: stable card ids, ratings for auto-graded answers, grading into the store."""
from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

# fsrs at import time (its enums are the ratings everywhere): measured with -X importtime it adds about
# 2 ms once Textual is loaded, and only its Optimizer (lazy in fsrs itself) would pull in torch.
from fsrs import Card, Rating, Scheduler

from dlquiz.review.store import GradeReceipt, ProgressStore, utc_now

RATING_NAMES = {Rating.Again: ("Again", "重来"), Rating.Hard: ("Hard", "困难"), Rating.Good: ("Good", "良好"),
                Rating.Easy: ("Easy", "简单")}
RATING_KEYS = {str(int(r)): r for r in Rating}  # a flashcard is self-rated by typing or pressing 1-4
SLOW_SECONDS = 60  # a correct answer that took longer than this was hard-won
FAST_SECONDS = 8  # a correct choice/true-false answer this quick is easy


def card_id_for(question_id: str) -> int:
    """fsrs' default card id is a timestamp; ours must be stable across devices and re-installs."""
    return int.from_bytes(hashlib.sha256(question_id.encode()).digest()[:7], "big")


def rating_for(correct: bool, seconds: float | None, question_type: str) -> Rating:
    """Map an auto-graded answer (and its time) to an FSRS rating: wrong → Again; right in over
    SLOW_SECONDS → Hard; a right choice or true/false in under FAST_SECONDS → Easy; otherwise Good.
    `rating_reason` says which rule applied, for the feedback screen."""
    if not correct:
        return Rating.Again
    if seconds is not None and seconds > SLOW_SECONDS:
        return Rating.Hard
    if seconds is not None and seconds < FAST_SECONDS and question_type in ("choice", "truefalse"):
        return Rating.Easy
    return Rating.Good


def rating_reason(correct: bool, seconds: float | None, question_type: str) -> tuple[str, str]:
    """Why `rating_for` chose its rating, in one line: (English, Chinese)."""
    rating = rating_for(correct, seconds, question_type)
    took = "" if seconds is None else f"{seconds:.0f}"
    if rating == Rating.Again:
        return "auto-rated Again: wrong answer", "自动评分 重来:答错"
    if rating == Rating.Hard:
        return (f"auto-rated Hard: right, but took {took} s (over {SLOW_SECONDS} s)",
                f"自动评分 困难:答对,但用时 {took} 秒(超过 {SLOW_SECONDS} 秒)")
    if rating == Rating.Easy:
        return (f"auto-rated Easy: right in {took} s (under {FAST_SECONDS} s)",
                f"自动评分 简单:{took} 秒内答对(少于 {FAST_SECONDS} 秒)")
    quick = (f"; a choice or true/false under {FAST_SECONDS} s is Easy", f";选择/判断题 {FAST_SECONDS} 秒内为简单") \
        if question_type in ("choice", "truefalse") else ("", "")
    return (f"auto-rated Good: right in {took} s (over {SLOW_SECONDS} s would be Hard{quick[0]})",
            f"自动评分 良好:{took} 秒答对(超过 {SLOW_SECONDS} 秒为困难{quick[1]})")


def format_interval(delta: timedelta, lang: str = "en") -> str:
    """Anki-style short interval: 1m, 10m, 3h, 4d, 2.1mo, 1.3y (zh: 1分钟, 4天…)."""
    minutes = max(0.0, delta.total_seconds() / 60)
    en = lang != "zh"
    if minutes < 60:
        return f"{round(minutes)}m" if en else f"{round(minutes)}分钟"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h" if en else f"{round(hours)}小时"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d" if en else f"{round(days)}天"
    if days < 365:
        return f"{days / 30:.1f}mo" if en else f"{days / 30:.1f}个月"
    return f"{days / 365:.1f}y" if en else f"{days / 365:.1f}年"


@dataclass(frozen=True)
class Graded:
    card: Card | None  # the card after this grade; None for unscheduled reviews (generated, cram, mock)
    receipt: GradeReceipt


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
        """`record`, returning the card (for an unscheduled review: the stored card, unchanged)."""
        graded = self.record(question_id, rating, correct=correct, answer_ms=answer_ms, session=session,
                             schedule=schedule, now=now)
        return graded.card if graded.card is not None else self.card(question_id)

    def record(self, question_id: str, rating: Rating | int, *, correct: bool | None, answer_ms: int | None,
               session: str, schedule: bool = True, now: datetime | None = None) -> Graded:
        """Schedule and persist in one transaction: the card is read, rescheduled and written inside the
        same BEGIN IMMEDIATE, so two sessions grading the same card cannot lose an update. Generated
        questions (schedule=False) log the review but get no card: they are never 'due', a fresh variant
        comes instead. A store fault raises StoreError and records nothing."""
        now = now or utc_now()
        if not schedule:
            return Graded(None, self.store.grade(question_id, rating, correct, answer_ms, session, now))
        graded: list[Card] = []
        receipt = self.store.grade(question_id, rating, correct, answer_ms, session, now,
                                   reschedule=self._rescheduler(question_id, rating, now, graded))
        return Graded(graded[-1], receipt)

    def undo(self, receipt: GradeReceipt) -> None:
        self.store.undo(receipt)

    def regrade(self, receipt: GradeReceipt, rating: Rating | int, now: datetime) -> Graded:
        """Replace the rating of one grade; a scheduled card is rescheduled from its state before it."""
        graded: list[Card] = []
        new = self.store.regrade(receipt, int(rating),
                                 self._rescheduler(receipt.question_id, rating, now, graded) if receipt.scheduled
                                 else None)
        return Graded(graded[-1] if graded else None, new)

    def _rescheduler(self, question_id: str, rating: Rating | int, now: datetime, out: list[Card]):
        def reschedule(raw: str | None) -> tuple[str, datetime]:
            card = Card.from_json(raw) if raw else Card(card_id=card_id_for(question_id))
            card, _log = self.scheduler.review_card(card, Rating(rating), review_datetime=now)
            out.append(card)
            return card.to_json(), card.due
        return reschedule

    def preview(self, card_json: str | None, question_id: str, now: datetime | None = None) -> dict[Rating, timedelta]:
        """The interval each rating would give this card now, from FSRS itself (review_card on a copy)."""
        now = now or utc_now()
        card = Card.from_json(card_json) if card_json else Card(card_id=card_id_for(question_id))
        out = {}
        for rating in Rating:
            after, _log = self.scheduler.review_card(copy.deepcopy(card), rating, review_datetime=now)
            out[rating] = after.due - now
        return out
