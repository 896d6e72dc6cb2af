"""IoU, GIoU, DIoU and CIoU for axis-aligned boxes (x1, y1, x2, y2).

Conventions
- Continuous coordinates by default: width = x2 − x1 (what torchvision, mmdet and COCO-era code use).
- `pixel_inclusive=True` is the old Pascal VOC convention: a box covers pixels x1..x2 inclusive,
  so width = x2 − x1 + 1 (same for intersection and enclosing box). Centres stay (x1 + x2)/2.
- Zero-area or reversed boxes are an `InputError` naming the box, never NaN.
- Argument order is (pred, gt). IoU, GIoU and DIoU are symmetric; CIoU's value is symmetric too
  (v squares the aspect-angle difference) but the CIoU paper writes v with the ground truth's
  aspect ratio first, and as a loss only pred receives the gradient, so the order is documented.

Scalar functions return a `Result` with the derivation; with integer (or Fraction) coordinates the
IoU/GIoU/DIoU arithmetic is exact and the steps show fractions such as 25/175 = 1/7.
"""
from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from calculators.limits import shorten
from calculators.parsing import parse_number
from calculators.result import Result
from dlquiz.errors import InputError

__all__ = ["parse_box", "iou", "giou", "diou", "ciou", "box_metrics"]

BOX_FORM = "(x1, y1, x2, y2) with x1 < x2 and y1 < y2"
MAX_MAGNITUDE = 1e100  # keeps float conversions (atan, squares) of huge coordinates finite
CLI_BOX_FORM = "X1,Y1,X2,Y2 (four numbers separated by commas, e.g. 0,0,10,10)"

Number = int | float | Fraction


# ---------------------------------------------------------------- parsing and validation

def parse_box(text: str, label: str = "box") -> tuple[int | float, ...]:
    """'0,0,10,10' → (0, 0, 10, 10). Only the text form is checked here; `iou()` etc. check geometry."""
    shown = shorten(text.strip())
    count = text.count(",") + 1  # before splitting: a pasted megabyte is refused at once
    if count != 4:
        raise InputError(f"{label} '{shown}' has {count} comma-separated values; expected {CLI_BOX_FORM}")
    values = []
    for i, piece in enumerate(text.split(","), start=1):
        value = parse_number(piece, f"{label}: value {i}")
        if value is None:
            raise InputError(f"{label} '{shown}': value {i} '{shorten(piece.strip())}' is not a finite number; "
                             f"expected {CLI_BOX_FORM}")
        values.append(value)
    return tuple(values)


def _fmt(x: Number | numbers.Real) -> str:
    """Short display: 10, 1/7, 0.142857."""
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    if isinstance(x, numbers.Integral):
        return str(int(x))
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def _box_text(box: Sequence[Number]) -> str:
    return "(" + ", ".join(_fmt(c) for c in box) + ")"


def _short(x) -> str:
    """A coordinate for an error message: 100-digit integers are cut, so the message stays one short line."""
    return shorten(_fmt(x) if isinstance(x, numbers.Real) else repr(x), 24)


def _short_box(box: Sequence) -> str:
    return "(" + ", ".join(_short(c) for c in box) + ")"


def _coerce_box(box, label: str) -> tuple:
    """Four finite real numbers, or InputError naming the box."""
    try:
        coords = tuple(box)
    except TypeError:
        raise InputError(f"{label} box {box!r} is not a sequence; expected {BOX_FORM}") from None
    if len(coords) != 4:
        raise InputError(f"{label} box {box!r} has {len(coords)} values; expected {BOX_FORM}")
    for c in coords:
        if isinstance(c, bool) or not isinstance(c, numbers.Real) or not math.isfinite(c):
            raise InputError(f"{label} box {box!r} contains {c!r}, not a finite number; expected {BOX_FORM}")
        if abs(int(c) if isinstance(c, numbers.Integral) else float(c)) > MAX_MAGNITUDE:
            raise InputError(f"{label} box {_short_box(coords)} has a coordinate above 1e100 in size; "
                             f"use |coordinate| ≤ 1e100")
    return coords


