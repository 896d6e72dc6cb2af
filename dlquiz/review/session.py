"""Drill sessions: review, practice, cram, mock interview, errata drill.

A Session is a queue of questions plus grading. The TUI and `dlquiz quiz` drive the same object:
`current` → `answer(text)` (auto-graded types) or, once a flashcard's answer is shown, `grade_flashcard(rating)`;
`skip()` moves on without a grade. After an answer, `override(rating)` changes its rating, `undo()` takes
the last step back (its review row and card state too), `suspend`/`bury` hide a card. What counts as
correct is `dlquiz.review.scoring`'s one definition.
"""
from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypedDict

from fsrs import Rating

from dlquiz.errors import InputError
from dlquiz.review.filters import QuestionFilter
from dlquiz.review.kinds import SessionKind
from dlquiz.review.scheduler import Reviewer, rating_for
from dlquiz.review.scoring import is_correct
from dlquiz.review.store import CardFlags, GradeReceipt, ProgressStore, utc_now
from question_bank.answers import Verdict, check_answer
from question_bank.model import Bank, Question

DEFAULT_NEW_PER_DAY = 20
DEFAULT_COUNT = {SessionKind.REVIEW: 50, SessionKind.PRACTICE: 20, SessionKind.CRAM: 30, SessionKind.MOCK: 10,
                 SessionKind.ERRATA: 20}
# Most questions one session may ask. A session builds its whole queue up front (generated questions
# included), so an unbounded count is unbounded time and memory; 1000 is more than twice the bank.
MAX_COUNT = 1000
MOCK_SECONDS_PER_QUESTION = 90
MOCK_EXCLUDED_TAG = "trivia"  # who-invented-what questions: not what an interviewer asks


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
    generator: str | None = None  # practice only: generated questions of this family (or generator) alone
    ids: frozenset[str] | None = None  # just these questions (the browser's "drill this")

    @property
    def question_filter(self) -> QuestionFilter:
        return QuestionFilter(topic=self.topic, qtype=self.qtype, tag=self.tag, difficulty=self.difficulty,
                              ids=self.ids)

    def validate(self) -> None:
        try:
            self.kind = SessionKind(self.kind)
        except ValueError:
            raise InputError(f"unknown session kind {self.kind!r}; allowed: "
                             f"{', '.join(SessionKind)}") from None
        self.question_filter.validate()
        check_count(self.count)
        if self.generator is not None:
            from question_bank.generators import generator_names

            if self.kind != SessionKind.PRACTICE:
                raise InputError(f"a generator family is a practice drill; use --mode practice, not {self.kind}")
            generator_names(self.generator)  # InputError listing the families


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
    correct: bool | None  # the checker's verdict; None for flashcards (self-rated)
    rating: Rating  # the final rating: the automatic one, or the user's override
    verdict: Verdict | None = None
    answer_ms: int | None = None
    auto_rating: Rating | None = None  # what rating_for gave a typed answer (None for flashcards)
    graded_at: datetime | None = None
    next_due: datetime | None = None  # None when the review moves no due date (generated, cram, mock)
    intervals: dict[Rating, timedelta] | None = None  # what each rating gives, from the card before this grade
    receipt: GradeReceipt | None = None

    @property
    def counts_correct(self) -> bool:
        return is_correct(self.rating)

    @property
    def overridden(self) -> bool:
        return self.auto_rating is not None and self.rating != self.auto_rating


@dataclass
class _Step:
    """One move through the queue, so `undo` can take it back: a grade, a skip, or a suspend/bury
    before answering. `flags_before` is the card's suspend/bury state before this step changed it."""

    question: Question
    feedback: Feedback | None = None  # None: skipped or hidden, nothing graded
    hidden: bool = False
    flags_before: CardFlags | None = None


class TopicScore(TypedDict):
    answered: int
    correct: int  # scoring.is_correct: rated Hard, Good or Easy


