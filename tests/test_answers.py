"""Typed answers: exact arithmetic accepted, anything else rejected, and never eval'd."""
import builtins
import re

import pytest
from hypothesis import given, strategies as st

from question_bank.answers import (
    AnswerSyntaxError,
    check_answer,
    parse_choice_letters,
    parse_number,
    parse_truefalse,
)
from question_bank.model import Bilingual, Question

T = Bilingual("t", "t")


def numeric(value, tolerance=0):
    return Question("cnn.x", "cnn", "numeric", 1, (), T, T, T, None, value=value, tolerance=tolerance)


@pytest.mark.parametrize("text, expected", [
    ("13", 13), (" 3*3*64+64 ", 640), ("2^5", 32), ("2**5", 32), ("3×3×64", 576), ("3x3", 9),
    ("(224-11)/4+1", 54.25), ("1e-3", 0.001), ("25%", 0.25), ("1,024", 1024), ("-4", -4),
    ("１３", 13), ("7 // 2", 3), ("0.72", 0.72), ("18/25", 0.72),
])
def test_accepted_forms(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", [
    "", "abc", "__import__('os').system('echo hi')", "open('x')", "2**10000", "1/0", "x+1",
    "[1,2]", "lambda: 1", "1 if 1 else 2", "(1).real", "9" * 300, "True", "1,2",
])
def test_rejected_forms(text):
    with pytest.raises(AnswerSyntaxError):
        parse_number(text)


@given(st.text(max_size=40) | st.text(alphabet="0123456789+-*/^()., xe%", max_size=30))
def test_fuzz_never_crashes_and_never_evals(text):
    calls = []
    real_eval, real_exec = builtins.eval, builtins.exec
    builtins.eval = lambda *a, **k: calls.append(a)  # type: ignore[assignment]
    builtins.exec = lambda *a, **k: calls.append(a)  # type: ignore[assignment]
    try:
        try:
            value = parse_number(text)
            assert isinstance(value, (int, float))
        except AnswerSyntaxError as exc:
            assert "\n" not in str(exc)
    finally:
        builtins.eval, builtins.exec = real_eval, real_exec
    assert calls == []


@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6),
       st.sampled_from(["+", "-", "*"]))
def test_fuzz_integer_arithmetic_matches_python(a, b, op):
    expected = {"+": a + b, "-": a - b, "*": a * b}[op]
    assert parse_number(f"{a} {op} ({b})") == expected


def test_numeric_tolerance():
    q = numeric(0.72, 0.01)
    assert check_answer(q, "18/25").correct
    assert check_answer(q, "0.715").correct
    assert not check_answer(q, "0.70").correct
    assert check_answer(numeric(640), "3*3*64+64").correct
    assert not check_answer(numeric(640), "639").correct


def test_choice_letters():
    assert parse_choice_letters("b", 4) == ("B",)
    assert parse_choice_letters("a, c", 4) == ("A", "C")
    assert parse_choice_letters("1 3", 4) == ("A", "C")
    assert parse_choice_letters("CA", 4) == ("A", "C")
    for bad in ("e", "5", "", "hello"):
        with pytest.raises(AnswerSyntaxError):
            parse_choice_letters(bad, 4)


def test_truefalse_words():
    assert parse_truefalse("对") is True and parse_truefalse("F") is False and parse_truefalse("yes") is True
    with pytest.raises(AnswerSyntaxError):
        parse_truefalse("maybe")


def test_large_exact_integers_reject_off_by_one():
    q = numeric(60423143424)
    assert check_answer(q, "60423143424").correct
    assert not check_answer(q, "60423143425").correct
    assert check_answer(numeric(112), "224/4*2").correct


@pytest.mark.parametrize("text, parser", [
    ("", parse_number), ("x" * 500, parse_number), ("3 +", parse_number), ("2**99999", parse_number),
    ("1/0", parse_number), ("(-8)**0.5", parse_number), ("10.0**400", parse_number), ("a+1", parse_number),
    ("Z", lambda t: parse_choice_letters(t, 4)), ("9", lambda t: parse_choice_letters(t, 4)),
    ("maybe", parse_truefalse),
])
def test_every_answer_error_has_one_line_in_both_languages(text, parser):
    with pytest.raises(AnswerSyntaxError) as info:
        parser(text)
    english, chinese = info.value.message("en"), info.value.message("zh")
    assert str(info.value) == english
    assert english != chinese and "\n" not in english + chinese
    assert re.search(r"[\u4e00-\u9fff]", chinese), chinese  # really Chinese, not the English fallback
