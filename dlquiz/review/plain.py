"""A drill session in a plain terminal: one answer per input line, each graded answer saved at once.
`dlquiz quiz` runs it on stdin/stdout; it takes any text streams (tests pass StringIO)."""
from __future__ import annotations

from typing import TextIO

from dlquiz.i18n import t
from dlquiz.present import feedback_text, intervals_line, missed_text, question_text, schedule_text
from dlquiz.review.scheduler import RATING_KEYS
from dlquiz.review.scoring import definition
from dlquiz.review.session import Session, SessionSummary
from question_bank.answers import AnswerSyntaxError
from question_bank.model import Lang


def rating_prompt(lang: str, intervals: dict | None = None) -> str:
    """'rate 1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy 8d:' (the intervals when grading moves due dates)."""
    return t("plain_rate", lang, intervals=intervals_line(intervals, as_lang(lang)))


def as_lang(lang: str) -> Lang:
    return "zh" if lang == "zh" else "en"


def run_plain_session(session: Session, language: str, stdin: TextIO, stdout: TextIO) -> None:
    """Ask until the queue, the time or the input runs out (EOF ends it quietly: answers are saved)."""
    lang = as_lang(language)

    def say(text: str = "") -> None:
        print(text, file=stdout, flush=True)

    def read() -> str | None:
        line = stdin.readline()
        return None if line == "" else line.rstrip("\n")

    total = len(session.queue)
    while (question := session.current) is not None:
        say(f"\n[{session.position + 1}/{total}] " + question_text(question, lang))
        left = session.time_left()
        if left is not None:
            say(t("plain_time_left", lang, seconds=left))
        if question.type == "flashcard":
            say(t("plain_reveal", lang))
            if read() is None:
                return
            say(feedback_text(question, None, lang, reveal_only=True))
            intervals = session.preview(question)
            while True:
                say(rating_prompt(lang, intervals))
                line = read()
                if line is None:
                    return
                if line.strip() in RATING_KEYS:
                    say(schedule_text(session.grade_flashcard(RATING_KEYS[line.strip()]), lang))
                    break
                say(t("plain_digit", lang))
            continue
        while True:
            say(t("plain_answer", lang))
            line = read()
            if line is None:
                return
            if not line.strip():
                session.skip()
                say(f"{t('q_skipped', lang)}\n" + feedback_text(question, None, lang, reveal_only=True))
                break
            try:
                feedback = session.answer(line)
            except AnswerSyntaxError as exc:
                say(f"! {exc.message(lang)}")
                continue
            say(feedback_text(question, feedback, lang))
            break


def score_line(summary: SessionSummary, language: str) -> str:
    s, lang = summary, as_lang(language)
    skipped = t("plain_skipped", lang, n=s["skipped"]) if s["skipped"] else ""
    score = t("plain_score", lang, correct=s["correct"], answered=s["answered"], skipped=skipped, total=s["total"],
              seconds=s["seconds"])
    return f"{score}\n({definition('correct', lang)})"


def summary_text(session: Session, summary: SessionSummary, language: str) -> str:
    """What `dlquiz quiz` prints at the end: the score, what counts as correct, and the missed questions
    with their answers (so a mock interview ends with what to go over)."""
    return score_line(summary, language) + "\n\n" + missed_text(session.missed(), as_lang(language))