def _check_extent(raw: tuple, label: str, one: int) -> None:
    """Reject reversed and zero-width/height boxes; `one` is 1 for the pixel-inclusive convention."""
    x1, y1, x2, y2 = raw
    for axis, lo, hi, size in (("x", x1, x2, "width"), ("y", y1, y2, "height")):
        extent = hi - lo + one
        if extent > 0:
            continue
        rule = (f"pixel-inclusive boxes need {axis}2 ≥ {axis}1" if one else f"boxes are {BOX_FORM}")
        problem = "zero " + size if extent == 0 else "reversed " + axis
        raise InputError(f"{label} box {_short_box(raw)} has {problem} ({axis}1 = {_short(lo)}, "
                         f"{axis}2 = {_short(hi)}); {rule}")


# ---------------------------------------------------------------- pair geometry

@dataclass(frozen=True)
class _PairGeometry:
    """Every intermediate quantity the four metrics share, in exact Fractions or floats."""

    pred: tuple
    gt: tuple
    one: int                   # 1 under the pixel-inclusive convention, else 0
    exact: bool
    w_p: Number
    h_p: Number
    w_g: Number
    h_g: Number
    inter_box: tuple           # max of starts, min of ends (may be empty)
    iw: Number
    ih: Number
    inter: Number
    union: Number
    enclosing_box: tuple       # min of starts, max of ends
    ew: Number
    eh: Number
    enclosing_area: Number
    centre_p: tuple
    centre_g: tuple
    rho2: Number               # squared centre distance
    c2: Number                 # squared enclosing-box diagonal

    @property
    def area_p(self) -> Number:
        return self.w_p * self.h_p

    @property
    def area_g(self) -> Number:
        return self.w_g * self.h_g

    @property
    def iou(self) -> Number:
        return self.inter / self.union


def _fraction(c: numbers.Rational) -> Fraction:
    return Fraction(int(c)) if isinstance(c, numbers.Integral) else Fraction(c)


def _geometry(pred, gt, pixel_inclusive: bool) -> _PairGeometry:
    raw_p, raw_g = _coerce_box(pred, "pred"), _coerce_box(gt, "gt")
    one = 1 if pixel_inclusive else 0
    _check_extent(raw_p, "pred", one)
    _check_extent(raw_g, "gt", one)
    # Exact arithmetic when every coordinate is rational (ints, Fractions, numpy ints).
    exact = all(isinstance(c, numbers.Rational) for c in raw_p + raw_g)
    p: tuple[Number, ...]
    g: tuple[Number, ...]
    if exact:
        p, g = tuple(map(_fraction, raw_p)), tuple(map(_fraction, raw_g))
    else:
        p, g = tuple(map(float, raw_p)), tuple(map(float, raw_g))

    w_p, h_p = p[2] - p[0] + one, p[3] - p[1] + one
    w_g, h_g = g[2] - g[0] + one, g[3] - g[1] + one
    if not exact:  # an area below the smallest normal float (e.g. 1e-320 sides) rounds to 0 or loses its digits
        for label, raw, area in (("pred", raw_p, w_p * h_p), ("gt", raw_g, w_g * h_g)):
            if area < sys.float_info.min:
                raise InputError(f"{label} box {_short_box(raw)} is too small for floating-point arithmetic (its "
                                 f"area {_fmt(area)} is below 2.2e-308); scale all coordinates up by the same "
                                 f"factor: IoU, GIoU, DIoU and CIoU do not change")
    inter_box = (max(p[0], g[0]), max(p[1], g[1]), min(p[2], g[2]), min(p[3], g[3]))
    iw = max(0, inter_box[2] - inter_box[0] + one)
    ih = max(0, inter_box[3] - inter_box[1] + one)
    inter = iw * ih
    union = w_p * h_p + w_g * h_g - inter
    enclosing_box = (min(p[0], g[0]), min(p[1], g[1]), max(p[2], g[2]), max(p[3], g[3]))
    ew = enclosing_box[2] - enclosing_box[0] + one
    eh = enclosing_box[3] - enclosing_box[1] + one
    centre_p = ((p[0] + p[2]) / 2, (p[1] + p[3]) / 2)
    centre_g = ((g[0] + g[2]) / 2, (g[1] + g[3]) / 2)
    rho2 = (centre_g[0] - centre_p[0]) ** 2 + (centre_g[1] - centre_p[1]) ** 2
    return _PairGeometry(p, g, one, exact, w_p, h_p, w_g, h_g, inter_box, iw, ih, inter, union,
                         enclosing_box, ew, eh, ew * eh, centre_p, centre_g, rho2, ew * ew + eh * eh)


