"""Drill sessions: review, practice, cram, mock interview, errata drill.

A Session is a queue of questions plus grading. The TUI and `dlquiz quiz` drive the same object:
`current` → `answer(text)` (auto-graded types) or, once a flashcard's answer is shown, `grade_flashcard(rating)`.
"""
from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

from fsrs import Rating

from dlquiz.errors import InputError
from dlquiz.review.filters import QuestionFilter
from dlquiz.review.kinds import SessionKind
from dlquiz.review.scheduler import Reviewer, rating_for
from dlquiz.review.store import ProgressStore, utc_now
from question_bank.answers import Verdict, check_answer
from question_bank.model import Bank, Question

DEFAULT_NEW_PER_DAY = 20
DEFAULT_COUNT = {SessionKind.REVIEW: 50, SessionKind.PRACTICE: 20, SessionKind.CRAM: 30, SessionKind.MOCK: 10,
                 SessionKind.ERRATA: 20}
# Most questions one session may ask. A session builds its whole queue up front (generated questions
# included), so an unbounded count is unbounded time and memory; 1000 is more than twice the bank.
MAX_COUNT = 1000
MOCK_SECONDS_PER_QUESTION = 90


@dataclass
class SessionConfig:
    kind: SessionKind | str = SessionKind.REVIEW  # a plain string is turned into a SessionKind by validate()
    topic: str | None = None
    tag: str | None = None
    difficulty: int | None = None
    qtype: str | None = None
    count: int | None = None
    seed: int | None = None
    new_per_day: int = DEFAULT_NEW_PER_DAY
    include_generated: bool = True  # practice / cram / mock mix in generated numeric questions
    time_limit_s: int | None = None  # mock interviews; default 90 s a question

    @property
    def question_filter(self) -> QuestionFilter:
        return QuestionFilter(topic=self.topic, qtype=self.qtype, tag=self.tag, difficulty=self.difficulty)

    def validate(self) -> None:
        try:
            self.kind = SessionKind(self.kind)
        except ValueError:
            raise InputError(f"unknown session kind {self.kind!r}; allowed: "
                             f"{', '.join(SessionKind)}") from None
        self.question_filter.validate()
        check_count(self.count)


def check_count(count, name: str = "count") -> None:
    """InputError unless count is None or a whole number from 1 to MAX_COUNT (shared with `dlquiz quiz`)."""
    if count is None:
        return
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
        # (str() of an int over 4300 digits raises ValueError, so a huge one is described, not shown)
        shown = count if not isinstance(count, int) or abs(count) < 10**12 else \
            f"a number of about {int(count.bit_length() * 0.30103) + 1} digits"
        raise InputError(f"{name} must be a positive integer from 1 to {MAX_COUNT}, got {shown}")


@dataclass
class Feedback:
    question: Question
    correct: bool | None  # None for flashcards (self-graded)
    rating: Rating
    verdict: Verdict | None = None


class TopicScore(TypedDict):
    answered: int
    correct: int  # auto-graded right, or a flashcard rated Good or Easy


class SessionSummary(TypedDict):
    """`Session.summary()`: what `dlquiz quiz --json` prints and the TUI's summary screen shows."""

    kind: SessionKind
    answered: int
    total: int
    auto_graded: int
    correct: int
    score: int
    seconds: int
    per_topic: dict[str, TopicScore]
    ratings: dict[int, int]  # rating → how many answers got it (JSON turns the keys into "1".."4")


