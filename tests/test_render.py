"""LaTeX in questions shown as Unicode in a terminal: nothing may silently disappear."""
import re

import pytest

from question_bank.loader import load_bank_with_problems
from question_bank.render import _MATH, math_to_text

# Each macro and the glyphs that may show it (pylatexenc picks ϕ for \phi and ϵ for \epsilon).
GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "εϵ", "eta": "η", "theta": "θϑ",
         "lambda": "λ", "mu": "μ", "sigma": "σ", "tau": "τ", "phi": "φϕ", "omega": "ω", "Sigma": "Σ"}


@pytest.mark.parametrize("latex, shown", [
    (r"\eta_t", "ηₜ"),  # a Greek letter with a script once rendered as nothing at all
    (r"\eta_{min}", "ηₘᵢₙ"),
    (r"\lambda_i", "λᵢ"),
    (r"\alpha_j + \beta_1", "αⱼ + β₁"),
    (r"\theta^T x", "θᵀ x"),
    (r"W^\top x", "Wᵀ x"),  # not W^⊤
    (r"w \leftarrow w - \eta g", "w ← w - ηg"),  # the arrow keeps its spaces
    (r"\frac{a}{b}", "a/b"),
    (r"x^{(i)}", "x⁽ⁱ⁾"),
    (r"\alpha\log N", "α log N"),  # a word macro right after a letter macro once swallowed both
    (r"1-\eta\min(a,b)", "1-η min(a,b)"),
])
def test_fragments(latex, shown):
    assert math_to_text(latex) == shown


def test_no_greek_letter_of_the_bank_disappears():
    bank, _ = load_bank_with_problems(use_disk_cache=False)
    lost = []
    for q in bank.questions:
        for text in (q.prompt.en, q.prompt.zh, q.answer.en, q.explanation.en, q.explanation.zh):
            for m in _MATH.finditer(text):
                latex = m.group(1) or m.group(2)
                shown = math_to_text(latex)
                for name in re.findall(r"\\([A-Za-z]+)", latex):
                    if name in GREEK and not any(g in shown for g in GREEK[name]):
                        lost.append((q.id, latex[:60], shown[:60]))
    assert lost == [], lost[:10]
