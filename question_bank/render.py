"""Show LaTeX math (inside \\( … \\) or \\[ … \\]) as readable Unicode in a terminal."""
from __future__ import annotations

import re
from functools import lru_cache

_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
_SUPERSCRIPT = str.maketrans("0123456789+-=()nTik", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿᵀⁱᵏ")
_SUBSCRIPT = str.maketrans("0123456789+-=()aeijklmnoprstux", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤₓ")


@lru_cache(maxsize=1)
def _converter():
    from pylatexenc.latex2text import LatexNodes2Text  # lazy: only when math is shown

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


_SUP_CHARS = "0123456789+-=()nTik"
_SUB_CHARS = "0123456789+-=()aeijklmnoprstux"
# Macros pylatexenc drops or renders poorly in text mode, by name (without the backslash).
_MACROS = {
    "sum": "∑", "prod": "∏", "cdot": "·", "times": "×", "leq": "≤", "geq": "≥", "le": "≤",
    "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "infty": "∞", "partial": "∂", "nabla": "∇",
    "in": "∈", "to": "→", "rightarrow": "→", "Rightarrow": "⇒", "lfloor": "⌊", "rfloor": "⌋",
    "lceil": "⌈", "rceil": "⌉", "odot": "⊙", "otimes": "⊗", "pm": "±", "log": "log", "exp": "exp",
    "max": "max", "min": "min", "ln": "ln", "left": "", "right": "",
    "leftarrow": "←", "gets": "←", "mapsto": "↦", "top": "ᵀ", "intercal": "ᵀ",
}
_MACRO_PATTERN = re.compile(
    r"\\(" + "|".join(re.escape(m) for m in sorted(_MACROS, key=len, reverse=True)) + r")(?![A-Za-z])"
)


def _script(body: str, chars: str, table: dict, marker: str) -> str:
    """Unicode super/subscript when every character has a glyph, else ^(…) / _(…)."""
    if body and all(c in chars for c in body):
        return body.translate(table)
    return f"{marker}{body}" if len(body) == 1 else f"{marker}({body})"


def _scripts(text: str) -> str:
    """x^2 → x², W_{in} → Wᵢₙ, e^{-x} → e^(-x)."""
    text = re.sub(r"\^\{([^{}]*)\}|\^(\S)",
                  lambda m: _script(m.group(1) or m.group(2), _SUP_CHARS, _SUPERSCRIPT, "^"), text)
    return re.sub(r"_\{([^{}]*)\}|_([A-Za-z0-9])",
                  lambda m: _script(m.group(1) or m.group(2), _SUB_CHARS, _SUBSCRIPT, "_"), text)


@lru_cache(maxsize=4096)
def math_to_text(latex: str) -> str:
    """Convert one LaTeX math fragment to Unicode text."""
    prepared = latex.strip().replace("\\|", "‖")
    prepared = re.sub(r"\^\{?\\(?:top|intercal|mathsf\{T\})\}?", "ᵀ", prepared)  # w^\top → wᵀ, not w^⊤
    # `\alpha\log N`: the word macros become plain letters below and would fuse with the macro before
    # them (`\alphalog`, an unknown macro, printed as nothing); keep the space TeX would show.
    prepared = re.sub(r"(\\[A-Za-z]+)(?=\\(?:log|exp|max|min|ln)(?![A-Za-z]))", r"\1{} ", prepared)
    prepared = _MACRO_PATTERN.sub(lambda m: _MACROS[m.group(1)], prepared)
    # End a macro name before its script: `\eta_t` becomes `\etaₜ` below, and pylatexenc would read
    # `etaₜ` as one unknown macro (ₜ is a letter to it) and print nothing at all.
    prepared = re.sub(r"(\\[A-Za-z]+)(?=[\^_])", r"\1{}", prepared)
    prepared = _scripts(prepared)
    prepared = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", prepared)
    prepared = re.sub(r"\((\w)\)/", r"\1/", prepared)
    prepared = re.sub(r"/\((\w)\)", r"/\1", prepared)
    out = _converter().latex_to_text(prepared)
    return re.sub(r"[ \t]+", " ", out).strip()


def to_terminal(text: str) -> str:
    """Replace every math span in `text` with its Unicode rendering."""
    if "\\(" not in text and "\\[" not in text:
        return text
    return _MATH.sub(lambda m: math_to_text(m.group(1) or m.group(2)), text)
