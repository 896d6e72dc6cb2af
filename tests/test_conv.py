"""Output-size calculators against real PyTorch modules, plus brute-force and hand-derived checks.

Every expected number comes from torch, from a window-by-window enumeration, or from a derivation
written out in the test; never from our own output.
"""
from __future__ import annotations

import contextlib
import warnings

import pytest
from hypothesis import given, strategies as st

from calculators import conv
from calculators.result import Result
from dlquiz.errors import InputError

torch = pytest.importorskip("torch")
torch.set_num_threads(1)  # tiny tensors: thread start-up would dominate


# ---------------------------------------------------------------- helpers

def torch_spatial_shape(build_module, input_shape, native: bool = False) -> tuple[int, ...] | None:
    """Spatial output shape from running zeros through a torch module; None when torch refuses.

    native=True turns oneDNN off: its ConvTranspose2d skips the "Output size is too small" check and
    returns an empty tensor when the size is exactly 0 (torch 2.13, CPU); ConvTranspose1d and
    the native kernels refuse it, and so do we.
    """
    backend = torch.backends.mkldnn.flags(enabled=False) if native else contextlib.nullcontext()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Initializing zero-element tensors is a no-op"
            with backend, torch.no_grad():
                output = build_module()(torch.zeros(input_shape))
    except RuntimeError:
        return None
    return tuple(output.shape[2:])


def our_spatial_shape(calculate) -> tuple[int, ...] | None:
    """Our calculator's answer as a shape tuple; None when it raises InputError."""
    try:
        result = calculate()
    except InputError:
        return None
    assert isinstance(result, Result)
    return result.value if isinstance(result.value, tuple) else (result.value,)


def pair(lo: int, hi: int):
    return st.tuples(st.integers(lo, hi), st.integers(lo, hi))


def rarely(valid, invalid):
    """`valid` nine times in ten: refusal tests still see plenty of configs torch accepts."""
    return st.integers(0, 9).flatmap(lambda roll: invalid if roll == 0 else valid)