class SessionSummary(TypedDict):
    """`Session.summary()`: what `dlquiz quiz --json` prints and the TUI's summary screen shows."""

    kind: SessionKind
    answered: int  # graded answers (skips not included)
    total: int  # questions in the queue
    auto_graded: int  # of the answers, typed ones graded by the checker (the rest are flashcards)
    correct: int  # scoring.is_correct: rated Hard, Good or Easy
    score: int  # the same number as correct (kept for readers of the old JSON and the mock results)
    overridden: int  # typed answers whose automatic rating the user changed
    skipped: int
    seconds: int
    per_topic: dict[str, TopicScore]
    ratings: dict[int, int]  # rating → how many answers got it (JSON turns the keys into "1".."4")
    missed: list[str]  # ids of the questions answered wrong (rated Again) or skipped, in order


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
    steps: list[_Step] = field(default_factory=list)
    title: str | None = None  # shown instead of the kind's name ("redrill")

    @classmethod
    def start(cls, bank: Bank, store: ProgressStore, config: SessionConfig,
              now: datetime | None = None) -> Session:
        config.validate()
        session = cls(bank, store, config)
        session.queue = build_queue(bank, store, config, now or utc_now())
        session._shown_at = time.monotonic()
        return session

    @classmethod
    def redrill(cls, bank: Bank, store: ProgressStore, questions: list[Question],
                now: datetime | None = None) -> Session:
        """A session of just these questions (the ones missed in a session that ended), graded like cram:
        answers are logged, due dates stay where the first answers put them (a wrong answer's card is
        already due again in minutes)."""
        hidden = store.hidden_ids(now or utc_now())
        session = cls(bank, store, SessionConfig(kind=SessionKind.CRAM), title="redrill")
        session.queue = [q for q in dict.fromkeys(questions) if q.id not in hidden]
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
        return self._record(question, _rating(rating), None, self._elapsed_ms(), None)

    def skip(self) -> Question:
        """Move on without grading (the UI shows the answer first); the question counts as missed."""
        question = self._require_current()
        self._advance(_Step(question))
        return question

    def schedules(self, question: Question) -> bool:
        """Whether grading this question moves its due date. Cram and mock don't (cramming ignores the
        schedule by design); generated questions have no card (a fresh variant comes instead)."""
        return not question.is_generated and self.config.kind not in (SessionKind.CRAM, SessionKind.MOCK)

    def preview(self, question: Question | None = None) -> dict[Rating, timedelta] | None:
        """The interval each rating would give the question (default: the current one), from FSRS;
        None when grading it moves no due date."""
        question = question or self._require_current()
        if not self.schedules(question):
            return None
        return self.reviewer.preview(self.store.card_json(question.id), question.id)

    # -- taking things back -----------------------------------------------------------------
    @property
    def last_feedback(self) -> Feedback | None:
        """The grade of the last step, if the last step was a grade."""
        return self.steps[-1].feedback if self.steps else None

    def override(self, rating: Rating | int) -> Feedback:
        """Change the rating of the last answer (an auto-graded answer, or a flashcard's self-rating): the
        review row gets the new rating and the card is rescheduled as if it had been given at once."""
        feedback = self.last_feedback
        if feedback is None or feedback.receipt is None or feedback.graded_at is None:
            raise InputError("nothing to re-rate: answer a question first")
        new_rating = _rating(rating)
        if new_rating == feedback.rating:
            return feedback
        graded = self.reviewer.regrade(feedback.receipt, new_rating, feedback.graded_at)
        feedback.rating = new_rating
        feedback.receipt = graded.receipt
        if graded.card is not None:
            feedback.next_due = graded.card.due
        return feedback

    def undo(self) -> Question:
        """Take the last step back and return to its question: a grade's review row is deleted and its card
        restored (one transaction), a suspend or bury made since is lifted. InputError if nothing to undo."""
        if not self.steps:
            raise InputError("nothing to undo in this session")
        step = self.steps[-1]
        if step.feedback is not None and step.feedback.receipt is not None:
            self.reviewer.undo(step.feedback.receipt)
            self.results.remove(step.feedback)
        if step.flags_before is not None:
            self.store.set_flags(step.question.id, step.flags_before)
        self.steps.pop()
        self.position -= 1
        self._shown_at = time.monotonic()
        return step.question

    # -- suspend and bury -------------------------------------------------------------------
    def suspend(self, question: Question, suspended: bool = True) -> None:
        """Suspended: never due and never offered in any session until unsuspended. The current question is
        skipped; the one just answered keeps its grade."""
        self._set_flags(question, lambda f: CardFlags(suspended, f.buried_until))

    def bury(self, question: Question, now: datetime | None = None) -> None:
        """Buried: not due and not offered until the start of tomorrow (local time)."""
        tomorrow = local_day_start(now or utc_now()) + timedelta(days=1)
        self._set_flags(question, lambda f: CardFlags(f.suspended, tomorrow))

    def _set_flags(self, question: Question, change) -> None:
        if question.is_generated:
            raise InputError("generated questions have no card to suspend or bury: a fresh variant comes each time")
        before = self.store.flags(question.id)
        is_current = question is self.current
        self.store.set_flags(question.id, change(before))
        if is_current:
            self._advance(_Step(question, hidden=True, flags_before=before))
        elif self.steps and self.steps[-1].question is question and self.steps[-1].flags_before is None:
            self.steps[-1].flags_before = before

    def _advance(self, step: _Step) -> None:
        self.steps.append(step)
        self.position += 1
        self._shown_at = time.monotonic()

    def _require_current(self) -> Question:
        q = self.current
        if q is None:
            raise InputError("the session is over")
        return q

    def _record(self, question: Question, rating: Rating, correct: bool | None, ms: int,
                verdict: Verdict | None) -> Feedback:
        now = utc_now()
        schedule = self.schedules(question)
        graded = self.reviewer.record(question.id, rating, correct=correct, answer_ms=ms,
                                      session=self.config.kind, schedule=schedule, now=now)
        intervals = None
        if schedule:  # from the card as it was before this grade: what the override keys would give
            previous = graded.receipt.previous
            intervals = self.reviewer.preview(previous[0] if previous else None, question.id, now)
        feedback = Feedback(question, correct, rating, verdict, answer_ms=ms,
                            auto_rating=rating if correct is not None else None, graded_at=now,
                            next_due=graded.card.due if graded.card is not None else None,
                            intervals=intervals, receipt=graded.receipt)
        self.results.append(feedback)
        self._advance(_Step(question, feedback))
        return feedback

    # -- results ---------------------------------------------------------------------------
    def missed(self) -> list[Question]:
        """Questions answered wrong (rated Again) or skipped, once each, in the order met."""
        out = [s.question for s in self.steps
               if not s.hidden and (s.feedback is None or not s.feedback.counts_correct)]
        return list(dict.fromkeys(out))

    def summary(self) -> SessionSummary:
        per_topic: dict[str, TopicScore] = defaultdict(lambda: TopicScore(answered=0, correct=0))
        for r in self.results:
            t = per_topic[r.question.topic]
            t["answered"] += 1
            t["correct"] += int(r.counts_correct)
        correct = sum(1 for r in self.results if r.counts_correct)
        return SessionSummary(
            kind=SessionKind(self.config.kind),
            answered=len(self.results),
            total=len(self.queue),
            auto_graded=sum(1 for r in self.results if r.correct is not None),
            correct=correct,
            score=correct,
            overridden=sum(1 for r in self.results if r.overridden),
            skipped=sum(1 for s in self.steps if s.feedback is None and not s.hidden),
            seconds=int(time.monotonic() - self.started),
            per_topic=dict(per_topic),
            ratings=dict(Counter(int(r.rating) for r in self.results)),
            missed=[q.id for q in self.missed()],
        )

    def finish(self) -> SessionSummary:
        summary = self.summary()
        if self.config.kind == SessionKind.MOCK and self.results:
            self.store.record_mock(summary["score"], summary["total"], summary["seconds"], summary["per_topic"])
        return summary


