"""Vector norms (L0, L1, L2, Lp, L∞) and matrix norms (Frobenius, nuclear, spectral, induced 1 and ∞).

NumPy's negative orders are here too, though none of them is a norm: a vector's ord = −∞ is min |xᵢ|; a matrix's
ord = −1 / −2 / −∞ is the smallest absolute column sum / singular value / absolute row sum
(`matrix_order_norm`, the counterpart of ord = 1 / 2 / ∞).

Integer inputs keep Python-int arithmetic, so L0, L1, L∞ and the induced norms of integer matrices
come back as exact ints, and L2 / Lp / Frobenius do too when the root is exact (√25 = 5).
Other answers are floats. Nuclear and spectral norms come from NumPy's SVD.

Every public function returns a `Result` whose steps show the terms; `vector_norms` / `matrix_norms`
return them keyed like the CLI's JSON. `parse_vector` / `parse_matrix` read the CLI text forms.
"""
from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from calculators.limits import MAX_ENTRIES, MAX_TEXT_CHARS, check_length, shorten
from calculators.parsing import parse_number
from calculators.result import Result
from dlquiz.errors import InputError

if TYPE_CHECKING:
    import numpy as np  # imported lazily at run time: only matrix norms need an SVD

__all__ = [
    "parse_vector", "parse_matrix",
    "l0_norm", "l1_norm", "l2_norm", "lp_norm", "linf_norm", "vector_norms",
    "frobenius_norm", "nuclear_norm", "spectral_norm", "induced_l1_norm", "induced_linf_norm",
    "matrix_order_norm", "matrix_norms", "MATRIX_ORDERS",
]

VECTOR_FORM = "numbers separated by commas, e.g. 3,-4,0"
MATRIX_FORM = "rows separated by ';' and entries by ',', e.g. \"1,2;3,4\""
MAX_MAGNITUDE = 1e100  # keeps squares and float conversions of huge ints finite
MAX_TERMS_SHOWN = 12  # long inputs: show the first terms and a count, not thousands of them
MAX_EXACT_P = 64  # above this, exact integer powers get needlessly huge; use scaled floats

Number = int | float


# ---------------------------------------------------------------- parsing and validation

def _parse_row(text: str, what: str, form: str) -> list[Number]:
    values = []
    shown = shorten(text.strip())
    for i, piece in enumerate(text.split(","), start=1):
        if not piece.strip():
            raise InputError(f"{what} '{shown}': value {i} is empty; expected {form}")
        value = parse_number(piece, f"{what}: value {i}")
        if value is None:
            raise InputError(f"{what} '{shown}': value {i} '{shorten(piece.strip())}' is not a finite number; "
                             f"expected {form}")
        values.append(value)
    return values


def _check_size(text: str, what: str, entries: int) -> None:
    """Limits first, counted without splitting: characters, then entries."""
    check_length(text, MAX_TEXT_CHARS, what)
    if entries > MAX_ENTRIES:
        raise InputError(f"{what} has {entries} entries; at most {MAX_ENTRIES} are allowed")


def parse_vector(text: str) -> list[Number]:
    """'3,-4,0' → [3, -4, 0]."""
    if not text.strip():
        raise InputError(f"empty vector; expected {VECTOR_FORM}")
    _check_size(text, "vector", text.count(",") + 1)
    return _parse_row(text, "vector", VECTOR_FORM)


def parse_matrix(text: str) -> list[list[Number]]:
    """'1,2;3,4' → [[1, 2], [3, 4]]; rows must all have the same length."""
    if not text.strip():
        raise InputError(f"empty matrix; expected {MATRIX_FORM}")
    _check_size(text, "matrix", text.count(",") + text.count(";") + 1)
    rows = [_parse_row(row, f"matrix row {r}", MATRIX_FORM) for r, row in enumerate(text.split(";"), start=1)]
    _check_rectangular(rows)
    return rows


def _check_number(x, where: str, form: str) -> Number:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
        raise InputError(f"{where} is {x!r}, not a finite number; expected {form}")
    value = int(x) if isinstance(x, numbers.Integral) else float(x)
    if abs(value) > MAX_MAGNITUDE:
        raise InputError(f"{where} is too large ({_fmt(float(x))}); entries must satisfy |x| ≤ 1e100")
    return value


