"""Inverse solving: every returned solution really gives the wanted size, and brute force over a
range finds none that is missing. The forward functions used as the oracle (checked_*_out) are
themselves tested against torch in test_conv.py."""
from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import assume, given, strategies as st

from calculators import conv, solve
from dlquiz.errors import InputError

BRUTE_LIMIT = 120  # far past every bound the small configs below can reach


def forward(layer: dict) -> int | None:
    """Validated output size of one dimension, or None where PyTorch would refuse."""
    try:
        if layer["op"] == "conv":
            return conv.checked_conv_out(layer["n"], layer["k"], layer["s"], layer["p"], layer["d"])
        if layer["op"] == "transposed":
            return conv.checked_conv_transpose_out(layer["n"], layer["k"], layer["s"], layer["p"], layer["d"],
                                                   layer["op_pad"])
        return conv.checked_pool_out(layer["n"], layer["k"], layer["s"], layer["p"], layer["d"],
                                     layer["ceil"], layer["avg"])
    except InputError:
        return None


def brute_force(layer: dict, unknown: str, out: int, lowest: int) -> list[int]:
    """Every value of `unknown` in [lowest, BRUTE_LIMIT) whose layer gives `out`."""
    return [v for v in range(lowest, BRUTE_LIMIT) if forward({**layer, unknown: v}) == out]