def _ratio(num: Number, den: Number, exact: bool) -> str:
    """'25/175 = 1/7 ≈ 0.142857' (exact) or '25 / 175 ≈ 0.142857'."""
    if not exact:
        return f"{_fmt(num)} / {_fmt(den)} ≈ {_fmt(float(num) / float(den))}"
    value = Fraction(num) / Fraction(den)
    text = f"{_fmt(num)}/{_fmt(den)}"
    if _fmt(value) != text:
        text += f" = {_fmt(value)}"
    if value.denominator != 1:
        text += f" ≈ {_fmt(float(value))}"
    return text


def _value_text(x: Number) -> str:
    """1/7 ≈ 0.142857 for non-integer Fractions, else the short form."""
    if isinstance(x, Fraction) and x.denominator != 1:
        return f"{_fmt(x)} ≈ {_fmt(float(x))}"
    return _fmt(x)


def _side(lo: Number, hi: Number, one: int) -> str:
    return f"{_fmt(hi)} − {_fmt(lo)} + 1" if one else f"{_fmt(hi)} − {_fmt(lo)}"


def _convention_note(geo: _PairGeometry) -> str:
    if geo.one:
        return ("pixel-inclusive (Pascal VOC) convention: a box covers pixels x1..x2, "
                "so every width/height is x2 − x1 + 1")
    return "continuous coordinates: width = x2 − x1 (use pixel_inclusive / --pixel-inclusive for the old VOC +1)"


# ---------------------------------------------------------------- the study note's IoU sample

def _study_note_iou(cand, gt) -> float | None:
    """The study note's `calculateIoU` with only its syntax error fixed, to show what it returns.

    The note unpacks `cx1 cy1 cx1, cx2 = ...` (a SyntaxError) and then takes min(cy1, gy1) and
    max(cy2, gy2): the *enclosing* y-range, not the intersection's. None where it divides by zero.
    """
    cx1, cy1, cx2, cy2 = cand
    gx1, gy1, gx2, gy2 = gt
    carea = (cx2 - cx1) * (cy2 - cy1)
    garea = (gx2 - gx1) * (gy2 - gy1)
    x1, y1, x2, y2 = max(cx1, gx1), min(cy1, gy1), min(cx2, gx2), max(cy2, gy2)
    w, h = max(0, (x2 - x1)), max(0, (y2 - y1))
    area_intersection = w * h
    area_union = carea + garea - area_intersection
    return None if area_union == 0 else area_intersection / area_union


def _study_note_bug_note(geo: _PairGeometry) -> str:
    head = ("the study note's calculateIoU is wrong: `cx1 cy1 cx1, cx2 = ...` is a SyntaxError "
            "(should be `cx1, cy1, cx2, cy2 = ...`), and it takes min(y1)/max(y2) — the enclosing box's "
            "y-range — where the intersection needs max of the starts and min of the ends on both axes, "
            "whichever way the y-axis points; under Python 2, which the note's other samples use, "
            "int/int also floors IoU to 0")
    if not geo.one:
        noted = _study_note_iou(geo.pred, geo.gt)
        if noted is None or not math.isclose(float(noted), float(geo.iou), rel_tol=1e-12, abs_tol=1e-12):
            shown = "a division by zero" if noted is None else _fmt(float(noted))
            return f"{head}. For these boxes it gives {shown} instead of {_fmt(float(geo.iou))}"
    return f"{head}. E.g. (0,0,10,10) vs (5,5,15,15): it gives 0.6 (75/125) instead of 1/7 (25/175)"


# ---------------------------------------------------------------- scalar metrics