def _as_vector(x) -> list[Number]:
    """Non-empty list of finite Python ints/floats (numpy scalars converted so ints stay exact)."""
    if isinstance(x, str):
        return parse_vector(x)
    try:
        items = list(x.tolist() if hasattr(x, "tolist") else x)
    except TypeError:
        raise InputError(f"vector {x!r} is not a sequence; expected {VECTOR_FORM}") from None
    if not items:
        raise InputError(f"empty vector; expected {VECTOR_FORM}")
    if len(items) > MAX_ENTRIES:
        raise InputError(f"vector has {len(items)} entries; at most {MAX_ENTRIES} are allowed")
    return [_check_number(v, f"vector entry {i + 1}", VECTOR_FORM) for i, v in enumerate(items)]


def _check_rectangular(rows: list[list]) -> None:
    width = len(rows[0])
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            raise InputError(f"matrix row {r} has {len(row)} entries but row 1 has {width}; "
                             f"expected {MATRIX_FORM} with equal-length rows")


def _as_matrix(a) -> list[list[Number]]:
    if isinstance(a, str):
        return parse_matrix(a)
    try:
        rows = [list(row) for row in (a.tolist() if hasattr(a, "tolist") else a)]
    except TypeError:
        raise InputError(f"matrix {a!r} is not a sequence of rows; expected {MATRIX_FORM}") from None
    if not rows or not rows[0]:
        raise InputError(f"empty matrix; expected {MATRIX_FORM}")
    _check_rectangular(rows)
    if len(rows) * len(rows[0]) > MAX_ENTRIES:
        raise InputError(f"matrix has {len(rows) * len(rows[0])} entries; at most {MAX_ENTRIES} are allowed")
    return [[_check_number(v, f"matrix entry ({r + 1}, {c + 1})", MATRIX_FORM) for c, v in enumerate(row)]
            for r, row in enumerate(rows)]


# ---------------------------------------------------------------- formatting

def _fmt(x: Number) -> str:
    if isinstance(x, int):
        if abs(x) < 10 ** 15:
            return str(x)
        try:
            return f"{float(x):.6g}"
        except OverflowError:  # beyond float range: give the order of magnitude
            return f"{'-' if x < 0 else ''}10^{math.log10(abs(x)):.6g}"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def _join(terms: Sequence[str], sep: str = " + ") -> str:
    if len(terms) <= MAX_TERMS_SHOWN:
        return sep.join(terms)
    return sep.join(terms[:MAX_TERMS_SHOWN]) + f"{sep}… ({len(terms) - MAX_TERMS_SHOWN} more)"


def _paren(x: Number) -> str:
    """(-4) for negatives so that (-4)² reads right."""
    return f"({_fmt(x)})" if x < 0 else _fmt(x)


def _all_int(values) -> bool:
    return all(isinstance(v, int) for v in values)


def _exact_sum(values: list[Number]) -> Number:
    return sum(values) if _all_int(values) else math.fsum(values)


def _int_root(n: int, p: int) -> int | None:
    """r with r**p == n exactly, else None (n ≥ 0)."""
    if n < 2:
        return n
    r = math.isqrt(n) if p == 2 else round(n ** (1 / p)) if n < 2 ** 1000 else None
    if r is None:
        return None
    for candidate in (r - 1, r, r + 1):
        if candidate >= 0 and candidate ** p == n:
            return candidate
    return None


def _root_steps(total: Number, p: int | float, value: Number, exact: bool) -> str:
    """'√25 = 5', '√14 ≈ 3.74166', '91^(1/3) ≈ 4.49794'."""
    shown = _fmt(total)
    if not re.fullmatch(r"[\d.]+", shown):
        shown = f"({shown})"  # 10^1500 or 2e+198 under a root needs brackets
    radical = f"√{shown}" if p == 2 else f"{shown}^(1/{_fmt(p)})"
    return f"{radical} {'=' if exact else '≈'} {_fmt(value)}"


def _safe_pow(base: float, p: float) -> float:
    try:
        return base ** p
    except OverflowError:
        return math.inf


def _p_root(values: list[Number], p: float) -> float:
    """(Σ|x|^p)^(1/p) scaled by max|x| so that large p does not overflow."""
    biggest = max(abs(v) for v in values)
    if biggest == 0:
        return 0.0
    return biggest * math.fsum((abs(v) / biggest) ** p for v in values) ** (1 / p)


# ---------------------------------------------------------------- vector norms

