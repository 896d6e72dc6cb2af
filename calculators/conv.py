"""Output sizes of convolution, transposed convolution and pooling (PyTorch semantics).

Core integer functions (`conv_out`, `conv_transpose_out`, `pool_out`) are exact integer math and are
used by receptive_field/params. The `checked_*` functions add PyTorch's validity rules for one
dimension and raise InputError. The Result-returning `conv_size`, `conv_transpose_size` and
`pool_size` accept one size or an (H, W) pair per argument and add the derivation.

PyTorch 2.13's rules, found by experiment (tests/test_conv.py checks them against torch):
- kernel, stride, dilation ≥ 1; padding, output_padding ≥ 0; input size ≥ 1.
- output size ≥ 1 for all ops (conv: d(k−1)+1 ≤ n + 2p, "Kernel size can't be greater than actual
  input size"; transposed and pooling: "Output size is too small"). One exception we do not copy:
  on CPU with oneDNN, ConvTranspose2d returns an empty tensor when the size is exactly 0.
- pooling with ceil_mode accepts a window larger than the padded input when ⌈span/s⌉ + 1 still
  comes out as 1 (e.g. MaxPool1d(100, ceil_mode=True) on 5 values gives 1); the formula covers it.
- transposed conv: output_padding < stride or output_padding < dilation.
- pooling: padding ≤ ⌊k/2⌋. MaxPool with dilation checks both p ≤ ⌊(d(k−1)+1)/2⌋ and p ≤ ⌊k/2⌋;
  the second always binds, so dilation never allows more padding. AvgPool has no dilation.
"""
from __future__ import annotations

import operator
from collections.abc import Sequence

from calculators.result import Result
from dlquiz.errors import InputError

IntOrPair = int | Sequence[int]

CONV_FORMULA = "out = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1"
CONV_TRANSPOSE_FORMULA = "out = (n − 1)×s − 2p + d(k−1) + output_padding + 1"
POOL_FLOOR_FORMULA = CONV_FORMULA
POOL_CEIL_FORMULA = ("out = ⌈(n + 2p − d(k−1) − 1)/s⌉ + 1, minus 1 if the last window would start "
                     "at or past n + p (inside the right padding)")

SAME_PADDING_NOTE = ("“same” size: with stride 1 and odd k, p = d(k−1)/2 keeps out = n (study note 003's "
                     "(k−1)/2 is the d = 1 case); an even k needs asymmetric padding (PyTorch's "
                     "padding='same' puts the extra pixel on the right/bottom).")
CONV_DILATION_NOTE = ("dilation d spreads the kernel over d(k−1)+1 pixels; study note 003's formula has no "
                      "dilation term (it is the d = 1 case).")
TRANSPOSE_NOTES = (
    "study note 003's out = (in − 1)×stride − 2×padding + kernel omits output_padding and dilation "
    "(it is the d = 1, output_padding = 0 case).",
    "a strided conv maps up to s input sizes to the same output, so the inverse is ambiguous; "
    "output_padding (0 ≤ op < max(s, d)) picks one by adding rows at the bottom/right only.",
)
POOL_ROUNDING_NOTE = ("study note 003 says pooling rounds up (向上取整): that is Caffe's convention. PyTorch "
                      "and TensorFlow round down by default; PyTorch rounds up only with ceil_mode=True.")
POOL_FORMULA_NOTE = "study note 003's pooling formula (input − kernel)/stride + 1 also omits padding and dilation."
POOL_PADDING_NOTE = ("PyTorch requires padding ≤ ⌊k/2⌋ for pooling, k being the kernel itself: "
                     "dilation does not allow more padding.")
POOL_STRIDE_NOTE = "pooling stride defaults to the kernel size."
POOL_CEIL_NOTE = ("ceil_mode keeps a partial last window, but PyTorch drops it when it would start at or "
                  "past n + p, where only right padding is left.")

DIM_NAMES = {1: ("",), 2: ("height", "width")}


