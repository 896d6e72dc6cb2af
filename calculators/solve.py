"""Inverse problems for conv / transposed conv / pooling sizes, one dimension at a time.

Which padding keeps the size, which padding / stride / kernel gives a wanted output, and which
input sizes map to a given output. The only module in calculators/ that uses SymPy: it solves the
size relation symbolically for the unknown (so the derivation shows the general bound), then the
integer candidates inside those bounds are checked one by one with the validated forward
functions of calculators.conv, which carry PyTorch's rules (p ≤ k/2 for pooling, the ceil_mode
drop rule, output_padding < max(s, d)). Checking, not trusting the algebra, keeps every listed
solution exact.

Nothing imports this module at start-up; the CLI imports it inside its handler. SymPy itself is
imported on first use (about a second), so input errors are reported without waiting for it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cache
from math import ceil, floor
from typing import TYPE_CHECKING, Any

from calculators import conv, limits
from calculators.result import Result
from dlquiz.errors import InputError

if TYPE_CHECKING:
    import sympy  # imported on first use at run time (`_symbols`): it takes about a second

OPS = ("conv", "transposed", "pool")
UNKNOWNS = ("padding", "stride", "kernel", "input_size")
MAX_CANDIDATES = limits.MAX_CANDIDATES  # far above any real layer; stops `--stride 10**9` from hanging the CLI
SHOWN_CHECKS = 8  # candidate checks listed one per line before summarising

LETTER_OF = {"input_size": "n", "kernel": "k", "stride": "s", "padding": "p"}

FLOOR_RELATION = "⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 = out  ⇔  (out−1)·s ≤ n + 2p − d(k−1) − 1 ≤ out·s − 1"
CEIL_RELATION = ("⌈(n + 2p − d(k−1) − 1)/s⌉ + 1 = out or out + 1 (PyTorch may drop the last window)  ⇔  "
                 "(out−2)·s + 1 ≤ n + 2p − d(k−1) − 1 ≤ out·s")
TRANSPOSED_RELATION = "(n − 1)·s − 2p + d(k−1) + output_padding + 1 = out"
FLOOR_NOTE = ("rounding (⌊ ⌋, or ⌈ ⌉ with ceil_mode) makes this many-to-one: up to s consecutive input "
              "sizes give the same output, so inverse questions can have several answers.")


@dataclass(frozen=True)
class Solutions:
    """Integer solutions for one unknown, ascending.

    every_from: when set, every integer ≥ every_from is a solution too (e.g. any stride larger than
    the padded input gives out = 1); `values` then lists only the solutions below it.
    """

    unknown: str
    values: tuple[int, ...]
    every_from: int | None = None

    def to_dict(self) -> dict:
        return {"unknown": self.unknown, "solutions": list(self.values), "every_value_from": self.every_from}


@dataclass(frozen=True)
class SamePadding:
    """Padding that keeps the size (stride 1) or gives ⌈n/s⌉ (stride > 1, TensorFlow's "SAME").

    symmetric: every p (same on both sides) that does it; empty when none exists.
    total: the smallest total padding left + right; left/right: how PyTorch's padding='same' and
    TensorFlow split it (the odd pixel goes right/bottom).
    """

    target_size: int | None
    symmetric: tuple[int, ...]
    total: int
    left: int
    right: int

    def to_dict(self) -> dict:
        return {"target_size": self.target_size, "symmetric_padding": list(self.symmetric),
                "total_padding": self.total, "padding_left": self.left, "padding_right": self.right}


# ---------------------------------------------------------------- forward model and validation

@dataclass(frozen=True)
class _Layer:
    """One dimension of a layer; the unknown field is None until a candidate is tried."""

    op: str
    size: int | None
    kernel: int | None
    stride: int | None  # None for pooling means stride = kernel
    padding: int | None
    dilation: int = 1
    output_padding: int = 0
    ceil_mode: bool = False
    avg: bool = False

    def with_value(self, unknown: str, value: int) -> _Layer:
        field = "size" if unknown == "input_size" else unknown
        changes: dict[str, Any] = {field: value}
        return replace(self, **changes)

    def output(self) -> int:
        """Validated output size; raises InputError where PyTorch raises."""
        n, k, p, d = _filled(self.size), _filled(self.kernel), _filled(self.padding), self.dilation
        if self.op == "conv":
            return conv.checked_conv_out(n, k, _filled(self.stride), p, d)
        if self.op == "transposed":
            return conv.checked_conv_transpose_out(n, k, _filled(self.stride), p, d, self.output_padding)
        return conv.checked_pool_out(n, k, self.stride, p, d, self.ceil_mode, self.avg)

    def knowns(self, unknown: str) -> dict:
        """Numbers to substitute into the symbolic relation (everything but the unknown)."""
        values = {"n": self.size, "k": self.kernel, "s": self.stride, "p": self.padding, "d": self.dilation,
                  "output_padding": self.output_padding}
        values.pop(LETTER_OF[unknown])
        return {name: v for name, v in values.items() if v is not None}

    def describe(self, unknown: str, out: int) -> str:
        shown = {"n": self.size, "k": self.kernel, "s": self.stride, "p": self.padding, "d": self.dilation}
        if self.op == "transposed":
            shown["output_padding"] = self.output_padding
        shown.pop(LETTER_OF[unknown])
        parts = [f"{name} = {v}" for name, v in shown.items() if v is not None]
        if self.op == "pool" and self.stride is None and unknown != "stride":
            parts.append("s = k")
        return ", ".join(parts + [f"out = {out}"])


def _filled(value: int | None) -> int:
    """A field that is known by now: only the unknown is None, and `with_value` sets it before `output`.

    (Pooling's stride is the exception, None meaning stride = kernel; it is not passed through here.)
    """
    if value is None:
        raise ValueError("a layer field is still None: set the unknown with with_value() first")
    return value


def _validate_layer(layer: _Layer, unknown: str | None) -> None:
    """Refuse impossible known values up front, with the same one-line messages as the calculators."""
    if layer.op not in OPS:
        raise InputError(f"operation must be one of {', '.join(OPS)}, got {layer.op!r}")
    positive, non_negative = conv.require_positive, conv.require_non_negative
    checks = (("size", layer.size, positive), ("kernel", layer.kernel, positive),
              ("stride", layer.stride, positive), ("padding", layer.padding, non_negative),
              ("dilation", layer.dilation, positive),
              ("output_padding", layer.output_padding, non_negative))
    for name, value, check in checks:
        if value is not None:
            check(name, value)
    if layer.op == "pool" and layer.avg and layer.dilation != 1:
        raise InputError(f"dilation {layer.dilation} is not available for average pooling "
                         f"(PyTorch's AvgPool has no dilation); use 1")
    if layer.ceil_mode and layer.op != "pool":
        raise InputError("ceil_mode applies to pooling only")
    if layer.output_padding and layer.op != "transposed":
        raise InputError("output_padding applies to transposed convolution only")
    if layer.op == "pool" and unknown != "kernel" and layer.kernel is not None and layer.padding is not None \
            and layer.padding > layer.kernel // 2:
        raise InputError(f"padding {layer.padding} is more than half the kernel {layer.kernel} "
                         f"(PyTorch requires p ≤ k/2 for pooling)")


# ---------------------------------------------------------------- symbolic part

@cache
def _symbols():
    """SymPy and the formula's symbols, loaded on first use: (sympy, n, k, s, p, d, output_padding, out)."""
    import sympy

    return (sympy, *sympy.symbols("n k s p d output_padding out", integer=True))


def _show(expr) -> str:
    """SymPy expression in the Unicode style of the formulas, grouped like them: d·(k − 1), s·(out − 1)."""
    sympy, _, _, S, _, D, _, _ = _symbols()
    numerator, denominator = sympy.fraction(sympy.together(expr))
    if denominator.could_extract_minus_sign():  # (−d − n)/(−d − out) reads better as (d + n)/(d + out)
        numerator, denominator = -numerator, -denominator
    numerator = sympy.collect(sympy.expand(numerator), [D, S])
    text = sympy.sstr(numerator)
    if denominator != 1:  # printed by hand: SymPy would distribute 1/2 over the sum again
        below = sympy.sstr(denominator)
        text = (f"({text})" if numerator.is_Add else text) + "/" + (f"({below})" if denominator.is_Add else below)
    return text.replace("**", "^").replace("*", "·").replace("-", "−")


def _show_number(value: Fraction) -> str:
    return str(value).replace("-", "−")


@dataclass(frozen=True)
class _Bound:
    """One linear relation `expr ≤ 0` (or `expr = 0`) solved symbolically for the unknown x."""

    expr: sympy.Expr
    coefficient: sympy.Expr  # ∂expr/∂x: its sign after substitution says whether x ≤ or x ≥ boundary
    boundary: sympy.Expr  # the x where expr = 0, in terms of the other symbols
    boundary_text: str


@cache
def _symbolic_bounds(op: str, ceil_mode: bool, stride_is_kernel: bool,
                     unknown: str) -> tuple[str, tuple[_Bound, ...]]:
    """The size relation for this kind of layer, solved for `unknown` once (SymPy is slow; cache it)."""
    sympy, N, K, S, P, D, OUTPUT_PADDING, OUT = _symbols()
    x = sympy.Symbol(LETTER_OF[unknown], integer=True)
    inner = N + 2 * P - D * (K - 1) - 1
    if op == "transposed":
        relation, exprs = TRANSPOSED_RELATION, [(N - 1) * S - 2 * P + D * (K - 1) + OUTPUT_PADDING + 1 - OUT]
    elif op == "pool" and ceil_mode:
        relation, exprs = CEIL_RELATION, [(OUT - 2) * S + 1 - inner, inner - OUT * S]
    else:
        relation, exprs = FLOOR_RELATION, [(OUT - 1) * S - inner, inner - (OUT * S - 1)]
    if stride_is_kernel:
        exprs = [e.subs(S, K) for e in exprs]  # PyTorch's default stride for pooling is the kernel
    bounds = []
    for expr in exprs:
        boundary = sympy.solve(expr, x, simplify=False, rational=False)[0]  # linear: no simplify needed
        bounds.append(_Bound(expr, sympy.diff(expr, x), boundary, _show(boundary)))
    return relation, tuple(bounds)


def _solve_bounds(bounds: tuple[_Bound, ...], x, knowns: dict, is_equation: bool
                  ) -> tuple[Fraction | None, Fraction | None, list[str], bool]:
    """Real interval [lo, hi] for x (None: unbounded), the lines that derive it, and whether it is empty."""
    lo = hi = None
    symbolic: list[str] = []
    numeric: list[str] = []
    relation = "=" if is_equation else "≤"
    for bound in bounds:
        coefficient = bound.coefficient.xreplace(knowns)
        if coefficient == 0:  # x drops out: the relation holds for every x or for none
            rest = bound.expr.xreplace(knowns)
            holds = rest == 0 if is_equation else rest <= 0
            numeric.append(f"{_show_number(Fraction(int(rest.p), int(rest.q)))} {relation} 0 does not involve "
                           f"{x}: {'holds for every' if holds else 'fails for every'} {x}")
            if not holds:
                return None, None, _bound_lines(x, symbolic, numeric), True
            continue
        value = bound.boundary.xreplace(knowns)
        exact = Fraction(int(value.p), int(value.q))
        direction = "=" if is_equation else "≤" if coefficient > 0 else "≥"
        symbolic.append(f"{x} {direction} {bound.boundary_text}")
        numeric.append(f"{x} {direction} {_show_number(exact)}")
        if direction in "=≤":
            hi = exact if hi is None else min(hi, exact)
        if direction in "=≥":
            lo = exact if lo is None else max(lo, exact)
    return lo, hi, _bound_lines(x, symbolic, numeric), False


def _bound_lines(x, symbolic: list[str], numeric: list[str]) -> list[str]:
    lines = [f"solve for {x} (SymPy): " + ",  ".join(symbolic)] if symbolic else []
    return lines + ["substitute: " + ",  ".join(numeric)]


def _integer_range(lo: Fraction | None, hi: Fraction | None, smallest: int) -> tuple[int, int | None]:
    """Integers in [lo, hi] that are ≥ smallest; the second item None means unbounded."""
    first = smallest if lo is None else max(smallest, ceil(lo))
    return first, None if hi is None else floor(hi)


# ---------------------------------------------------------------- candidate checking

def _check_candidates(layer: _Layer, unknown: str, out: int, first: int, last: int) -> tuple[list[int], list[str]]:
    """Candidates in [first, last] that really give `out`, plus a readable log of the checks."""
    if last - first + 1 > MAX_CANDIDATES:
        raise InputError(f"{last - first + 1} candidate values for {unknown}; "
                         f"this calculator checks at most {MAX_CANDIDATES}")
    good: list[int] = []
    log: list[str] = []
    letter = LETTER_OF[unknown]
    for value in range(first, last + 1):
        try:
            got = layer.with_value(unknown, value).output()
        except InputError as exc:
            log.append(f"{letter} = {value}: rejected, {exc}")
            continue
        if got == out:
            good.append(value)
            log.append(f"{letter} = {value} → {got} ✓")
        else:  # only possible for ceil_mode, whose candidate range includes dropped-window cases
            log.append(f"{letter} = {value} → {got} ✗")
    if len(log) > SHOWN_CHECKS:
        log = log[:SHOWN_CHECKS // 2] + [f"… {len(log) - SHOWN_CHECKS} more checked …"] + log[-SHOWN_CHECKS // 2:]
    return good, log


def _tail_start(layer: _Layer, unknown: str, out: int, first: int) -> int:
    """A value past which the output no longer depends on the unknown (stride or kernel).

    Unbounded cases: out = 1 for any stride larger than the padded input; transposed conv with n = 1
    ignores the stride; and pooling with ceil_mode, d = 1 and the default stride = kernel gives out = 1
    for every kernel past n + 2p (PyTorch accepts a window larger than the input there). Past
    n + 2p + d·k + s + output_padding the floor/ceil, the drop rule and output_padding < max(s, d)
    all stop changing.
    """
    n, k, s, p, d = _filled(layer.size), layer.kernel, layer.stride, _filled(layer.padding), layer.dilation
    return first + n + 2 * p + d * (k or 1) + (s or 0) + layer.output_padding + 2


def _solve(layer: _Layer, unknown: str, out: int) -> Result:
    if unknown not in UNKNOWNS:
        raise InputError(f"unknown must be one of {', '.join(UNKNOWNS)}, got {unknown!r}")
    out = conv.require_positive("out", out)
    _validate_layer(layer, unknown)
    sympy = _symbols()[0]
    x = sympy.Symbol(LETTER_OF[unknown], integer=True)
    stride_is_kernel = layer.op == "pool" and layer.stride is None and unknown != "stride"
    relation, bounds = _symbolic_bounds(layer.op, layer.ceil_mode, stride_is_kernel, unknown)
    knowns = {sympy.Symbol(name, integer=True): sympy.Integer(v)
              for name, v in {**layer.knowns(unknown), "out": out}.items()}
    lo, hi, steps, empty = _solve_bounds(bounds, x, knowns, is_equation=layer.op == "transposed")
    steps.insert(0, "given " + layer.describe(unknown, out))
    smallest = 0 if unknown == "padding" else 1
    first, last = _integer_range(lo, hi, smallest)

    every_from = None
    good: list[int]
    log: list[str]
    if empty:
        good, log = [], []
    elif last is None:
        cap = _tail_start(layer, unknown, out, first)
        good, log = _check_candidates(layer, unknown, out, first, cap)
        if good and good[-1] == cap:  # the tail is all solutions: report where it begins
            every_from, found = cap, set(good)
            while every_from - 1 in found:
                every_from -= 1
            good = [v for v in good if v < every_from]
        steps.append(f"integer candidates: {x} ≥ {first} (checked up to {cap}, beyond which nothing changes)")
    elif first > last:
        good, log = [], []
        steps.append(f"no integer {x} ≥ {smallest} satisfies the bounds")
    else:
        good, log = _check_candidates(layer, unknown, out, first, last)
        steps.append(f"integer candidates: {first} ≤ {x} ≤ {last}")
    steps.extend(log)
    answer = _answer_line(unknown, good, every_from)
    if not good and every_from is None:
        answer = _no_solution_hint(layer, unknown, out) or answer
    steps.append(answer)
    notes = [] if layer.op == "transposed" else [FLOOR_NOTE]
    if layer.op == "pool":
        notes.append(conv.POOL_PADDING_NOTE)
    return Result(Solutions(unknown, tuple(good), every_from), relation, tuple(steps), tuple(notes))


def _answer_line(unknown: str, values: list[int], every_from: int | None) -> str:
    letter = LETTER_OF[unknown]
    if every_from is not None:
        listed = f"{letter} ∈ {{{', '.join(map(str, values))}}} and " if values else ""
        return f"→ {listed}every {letter} ≥ {every_from}"
    if not values:
        return f"→ no {unknown.replace('_', ' ')} gives this output"
    if unknown == "input_size" and len(values) > 2:
        return f"→ {values[0]} ≤ n ≤ {values[-1]} ({len(values)} sizes)"
    return f"→ {letter} ∈ {{{', '.join(map(str, values))}}}"


def _no_solution_hint(layer: _Layer, unknown: str, out: int) -> str:
    """The answer line when nothing works: why, and what would ('' when there is nothing more useful to say).

    padding (conv): symmetric p adds an even total 2p; at stride 1 the size relation pins the total to one value,
    and when that value is odd only asymmetric padding hits `out`. stride: s = 1 gives the largest output, so a
    bigger `out` needs padding, or a transposed conv to grow past the input.
    """
    if unknown == "padding" and layer.op == "conv":
        n, k, s, d = _filled(layer.size), _filled(layer.kernel), _filled(layer.stride), layer.dilation
        # ⌊(n + T − d(k−1) − 1)/s⌋ + 1 = out for a total padding T = left + right in [lowest, highest]
        lowest, highest = (out - 1) * s - n + d * (k - 1) + 1, out * s - n + d * (k - 1)
        if highest < 0:
            return (f"→ no padding gives this output: with none it is already {conv.conv_out(n, k, s, 0, d)}, and "
                    f"padding only adds to it; a larger stride or kernel would shrink it (solve stride / solve kernel)")
        total = max(lowest, 0)
        left, right = total // 2, total - total // 2
        how = (f"PyTorch's padding='same'; `dlquiz calc solve same --kernel {k}"
               f"{f' --dilation {d}' if d != 1 else ''}` shows it") if s == 1 and out == n else "F.pad before the conv"
        return (f"→ no symmetric padding gives this output: the total padding must be {total}, which is odd; pad "
                f"asymmetrically, {left} left/top + {right} right/bottom ({how})")
    if unknown == "padding" and layer.op == "transposed":
        n, k, s, d = _filled(layer.size), _filled(layer.kernel), _filled(layer.stride), layer.dilation
        twice_p = (n - 1) * s + d * (k - 1) + layer.output_padding + 1 - out
        if twice_p < 0:
            return (f"→ no padding gives this output: p = 0 already gives the largest, {out + twice_p}; a larger "
                    f"stride, kernel or output_padding would grow it")
        return (f"→ no padding gives this output: 2p would have to be {twice_p}, which is odd; output_padding one "
                f"higher or lower fixes the parity (it must stay < max(stride, dilation))")
    if unknown == "stride" and layer.op in ("conv", "pool"):
        try:
            largest = layer.with_value("stride", 1).output()
        except InputError:
            return ""
        if out <= largest:
            return ""
        n = _filled(layer.size)
        if out > n:
            return (f"→ no stride gives this output: no stride gives more than s = 1 does ({largest}); to grow {n} to "
                    f"{out}, use a transposed conv (add --transposed)")
        return (f"→ no stride gives this output: s = 1 already gives the largest, {largest}; more padding would "
                f"reach {out} (solve padding)")
    return ""


# ---------------------------------------------------------------- public API

def solve_padding(size: int, kernel: int, out: int, stride: int | None = None, dilation: int = 1, *,
                  op: str = "conv", ceil_mode: bool = False, avg: bool = False,
                  output_padding: int = 0) -> Result:
    """Every symmetric padding p ≥ 0 with output size `out`. value: Solutions.

    stride None means 1 for conv/transposed and the kernel for pooling (PyTorch's defaults).
    """
    layer = _Layer(op, size, kernel, _default_stride(op, stride), None, dilation, output_padding, ceil_mode, avg)
    return _solve(layer, "padding", out)


def solve_stride(size: int, kernel: int, out: int, padding: int = 0, dilation: int = 1, *,
                 op: str = "conv", ceil_mode: bool = False, avg: bool = False,
                 output_padding: int = 0) -> Result:
    """Every stride s ≥ 1 with output size `out`. value: Solutions (every_from for unbounded tails)."""
    layer = _Layer(op, size, kernel, None, padding, dilation, output_padding, ceil_mode, avg)
    return _solve(layer, "stride", out)


def solve_kernel(size: int, out: int, stride: int | None = None, padding: int = 0, dilation: int = 1, *,
                 op: str = "conv", ceil_mode: bool = False, avg: bool = False,
                 output_padding: int = 0) -> Result:
    """Every kernel size k ≥ 1 with output size `out`. value: Solutions.

    For pooling with stride None the stride follows the kernel (s = k), as in PyTorch.
    """
    layer = _Layer(op, size, None, _default_stride(op, stride), padding, dilation, output_padding, ceil_mode, avg)
    return _solve(layer, "kernel", out)


def solve_input(out: int, kernel: int, stride: int | None = None, padding: int = 0, dilation: int = 1, *,
                op: str = "conv", ceil_mode: bool = False, avg: bool = False,
                output_padding: int = 0) -> Result:
    """Every input size n with output size `out`: a run of consecutive integers. value: Solutions."""
    layer = _Layer(op, None, kernel, _default_stride(op, stride), padding, dilation, output_padding, ceil_mode,
                   avg)
    return _solve(layer, "input_size", out)


def same_padding(kernel: int, stride: int = 1, dilation: int = 1, size: int | None = None) -> Result:
    """Conv padding that keeps the size (stride 1) or gives ⌈n/s⌉ (stride > 1; needs `size`).

    value: SamePadding. Stride 1: n cancels, p = d(k−1)/2, which is an integer only when d(k−1) is
    even; otherwise only asymmetric padding works.
    """
    k = conv.require_positive("kernel", kernel)
    s = conv.require_positive("stride", stride)
    d = conv.require_positive("dilation", dilation)
    n = None if size is None else conv.require_positive("size", size)
    if s == 1:
        return _same_stride_one(k, d, n)
    if n is None:
        raise InputError(f"with stride {s} the 'same' padding depends on the input size; give a size")
    return _same_strided(n, k, s, d)


def _same_stride_one(k: int, d: int, n: int | None) -> Result:
    # Stride 1 removes the floor, so "out = n" is a plain linear equation in p; SymPy shows n cancels.
    sympy, N, K, _, P, D, _, _ = _symbols()
    equation = sympy.Eq(N + 2 * P - D * (K - 1) - 1 + 1, N)
    p_symbolic = sympy.solve(equation, P, simplify=False, rational=False)[0]
    p_value = p_symbolic.subs({K: k, D: d})
    total = d * (k - 1)
    left, right = total // 2, total - total // 2
    steps = [f"stride 1: n + 2p − d(k−1) − 1 + 1 = n  →  p = {_show(p_symbolic)} (n cancels: any input size)",
             f"p = {d}×({k}−1)/2 = {_show(p_value)}"]
    notes = [conv.SAME_PADDING_NOTE]
    symmetric: tuple[int, ...]
    if p_value.is_integer:
        symmetric = (int(p_value),)
        steps.append(f"→ p = {int(p_value)} on each side")
    else:
        symmetric = ()
        steps.append(f"→ no symmetric padding: d(k−1) = {total} is odd; pad {left} on the left/top and "
                     f"{right} on the right/bottom (PyTorch padding='same')")
        notes.append("an even kernel (with odd dilation) has no centre pixel, so 'same' needs one more "
                     "pixel of padding on one side; symmetric p gives n − 1 or n + 1.")
    if n is not None:
        for p in symmetric:  # the algebra says so; the forward formula confirms it
            steps.insert(-1, f"check: ⌊({n} + 2×{p} − {d}×({k}−1) − 1)/1⌋ + 1 = {conv.conv_out(n, k, 1, p, d)}")
    return Result(SamePadding(n, symmetric, total, left, right),
                  "out = n  ⇔  n + 2p − d(k−1) − 1 + 1 = n  ⇔  p = d(k−1)/2", tuple(steps), tuple(notes))


def _same_strided(n: int, k: int, s: int, d: int) -> Result:
    target = -(-n // s)
    # TensorFlow's SAME: the smallest total padding that lets ⌈n/s⌉ windows fit.
    total = max((target - 1) * s + d * (k - 1) + 1 - n, 0)
    left, right = total // 2, total - total // 2
    padding = solve_padding(n, k, target, s, d)
    symmetric = padding.value.values
    steps = [f"stride {s} > 1: 'same' means out = ⌈n/s⌉ = ⌈{n}/{s}⌉ = {target} (TensorFlow's SAME)",
             f"total padding = max((out−1)·s + d(k−1) + 1 − n, 0) "
             f"= max({target - 1}×{s} + {d}×({k}−1) + 1 − {n}, 0) = {total}: "
             f"{left} left/top, {right} right/bottom",
             *padding.steps[1:-1]]
    if symmetric:
        steps.append(f"→ symmetric p ∈ {{{', '.join(map(str, symmetric))}}}; or the minimal total {total} "
                     f"as {left} left/top + {right} right/bottom")
    else:
        steps.append(f"→ no symmetric padding; pad {left} left/top and {right} right/bottom")
    notes = (f"keeping n itself with stride {s} would need p ≥ ((s−1)(n−1) + d(k−1))/2, i.e. "
             "padding about as large as the input; nobody does that.",
             "PyTorch's padding='same' refuses stride > 1; set the padding explicitly.")
    return Result(SamePadding(target, symmetric, total, left, right),
                  "out = ⌈n/s⌉  with  out = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1", tuple(steps), notes)


def _default_stride(op: str, stride: int | None) -> int | None:
    if stride is not None or op == "pool":
        return stride
    return 1