def l0_norm(x) -> Result:
    """Number of non-zero entries. Not a true norm: ‖2x‖₀ = ‖x‖₀ (fails homogeneity)."""
    v = _as_vector(x)
    nonzero = [e for e in v if e != 0]
    steps = (f"non-zero entries: {_join([_fmt(e) for e in nonzero], ', ') or 'none'}; "
             f"zeros skipped: {len(v) - len(nonzero)}",
             f"‖x‖₀ = {len(nonzero)}")
    return Result(len(nonzero), "‖x‖₀ = #{i : xᵢ ≠ 0}", steps,
                  ("L0 is not a true norm: scaling x does not scale the count (‖2x‖₀ = ‖x‖₀); "
                   "L1 is its usual convex stand-in for sparsity. numpy.linalg.norm(x, ord=0) also counts non-zeros",))


def l1_norm(x) -> Result:
    """Sum of absolute values."""
    v = _as_vector(x)
    value = _exact_sum([abs(e) for e in v])
    steps = (f"‖x‖₁ = {_join([f'|{_fmt(e)}|' for e in v])}",
             f"     = {_join([_fmt(abs(e)) for e in v])} = {_fmt(value)}")
    return Result(value, "‖x‖₁ = Σ|xᵢ|", steps,
                  ("as a penalty (lasso) L1 pushes weights to exactly 0: its subgradient has constant size",))


def l2_norm(x) -> Result:
    """Euclidean length."""
    v = _as_vector(x)
    total = _exact_sum([e * e for e in v])
    root = _int_root(total, 2) if isinstance(total, int) else None
    value = root if root is not None else math.hypot(*v)  # hypot: no overflow/underflow in the squares
    steps = (f"‖x‖₂ = √({_join([f'{_paren(e)}²' for e in v])})",
             f"     = √({_join([_fmt(e * e) for e in v])}) = {_root_steps(total, 2, value, root is not None)}")
    return Result(value, "‖x‖₂ = √(Σxᵢ²)", steps,
                  ("weight decay penalises the squared L2 norm ‖w‖₂², whose gradient 2w is per-element",))


def linf_norm(x) -> Result:
    """Largest absolute value."""
    v = _as_vector(x)
    value = max(abs(e) for e in v)
    steps = (f"‖x‖∞ = max({_join([f'|{_fmt(e)}|' for e in v], ', ')}) = {_fmt(value)}",)
    return Result(value, "‖x‖∞ = maxᵢ |xᵢ|", steps, ("L∞ is the limit of Lp as p → ∞",))


def lp_norm(x, p: float) -> Result:
    """(Σ|xᵢ|^p)^(1/p) for real p ≥ 1 (p = inf gives L∞); p = −inf gives min |xᵢ| (NumPy's ord=-inf).

    Finite p < 1 is refused: not a norm, and not what anyone asking for "Lp" means.
    """
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or math.isnan(p):
        raise InputError(f"p = {p!r} is not a number; Lp needs a real p ≥ 1 (or inf, or -inf for min |xᵢ|)")
    if p == -math.inf:
        return _min_abs(_as_vector(x))
    if p < 1:
        raise InputError(f"p = {_fmt(float(p))} < 1: (Σ|xᵢ|^p)^(1/p) is not a norm for p < 1 "
                         "(the triangle inequality fails); use p ≥ 1, inf, -inf (min |xᵢ|), or L0 to count non-zeros")
    v = _as_vector(x)
    if math.isinf(p):
        inf = linf_norm(v)
        return Result(inf.value, "‖x‖_p with p = ∞ is ‖x‖∞ = maxᵢ |xᵢ|", inf.steps, inf.notes)
    p_int = int(p) if float(p).is_integer() else None
    p_text = _fmt(p_int if p_int is not None else float(p))
    abs_terms = [f"|{_fmt(e)}|^{p_text}" for e in v]
    first = f"‖x‖_{p_text} = ({_join(abs_terms)})^(1/{p_text})"
    if p_int is not None and p_int <= MAX_EXACT_P and _all_int(v):
        total = sum(abs(e) ** p_int for e in v)  # exact
        root = _int_root(total, p_int)
        value = root if root is not None else _p_root(v, p_int)
        powers = [_fmt(abs(e) ** p_int) for e in v]
        second = f"({_join(powers)})^(1/{p_text}) = {_root_steps(total, p_int, value, root is not None)}"
    else:
        pf = float(p)
        value = _p_root(v, pf)
        total = math.fsum(_safe_pow(abs(e), pf) for e in v)
        if math.isfinite(total):
            powers = [_fmt(_safe_pow(abs(e), pf)) for e in v]
            second = f"({_join(powers)})^(1/{p_text}) = {_root_steps(total, pf, value, False)}"
        else:  # the plain sum overflows a float: factor out m = max|xᵢ|
            m = max(abs(e) for e in v)
            scaled = [_fmt(_safe_pow(abs(e) / m, pf)) for e in v]
            second = (f"(sum overflows, so factor out m = max|xᵢ| = {_fmt(m)}) "
                      f"= {_fmt(m)} · ({_join(scaled)})^(1/{p_text}) ≈ {_fmt(value)}")
    steps = (first, f"     = {second}")
    return Result(value, "‖x‖_p = (Σ|xᵢ|^p)^(1/p), p ≥ 1", steps,
                  ("p = 1 gives L1, p = 2 gives L2, p → ∞ gives L∞; below p = 1 the unit ball is not convex",))