@st.composite
def layers(draw):
    """A small one-dimension layer of any kind, every field filled in."""
    op = draw(st.sampled_from(["conv", "transposed", "pool"]))
    k = draw(st.integers(1, 5))
    s = draw(st.integers(1, 4))
    d = 1 if op == "pool" and draw(st.booleans()) else draw(st.integers(1, 3))
    return {
        "op": op, "n": draw(st.integers(1, 20)), "k": k, "s": s, "d": d,
        "p": draw(st.integers(0, k // 2 if op == "pool" else 3)),
        "op_pad": draw(st.integers(0, max(s, d) - 1)) if op == "transposed" else 0,
        "ceil": op == "pool" and draw(st.booleans()),
        "avg": op == "pool" and d == 1 and draw(st.booleans()),
        "pool_default_stride": op == "pool" and draw(st.booleans()),
    }


def options(layer: dict) -> dict:
    return {"op": layer["op"], "ceil_mode": layer["ceil"], "avg": layer["avg"], "output_padding": layer["op_pad"]}


def stride_argument(layer: dict) -> int | None:
    return None if layer["pool_default_stride"] else layer["s"]


def with_default_stride(layer: dict) -> dict:
    """Pooling with no stride given means stride = kernel, whatever the kernel turns out to be."""
    return {**layer, "s": None} if layer["pool_default_stride"] else layer


def wanted_output(layer: dict, data) -> int:
    """Mostly an output the layer really reaches; sometimes one nearby that may be unreachable."""
    reached = forward(with_default_stride(layer))
    assume(reached is not None)
    return max(1, reached + data.draw(st.sampled_from([0, 0, 0, -1, 1])))


def assert_matches_brute_force(result, expected: list[int]) -> None:
    found = result.value
    if found.every_from is None:
        assert list(found.values) == expected
    else:  # the solver says "every value from here on": brute force agrees up to its limit
        assert [v for v in expected if v < found.every_from] == list(found.values)
        assert list(range(found.every_from, BRUTE_LIMIT)) == [v for v in expected if v >= found.every_from]


@given(layer=layers(), data=st.data())
def test_input_sizes_are_exactly_those_that_give_the_output(layer, data):
    out = wanted_output(layer, data)
    result = solve.solve_input(out, layer["k"], stride_argument(layer), layer["p"], layer["d"], **options(layer))
    for n in result.value.values:
        assert forward({**with_default_stride(layer), "n": n}) == out
    assert_matches_brute_force(result, brute_force(with_default_stride(layer), "n", out, 1))
    values = list(result.value.values)
    assert values == list(range(values[0], values[-1] + 1)) if values else True  # an interval


@given(layer=layers(), data=st.data())
def test_paddings_are_exactly_those_that_give_the_output(layer, data):
    out = wanted_output(layer, data)
    result = solve.solve_padding(layer["n"], layer["k"], out, stride_argument(layer), layer["d"], **options(layer))
    assert_matches_brute_force(result, brute_force(with_default_stride(layer), "p", out, 0))


@given(layer=layers(), data=st.data())
def test_strides_are_exactly_those_that_give_the_output(layer, data):
    layer = {**layer, "pool_default_stride": False}  # the stride is the unknown here
    out = wanted_output(layer, data)
    result = solve.solve_stride(layer["n"], layer["k"], out, layer["p"], layer["d"], **options(layer))
    assert_matches_brute_force(result, brute_force(layer, "s", out, 1))


@given(layer=layers(), data=st.data())
def test_kernels_are_exactly_those_that_give_the_output(layer, data):
    out = wanted_output(layer, data)
    result = solve.solve_kernel(layer["n"], out, stride_argument(layer), layer["p"], layer["d"], **options(layer))
    if layer["pool_default_stride"]:  # the stride follows each candidate kernel
        expected = [k for k in range(1, BRUTE_LIMIT)
                    if forward({**layer, "k": k, "s": k}) == out]
    else:
        expected = brute_force(layer, "k", out, 1)
    assert_matches_brute_force(result, expected)


def test_out_one_with_any_large_stride_is_reported_as_a_tail():
    # n=10, k=3: span n − k = 7, so ⌊7/s⌋ + 1 = 1 exactly when s ≥ 8
    found = solve.solve_stride(10, 3, 1).value
    assert found.every_from == 8 and found.values == ()


# ---------------------------------------------------------------- "same" padding

@pytest.mark.parametrize("kernel, dilation", [(1, 1), (3, 1), (5, 1), (7, 1), (3, 2), (4, 2), (2, 3), (4, 1)])
def test_same_padding_stride_one(kernel, dilation):
    found = solve.same_padding(kernel, 1, dilation).value
    keeps_size = [p for p in range(0, 20)
                  if all(conv.conv_out(n, kernel, 1, p, dilation) == n for n in range(dilation * kernel, 40))]
    assert list(found.symmetric) == keeps_size
    # asymmetric split: (left + right) − d(k−1) − 1 + 1 = 0 keeps n, extra pixel on the right
    assert found.left + found.right == dilation * (kernel - 1)
    assert found.right - found.left in (0, 1)


def test_even_kernel_has_no_symmetric_same_padding():
    result = solve.same_padding(4)
    assert result.value.symmetric == ()
    assert "asymmetric" in " ".join(result.notes) + " ".join(result.steps) or "no symmetric" in result.steps[-1]


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch notes it copies the input; harmless
@pytest.mark.parametrize("kernel, dilation", [(2, 1), (4, 1), (3, 2), (5, 1), (2, 3)])
def test_same_split_matches_torch_padding_same(kernel, dilation):
    torch = pytest.importorskip("torch")
    found = solve.same_padding(kernel, 1, dilation).value
    layer = torch.nn.Conv1d(1, 1, kernel, padding="same", dilation=dilation, bias=False)
    x = torch.arange(11.0).reshape(1, 1, 11)
    padded = torch.nn.functional.pad(x, (found.left, found.right))
    by_hand = torch.nn.functional.conv1d(padded, layer.weight, dilation=dilation)
    assert torch.equal(layer(x), by_hand)


@given(n=st.integers(1, 60), k=st.integers(1, 7), s=st.integers(2, 4), d=st.integers(1, 3))
def test_same_padding_strided_gives_ceil_n_over_s(n, k, s, d):
    found = solve.same_padding(k, s, d, n).value
    target = -(-n // s)
    assert found.target_size == target
    assert list(found.symmetric) == [p for p in range(0, BRUTE_LIMIT) if conv.conv_out(n, k, s, p, d) == target]
    # the total is the smallest one (split any way) that fits ⌈n/s⌉ windows
    fits = lambda total: (n + total - d * (k - 1) - 1) // s + 1 == target  # noqa: E731
    assert fits(found.total) and (found.total == 0 or not fits(found.total - 1))


# ---------------------------------------------------------------- derivations and errors

def test_derivation_shows_symbolic_bounds_and_the_check():
    result = solve.solve_padding(224, 7, 112, 2)
    assert "SymPy" in result.steps[1] and "p ≥" in result.steps[1]
    assert any("✓" in step for step in result.steps)
    # ⌊(224 + 2p − 7)/2⌋ + 1 = 112 ⇔ 222 ≤ 217 + 2p ≤ 223 ⇔ 2.5 ≤ p ≤ 3
    assert result.value.values == (3,)


@pytest.mark.parametrize("call, message", [
    (lambda: solve.solve_input(7, 0, 2), "kernel must be a positive integer, got 0"),
    (lambda: solve.solve_input(0, 3, 2), "out must be a positive integer, got 0"),
    (lambda: solve.solve_padding(10, 3, 5, 0), "stride must be a positive integer, got 0"),
    (lambda: solve.solve_stride(10, 3, 5, padding=2, op="pool"), "padding 2 is more than half the kernel 3"),
    (lambda: solve.solve_input(5, 3, dilation=2, op="pool", avg=True), "no dilation"),
    (lambda: solve.solve_input(5, 3, op="conv", ceil_mode=True), "ceil_mode applies to pooling only"),
    (lambda: solve.same_padding(3, 2), "depends on the input size"),
    (lambda: solve.same_padding(0), "kernel must be a positive integer, got 0"),
])
def test_bad_input_gives_one_line_input_error(call, message):
    with pytest.raises(InputError) as caught:
        call()
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_only_solve_imports_sympy():
    script = ("import sys, calculators, calculators.conv, calculators.result, dlquiz.errors; "
              "print('sympy' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"