def _rating(rating: Rating | int) -> Rating:
    if isinstance(rating, bool) or rating not in list(Rating):
        raise InputError(f"rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), got {rating}")
    return Rating(rating)


def local_day_start(now: datetime) -> datetime:
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def build_queue(bank: Bank, store: ProgressStore, config: SessionConfig, now: datetime) -> list[Question]:
    rng = random.Random(config.seed)
    count = config.count or DEFAULT_COUNT[SessionKind(config.kind)]
    wanted = config.question_filter
    if config.generator is not None:  # drilling one generator family: nothing from the bank
        return _generated(config, rng, count)
    hidden = store.hidden_ids(now)  # suspended or buried: offered in no session
    pool = [q for q in bank.questions if wanted.matches(q) and q.id not in hidden]
    if config.kind == SessionKind.ERRATA:
        pool = [q for q in pool if "errata" in q.tags]
    if config.kind == SessionKind.MOCK:
        pool = [q for q in pool if MOCK_EXCLUDED_TAG not in q.tags]
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
    from question_bank.generators import generator_names, sample

    if config.tag is not None or config.qtype not in (None, "numeric", "choice"):
        return []
    names = generator_names(config.generator) if config.generator is not None else None
    questions = sample(rng, count, topic=config.topic, names=names)
    return [q for q in questions if config.question_filter.matches(q)]
