"""Plain-text rendering of questions and feedback, shared by `dlquiz quiz` and the TUI."""
from __future__ import annotations

from datetime import datetime, timedelta

from question_bank.model import Lang, Question, Source
from question_bank.render import to_terminal

LABELS = {
    "en": {"true_false": "(true or false? t/f)", "choose_all": "(select all that apply, e.g. A,C)",
           "choose_one": "(one letter)", "number": "(a number or arithmetic such as 3*3*64+64)",
           "correct": "✓ correct", "wrong": "✗ wrong", "answer": "answer", "why": "why",
           "source": "source", "unit": "unit", "generated": "generated", "yours": "your answer",
           "skipped": "skipped", "rated": "rated", "next_due": "next due",
           "in": "in", "no_schedule": "due dates unchanged in this session", "overridden": "you changed it",
           "missed": "missed", "none_missed": "nothing missed"},
    "zh": {"true_false": "(判断对错: t/f 或 对/错)", "choose_all": "(多选,例如 A,C)",
           "choose_one": "(单选)", "number": "(输入数字或算式,如 3*3*64+64)",
           "correct": "✓ 正确", "wrong": "✗ 错误", "answer": "答案", "why": "解析",
           "source": "出处", "unit": "单位", "generated": "自动生成", "yours": "你的选择",
           "skipped": "已跳过", "rated": "评分", "next_due": "下次到期",
           "in": "间隔", "no_schedule": "本轮不改变到期时间", "overridden": "已手动修改",
           "missed": "答错或跳过", "none_missed": "没有答错或跳过的题"},
}


def question_text(q: Question, lang: Lang, chosen: tuple[str, ...] | None = None) -> str:
    """The prompt and how to answer it; with `chosen` (after a choice question) the options are marked
    instead: ✓ the correct ones, ✗ a wrong pick, "← your answer" on what was picked."""
    label = LABELS[lang]
    lines = [to_terminal(q.prompt.get(lang))]
    if q.type == "choice" and chosen is not None:
        lines += choice_marks(q, lang, chosen)
    elif q.type == "choice":
        lines += [f"  {letter}. {to_terminal(c.get(lang))}" for letter, c in zip("ABCDEFGH", q.choices)]
        lines.append(label["choose_all"] if q.is_multi_answer else label["choose_one"])
    elif q.type == "truefalse":
        lines.append(label["true_false"])
    elif q.type == "numeric":
        hint = label["number"]
        if q.unit:
            hint += f" [{label['unit']}: {q.unit}]"
        lines.append(hint)
    return "\n".join(lines)


def source_text(q: Question, lang: Lang) -> str:
    label = LABELS[lang]
    if q.source is None:
        return f"{label['source']}: {label['generated']} ({q.generator})"
    if isinstance(q.source, Source):
        return f"{label['source']}: {q.source.file} § {q.source.section}"
    url = f" <{q.source.url}>" if q.source.url else ""
    return f"{label['source']}: {q.source.ref}{url}"


def feedback_text(q: Question, feedback, lang: Lang, reveal_only: bool = False) -> str:
    label = LABELS[lang]
    lines = []
    if not reveal_only and feedback is not None and feedback.correct is not None:
        head = label["correct"] if feedback.correct else label["wrong"]
        if feedback.verdict is not None and not feedback.correct and q.type != "choice":
            head += f" ({feedback.verdict.given} ≠ {feedback.verdict.expected})"
        lines.append(head)
        chosen = chosen_letters(feedback)
        if chosen is not None:
            lines += choice_marks(q, lang, chosen)
    if not reveal_only and feedback is not None:
        lines.append(rating_text(feedback, lang))
        lines.append(schedule_text(feedback, lang))
    lines.append(f"{label['answer']}: {to_terminal(q.answer.get(lang))}")
    lines.append(f"{label['why']}: {to_terminal(q.explanation.get(lang))}")
    lines.append(source_text(q, lang))
    return "\n".join(lines)


