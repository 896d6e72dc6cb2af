"""Checking typed answers safely. User text is never passed to eval/exec: numbers and simple
arithmetic are parsed by walking a Python AST restricted to literals and + − × ÷ ^ and parentheses."""
from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from question_bank.model import Question

MAX_LEN = 200
MAX_EXPONENT = 64
MAX_MAGNITUDE = 1e30

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
# Typographic forms users type: ×, ·, ÷, ^, −, full-width digits/operators, thousands separators.
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_TRANSLATE = str.maketrans({"×": "*", "·": "*", "÷": "/", "^": "**", "−": "-",
                            "（": "(", "）": ")", "＋": "+", "－": "-", "＊": "*", "／": "/", "，": ","})


# code → (English, Chinese) one-line messages; the UI shows the one in the user's language.
_MESSAGES = {
    "not_text": ("answer must be text", "答案必须是文本"),
    "empty": ("empty answer: type a number such as 13 or 3*3*64+64", "答案为空:请输入数字,如 13 或 3*3*64+64"),
    "too_long": ("answer longer than {limit} characters", "答案超过 {limit} 个字符"),
    "not_arithmetic": ("not a number or arithmetic: {text!r}", "不是数字或算式:{text!r}"),
    "exponent": ("exponent too large: powers allow exponents up to ±{max_exponent} and bases up to {limit}",
                 "指数太大:幂的指数最多 ±{max_exponent},底数最大 {limit}"),
    "division_by_zero": ("division by zero", "除数为零"),
    "too_large": ("number too large: answers and every step of the arithmetic must stay within ±{limit}",
                  "数值太大:答案及算式的每一步都必须在 ±{limit} 以内"),
    "not_real": ("result is not a real number", "结果不是实数"),
    "not_allowed": ("only numbers and + - * / ^ ( ) are allowed: {text!r}",
                    "只能使用数字和 + - * / ^ ( ):{text!r}"),
    "choice_format": ("type letters {first}–{last} or numbers 1–{n}, e.g. B or A,C",
                      "请输入字母 {first}–{last} 或数字 1–{n},如 B 或 A,C"),
    "not_a_choice": ("{token!r} is not a choice; allowed: {first}–{last} or 1–{n}",
                     "{token!r} 不是选项;可选 {first}–{last} 或 1–{n}"),
    "truefalse": ("type t/true/对 or f/false/错", "请输入 t/true/对 或 f/false/错"),
}


class AnswerSyntaxError(ValueError):
    """The typed text is not a number or simple arithmetic (one-line message).

    str(exc) is English; message(lang) gives the same message in the user's language.
    """

    def __init__(self, code: str, **params) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        english, chinese = _MESSAGES[self.code]
        params = {"limit": f"{MAX_MAGNITUDE:.0e}".replace("+", ""), "max_exponent": MAX_EXPONENT, **self.params}
        return (chinese if lang == "zh" else english).format(**params)


def parse_number(text: str) -> float | int:
    """'3*3*64+64' → 640, '2^5' → 32, '1e-3' → 0.001, '25%' → 0.25, '1,024' → 1024.

    Raises AnswerSyntaxError with a one-line reason; never evaluates names, calls or attributes.
    """
    if not isinstance(text, str):
        raise AnswerSyntaxError("not_text")
    s = text.strip()
    if not s:
        raise AnswerSyntaxError("empty")
    if len(s) > MAX_LEN:
        raise AnswerSyntaxError("too_long", limit=MAX_LEN)
    s = s.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    # 2² → 2**(2), 10⁻³ → 10**(-3); a superscript with no base is left to fail as a syntax error.
    s = re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+", lambda m: f"**({m.group().translate(_SUPERSCRIPTS)})", s)
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)  # 1,024 → 1024
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    # 'e' stays for scientific notation; every other letter is rejected by the AST walk.
    s = re.sub(r"(?<=[\d)\s])[xX×·](?=[\s\d(])", "*", s).translate(_TRANSLATE)
    try:
        tree = ast.parse(s, mode="eval")
        value = _evaluate(tree.body, text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:  # ValueError: null bytes, surrogates
        if isinstance(exc, AnswerSyntaxError):
            raise
        raise AnswerSyntaxError("not_arithmetic", text=text.strip()) from None
    return value / 100 if percent else value


def _check_magnitude(value: float | int) -> float | int:
    # Python ints grow without bound and compare exactly with floats (no OverflowError), so an int
    # result far beyond float range is caught here before anything converts it to a float.
    if isinstance(value, float) and not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        raise AnswerSyntaxError("too_large")
    return value


def _evaluate(node: ast.AST, original: str) -> float | int:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return _check_magnitude(node.value)  # 1e309 parses as inf
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand, original))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left = _evaluate(node.left, original)
        right = _evaluate(node.right, original)
        if isinstance(node.op, ast.Pow) and (abs(right) > MAX_EXPONENT or abs(left) > MAX_MAGNITUDE):
            raise AnswerSyntaxError("exponent")
        try:
            result = _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise AnswerSyntaxError("division_by_zero") from None
        except (OverflowError, ValueError):
            raise AnswerSyntaxError("too_large") from None
        if isinstance(result, complex):
            raise AnswerSyntaxError("not_real")
        return _check_magnitude(result)
    raise AnswerSyntaxError("not_allowed", text=original.strip())


