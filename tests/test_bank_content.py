"""The real bank: valid, bilingual, cited, covering every section of every note, with errata."""
from collections import Counter

import pytest

from question_bank.answers import check_answer, format_number
from question_bank.loader import load_bank_with_problems
from question_bank.model import QUESTION_TYPES
from question_bank.render import to_terminal
from question_bank.report import bank_stats, coverage


@pytest.fixture(scope="module")
def bank():
    bank, problems = load_bank_with_problems(use_disk_cache=False)
    assert problems == [], "\n".join(map(str, problems[:20]))
    return bank


def test_size_and_mix(bank):
    stats = bank_stats(bank)
    assert stats["hand_written"] >= 250
    assert all(n >= 15 for n in stats["by_note"].values()), stats["by_note"]
    assert len(stats["by_note"]) == 5
    assert set(stats["by_type"]) == set(QUESTION_TYPES)
    assert set(stats["by_difficulty"]) == {"1", "2", "3"}
    assert stats["errata"] >= 25


def test_every_section_of_every_note_is_covered(bank):
    rows = coverage(bank)
    assert len(rows) == 5
    assert all(not r["uncovered"] for r in rows), [(r["file"], r["uncovered"]) for r in rows if r["uncovered"]]


def test_every_question_is_bilingual_and_distinct(bank):
    for q in bank.questions:
        for text in (q.prompt, q.answer, q.explanation):
            assert text.zh.strip() and text.en.strip(), q.id
        assert any("\u4e00" <= ch <= "\u9fff" for ch in q.prompt.zh + q.answer.zh + q.explanation.zh), q.id
    prompts = Counter(q.prompt.en.strip().lower() for q in bank.questions)
    assert [p for p, n in prompts.items() if n > 1] == []


def test_auto_graded_answers_are_consistent(bank):
    """The stored answer, typed back in, is graded correct (and a nearby wrong one is not)."""
    for q in bank.questions:
        if q.type == "numeric":
            assert check_answer(q, format_number(q.value)).correct, q.id
            wrong = q.value + max(1, abs(q.value)) * 0.5 + q.tolerance * 2 + 1
            assert not check_answer(q, repr(wrong)).correct, q.id
        elif q.type == "choice":
            assert check_answer(q, ",".join(q.correct)).correct, q.id
            assert len(q.correct) < len(q.choices), q.id
        elif q.type == "truefalse":
            assert check_answer(q, "t" if q.truth else "f").correct, q.id


def test_errata_questions_explain_the_correction(bank):
    errata = [q for q in bank.questions if "errata" in q.tags]
    assert {q.source.file for q in errata} == set(bank.notes)  # every note has at least one
    for q in errata:
        assert len(q.explanation.en) > 80 and len(q.explanation.zh) > 30, q.id


def test_math_renders_without_leftover_latex_commands(bank):
    for q in bank.questions:
        for text in (q.prompt.en, q.answer.en, q.explanation.en):
            rendered = to_terminal(text)
            assert "\\(" not in rendered and "\\frac" not in rendered, (q.id, rendered[:120])