def _min_abs(v: list[Number]) -> Result:
    value = min(abs(e) for e in v)
    steps = (f"‖x‖_−∞ = min({_join([f'|{_fmt(e)}|' for e in v], ', ')}) = {_fmt(value)}",)
    return Result(value, "‖x‖_−∞ = minᵢ |xᵢ| (the limit of (Σ|xᵢ|^p)^(1/p) as p → −∞)", steps,
                  ("not a norm: it is 0 whenever one entry is 0 (numpy.linalg.norm(x, ord=-inf) computes it)",))


def vector_norms(x, p: float | None = None) -> dict[str, Result]:
    """l0, l1, l2, linf (+ lp when p is given), keyed like the CLI's JSON."""
    v = _as_vector(x)
    out = {"l0": l0_norm(v), "l1": l1_norm(v), "l2": l2_norm(v), "linf": linf_norm(v)}
    if p is not None:
        out["lp"] = lp_norm(v, p)
    return out


# ---------------------------------------------------------------- matrix norms

def _singular_values(m: list[list[Number]]) -> np.ndarray:
    import numpy as np  # lazy: only matrix norms need an SVD

    try:
        return np.linalg.svd(np.asarray(m, dtype=np.float64), compute_uv=False)
    except np.linalg.LinAlgError:
        raise InputError("the SVD did not converge for this matrix; nuclear and spectral norms need entries "
                         "of less extreme magnitudes") from None


def frobenius_norm(a) -> Result:
    """√(Σ aᵢⱼ²), the L2 norm of the flattened matrix."""
    m = _as_matrix(a)
    flat = [e for row in m for e in row]
    total = _exact_sum([e * e for e in flat])
    root = _int_root(total, 2) if isinstance(total, int) else None
    value = root if root is not None else math.hypot(*flat)
    steps = (f"‖A‖_F = √({_join([f'{_paren(e)}²' for e in flat])})",
             f"      = √({_join([_fmt(e * e) for e in flat])}) = {_root_steps(total, 2, value, root is not None)}")
    return Result(value, "‖A‖_F = √(Σᵢⱼ aᵢⱼ²) = √(Σ σᵢ²)", steps,
                  ("the Frobenius norm is the vector L2 norm of the flattened matrix (numpy ord='fro')",))


def nuclear_norm(a) -> Result:
    """Sum of singular values (trace norm)."""
    m = _as_matrix(a)
    sigma = _singular_values(m)
    value = float(math.fsum(sigma))
    steps = (f"singular values (SVD): σ = ({_join([_fmt(float(s)) for s in sigma], ', ')})",
             f"‖A‖_* = {_join([_fmt(float(s)) for s in sigma])} = {_fmt(value)}")
    return Result(value, "‖A‖_* = Σ σᵢ (sum of singular values)", steps,
                  ("the nuclear norm is the convex stand-in for rank, as L1 is for L0 (numpy ord='nuc')",))


def spectral_norm(a) -> Result:
    """Largest singular value = induced 2-norm."""
    m = _as_matrix(a)
    sigma = _singular_values(m)
    value = float(sigma[0])
    steps = (f"singular values (SVD): σ = ({_join([_fmt(float(s)) for s in sigma], ', ')})",
             f"‖A‖₂ = σ_max = {_fmt(value)}")
    return Result(value, "‖A‖₂ = σ_max(A) = √(λ_max(AᵀA)) = max over ‖x‖₂ = 1 of ‖Ax‖₂", steps,
                  ("spectral normalisation (GANs) divides W by this; numpy ord=2",))


def _abs_sums(lines: list[list[Number]], label: str) -> tuple[list[Number], list[str]]:
    sums, shown = [], []
    for i, line in enumerate(lines, start=1):
        s = _exact_sum([abs(e) for e in line])
        sums.append(s)
        shown.append(f"{label} {i}: {_join([f'|{_fmt(e)}|' for e in line])} = {_fmt(s)}")
    if len(shown) > MAX_TERMS_SHOWN:
        shown = shown[:MAX_TERMS_SHOWN] + [f"… ({len(lines) - MAX_TERMS_SHOWN} more {label}s)"]
    return sums, shown


