"""Vector and matrix norms of small integer data; answers and steps from `calculators.norms`
(imported lazily: it needs numpy)."""
from __future__ import annotations

import random

from question_bank.generators._base import Draft, bi, derivation, fmt_num, register

TOLERANCE = 0.001

VECTOR_NORMS = {
    # ord: (zh name, en name, latex, difficulty)
    "l0": ("L0 “范数”(非零元素个数)", "L0 “norm” (number of non-zero entries)", r"\( \|x\|_0 \)", 1),
    "l1": ("L1 范数", "L1 norm", r"\( \|x\|_1 \)", 1),
    "l2": ("L2 范数(欧氏长度)", "L2 (Euclidean) norm", r"\( \|x\|_2 \)", 1),
    "linf": ("L∞ 范数(最大范数)", "L∞ (max) norm", r"\( \|x\|_\infty \)", 1),
    "l3": ("L3 范数", "L3 norm", r"\( \|x\|_3 \)", 3),
}
MATRIX_NORMS = {
    "fro": ("Frobenius 范数", "Frobenius norm", r"\( \|A\|_F \)", 2),
    "l1": ("诱导 1-范数(最大列绝对值和)", "induced 1-norm (max absolute column sum)", r"\( \|A\|_1 \)", 2),
    "linf": ("诱导 ∞-范数(最大行绝对值和)", "induced ∞-norm (max absolute row sum)", r"\( \|A\|_\infty \)", 2),
    "spectral": ("谱范数(最大奇异值)", "spectral norm (largest singular value)", r"\( \|A\|_2 \)", 3),
    "nuclear": ("核范数(奇异值之和)", "nuclear norm (sum of singular values)", r"\( \|A\|_* \)", 3),
}


def _answer(value) -> tuple[int | float, float, str, str]:
    """(value, tolerance, zh hint, en hint): integers exact, everything else to 3 decimals."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return int(value), 0, "", ""
    return float(value), TOLERANCE, ",保留 3 位小数", " to 3 decimals"


def _vector_text(x: list[int]) -> str:
    return "(" + ", ".join(map(str, x)) + ")"


@register("vector-norm", "math", "numeric", "norms", en="Vector norms (L0, L1, L2, L3, L∞)",
          zh="向量范数(L0、L1、L2、L3、L∞)")
def vector_norm(rng: random.Random) -> Draft:
    from calculators import norms

    length = rng.randint(3, 6)
    x = [0] * length
    while not any(x):
        x = [rng.randint(-9, 9) if rng.random() > 0.15 else 0 for _ in range(length)]
    kind = rng.choices(list(VECTOR_NORMS), weights=(1, 2, 3, 2, 1))[0]
    result = {"l0": norms.l0_norm, "l1": norms.l1_norm, "l2": norms.l2_norm, "linf": norms.linf_norm,
              "l3": lambda v: norms.lp_norm(v, 3)}[kind](x)
    value, tolerance, hint_zh, hint_en = _answer(result.value)
    zh, en, latex, difficulty = VECTOR_NORMS[kind]
    return Draft(
        difficulty=difficulty + (1 if tolerance and difficulty == 1 else 0),
        prompt=bi(f"向量 x = {_vector_text(x)},求其 {zh} {latex}{hint_zh}。",
                  f"For x = {_vector_text(x)}, compute the {en} {latex}{hint_en}."),
        answer=bi(fmt_num(value), fmt_num(value)),
        explanation=derivation(f"{zh}:", f"{en}:", result.formula, result.steps,
                               ["L1 作为正则项(Lasso)产生稀疏解,L2(权重衰减)让权重整体变小;L0 不是真正的范数。"],
                               ["As penalties, L1 (lasso) gives sparse weights and L2 (weight decay) shrinks all of "
                                "them; L0 is not a true norm."]),
        params={"x": x, "ord": kind},
        tags=("linear-algebra",),
        value=value, tolerance=tolerance,
    )


@register("matrix-norm", "math", "numeric", "norms", en="Matrix norms (Frobenius, induced 1/∞, spectral, nuclear)",
          zh="矩阵范数(Frobenius、诱导 1/∞、谱范数、核范数)")
def matrix_norm(rng: random.Random) -> Draft:
    from calculators import norms

    kind = rng.choices(list(MATRIX_NORMS), weights=(3, 2, 2, 2, 1))[0]
    rows, cols = (2, 2) if kind in ("spectral", "nuclear") or rng.random() < 0.6 else rng.choice(((2, 3), (3, 2)))
    a = [[0] * cols for _ in range(rows)]
    while not any(any(row) for row in a):
        a = [[rng.randint(-5, 5) for _ in range(cols)] for _ in range(rows)]
    result = {"fro": norms.frobenius_norm, "l1": norms.induced_l1_norm, "linf": norms.induced_linf_norm,
              "spectral": norms.spectral_norm, "nuclear": norms.nuclear_norm}[kind](a)
    value, tolerance, hint_zh, hint_en = _answer(result.value)
    if kind in ("spectral", "nuclear") and tolerance == 0:
        value = float(result.value)  # from an SVD: compare with a tolerance even when it looks whole
        tolerance, hint_zh, hint_en = TOLERANCE, ",保留 3 位小数", " to 3 decimals"
    zh, en, latex, difficulty = MATRIX_NORMS[kind]
    matrix = "[" + ", ".join("[" + ", ".join(map(str, row)) + "]" for row in a) + "]"
    return Draft(
        difficulty=difficulty,
        prompt=bi(f"矩阵 A = {matrix}(按行给出),求其 {zh} {latex}{hint_zh}。",
                  f"For the matrix A = {matrix} (given row by row), compute its {en} {latex}{hint_en}."),
        answer=bi(fmt_num(value), fmt_num(value)),
        explanation=derivation(f"{zh}:", f"{en}:", result.formula, result.steps,
                               ["诱导范数 ‖A‖₁ 是最大列和、‖A‖∞ 是最大行和(容易记反);Frobenius 是把矩阵拉平后的 L2。"],
                               ["The induced ‖A‖₁ is the largest column sum and ‖A‖∞ the largest row sum (easy to "
                                "swap); Frobenius is the L2 norm of the flattened matrix."]),
        params={"a": a, "ord": kind},
        tags=("linear-algebra",),
        value=value, tolerance=tolerance,
    )