def choice_marks(q: Question, lang: Lang, chosen: tuple[str, ...]) -> list[str]:
    """One line per option: '✓' correct, '✗' picked but wrong, '  ' neither; '← your answer' on picks."""
    out = []
    for letter, choice in zip("ABCDEFGH", q.choices):
        mark = "✓" if letter in q.correct else ("✗" if letter in chosen else " ")
        mine = f"  ← {LABELS[lang]['yours']}" if letter in chosen else ""
        out.append(f"{mark} {letter}. {to_terminal(choice.get(lang))}{mine}")
    return out


def chosen_letters(feedback) -> tuple[str, ...] | None:
    """The letters picked at a choice question (from the checker's verdict), else None."""
    if feedback is None or feedback.verdict is None or feedback.question.type != "choice":
        return None
    return tuple(x for x in feedback.verdict.given.split(",") if x)


def rating_name(rating, lang: Lang) -> str:
    from dlquiz.review.scheduler import RATING_NAMES

    return RATING_NAMES[rating][0 if lang == "en" else 1]


def intervals_line(intervals: dict | None, lang: Lang) -> str:
    """'1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy 8d': each key, its rating and FSRS's next interval."""
    from fsrs import Rating

    from dlquiz.review.scheduler import format_interval

    parts = []
    for rating in Rating:
        after = "" if intervals is None else f" {format_interval(intervals[rating], lang)}"
        parts.append(f"{int(rating)} {rating_name(rating, lang)}{after}")
    return " · ".join(parts)


def due_text(due: datetime, lang: Lang, now: datetime | None = None) -> str:
    """'next due: 2026-05-02 14:03 (in 1d)', local time."""
    from dlquiz.review.scheduler import format_interval
    from dlquiz.review.store import utc_now

    label = LABELS[lang]
    delta = due - (now or utc_now())
    return (f"{label['next_due']}: {due.astimezone().strftime('%Y-%m-%d %H:%M')} "
            f"({label['in']} {format_interval(max(delta, timedelta(0)), lang)})")


def rating_text(feedback, lang: Lang) -> str:
    """The rating an answer got and why: auto-rated from correctness and time, or the user's own."""
    from dlquiz.review.scheduler import rating_reason

    label = LABELS[lang]
    line = f"{label['rated']}: {rating_name(feedback.rating, lang)}"
    if feedback.auto_rating is not None:
        seconds = None if feedback.answer_ms is None else feedback.answer_ms / 1000
        reason = rating_reason(bool(feedback.correct), seconds, feedback.question.type)[0 if lang == "en" else 1]
        line += f" ({label['overridden']}; {reason})" if feedback.overridden else f" ({reason})"
    return line


def schedule_text(feedback, lang: Lang) -> str:
    """Where the answer left the card: its next due date, or that this session moves no due dates."""
    if feedback.next_due is None:
        return LABELS[lang]["no_schedule"]
    return due_text(feedback.next_due, lang, now=feedback.graded_at)  # the interval the grade key showed


def missed_text(questions: list[Question], lang: Lang) -> str:
    """The missed questions (answered wrong or skipped) with their answers, for the end of a session."""
    label = LABELS[lang]
    if not questions:
        return label["none_missed"]
    lines = [f"{label['missed']} ({len(questions)}):"]
    for i, q in enumerate(questions, 1):
        lines.append(f"{i}. {to_terminal(q.prompt.get(lang))}")
        lines.append(f"   {label['answer']}: {answer_with_key(q, lang)}")
    return "\n".join(lines)


def answer_with_key(q: Question, lang: Lang) -> str:
    """The answer text, led by the correct letters for a choice question (unless it already starts so)."""
    answer = to_terminal(q.answer.get(lang))
    key = ", ".join(q.correct)
    if q.type == "choice" and not answer.replace(" ", "").startswith(key.replace(" ", "")):
        answer = f"{key} — {answer}"
    return answer