def _iou_steps(geo: _PairGeometry) -> list[str]:
    p, g, one, ib = geo.pred, geo.gt, geo.one, geo.inter_box
    return [
        f"A (pred) = {_box_text(p)}: w = {_side(p[0], p[2], one)} = {_fmt(geo.w_p)}, "
        f"h = {_side(p[1], p[3], one)} = {_fmt(geo.h_p)}, area = {_fmt(geo.area_p)}",
        f"B (gt)   = {_box_text(g)}: w = {_side(g[0], g[2], one)} = {_fmt(geo.w_g)}, "
        f"h = {_side(g[1], g[3], one)} = {_fmt(geo.h_g)}, area = {_fmt(geo.area_g)}",
        f"intersection corners: x1 = max({_fmt(p[0])}, {_fmt(g[0])}) = {_fmt(ib[0])}, "
        f"y1 = max({_fmt(p[1])}, {_fmt(g[1])}) = {_fmt(ib[1])}, "
        f"x2 = min({_fmt(p[2])}, {_fmt(g[2])}) = {_fmt(ib[2])}, "
        f"y2 = min({_fmt(p[3])}, {_fmt(g[3])}) = {_fmt(ib[3])}",
        f"intersection: w = max(0, {_side(ib[0], ib[2], one)}) = {_fmt(geo.iw)}, "
        f"h = max(0, {_side(ib[1], ib[3], one)}) = {_fmt(geo.ih)}, area = {_fmt(geo.inter)}",
        f"union = {_fmt(geo.area_p)} + {_fmt(geo.area_g)} − {_fmt(geo.inter)} = {_fmt(geo.union)}",
        f"IoU = {_ratio(geo.inter, geo.union, geo.exact)}",
    ]


def _iou_summary(geo: _PairGeometry) -> str:
    return f"IoU = {_value_text(geo.iou)} (intersection {_fmt(geo.inter)}, union {_fmt(geo.union)})"


def iou(pred, gt, *, pixel_inclusive: bool = False) -> Result:
    """Intersection over union of two (x1, y1, x2, y2) boxes."""
    geo = _geometry(pred, gt, pixel_inclusive)
    return Result(float(geo.iou), "IoU = area(A ∩ B) / area(A ∪ B)", tuple(_iou_steps(geo)),
                  (_convention_note(geo), _study_note_bug_note(geo)))


def _enclosing_step(geo: _PairGeometry) -> str:
    p, g, e = geo.pred, geo.gt, geo.enclosing_box
    return (f"enclosing box C: x1 = min({_fmt(p[0])}, {_fmt(g[0])}) = {_fmt(e[0])}, "
            f"y1 = min({_fmt(p[1])}, {_fmt(g[1])}) = {_fmt(e[1])}, "
            f"x2 = max({_fmt(p[2])}, {_fmt(g[2])}) = {_fmt(e[2])}, "
            f"y2 = max({_fmt(p[3])}, {_fmt(g[3])}) = {_fmt(e[3])}")


def giou(pred, gt, *, pixel_inclusive: bool = False) -> Result:
    """Generalized IoU (Rezatofighi et al. 2019): IoU − (|C| − |A ∪ B|)/|C|, in [−1, 1]."""
    geo = _geometry(pred, gt, pixel_inclusive)
    penalty = (geo.enclosing_area - geo.union) / geo.enclosing_area
    value = geo.iou - penalty
    steps = (
        _iou_summary(geo),
        _enclosing_step(geo),
        f"area(C) = {_fmt(geo.ew)} × {_fmt(geo.eh)} = {_fmt(geo.enclosing_area)}",
        f"(area(C) − union)/area(C) = ({_fmt(geo.enclosing_area)} − {_fmt(geo.union)})/"
        f"{_fmt(geo.enclosing_area)} = {_value_text(penalty)}",
        f"GIoU = {_fmt(geo.iou)} − {_fmt(penalty)} = {_value_text(value)}",
    )
    return Result(float(value), "GIoU = IoU − (area(C) − area(A ∪ B)) / area(C), C = smallest box enclosing A and B",
                  steps, (_convention_note(geo), "GIoU ∈ [−1, 1]; unlike IoU it still ranks disjoint boxes "
                          "(closer → higher); loss = 1 − GIoU"))


def _distance_steps(geo: _PairGeometry) -> list[str]:
    cp, cg = geo.centre_p, geo.centre_g
    return [
        f"centres: A ({_fmt(cp[0])}, {_fmt(cp[1])}), B ({_fmt(cg[0])}, {_fmt(cg[1])}); "
        f"ρ² = ({_fmt(cg[0])} − {_fmt(cp[0])})² + ({_fmt(cg[1])} − {_fmt(cp[1])})² = {_fmt(geo.rho2)}",
        f"{_enclosing_step(geo)}; diagonal c² = {_fmt(geo.ew)}² + {_fmt(geo.eh)}² = {_fmt(geo.c2)}",
        f"ρ²/c² = {_ratio(geo.rho2, geo.c2, geo.exact)}",
    ]