@st.composite
def pool_dim(draw, max_size=12):
    """(n, k, s, p, d) for one dimension, with p mostly within PyTorch's 0..⌊k/2⌋."""
    k = draw(st.integers(1, 5))
    p = draw(rarely(st.integers(0, k // 2), st.integers(k // 2 + 1, k // 2 + 2)))
    return draw(st.integers(1, max_size)), k, draw(st.integers(1, 4)), p, draw(st.integers(1, 3))


@st.composite
def conv_transpose_dim(draw):
    """(n, k, s, p, d, output_padding) mostly valid: op < max(s, d), out = … − 2p ≥ 1."""
    n, k, s, d = draw(st.integers(1, 8)), draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    op = draw(rarely(st.integers(0, max(s, d) - 1), st.integers(max(s, d), max(s, d) + 1)))
    largest_padding = ((n - 1) * s + d * (k - 1) + op) // 2  # keeps the output ≥ 1
    p = draw(rarely(st.integers(0, largest_padding), st.integers(largest_padding + 1, largest_padding + 2)))
    return n, k, s, p, d, op


def windows_by_enumeration(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """Count pooling windows by walking them, independent of the closed-form formula.

    Padded input has n + 2p cells; a window spans d(k−1)+1 cells. Floor mode keeps windows that fit.
    ceil_mode adds one partial window when the full ones miss the last padded cell, unless that window
    would start at or past n + p (only right padding left), which PyTorch drops.
    """
    padded, span = n + 2 * p, d * (k - 1) + 1
    starts = list(range(0, padded, s))
    full = [start for start in starts if start + span <= padded]
    count = len(full)
    if ceil_mode and full and full[-1] + span < padded:
        partial_start = full[-1] + s
        if partial_start < n + p:
            count += 1
    return count


# ---------------------------------------------------------------- Conv vs torch

@given(size=pair(1, 12), kernel=pair(1, 5), stride=pair(1, 4), padding=pair(0, 3), dilation=pair(1, 3))
def test_conv2d_matches_torch(size, kernel, stride, padding, dilation):
    expected = torch_spatial_shape(lambda: torch.nn.Conv2d(1, 1, kernel, stride, padding, dilation), (1, 1, *size))
    assert our_spatial_shape(lambda: conv.conv_size(size, kernel, stride, padding, dilation)) == expected


@given(size=st.integers(1, 16), kernel=st.integers(1, 6), stride=st.integers(1, 4),
       padding=st.integers(0, 3), dilation=st.integers(1, 3))
def test_conv1d_matches_torch(size, kernel, stride, padding, dilation):
    expected = torch_spatial_shape(lambda: torch.nn.Conv1d(1, 1, kernel, stride, padding, dilation), (1, 1, size))
    assert our_spatial_shape(lambda: conv.conv_size(size, kernel, stride, padding, dilation)) == expected


@given(size=pair(1, 8), kernel=pair(1, 4), stride=st.tuples(rarely(st.integers(1, 3), st.integers(-1, 0)),
                                                            st.integers(1, 3)),
       padding=st.tuples(st.integers(0, 3), rarely(st.integers(0, 3), st.just(-1))),
       dilation=rarely(st.integers(1, 3), st.integers(-1, 0)), kernel_flaw=rarely(st.just(1), st.integers(-1, 0)))
def test_conv2d_refuses_exactly_what_torch_refuses(size, kernel, stride, padding, dilation, kernel_flaw):
    kernel = (kernel[0] * kernel_flaw, kernel[1])  # sometimes 0 or negative
    expected = torch_spatial_shape(lambda: torch.nn.Conv2d(1, 1, kernel, stride, padding, dilation), (1, 1, *size))
    assert our_spatial_shape(lambda: conv.conv_size(size, kernel, stride, padding, dilation)) == expected


# ---------------------------------------------------------------- ConvTranspose vs torch

@given(height=conv_transpose_dim(), width=conv_transpose_dim())
def test_conv_transpose2d_matches_torch(height, width):
    size, kernel, stride, padding, dilation, output_padding = zip(height, width)
    expected = torch_spatial_shape(
        lambda: torch.nn.ConvTranspose2d(1, 1, kernel, stride, padding, output_padding, dilation=dilation),
        (1, 1, *size), native=True)
    ours = our_spatial_shape(
        lambda: conv.conv_transpose_size(size, kernel, stride, padding, dilation, output_padding))
    assert ours == expected


@given(size=st.integers(1, 6), kernel=rarely(st.integers(1, 4), st.integers(-1, 0)),
       stride=rarely(st.integers(1, 3), st.integers(-1, 0)), padding=rarely(st.integers(0, 2), st.just(-1)),
       dilation=rarely(st.integers(1, 3), st.integers(-1, 0)), output_padding=st.integers(-1, 3))
def test_conv_transpose_refuses_exactly_what_torch_refuses(size, kernel, stride, padding, dilation,
                                                           output_padding):
    expected = torch_spatial_shape(
        lambda: torch.nn.ConvTranspose2d(1, 1, kernel, stride, padding, output_padding, dilation=dilation),
        (1, 1, size, size), native=True)
    ours = our_spatial_shape(
        lambda: conv.conv_transpose_size((size, size), kernel, stride, padding, dilation, output_padding))
    assert ours == expected


# ---------------------------------------------------------------- pooling vs torch

@given(height=pool_dim(), width=pool_dim(), default_stride=st.booleans(), ceil_mode=st.booleans())
def test_maxpool2d_matches_torch(height, width, default_stride, ceil_mode):
    size, kernel, stride, padding, dilation = zip(height, width)
    stride = None if default_stride else stride
    expected = torch_spatial_shape(
        lambda: torch.nn.MaxPool2d(kernel, stride, padding, dilation, ceil_mode=ceil_mode), (1, 1, *size))
    ours = our_spatial_shape(lambda: conv.pool_size(size, kernel, stride, padding, dilation, ceil_mode))
    assert ours == expected


@given(height=pool_dim(), width=pool_dim(), default_stride=st.booleans(), ceil_mode=st.booleans())
def test_avgpool2d_matches_torch(height, width, default_stride, ceil_mode):
    size, kernel, stride, padding, _ = zip(height, width)
    stride = None if default_stride else stride
    expected = torch_spatial_shape(
        lambda: torch.nn.AvgPool2d(kernel, stride, padding, ceil_mode=ceil_mode), (1, 1, *size))
    ours = our_spatial_shape(lambda: conv.pool_size(size, kernel, stride, padding, ceil_mode=ceil_mode, avg=True))
    assert ours == expected


@given(dim=pool_dim(max_size=16), default_stride=st.booleans(), ceil_mode=st.booleans())
def test_maxpool1d_matches_torch(dim, default_stride, ceil_mode):
    size, kernel, stride, padding, dilation = dim
    stride = None if default_stride else stride
    expected = torch_spatial_shape(
        lambda: torch.nn.MaxPool1d(kernel, stride, padding, dilation, ceil_mode=ceil_mode), (1, 1, size))
    ours = our_spatial_shape(lambda: conv.pool_size(size, kernel, stride, padding, dilation, ceil_mode))
    assert ours == expected


@given(size=st.integers(1, 8), kernel=rarely(st.integers(1, 4), st.integers(-1, 0)),
       stride=st.none() | rarely(st.integers(1, 3), st.integers(-1, 0)),
       padding=rarely(st.integers(0, 2), st.just(-1)),
       dilation=rarely(st.integers(1, 3), st.integers(-1, 0)), ceil_mode=st.booleans(), avg=st.booleans())
def test_pool_refuses_exactly_what_torch_refuses(size, kernel, stride, padding, dilation, ceil_mode, avg):
    if avg:  # AvgPool2d has no dilation argument; ours refuses any dilation but 1 (tested below)
        dilation = 1
        build = lambda: torch.nn.AvgPool2d(kernel, stride, padding, ceil_mode=ceil_mode)  # noqa: E731
    else:
        build = lambda: torch.nn.MaxPool2d(kernel, stride, padding, dilation, ceil_mode=ceil_mode)  # noqa: E731
    expected = torch_spatial_shape(build, (1, 1, size, size))
    ours = our_spatial_shape(
        lambda: conv.pool_size((size, size), kernel, stride, padding, dilation, ceil_mode, avg))
    assert ours == expected


@pytest.mark.parametrize("kernel, dilation, padding", [(3, 2, 2), (2, 3, 2), (3, 2, 1), (2, 3, 1), (1, 5, 1)])
def test_maxpool_padding_limit_ignores_dilation_like_torch(kernel, dilation, padding):
    # torch 2.13 checks p ≤ ⌊(d(k−1)+1)/2⌋ and p ≤ ⌊k/2⌋; the second binds, e.g. k=3, d=2, p=2 is refused
    expected = torch_spatial_shape(lambda: torch.nn.MaxPool2d(kernel, padding=padding, dilation=dilation),
                                   (1, 1, 9, 9))
    ours = our_spatial_shape(lambda: conv.pool_size((9, 9), kernel, padding=padding, dilation=dilation))
    assert ours == expected
    assert (expected is None) == (padding > kernel // 2)


# ---------------------------------------------------------------- independent of torch

@given(n=st.integers(1, 30), k=st.integers(1, 5), s=st.integers(1, 5), d=st.integers(1, 3),
       p_fraction=st.floats(0, 1), ceil_mode=st.booleans())
def test_pool_out_counts_the_windows(n, k, s, d, p_fraction, ceil_mode):
    p = int(p_fraction * (k // 2))  # PyTorch's legal range 0..⌊k/2⌋
    if d * (k - 1) + 1 > n + 2 * p:
        return  # no full window: torch refuses or keeps a lone partial one, not what this walk models
    assert conv.pool_out(n, k, s, p, d, ceil_mode) == windows_by_enumeration(n, k, s, p, d, ceil_mode)


def test_resnet_stem_hand_derived():
    # conv 7×7/2, p=3 on 224: ⌊(224 + 6 − 6 − 1)/2⌋ + 1 = ⌊223/2⌋ + 1 = 112;
    # then max pool 3×3/2, p=1: ⌊(112 + 2 − 2 − 1)/2⌋ + 1 = ⌊111/2⌋ + 1 = 56
    assert conv.conv_size(224, 7, 2, 3).value == 112
    assert conv.pool_size(112, 3, 2, 1).value == 56


def test_ceil_mode_drops_a_window_that_starts_in_right_padding():
    # n=5, k=2, s=2, p=1: padded cells −1..5; ⌈(5+2−1−1)/2⌉ + 1 = ⌈5/2⌉ + 1 = 4 windows starting at
    # padded 0, 2, 4, 6; the one at 6 = n + p starts in the right padding, so 3 remain.
    result = conv.pool_size(5, 2, 2, 1, ceil_mode=True)
    assert result.value == 3
    assert any("drop" in step for step in result.steps)


@pytest.mark.parametrize("k", [1, 3, 5, 7])
@pytest.mark.parametrize("n", [1, 8, 31])
def test_same_padding_rule_for_odd_kernels(n, k):
    # stride 1, p = (k−1)/2: n + (k−1) − (k−1) − 1 + 1 = n
    assert conv.conv_size(n, k, 1, (k - 1) // 2).value == n


def test_two_d_steps_name_each_dimension_and_end_with_the_shape():
    result = conv.conv_size((32, 20), (3, 5))
    # H: ⌊(32 − 2 − 1)/1⌋ + 1 = 30; W: ⌊(20 − 4 − 1)/1⌋ + 1 = 16
    assert result.value == (30, 16)
    assert result.steps[0].startswith("H: ") and result.steps[1].startswith("W: ")
    assert result.steps[-1].endswith("30 × 16")


def test_formulas_use_unicode_and_steps_show_substitution():
    result = conv.conv_size(10, 3, 2, 1)
    assert "⌊" in result.formula and "⌋" in result.formula
    assert "⌊(10 + 2×1 − 1×(3−1) − 1)/2⌋" in result.steps[0]
    assert "⌈" in conv.pool_size(10, 3, 2, 1, ceil_mode=True).formula
    assert "output_padding" in conv.conv_transpose_size(3, 3, 2).formula


def test_notes_correct_the_study_note():
    pool_notes = " ".join(conv.pool_size(8, 2).notes)
    assert "Caffe" in pool_notes and "ceil_mode" in pool_notes and "padding" in pool_notes
    transpose_notes = " ".join(conv.conv_transpose_size(4, 3, 2).notes)
    assert "output_padding" in transpose_notes and "dilation" in transpose_notes
    assert any("(k−1)/2" in note for note in conv.conv_size(8, 3).notes)


# ---------------------------------------------------------------- input errors

@pytest.mark.parametrize("call, message", [
    (lambda: conv.conv_size(10, 0), "kernel must be a positive integer, got 0"),
    (lambda: conv.conv_size(10, 3, stride=0), "stride must be a positive integer, got 0"),
    (lambda: conv.conv_size(10, 3, padding=-1), "padding must be a non-negative integer, got -1"),
    (lambda: conv.conv_size(0, 3), "size must be a positive integer, got 0"),
    (lambda: conv.conv_size((10, 10), (3, 0)), "width: kernel must be a positive integer, got 0"),
    (lambda: conv.pool_size(10, 3, padding=3), "padding 3 is more than half the kernel 3"),
    (lambda: conv.pool_size(10, 3, dilation=2, avg=True), "no dilation"),
    (lambda: conv.conv_transpose_size(4, 3, 2, output_padding=2), "output_padding 2 must be smaller"),
    (lambda: conv.conv_size(4, 7), "output size would be"),
    (lambda: conv.conv_size(10, 2.5), "kernel must be an integer, got 2.5"),
    (lambda: conv.conv_size(10, True), "kernel must be an integer, got True"),
    (lambda: conv.conv_size(10, "3"), "kernel must be an integer"),
    (lambda: conv.conv_size(10, (1, 2, 3)), "kernel must be one integer or an (H, W) pair"),
])
def test_bad_input_gives_one_line_input_error(call, message):
    with pytest.raises(InputError) as caught:
        call()
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