def induced_l1_norm(a) -> Result:
    """Induced 1-norm: the largest column sum of absolute values."""
    m = _as_matrix(a)
    sums, shown = _abs_sums([list(col) for col in zip(*m)], "column")
    value = max(sums)
    return Result(value, "‖A‖₁ = maxⱼ Σᵢ |aᵢⱼ| (largest absolute column sum)",
                  (*shown, f"‖A‖₁ = max({_join([_fmt(s) for s in sums], ', ')}) = {_fmt(value)}"),
                  ("this is the operator norm induced by vector L1 (numpy ord=1), not the entrywise sum Σ|aᵢⱼ|",))


def induced_linf_norm(a) -> Result:
    """Induced ∞-norm: the largest row sum of absolute values."""
    m = _as_matrix(a)
    sums, shown = _abs_sums(m, "row")
    value = max(sums)
    return Result(value, "‖A‖∞ = maxᵢ Σⱼ |aᵢⱼ| (largest absolute row sum)",
                  (*shown, f"‖A‖∞ = max({_join([_fmt(s) for s in sums], ', ')}) = {_fmt(value)}"),
                  ("this is the operator norm induced by vector L∞ (numpy ord=inf), not max |aᵢⱼ|",))


MATRIX_ORDERS = (1, 2, math.inf, -1, -2, -math.inf)  # numpy.linalg.norm's numeric orders for matrices
MATRIX_ORDERS_TEXT = "1, 2, inf, -1, -2 or -inf"


def matrix_order_norm(a, p: float) -> Result:
    """numpy.linalg.norm(A, ord=p) for p in 1, 2, ∞ (the induced norms) and −1, −2, −∞.

    The negative orders take the minimum where the induced norms take the maximum: the smallest absolute column
    sum (−1), the smallest singular value (−2), the smallest absolute row sum (−∞). None of them is a norm.
    """
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or p not in MATRIX_ORDERS:
        shown = _fmt(float(p)) if isinstance(p, numbers.Real) and not isinstance(p, bool) else repr(p)
        raise InputError(f"matrix order p = {shown} is not one NumPy defines; use {MATRIX_ORDERS_TEXT} "
                         f"(frobenius and nuclear are always shown)")
    m = _as_matrix(a)
    if p == 1:
        return induced_l1_norm(m)
    if p == 2:
        return spectral_norm(m)
    if p == math.inf:
        return induced_linf_norm(m)
    not_a_norm = "not a norm (it can be 0 for a non-zero matrix)"
    if p == -2:
        sigma = _singular_values(m)
        value = float(sigma[-1])
        steps = (f"singular values (SVD): σ = ({_join([_fmt(float(s)) for s in sigma], ', ')})",
                 f"‖A‖₋₂ = σ_min = {_fmt(value)}")
        return Result(value, "‖A‖₋₂ = σ_min(A), the smallest of the min(m, n) singular values", steps,
                      (f"{not_a_norm}; 1/σ_min is the spectral norm of A⁻¹ for a square invertible A; numpy ord=-2",))
    if p == -1:
        sums, shown = _abs_sums([list(col) for col in zip(*m)], "column")
        symbol, formula, numpy_ord = "‖A‖₋₁", "‖A‖₋₁ = minⱼ Σᵢ |aᵢⱼ| (smallest absolute column sum)", "-1"
    else:
        sums, shown = _abs_sums(m, "row")
        symbol, formula, numpy_ord = "‖A‖₋∞", "‖A‖₋∞ = minᵢ Σⱼ |aᵢⱼ| (smallest absolute row sum)", "-inf"
    value = min(sums)
    return Result(value, formula, (*shown, f"{symbol} = min({_join([_fmt(s) for s in sums], ', ')}) = {_fmt(value)}"),
                  (f"{not_a_norm}; numpy ord={numpy_ord}",))


def matrix_norms(a, p: float | None = None) -> dict[str, Result]:
    """frobenius, nuclear, spectral, l1 (induced), linf (induced), keyed like the CLI's JSON; with p (one of
    MATRIX_ORDERS) also "lp", numpy.linalg.norm(A, ord=p)."""
    m = _as_matrix(a)
    out = {"frobenius": frobenius_norm(m), "nuclear": nuclear_norm(m), "spectral": spectral_norm(m),
           "l1": induced_l1_norm(m), "linf": induced_linf_norm(m)}
    if p is not None:
        out["lp"] = matrix_order_norm(m, p)
    return out
