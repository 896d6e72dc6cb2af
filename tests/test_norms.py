"""Vector and matrix norms against numpy.linalg.norm, hand-derived values, exactness and input errors."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from calculators.norms import (
    frobenius_norm,
    induced_l1_norm,
    induced_linf_norm,
    l0_norm,
    l1_norm,
    l2_norm,
    linf_norm,
    lp_norm,
    matrix_norms,
    matrix_order_norm,
    nuclear_norm,
    parse_matrix,
    parse_vector,
    spectral_norm,
    vector_norms,
)
from calculators.result import Result
from dlquiz.errors import InputError

floats = st.floats(-1e6, 1e6, allow_nan=False)
ints = st.integers(-1000, 1000)
vectors = st.lists(st.one_of(ints, floats), min_size=1, max_size=12)
int_vectors = st.lists(ints, min_size=1, max_size=12)


def matrices(elements):
    return st.integers(1, 5).flatmap(lambda cols: st.lists(st.lists(elements, min_size=cols, max_size=cols),
                                                           min_size=1, max_size=5))


def close(x, y, tol=1e-9):
    return math.isclose(x, y, rel_tol=tol, abs_tol=1e-9)


# ---------------------------------------------------------------- hand-derived values

def test_vector_by_hand():
    # x = (3, −4, 0): two non-zeros; |3| + |−4| = 7; √(9 + 16) = 5; max |xᵢ| = 4; (27 + 64)^(1/3).
    got = {k: r.value for k, r in vector_norms([3, -4, 0], p=3).items()}
    assert got["l0"] == 2 and got["l1"] == 7 and got["l2"] == 5 and got["linf"] == 4
    assert got["lp"] == pytest.approx(91 ** (1 / 3), rel=1e-15)


def test_matrix_by_hand():
    # A = [[1, 2], [3, 4]]: Frobenius √30; columns |1|+|3| = 4, |2|+|4| = 6 → 6; rows 3, 7 → 7.
    # AᵀA = [[10, 14], [14, 20]]: λ = 15 ± √221, so σ = √(15 ± √221); nuclear = σ₁ + σ₂ = √(30 + 2·|det A|) = √34.
    got = {k: r.value for k, r in matrix_norms([[1, 2], [3, 4]]).items()}
    assert got["frobenius"] == pytest.approx(math.sqrt(30), rel=1e-15)
    assert got["spectral"] == pytest.approx(math.sqrt(15 + math.sqrt(221)), rel=1e-12)
    assert got["nuclear"] == pytest.approx(math.sqrt(34), rel=1e-12)
    assert got["l1"] == 6 and got["linf"] == 7


def test_integer_answers_are_exact_ints():
    assert type(l0_norm([1.5, 0, 2]).value) is int
    assert type(l1_norm([3, -4]).value) is int
    assert type(linf_norm([3, -4]).value) is int
    assert type(l2_norm([3, -4]).value) is int                 # √25
    assert type(l2_norm([1, 1]).value) is float                # √2
    assert type(lp_norm([3, 4, 5], 3).value) is int            # 27 + 64 + 125 = 216 = 6³
    assert lp_norm([3, 4, 5], 3).value == 6
    assert frobenius_norm([[1, 2], [2, 4]]).value == 5           # √(1 + 4 + 4 + 16) = √25
    assert type(frobenius_norm([[1, 2], [2, 4]]).value) is int
    assert type(induced_l1_norm([[1, -2], [3, 4]]).value) is int
    assert type(induced_linf_norm([[1, -2], [3, 4]]).value) is int
    # Python ints never overflow, unlike int64: 10¹⁸ + 10¹⁸ stays exact.
    assert l1_norm([10 ** 18, -(10 ** 18), 1]).value == 2 * 10 ** 18 + 1


def test_derivations_show_terms():
    assert "√25 = 5" in l2_norm([3, -4]).explain()
    assert "(-4)²" in l2_norm([3, -4]).explain()
    assert "|3| + |-4|" in l1_norm([3, -4]).explain()
    assert "column 2: |2| + |4| = 6" in induced_l1_norm([[1, 2], [3, 4]]).explain()
    assert "row 2: |3| + |4| = 7" in induced_linf_norm([[1, 2], [3, 4]]).explain()
    assert "not a true norm" in l0_norm([1, 0]).explain()
    long = l1_norm(list(range(1000))).explain()
    assert "more" in long and len(long) < 2000                  # long vectors are abbreviated
    for fn in (l0_norm, l1_norm, l2_norm, linf_norm):
        assert isinstance(fn([1, 2]), Result)


# ---------------------------------------------------------------- against numpy

@given(vectors)
def test_vector_norms_match_numpy(x):
    arr = np.asarray(x, dtype=np.float64)
    got = {k: float(r.value) for k, r in vector_norms(x).items()}
    assert got["l0"] == np.linalg.norm(arr, 0)                 # numpy's ord=0 also counts non-zeros
    assert close(got["l1"], np.linalg.norm(arr, 1))
    assert close(got["l2"], np.linalg.norm(arr, 2))
    assert close(got["linf"], np.linalg.norm(arr, np.inf))


@given(vectors, st.one_of(st.floats(1, 40), st.integers(1, 12)))
def test_lp_matches_numpy(x, p):
    expected = np.linalg.norm(np.asarray(x, dtype=np.float64), p)
    assume(np.isfinite(expected))                               # numpy does not rescale, so it can overflow
    assert close(float(lp_norm(x, p).value), float(expected), 1e-9)


@given(vectors, st.floats(1, 20), st.floats(1, 20))
def test_lp_is_non_increasing_in_p(x, p, q):
    small, large = min(p, q), max(p, q)
    assert lp_norm(x, small).value >= lp_norm(x, large).value * (1 - 1e-12)
    assert lp_norm(x, large).value >= linf_norm(x).value * (1 - 1e-12)


@given(int_vectors, st.integers(2, 5))
def test_l0_ignores_scaling(x, k):
    assert l0_norm([k * e for e in x]).value == l0_norm(x).value
    assert l1_norm([k * e for e in x]).value == k * l1_norm(x).value


@given(matrices(st.one_of(ints, floats)))
def test_matrix_norms_match_numpy(m):
    arr = np.asarray(m, dtype=np.float64)
    got = {k: float(r.value) for k, r in matrix_norms(m).items()}
    assert close(got["frobenius"], np.linalg.norm(arr, "fro"))
    assert close(got["nuclear"], np.linalg.norm(arr, "nuc"))
    assert close(got["spectral"], np.linalg.norm(arr, 2))
    assert close(got["l1"], np.linalg.norm(arr, 1))
    assert close(got["linf"], np.linalg.norm(arr, np.inf))


def test_large_p_does_not_overflow():
    # numpy computes Σ|x|^p first and overflows to inf; the norm itself is ≈ max|x|.
    assert lp_norm([1e100, 3.0], 1e4).value == pytest.approx(1e100, rel=1e-12)
    assert lp_norm([1, 2], math.inf).value == 2


def test_numpy_arrays_accepted():
    assert l1_norm(np.array([3, -4])).value == 7
    assert type(l1_norm(np.array([3, -4])).value) is int
    assert induced_linf_norm(np.array([[1, 2], [3, 4]])).value == 7


@given(vectors)
def test_minus_inf_is_numpys_smallest_magnitude(x):
    assert lp_norm(x, -math.inf).value == np.linalg.norm(np.array(x, dtype=float), ord=-np.inf)


MATRIX_ORDERS = [1, 2, math.inf, -1, -2, -math.inf]


@pytest.mark.parametrize("order", MATRIX_ORDERS)
@given(m=matrices(st.one_of(ints, floats)))
def test_matrix_orders_match_numpy(order, m):
    expected = np.linalg.norm(np.array(m, dtype=float), ord=order)
    assert close(matrix_order_norm(m, order).value, expected, 1e-9)


@pytest.mark.parametrize("order", MATRIX_ORDERS)
def test_matrix_orders_match_torch(order):
    torch = pytest.importorskip("torch")
    a = [[2.0, -1.0, 0.5], [0.0, 3.0, -4.0], [1.5, 2.5, -0.5], [7.0, 0.0, 1.0]]  # 4×3: not square
    expected = torch.linalg.matrix_norm(torch.tensor(a, dtype=torch.float64), ord=order).item()
    assert close(matrix_order_norm(a, order).value, expected, 1e-12)


def test_negative_orders_by_hand():
    # A = [[1, −2], [3, 4]]: column sums 4, 6 → −1 gives 4; row sums 3, 7 → −∞ gives 3;
    # σ₁σ₂ = |det A| = 10 and σ₁² + σ₂² = 30 → σ_min = √(15 − 5√5)
    a = [[1, -2], [3, 4]]
    assert matrix_order_norm(a, -1).value == 4 and matrix_order_norm(a, -math.inf).value == 3
    assert matrix_order_norm(a, -2).value == pytest.approx(math.sqrt(15 - 5 * math.sqrt(5)), rel=1e-12)
    assert matrix_norms(a, -2)["lp"].value == matrix_order_norm(a, -2).value
    assert "smallest absolute column sum" in matrix_order_norm(a, -1).formula
    assert any("not a norm" in note for note in matrix_order_norm(a, -2).notes)


@pytest.mark.parametrize("order", [3, 0, -3, 0.5, float("nan")])
def test_matrix_orders_numpy_does_not_define_are_refused(order):
    with pytest.raises(InputError, match="-1, -2 or -inf"):
        matrix_order_norm([[1, 2], [3, 4]], order)


# ---------------------------------------------------------------- input errors

@pytest.mark.parametrize("p", [0.5, 0, -1, float("nan")])
def test_p_below_one_is_not_a_norm(p):
    with pytest.raises(InputError, match="p"):
        lp_norm([1, 2], p)


def test_p_below_one_message_says_why():
    with pytest.raises(InputError, match="not a norm"):
        lp_norm([1, 2], 0.5)


@pytest.mark.parametrize("fn", [l0_norm, l1_norm, l2_norm, linf_norm])
@pytest.mark.parametrize("bad", [[], [1, float("nan")], [1, float("inf")], ["a"], [[1, 2]], 5, [True]])
def test_bad_vectors_raise(fn, bad):
    with pytest.raises(InputError):
        fn(bad)


@pytest.mark.parametrize("fn", [frobenius_norm, nuclear_norm, spectral_norm, induced_l1_norm, induced_linf_norm])
@pytest.mark.parametrize("bad", [[], [[]], [[1, 2], [3]], [[1, float("nan")]], [1, 2]])
def test_bad_matrices_raise(fn, bad):
    with pytest.raises(InputError):
        fn(bad)


def test_parse_vector_and_matrix():
    assert parse_vector("3, -4,0.5") == [3, -4, 0.5]
    assert parse_matrix("1,2;3,4") == [[1, 2], [3, 4]]
    with pytest.raises(InputError, match="row 2 has 1 entries but row 1 has 2"):
        parse_matrix("1,2;3")
    for bad in ("", "1,,2", "1,x", "1,nan", "1e999"):
        with pytest.raises(InputError):
            parse_vector(bad)
