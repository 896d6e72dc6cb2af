"""A drill session in a plain terminal: one answer per input line, each graded answer saved at once.
`dlquiz quiz` runs it on stdin/stdout; it takes any text streams (tests pass StringIO)."""
from __future__ import annotations

from typing import TextIO

from fsrs import Rating

from dlquiz.present import feedback_text, question_text
from dlquiz.review.scheduler import RATING_KEYS, RATING_NAMES
from dlquiz.review.session import Session, SessionSummary
from question_bank.answers import AnswerSyntaxError


def rating_prompt(lang: str) -> str:
    names = " · ".join(f"{int(r)} {RATING_NAMES[r][0 if lang == 'en' else 1]}" for r in Rating)
    return f"rate {names}:" if lang == "en" else f"自评 {names}:"


def run_plain_session(session: Session, lang: str, stdin: TextIO, stdout: TextIO) -> None:
    """Ask until the queue, the time or the input runs out (EOF ends it quietly: answers are saved)."""

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
            say(f"({left} s left)" if lang == "en" else f"(剩余 {left} 秒)")
        if question.type == "flashcard":
            say("(Enter to reveal)" if lang == "en" else "(回车显示答案)")
            if read() is None:
                return
            say(feedback_text(question, None, lang, reveal_only=True))
            while True:
                say(rating_prompt(lang))
                line = read()
                if line is None:
                    return
                if line.strip() in RATING_KEYS:
                    session.grade_flashcard(RATING_KEYS[line.strip()])
                    break
                say("type a digit 1–4" if lang == "en" else "请输入 1–4")
            continue
        while True:
            say("answer:" if lang == "en" else "作答:")
            line = read()
            if line is None:
                return
            if not line.strip():
                session.skip()
                break
            try:
                feedback = session.answer(line)
            except AnswerSyntaxError as exc:
                say(f"! {exc.message(lang)}")
                continue
            say(feedback_text(question, feedback, lang))
            break


def score_line(summary: SessionSummary, lang: str) -> str:
    s = summary
    if lang == "zh":
        return (f"得分: {s['score']}/{s['answered']} (自动判分 {s['correct']}/{s['auto_graded']}),"
                f"共 {s['total']} 题,用时 {s['seconds']} 秒")
    return (f"score: {s['score']}/{s['answered']} (auto-graded {s['correct']}/{s['auto_graded']}), "
            f"{s['total']} question(s), {s['seconds']} s")