@dataclass(frozen=True)
class Verdict:
    correct: bool
    given: str  # normalised form of what the user typed
    expected: str  # the correct answer in short form


_TRUE = {"t", "true", "y", "yes", "1", "对", "正确", "是", "√", "✓", "真"}
_FALSE = {"f", "false", "n", "no", "0", "错", "错误", "否", "×", "✗", "假"}


def parse_choice_letters(text: str, n_choices: int) -> tuple[str, ...]:
    """'b', 'B', '2', 'a,c', 'AC', '1 3' → sorted letters; AnswerSyntaxError otherwise."""
    letters = "ABCDEFGH"[:n_choices]
    tokens = re.findall(r"[A-Za-z]|\d", text.strip())
    if not tokens or re.sub(r"[\s,，、;；]", "", text.strip()) != "".join(tokens):
        raise AnswerSyntaxError("choice_format", first=letters[0], last=letters[-1], n=n_choices)
    picked = set()
    for token in tokens:
        letter = letters[int(token) - 1] if token.isdigit() and 1 <= int(token) <= n_choices else token.upper()
        if letter not in letters:
            raise AnswerSyntaxError("not_a_choice", token=token, first=letters[0], last=letters[-1], n=n_choices)
        picked.add(letter)
    return tuple(sorted(picked))


def parse_truefalse(text: str) -> bool:
    t = text.strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise AnswerSyntaxError("truefalse")


def format_number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def without_unit(text: str, unit: str) -> str:
    """'196 px' → '196' when the question's unit is px (the prompt shows the unit, so people type it);
    case-insensitive, with or without a space. '91.8 %' with unit % is 91.8, not 0.918."""
    if not unit or not isinstance(text, str):
        return text
    match = re.fullmatch(rf"\s*(.*?\S)\s*{re.escape(unit)}\s*", text, flags=re.IGNORECASE | re.DOTALL)
    return match.group(1) if match else text


def check_answer(question: Question, text: str) -> Verdict:
    """Grade an auto-graded question. Raises AnswerSyntaxError for unreadable input (re-ask, don't grade)."""
    if question.type == "numeric":
        given = parse_number(without_unit(text, question.unit))
        value = question.value
        if value is None:  # the loader refuses numeric questions without a value
            raise ValueError(f"numeric question {question.id} has no value")
        if isinstance(value, int) and question.tolerance == 0:
            # Exact integer answers stay exact however large (a relative slack would accept off-by-one
            # MAC counts); the 1e-6 only absorbs float noise from typed arithmetic like 224/4*2.
            correct = abs(given - value) < 1e-6
        else:
            correct = abs(given - value) <= max(question.tolerance, 1e-9 * max(1.0, abs(value)))
        return Verdict(correct, format_number(given), format_number(value))
    if question.type == "choice":
        picked = parse_choice_letters(text, len(question.choices))
        return Verdict(picked == question.correct, ",".join(picked), ",".join(question.correct))
    if question.type == "truefalse":
        given = parse_truefalse(text)
        return Verdict(given == question.truth, str(given).lower(), str(question.truth).lower())
    raise ValueError(f"{question.type} questions are self-graded")