def diou(pred, gt, *, pixel_inclusive: bool = False) -> Result:
    """Distance IoU (Zheng et al. 2020): IoU − ρ²/c², in (−1, 1]."""
    geo = _geometry(pred, gt, pixel_inclusive)
    value = geo.iou - geo.rho2 / geo.c2
    steps = (_iou_summary(geo), *_distance_steps(geo),
             f"DIoU = {_fmt(geo.iou)} − {_fmt(geo.rho2 / geo.c2)} = {_value_text(value)}")
    return Result(float(value), "DIoU = IoU − ρ²/c², ρ = distance between box centres, c = diagonal of the "
                  "smallest enclosing box C", steps,
                  (_convention_note(geo), "DIoU ∈ (−1, 1]; the centre-distance term keeps a gradient when boxes "
                   "do not overlap, and it still separates nested boxes, where GIoU's penalty is 0 and GIoU = IoU"))


def _aspect_angle(w: Number, h: Number) -> float:
    """atan(w/h) without float(w)/float(h): exact tiny sides would be 0/0, exact huge ratios overflow float()."""
    if isinstance(w, float) or isinstance(h, float):
        return math.atan(w / h)  # both positive normal-area floats here: no ZeroDivisionError
    ratio = Fraction(w) / Fraction(h)
    return math.atan(float(ratio)) if ratio <= 1 else math.pi / 2 - math.atan(float(1 / ratio))


def ciou(pred, gt, *, pixel_inclusive: bool = False) -> Result:
    """Complete IoU (Zheng et al., AAAI 2020): IoU − ρ²/c² − αv.

    v = 4/π²·(atan(w_gt/h_gt) − atan(w/h))² with (w, h) the prediction's size, α = v/((1 − IoU) + v).
    `pred` is the first argument, `gt` the second. When IoU = 1 the boxes are identical, v = 0 and
    α = 0/0; we take α = 0 (implementations add an epsilon to the denominator for the same effect).
    """
    geo = _geometry(pred, gt, pixel_inclusive)
    iou_f = float(geo.iou)
    angle_gt = _aspect_angle(geo.w_g, geo.h_g)
    angle_p = _aspect_angle(geo.w_p, geo.h_p)
    v = 4 / math.pi ** 2 * (angle_gt - angle_p) ** 2
    denominator = (1 - iou_f) + v
    alpha = v / denominator if denominator > 0 else 0.0
    distance_term = float(geo.rho2 / geo.c2)
    value = iou_f - distance_term - alpha * v
    steps = (
        _iou_summary(geo),
        *_distance_steps(geo),
        f"aspect ratios: gt (second box) w/h = {_fmt(geo.w_g)}/{_fmt(geo.h_g)}, "
        f"pred (first box) w/h = {_fmt(geo.w_p)}/{_fmt(geo.h_p)}",
        f"v = 4/π²·(atan({_fmt(geo.w_g)}/{_fmt(geo.h_g)}) − atan({_fmt(geo.w_p)}/{_fmt(geo.h_p)}))² "
        f"= 4/π²·({_fmt(angle_gt)} − {_fmt(angle_p)})² = {_fmt(v)}",
        f"α = v/((1 − IoU) + v) = {_fmt(v)}/((1 − {_fmt(iou_f)}) + {_fmt(v)}) = {_fmt(alpha)}"
        + (" (0/0 for identical boxes, taken as 0)" if denominator == 0 else ""),
        f"CIoU = {_fmt(iou_f)} − {_fmt(distance_term)} − {_fmt(alpha)} × {_fmt(v)} = {_fmt(value)}",
    )
    return Result(value, "CIoU = IoU − ρ²/c² − αv, v = 4/π²·(atan(w_gt/h_gt) − atan(w/h))², "
                  "α = v/((1 − IoU) + v)", steps,
                  (_convention_note(geo),
                   "argument order is (pred, gt); the value is symmetric because v squares the angle "
                   "difference, but as a loss α is held constant and only pred gets gradients",
                   "this is the AAAI-2020 α used by torchvision and mmdet; some codebases set α = 0 when IoU < 0.5"))


def box_metrics(pred, gt, *, pixel_inclusive: bool = False) -> dict[str, Result]:
    """All four metrics, keyed iou/giou/diou/ciou (the CLI's JSON keys)."""
    return {name: fn(pred, gt, pixel_inclusive=pixel_inclusive)
            for name, fn in (("iou", iou), ("giou", giou), ("diou", diou), ("ciou", ciou))}