# ---------------------------------------------------------------- integer cores (no validation)

def conv_out(n: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """⌊(n + 2p − d(k−1) − 1)/s⌋ + 1, no validation."""
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def conv_transpose_out(n: int, k: int, s: int = 1, p: int = 0, d: int = 1, output_padding: int = 0) -> int:
    """(n−1)s − 2p + d(k−1) + output_padding + 1, no validation."""
    return (n - 1) * s - 2 * p + d * (k - 1) + output_padding + 1


def pool_out(n: int, k: int, s: int | None = None, p: int = 0, d: int = 1, ceil_mode: bool = False) -> int:
    """PyTorch pooling size; with ceil_mode the last window must start inside input or left padding."""
    s = k if s is None else s
    span = n + 2 * p - d * (k - 1) - 1
    if not ceil_mode:
        return span // s + 1
    out = -(-span // s) + 1
    if (out - 1) * s >= n + p:
        out -= 1
    return out


# ---------------------------------------------------------------- validation helpers

def _prefix(dim: str) -> str:
    return f"{dim}: " if dim else ""


def as_int(name: str, value: object, dim: str = "") -> int:
    """`value` as an int; bools and floats are refused (3.0 kernels are a typo, not a size)."""
    if isinstance(value, bool):
        raise InputError(f"{_prefix(dim)}{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise InputError(f"{_prefix(dim)}{name} must be an integer, got {value!r}") from None


def require_positive(name: str, value: object, dim: str = "") -> int:
    number = as_int(name, value, dim)
    if number < 1:
        raise InputError(f"{_prefix(dim)}{name} must be a positive integer, got {number}")
    return number


def require_non_negative(name: str, value: object, dim: str = "") -> int:
    number = as_int(name, value, dim)
    if number < 0:
        raise InputError(f"{_prefix(dim)}{name} must be a non-negative integer, got {number}")
    return number


def _require_output_positive(out: int, why: str, dim: str) -> int:
    # torch raises rather than return an empty tensor; so do we.
    if out < 1:
        raise InputError(f"{_prefix(dim)}output size would be {_num(out)} (< 1): {why}")
    return out


# ---------------------------------------------------------------- validated, one dimension

def checked_conv_out(n: int, k: int, s: int = 1, p: int = 0, d: int = 1, dim: str = "") -> int:
    """conv_out after PyTorch's checks; raises InputError where torch raises."""
    n, k, s, d = (require_positive(name, v, dim) for name, v in
                  (("size", n), ("kernel", k), ("stride", s), ("dilation", d)))
    p = require_non_negative("padding", p, dim)
    span = d * (k - 1) + 1
    return _require_output_positive(
        conv_out(n, k, s, p, d),
        f"the dilated kernel d(k−1)+1 = {span} is larger than the padded input n + 2p = {n + 2 * p}",
        dim)


def checked_conv_transpose_out(n: int, k: int, s: int = 1, p: int = 0, d: int = 1,
                               output_padding: int = 0, dim: str = "") -> int:
    """conv_transpose_out after PyTorch's checks; raises InputError where torch raises."""
    n, k, s, d = (require_positive(name, v, dim) for name, v in
                  (("size", n), ("kernel", k), ("stride", s), ("dilation", d)))
    p = require_non_negative("padding", p, dim)
    op = require_non_negative("output_padding", output_padding, dim)
    if op >= max(s, d):
        raise InputError(f"{_prefix(dim)}output_padding {op} must be smaller than stride {s} or dilation {d} "
                         f"(PyTorch requires output_padding < max(stride, dilation))")
    unpadded = (n - 1) * s + d * (k - 1) + op + 1
    return _require_output_positive(
        conv_transpose_out(n, k, s, p, d, op),
        f"(n−1)s + d(k−1) + output_padding + 1 = {unpadded} is not more than 2p = {2 * p}",
        dim)


def checked_pool_out(n: int, k: int, s: int | None = None, p: int = 0, d: int = 1,
                     ceil_mode: bool = False, avg: bool = False, dim: str = "") -> int:
    """pool_out after PyTorch's MaxPool/AvgPool checks; raises InputError where torch raises."""
    n = require_positive("size", n, dim)
    k = require_positive("kernel", k, dim)
    s = k if s is None else require_positive("stride", s, dim)
    d = require_positive("dilation", d, dim)
    if avg and d != 1:
        raise InputError(f"{_prefix(dim)}dilation {d} is not available for average pooling "
                         f"(PyTorch's AvgPool has no dilation); use 1")
    p = require_non_negative("padding", p, dim)
    if p > k // 2:  # torch checks the raw kernel, not d(k−1)+1: see the module docstring
        raise InputError(f"{_prefix(dim)}padding {p} is more than half the kernel {k} "
                         f"(PyTorch requires p ≤ k/2 for pooling)")
    return _require_output_positive(
        pool_out(n, k, s, p, d, ceil_mode),
        f"the window d(k−1)+1 = {d * (k - 1) + 1} does not fit the padded input n + 2p = {n + 2 * p}",
        dim)


# ---------------------------------------------------------------- per-dimension arguments

def _spatial_dims(**values: IntOrPair | None) -> int:
    """1 if every argument is a single number, 2 if any is an (H, W) pair."""
    ndim = 1
    for name, value in values.items():
        seq = _as_sequence(value)
        if seq is None:
            continue
        if len(seq) not in (1, 2):
            raise InputError(f"{name} must be one integer or an (H, W) pair, got {value!r}")
        ndim = max(ndim, len(seq))
    return ndim


def _as_sequence(value: IntOrPair | None) -> Sequence[int] | None:
    """The value if it is a sequence (a pair), None if it is one number."""
    # strings count as one number here so that "3" is refused as "must be an integer", not as a bad pair
    return value if isinstance(value, Sequence) and not isinstance(value, str) else None


def _per_dim(value: IntOrPair | None, ndim: int) -> tuple:
    """Broadcast one number to every dimension; pairs stay as they are."""
    seq = _as_sequence(value)
    if seq is None:
        return (value,) * ndim
    return tuple(seq) * ndim if len(seq) == 1 else tuple(seq)


def _num(x: int) -> str:
    """Integers with a real minus sign, to match the formulas."""
    return f"−{-x}" if x < 0 else str(x)


def _finish(values: list[int], formula: str, steps: list[str], notes: list[str]) -> Result:
    if len(values) == 1:
        steps.append(f"→ output size {values[0]}")
        return Result(values[0], formula, tuple(steps), tuple(notes))
    steps.append("→ output shape " + " × ".join(map(str, values)))
    return Result(tuple(values), formula, tuple(steps), tuple(notes))


def _label(dim: str) -> str:
    return f"{dim[0].upper()}: " if dim else ""


# ---------------------------------------------------------------- Result-returning calculators

def _floor_steps(n: int, k: int, s: int, p: int, d: int, out: int, dim: str) -> str:
    span = n + 2 * p - d * (k - 1) - 1
    return (f"{_label(dim)}⌊({n} + 2×{p} − {d}×({k}−1) − 1)/{s}⌋ + 1 = ⌊{_num(span)}/{s}⌋ + 1 "
            f"= {_num(span // s)} + 1 = {out}")


def conv_size(size: IntOrPair, kernel: IntOrPair, stride: IntOrPair = 1, padding: IntOrPair = 0,
              dilation: IntOrPair = 1) -> Result:
    """Conv1d/Conv2d output size. value: int for 1-D, (h, w) when any argument is a pair."""
    ndim = _spatial_dims(size=size, kernel=kernel, stride=stride, padding=padding, dilation=dilation)
    steps, outs = [], []
    for dim, n, k, s, p, d in zip(DIM_NAMES[ndim], *(_per_dim(v, ndim) for v in
                                                      (size, kernel, stride, padding, dilation))):
        out = checked_conv_out(n, k, s, p, d, dim)
        outs.append(out)
        steps.append(_floor_steps(n, k, s, p, d, out, dim))
    notes = [SAME_PADDING_NOTE]
    if any(d != 1 for d in _per_dim(dilation, ndim)):
        notes.append(CONV_DILATION_NOTE)
    return _finish(outs, CONV_FORMULA, steps, notes)


def conv_transpose_size(size: IntOrPair, kernel: IntOrPair, stride: IntOrPair = 1, padding: IntOrPair = 0,
                        dilation: IntOrPair = 1, output_padding: IntOrPair = 0) -> Result:
    """ConvTranspose1d/2d output size. value: int for 1-D, (h, w) when any argument is a pair."""
    ndim = _spatial_dims(size=size, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                         output_padding=output_padding)
    steps, outs = [], []
    for dim, n, k, s, p, d, op in zip(DIM_NAMES[ndim], *(_per_dim(v, ndim) for v in
                                      (size, kernel, stride, padding, dilation, output_padding))):
        out = checked_conv_transpose_out(n, k, s, p, d, op, dim)
        outs.append(out)
        steps.append(f"{_label(dim)}({n}−1)×{s} − 2×{p} + {d}×({k}−1) + {op} + 1 "
                     f"= {(n - 1) * s} − {2 * p} + {d * (k - 1)} + {op} + 1 = {out}")
    return _finish(outs, CONV_TRANSPOSE_FORMULA, steps, list(TRANSPOSE_NOTES))


def pool_size(size: IntOrPair, kernel: IntOrPair, stride: IntOrPair | None = None, padding: IntOrPair = 0,
              dilation: IntOrPair = 1, ceil_mode: bool = False, avg: bool = False) -> Result:
    """MaxPool/AvgPool (1-D or 2-D) output size; stride None means stride = kernel (PyTorch's default).

    value: int for 1-D, (h, w) when any argument is a pair.
    """
    ndim = _spatial_dims(size=size, kernel=kernel, stride=stride, padding=padding, dilation=dilation)
    steps, outs = [], []
    for dim, n, k, s, p, d in zip(DIM_NAMES[ndim], *(_per_dim(v, ndim) for v in
                                                      (size, kernel, stride, padding, dilation))):
        out = checked_pool_out(n, k, s, p, d, ceil_mode, avg, dim)
        s = k if s is None else s
        outs.append(out)
        steps.extend(_ceil_steps(n, k, s, p, d, out, dim) if ceil_mode
                     else [_floor_steps(n, k, s, p, d, out, dim)])
    notes = [POOL_ROUNDING_NOTE, POOL_FORMULA_NOTE, POOL_PADDING_NOTE]
    if stride is None:
        notes.append(POOL_STRIDE_NOTE)
    if ceil_mode:
        notes.append(POOL_CEIL_NOTE)
    return _finish(outs, POOL_CEIL_FORMULA if ceil_mode else POOL_FLOOR_FORMULA, steps, notes)


def _ceil_steps(n: int, k: int, s: int, p: int, d: int, out: int, dim: str) -> list[str]:
    span = n + 2 * p - d * (k - 1) - 1
    rounded_up = -(-span // s)
    windows = rounded_up + 1
    last_start = (windows - 1) * s
    lines = [f"{_label(dim)}⌈({n} + 2×{p} − {d}×({k}−1) − 1)/{s}⌉ + 1 = ⌈{_num(span)}/{s}⌉ + 1 "
             f"= {_num(rounded_up)} + 1 = {windows}"]
    if windows == out:
        lines.append(f"{_label(dim)}last window starts at ({windows}−1)×{s} = {last_start} "
                     f"< n + p = {n + p}: keep it → {out}")
    else:
        lines.append(f"{_label(dim)}last window would start at ({windows}−1)×{s} = {last_start} "
                     f"≥ n + p = {n + p}, in the right padding: drop it → {out}")
    return lines
