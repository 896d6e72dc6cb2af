"""Plain-text rendering of questions and feedback, shared by `dlquiz quiz` and the TUI."""
from __future__ import annotations

from question_bank.model import Lang, Question, Source
from question_bank.render import to_terminal

LABELS = {
    "en": {"true_false": "(true or false? t/f)", "choose_all": "(select all that apply, e.g. A,C)",
           "choose_one": "(one letter)", "number": "(a number or arithmetic such as 3*3*64+64)",
           "correct": "✓ correct", "wrong": "✗ wrong", "answer": "answer", "why": "why",
           "source": "source", "unit": "unit", "generated": "generated"},
    "zh": {"true_false": "(判断对错: t/f 或 对/错)", "choose_all": "(多选,例如 A,C)",
           "choose_one": "(单选)", "number": "(输入数字或算式,如 3*3*64+64)",
           "correct": "✓ 正确", "wrong": "✗ 错误", "answer": "答案", "why": "解析",
           "source": "出处", "unit": "单位", "generated": "自动生成"},
}


def question_text(q: Question, lang: Lang) -> str:
    label = LABELS[lang]
    lines = [to_terminal(q.prompt.get(lang))]
    if q.type == "choice":
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
        if feedback.verdict is not None and not feedback.correct:
            head += f" ({feedback.verdict.given} ≠ {feedback.verdict.expected})"
        lines.append(head)
    lines.append(f"{label['answer']}: {to_terminal(q.answer.get(lang))}")
    lines.append(f"{label['why']}: {to_terminal(q.explanation.get(lang))}")
    lines.append(source_text(q, lang))
    return "\n".join(lines)