@dataclass
class Session:
    bank: Bank
    store: ProgressStore
    config: SessionConfig
    queue: list[Question] = field(default_factory=list)
    position: int = 0
    results: list[Feedback] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    _shown_at: float = field(default_factory=time.monotonic)
    _reviewer: Reviewer | None = None

    @classmethod
    def start(cls, bank: Bank, store: ProgressStore, config: SessionConfig,
              now: datetime | None = None) -> "Session":
        config.validate()
        session = cls(bank, store, config)
        session.queue = build_queue(bank, store, config, now or utc_now())
        session._shown_at = time.monotonic()
        return session

    # -- flow ------------------------------------------------------------------------------
    @property
    def current(self) -> Question | None:
        if self.finished:
            return None
        return self.queue[self.position]

    @property
    def finished(self) -> bool:
        return self.position >= len(self.queue) or self.time_left() == 0

    @property
    def time_limit(self) -> int | None:
        if self.config.kind != SessionKind.MOCK:
            return None
        return self.config.time_limit_s or MOCK_SECONDS_PER_QUESTION * max(1, len(self.queue))

    def time_left(self) -> int | None:
        limit = self.time_limit
        if limit is None:
            return None
        return max(0, int(limit - (time.monotonic() - self.started)))

    def _elapsed_ms(self) -> int:
        return int((time.monotonic() - self._shown_at) * 1000)

    @property
    def reviewer(self) -> Reviewer:
        if self._reviewer is None:
            self._reviewer = Reviewer(self.store)
        return self._reviewer

    def answer(self, text: str) -> Feedback:
        """Grade a typed answer (choice/numeric/truefalse). AnswerSyntaxError → ask again, nothing recorded."""
        question = self._require_current()
        if question.type == "flashcard":
            raise InputError("flashcards are self-graded: reveal, then rate 1–4")
        verdict = check_answer(question, text)
        ms = self._elapsed_ms()
        rating = rating_for(verdict.correct, ms / 1000, question.type)
        return self._record(question, rating, verdict.correct, ms, verdict)

    def grade_flashcard(self, rating: Rating | int) -> Feedback:
        question = self._require_current()
        if rating not in list(Rating):
            raise InputError(f"rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), got {rating}")
        return self._record(question, Rating(rating), None, self._elapsed_ms(), None)

    def skip(self) -> None:
        """Move on without recording anything."""
        self._require_current()
        self.position += 1
        self._shown_at = time.monotonic()

    def _require_current(self) -> Question:
        q = self.current
        if q is None:
            raise InputError("the session is over")
        return q

    def _record(self, question: Question, rating: Rating, correct: bool | None, ms: int,
                verdict: Verdict | None) -> Feedback:
        # Cram and mock don't move due dates: cramming ignores the schedule by design.
        schedule = not question.is_generated and self.config.kind not in (SessionKind.CRAM, SessionKind.MOCK)
        self.reviewer.grade(question.id, rating, correct=correct, answer_ms=ms,
                            session=self.config.kind, schedule=schedule)
        feedback = Feedback(question, correct, rating, verdict)
        self.results.append(feedback)
        self.position += 1
        self._shown_at = time.monotonic()
        return feedback

    # -- results ---------------------------------------------------------------------------
    def summary(self) -> SessionSummary:
        graded = [r for r in self.results if r.correct is not None]
        per_topic: dict[str, TopicScore] = defaultdict(lambda: TopicScore(answered=0, correct=0))
        for r in self.results:
            t = per_topic[r.question.topic]
            t["answered"] += 1
            t["correct"] += int(bool(r.correct) if r.correct is not None else r.rating >= Rating.Good)
        score = sum(t["correct"] for t in per_topic.values())
        return SessionSummary(
            kind=SessionKind(self.config.kind),
            answered=len(self.results),
            total=len(self.queue),
            auto_graded=len(graded),
            correct=sum(1 for r in graded if r.correct),
            score=score,
            seconds=int(time.monotonic() - self.started),
            per_topic=dict(per_topic),
            ratings=dict(Counter(int(r.rating) for r in self.results)),
        )

    def finish(self) -> SessionSummary:
        summary = self.summary()
        if self.config.kind == SessionKind.MOCK and self.results:
            self.store.record_mock(summary["score"], summary["total"], summary["seconds"], summary["per_topic"])
        return summary


def local_day_start(now: datetime) -> datetime:
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def build_queue(bank: Bank, store: ProgressStore, config: SessionConfig, now: datetime) -> list[Question]:
    rng = random.Random(config.seed)
    count = config.count or DEFAULT_COUNT[SessionKind(config.kind)]
    wanted = config.question_filter
    pool = [q for q in bank.questions if wanted.matches(q)]
    if config.kind == SessionKind.ERRATA:
        pool = [q for q in pool if "errata" in q.tags]
    if config.kind == SessionKind.REVIEW:
        due = [bank.by_id[qid] for qid in store.due_ids(now) if qid in bank.by_id and wanted.matches(bank.by_id[qid])]
        seen = set(store.all_cards())
        new_left = max(0, config.new_per_day - store.new_cards_since(local_day_start(now)))
        fresh = [q for q in pool if q.id not in seen]
        fresh.sort(key=lambda q: (q.difficulty, rng.random()))  # easy new cards first
        return (due + fresh[:new_left])[:count]
    generated = _generated(config, rng, count) if config.include_generated and config.kind != SessionKind.ERRATA \
        else []
    rng.shuffle(pool)
    if config.kind == SessionKind.MOCK:
        pool = _spread_topics(pool)
    n_generated = min(len(generated), count // 4) if pool else len(generated)
    chosen = pool[: count - n_generated] + generated[:n_generated]
    if config.kind == SessionKind.MOCK:
        return _spread_topics(chosen)  # keep consecutive questions on different topics
    rng.shuffle(chosen)
    return chosen


def _spread_topics(pool: list[Question]) -> list[Question]:
    """Round-robin over topics so a mock interview is mixed, like a real one."""
    by_topic: dict[str, list[Question]] = defaultdict(list)
    for q in pool:
        by_topic[q.topic].append(q)
    out: list[Question] = []
    while any(by_topic.values()):
        for topic in list(by_topic):
            if by_topic[topic]:
                out.append(by_topic[topic].pop())
    return out


def _generated(config: SessionConfig, rng: random.Random, count: int) -> list[Question]:
    from question_bank.generators import sample

    if config.tag is not None or config.qtype not in (None, "numeric", "choice"):
        return []
    questions = sample(rng, count, topic=config.topic)
    return [q for q in questions if config.question_filter.matches(q)]
