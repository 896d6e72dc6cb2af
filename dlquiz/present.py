"""Plain-text rendering of questions and feedback, shared by `dlquiz quiz` and the TUI."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from dlquiz.i18n import t
from question_bank.model import Lang, Note, Question, Source
from question_bank.render import to_terminal


def question_text(q: Question, lang: Lang, chosen: tuple[str, ...] | None = None) -> str:
    """The prompt and how to answer it; with `chosen` (after a choice question) the options are marked
    instead: ✓ the correct ones, ✗ a wrong pick, "← your answer" on what was picked."""
    lines = [to_terminal(q.prompt.get(lang))]
    if q.type == "choice" and chosen is not None:
        lines += choice_marks(q, lang, chosen)
    elif q.type == "choice":
        lines += [f"  {letter}. {to_terminal(c.get(lang))}" for letter, c in zip("ABCDEFGH", q.choices)]
        lines.append(t("q_choose_all" if q.is_multi_answer else "q_choose_one", lang))
    elif q.type == "truefalse":
        lines.append(t("q_true_false", lang))
    elif q.type == "numeric":
        hint = t("q_number", lang)
        if q.unit:
            hint += f" [{t('q_unit', lang)}: {q.unit}]"
        lines.append(hint)
    return "\n".join(lines)


def source_text(q: Question, lang: Lang, notes: Mapping[str, Note] | None = None) -> str:
    """'source: <note title> § <section>' (the note's file name when `notes` doesn't know it),
    'source: paper: <ref> <url>' beyond the notes, 'source: generated (<generator>)'."""
    source = t("q_source", lang)
    if q.source is None:
        return f"{source}: {t('q_generated', lang)} ({q.generator})"
    if isinstance(q.source, Source):
        note = notes.get(q.source.file) if notes is not None else None
        name = note.title.get(lang) if note is not None else q.source.file
        return f"{source}: {name} § {q.source.section}"
    kind = t(f"source_kind_{q.source.kind}", lang)  # one of EXTERNAL_SOURCE_KINDS, validated by the loader
    url = f" <{q.source.url}>" if q.source.url else ""
    return f"{source}: {kind}: {q.source.ref}{url}"


def feedback_text(q: Question, feedback, lang: Lang, reveal_only: bool = False) -> str:
    lines = []
    if not reveal_only and feedback is not None and feedback.correct is not None:
        head = t("q_correct" if feedback.correct else "q_wrong", lang)
        mismatch = mismatch_text(feedback, lang)
        if mismatch:
            head += f" {mismatch}"
        lines.append(head)
        chosen = chosen_letters(feedback)
        if chosen is not None:
            lines += choice_marks(q, lang, chosen)
    if not reveal_only and feedback is not None:
        lines.append(rating_text(feedback, lang))
        lines.append(schedule_text(feedback, lang))
    lines.append(f"{t('q_answer', lang)}: {to_terminal(q.answer.get(lang))}")
    lines.append(f"{t('q_why', lang)}: {to_terminal(q.explanation.get(lang))}")
    lines.append(source_text(q, lang))
    return "\n".join(lines)


def mismatch_text(feedback, lang: Lang) -> str:
    """'(196 ≠ 224)' after a wrong typed answer, '(对 ≠ 错)' for true/false in Chinese; '' when there is none
    (right answers, flashcards, and choice questions, whose options are marked instead)."""
    verdict = feedback.verdict if feedback is not None else None
    if verdict is None or feedback.correct is not False or feedback.question.type == "choice":
        return ""
    given, expected = verdict.given, verdict.expected
    if feedback.question.type == "truefalse":
        given, expected = truefalse_word(given, lang), truefalse_word(expected, lang)
    return t("q_mismatch", lang, given=given, expected=expected)


def truefalse_word(value: object, lang: Lang) -> str:
    """The checker's 'true'/'false' (or a bool) as the word of `lang`; anything else unchanged."""
    text = str(value).strip().lower()
    if text in ("true", "false"):
        return t(f"tf_{text}", lang)
    return str(value)


def qtype_name(qtype: str, lang: str) -> str:
    """A question type (flashcard, choice, numeric, truefalse) in words of `lang`."""
    return t(f"qtype_{qtype}", lang)


def choice_marks(q: Question, lang: Lang, chosen: tuple[str, ...]) -> list[str]:
    """One line per option: '✓' correct, '✗' picked but wrong, '  ' neither; '← your answer' on picks."""
    out = []
    for letter, choice in zip("ABCDEFGH", q.choices):
        mark = "✓" if letter in q.correct else ("✗" if letter in chosen else " ")
        mine = f"  ← {t('q_yours', lang)}" if letter in chosen else ""
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

    delta = due - (now or utc_now())
    return (f"{t('q_next_due', lang)}: {due.astimezone().strftime('%Y-%m-%d %H:%M')} "
            f"({t('q_in', lang)} {format_interval(max(delta, timedelta(0)), lang)})")


def rating_text(feedback, lang: Lang) -> str:
    """The rating an answer got and why: auto-rated from correctness and time, or the user's own."""
    from dlquiz.review.scheduler import rating_reason

    line = f"{t('q_rated', lang)}: {rating_name(feedback.rating, lang)}"
    if feedback.auto_rating is not None:
        seconds = None if feedback.answer_ms is None else feedback.answer_ms / 1000
        reason = rating_reason(bool(feedback.correct), seconds, feedback.question.type)[0 if lang == "en" else 1]
        line += f" ({t('q_overridden', lang)}; {reason})" if feedback.overridden else f" ({reason})"
    return line


def schedule_text(feedback, lang: Lang) -> str:
    """Where the answer left the card: its next due date, or that this session moves no due dates."""
    if feedback.next_due is None:
        return t("q_no_schedule", lang)
    return due_text(feedback.next_due, lang, now=feedback.graded_at)  # the interval the grade key showed


def missed_text(questions: list[Question], lang: Lang) -> str:
    """The missed questions (answered wrong or skipped) with their answers, for the end of a session."""
    if not questions:
        return t("q_none_missed", lang)
    lines = [f"{t('q_missed', lang)} ({len(questions)}):"]
    for i, q in enumerate(questions, 1):
        lines.append(f"{i}. {to_terminal(q.prompt.get(lang))}")
        lines.append(f"   {t('q_answer', lang)}: {answer_with_key(q, lang)}")
    return "\n".join(lines)


def answer_with_key(q: Question, lang: Lang) -> str:
    """The answer text, led by the correct letters for a choice question (unless it already starts so)."""
    answer = to_terminal(q.answer.get(lang))
    key = ", ".join(q.correct)
    if q.type == "choice" and not answer.replace(" ", "").startswith(key.replace(" ", "")):
        answer = f"{key} — {answer}"
    return answer
