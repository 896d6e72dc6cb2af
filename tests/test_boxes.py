"""IoU / GIoU / DIoU / CIoU against references written here, brute-force cell counting and properties.

Expected values come from hand derivations (in comments), from the independent references below or
from counting unit cells — never from calculators.boxes' own output.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st

from calculators.boxes import box_metrics, ciou, diou, giou, iou, parse_box
from calculators.result import Result
from dlquiz.errors import InputError

SCALAR = {"iou": iou, "giou": giou, "diou": diou, "ciou": ciou}


# ---------------------------------------------------------------- reference 1: plain formulas

def reference_metrics(a, b):
    """Textbook formulas, floats, one pair at a time."""
    ax1, ay1, ax2, ay2 = map(float, a)
    bx1, by1, bx2, by2 = map(float, b)
    wa, ha, wb, hb = ax2 - ax1, ay2 - ay1, bx2 - bx1, by2 - by1
    overlap_w = max(0.0, min(ax2, bx2) - max(ax1, bx1))
    overlap_h = max(0.0, min(ay2, by2) - max(ay1, by1))
    inter = overlap_w * overlap_h
    union = wa * ha + wb * hb - inter
    iou_ = inter / union
    cw, ch = max(ax2, bx2) - min(ax1, bx1), max(ay2, by2) - min(ay1, by1)
    giou_ = iou_ - (cw * ch - union) / (cw * ch)
    centre_dist2 = ((ax1 + ax2) / 2 - (bx1 + bx2) / 2) ** 2 + ((ay1 + ay2) / 2 - (by1 + by2) / 2) ** 2
    diou_ = iou_ - centre_dist2 / (cw ** 2 + ch ** 2)
    v = 4 / math.pi ** 2 * (math.atan(wb / hb) - math.atan(wa / ha)) ** 2   # b is the ground truth
    alpha = 0.0 if v == 0 else v / ((1 - iou_) + v)
    return {"iou": iou_, "giou": giou_, "diou": diou_, "ciou": diou_ - alpha * v}


# ---------------------------------------------------------------- reference 2: torchvision-style, in torch

def torchvision_style(boxes1, boxes2):
    """torchvision.ops box_iou / generalized_box_iou / distance_box_iou / complete_box_iou, re-derived
    (lt/rb with [:, None] broadcasting and clamp(min=0)), eps = 0 so values are comparable exactly."""
    torch = pytest.importorskip("torch")
    b1 = torch.as_tensor(np.asarray(boxes1, dtype=np.float64))
    b2 = torch.as_tensor(np.asarray(boxes2, dtype=np.float64))
    area1 = (b1[:, 2] - b1[:, 0]) * (b1[:, 3] - b1[:, 1])
    area2 = (b2[:, 2] - b2[:, 0]) * (b2[:, 3] - b2[:, 1])
    lt = torch.max(b1[:, None, :2], b2[:, :2])
    rb = torch.min(b1[:, None, 2:], b2[:, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = area1[:, None] + area2 - inter
    box_iou = inter / union
    lti = torch.min(b1[:, None, :2], b2[:, :2])
    rbi = torch.max(b1[:, None, 2:], b2[:, 2:])
    whi = (rbi - lti).clamp(min=0)
    areai = whi[..., 0] * whi[..., 1]
    generalized = box_iou - (areai - union) / areai
    diagonal2 = whi[..., 0] ** 2 + whi[..., 1] ** 2
    x_p, y_p = (b1[:, 0] + b1[:, 2]) / 2, (b1[:, 1] + b1[:, 3]) / 2
    x_g, y_g = (b2[:, 0] + b2[:, 2]) / 2, (b2[:, 1] + b2[:, 3]) / 2
    centers2 = (x_p[:, None] - x_g[None, :]) ** 2 + (y_p[:, None] - y_g[None, :]) ** 2
    distance = box_iou - centers2 / diagonal2
    w_pred, h_pred = b1[:, None, 2] - b1[:, None, 0], b1[:, None, 3] - b1[:, None, 1]
    w_gt, h_gt = b2[:, 2] - b2[:, 0], b2[:, 3] - b2[:, 1]
    v = (4 / torch.pi ** 2) * torch.pow(torch.atan(w_gt / h_gt) - torch.atan(w_pred / h_pred), 2)
    denominator = 1 - box_iou + v
    alpha = torch.where(denominator > 0, v / torch.where(denominator > 0, denominator, 1.0), 0.0)
    complete = distance - alpha * v
    return {"iou": box_iou.numpy(), "giou": generalized.numpy(), "diou": distance.numpy(),
            "ciou": complete.numpy()}


# ---------------------------------------------------------------- reference 3: counting unit cells

def cells(box, pixel_inclusive=False):
    """Integer box → set of unit cells (continuous) or pixels (inclusive) it covers."""
    x1, y1, x2, y2 = box
    end = 1 if pixel_inclusive else 0
    return {(x, y) for x in range(x1, x2 + end) for y in range(y1, y2 + end)}


def brute_force_iou_giou(a, b, pixel_inclusive=False):
    ca, cb = cells(a, pixel_inclusive), cells(b, pixel_inclusive)
    inter, union = len(ca & cb), len(ca | cb)
    xs = [x for x, _ in ca | cb]
    ys = [y for _, y in ca | cb]
    enclosing = (max(xs) - min(xs) + 1) * (max(ys) - min(ys) + 1)   # cells spanned by the union
    return Fraction(inter, union), Fraction(inter, union) - Fraction(enclosing - union, enclosing)


# ---------------------------------------------------------------- strategies

def float_boxes(lo=-50.0, hi=50.0):
    coord = st.floats(lo, hi, allow_nan=False)
    size = st.floats(0.05, 60.0, allow_nan=False)
    return st.builds(lambda x, y, w, h: (x, y, x + w, y + h), coord, coord, size, size)


def int_boxes(lo=0, hi=10, max_size=6):
    coord = st.integers(lo, hi)
    size = st.integers(1, max_size)
    return st.builds(lambda x, y, w, h: (x, y, x + w, y + h), coord, coord, size, size)


def close(x, y, tol=1e-9):
    return math.isclose(x, y, rel_tol=tol, abs_tol=tol)


# ---------------------------------------------------------------- hand-derived examples

def test_worked_example_by_hand():
    # A = (0,0,10,10), B = (5,5,15,15): overlap 5×5 = 25, union 100 + 100 − 25 = 175 → IoU = 1/7.
    # Enclosing box 15×15 = 225 → GIoU = 1/7 − (225 − 175)/225 = 1/7 − 2/9 = −5/63.
    # Centres (5,5), (10,10): ρ² = 50; diagonal c² = 15² + 15² = 450 → DIoU = 1/7 − 1/9 = 2/63.
    # Both boxes are squares → v = 0 → CIoU = DIoU.
    a, b = (0, 0, 10, 10), (5, 5, 15, 15)
    assert iou(a, b).value == pytest.approx(1 / 7, abs=1e-15)
    assert giou(a, b).value == pytest.approx(-5 / 63, abs=1e-15)
    assert diou(a, b).value == pytest.approx(2 / 63, abs=1e-15)
    assert ciou(a, b).value == pytest.approx(2 / 63, abs=1e-15)


def test_exact_fraction_shown_in_derivation():
    result = iou((0, 0, 10, 10), (5, 5, 15, 15))
    assert isinstance(result, Result)
    assert "25/175" in result.explain() and "1/7" in result.explain()
    assert "0.142857" in result.steps[-1]


def test_derivation_covers_every_quantity():
    text = "\n".join(r.explain() for r in box_metrics((0, 0, 4, 2), (1, 1, 3, 5)).values())
    for word in ("intersection", "union", "enclosing", "centres", "diagonal", "v =", "α ="):
        assert word in text


def test_ciou_aspect_term_by_hand():
    # pred (0,0,2,1) is 2:1, gt (0,0,1,1) is 1:1, gt inside pred: IoU = 1/2.
    # Centres (1, 0.5) and (0.5, 0.5): ρ² = 1/4; enclosing = pred, c² = 4 + 1 = 5.
    # v = 4/π²·(atan(1) − atan(2))², α = v/(1/2 + v).
    v = 4 / math.pi ** 2 * (math.atan(1) - math.atan(2)) ** 2
    expected = 0.5 - 0.25 / 5 - v / (0.5 + v) * v
    assert ciou((0, 0, 2, 1), (0, 0, 1, 1)).value == pytest.approx(expected, abs=1e-15)
    # v squares the angle difference, so swapping pred and gt gives the same value.
    assert ciou((0, 0, 1, 1), (0, 0, 2, 1)).value == pytest.approx(expected, abs=1e-15)


def test_pixel_inclusive_convention_by_hand():
    # VOC: (0,0,9,9) covers 10×10 pixels; (5,5,14,14) too; overlap pixels 5..9 → 5×5 = 25.
    assert iou((0, 0, 9, 9), (5, 5, 14, 14), pixel_inclusive=True).value == pytest.approx(25 / 175, abs=1e-15)
    # A one-pixel box is valid in that convention (x1 == x2), not in the continuous one.
    assert iou((3, 3, 3, 3), (3, 3, 3, 3), pixel_inclusive=True).value == 1.0
    with pytest.raises(InputError):
        iou((3, 3, 3, 3), (3, 3, 3, 3))


# ---------------------------------------------------------------- against brute-force counting

@given(int_boxes(), int_boxes())
def test_iou_giou_match_cell_counting(a, b):
    expected_iou, expected_giou = brute_force_iou_giou(a, b)
    assert iou(a, b).value == float(expected_iou)          # exact arithmetic → correctly rounded
    assert giou(a, b).value == float(expected_giou)


@given(int_boxes(max_size=5), int_boxes(max_size=5))
def test_pixel_inclusive_matches_pixel_counting(a, b):
    # Reuse the integer boxes as inclusive pixel ranges; (x1, x2) = (0, 0) would be one pixel wide.
    expected_iou, expected_giou = brute_force_iou_giou(a, b, pixel_inclusive=True)
    assert iou(a, b, pixel_inclusive=True).value == float(expected_iou)
    assert giou(a, b, pixel_inclusive=True).value == float(expected_giou)


def test_exact_iou_fraction_in_steps_matches_counting():
    a, b = (0, 0, 7, 3), (2, 1, 9, 6)
    exact, _ = brute_force_iou_giou(a, b)
    assert f"{exact.numerator}/{exact.denominator}" in iou(a, b).steps[-1]


# ---------------------------------------------------------------- against the formula references

@given(float_boxes(), float_boxes())
def test_scalar_metrics_match_plain_reference(a, b):
    expected = reference_metrics(a, b)
    for name, fn in SCALAR.items():
        assert close(fn(a, b).value, expected[name]), name


@given(int_boxes(-20, 20, 15), int_boxes(-20, 20, 15))
def test_exact_integer_path_matches_plain_reference(a, b):
    expected = reference_metrics(a, b)
    for name, fn in SCALAR.items():
        assert close(fn(a, b).value, expected[name], 1e-12), name


@given(st.lists(float_boxes(), min_size=1, max_size=5), st.lists(float_boxes(), min_size=1, max_size=5))
def test_scalar_metrics_match_torchvision_style(a, b):
    expected = torchvision_style(a, b)
    for name, fn in SCALAR.items():
        got = [[fn(box_a, box_b).value for box_b in b] for box_a in a]
        np.testing.assert_allclose(got, expected[name], rtol=1e-9, atol=1e-12, err_msg=name)


# ---------------------------------------------------------------- properties

@given(float_boxes(), float_boxes())
def test_properties(a, b):
    m = {name: r.value for name, r in box_metrics(a, b).items()}
    assert 0.0 <= m["iou"] <= 1.0
    assert -1.0 <= m["giou"] <= m["iou"] + 1e-12
    assert -1.0 < m["diou"] <= m["iou"] + 1e-12
    assert m["ciou"] <= m["diou"] + 1e-12
    swapped = {name: r.value for name, r in box_metrics(b, a).items()}
    for name in m:
        assert close(m[name], swapped[name], 1e-12), name


@given(float_boxes())
def test_identical_boxes_score_one(a):
    for name, fn in SCALAR.items():
        assert fn(a, a).value == pytest.approx(1.0, abs=1e-12), name


@given(int_boxes(), st.integers(20, 40))
def test_disjoint_boxes_iou_zero_giou_negative(a, shift):
    b = (a[0] + shift, a[1], a[2] + shift, a[3])
    assert iou(a, b).value == 0.0
    assert giou(a, b).value < 0.0
    assert diou(a, b).value < 0.0


# ---------------------------------------------------------------- invalid boxes

@pytest.mark.parametrize("bad", [(10, 0, 5, 5), (0, 10, 5, 5), (0, 0, 0, 5), (0, 0, 5, 0), (3, 3, 3, 3)])
@pytest.mark.parametrize("name", list(SCALAR))
def test_reversed_or_zero_area_boxes_raise(bad, name):
    good = (0, 0, 1, 1)
    with pytest.raises(InputError, match=r"\(" + ", ".join(map(str, bad)) + r"\)"):
        SCALAR[name](bad, good)
    with pytest.raises(InputError, match="gt box"):
        SCALAR[name](good, bad)


@pytest.mark.parametrize("bad", [(0, 0, 1), (0, 0, 1, 1, 1), (0, 0, 1, float("nan")), (0, 0, float("inf"), 1),
                                 ("a", 0, 1, 1), 7])
def test_malformed_boxes_raise(bad):
    with pytest.raises(InputError):
        iou(bad, (0, 0, 1, 1))


def test_pixel_inclusive_rejects_reversed_box():
    with pytest.raises(InputError, match="pixel-inclusive"):
        iou((5, 0, 4, 3), (0, 0, 1, 1), pixel_inclusive=True)


def test_parse_box():
    assert parse_box("0,-5, 10.5,+3") == (0, -5, 10.5, 3)
    assert isinstance(parse_box("0,0,1,1")[0], int)        # ints stay ints → exact arithmetic
    for bad in ("0,0,1", "0,0,1,1,1", "0,0,x,1", "0,0,nan,1", ""):
        with pytest.raises(InputError, match="X1,Y1,X2,Y2"):
            parse_box(bad)


# ---------------------------------------------------------------- the study note's IoU sample

STUDY_NOTE_SOURCE = '''
def calculateIoU(candilast_modified_atBound, groundTruthBound):
    cx1 cy1 cx1, cx2 = candilast_modified_atBound
    gx1, gy1, gx2, gy2 = groundTruthBound
'''


def study_note_iou_with_syntax_fixed(candilast_modified_atBound, groundTruthBound):
    """The note's code with only the unpacking line repaired (`cx1, cy1, cx2, cy2 = ...`)."""
    cx1, cy1, cx2, cy2 = candilast_modified_atBound
    gx1, gy1, gx2, gy2 = groundTruthBound

    carea = (cx2 - cx1) * (cy2 - cy1)
    garea = (gx2 - gx1) * (gy2 - gy1)
    x1, y1, x2, y2 = max(cx1, gx1), min(cy1, gy1), min(cx2, gx2), max(cy2, gy2)
    w, h = max(0, (x2 - x1)), max(0, (y2 - y1))
    area_intersection = w * h
    area_union = carea + garea - area_intersection

    iou = area_intersection / area_union
    return iou


def test_study_note_unpacking_line_is_a_syntax_error():
    with pytest.raises(SyntaxError):
        compile(STUDY_NOTE_SOURCE, "study_note", "exec")


def test_study_note_iou_is_wrong_where_ours_matches_counting():
    a, b = (0, 0, 10, 10), (5, 5, 15, 15)
    counted, _ = brute_force_iou_giou(a, b)
    assert counted == Fraction(25, 175)
    # The note intersects x correctly but takes the enclosing y-range 0..15: 5 × 15 = 75 over 125.
    assert study_note_iou_with_syntax_fixed(a, b) == pytest.approx(0.6)
    assert iou(a, b).value == float(counted)
    assert "0.6" in " ".join(iou(a, b).notes)               # our derivation points the bug out
    # Boxes disjoint in y: the note even goes negative (10 × 30 "overlap" > both areas).
    c, d = (0, 0, 10, 10), (0, 20, 10, 30)
    assert study_note_iou_with_syntax_fixed(c, d) == pytest.approx(-3.0)
    assert iou(c, d).value == float(brute_force_iou_giou(c, d)[0]) == 0.0
