"""IoU / GIoU of two integer boxes; answer and steps from `calculators.boxes` (imported when a question is made)."""
from __future__ import annotations

import random

from question_bank.generators._base import Draft, bi, derivation, fmt_num, register

TOLERANCE = 0.001


def _box(rng: random.Random, x0: int, y0: int) -> tuple[int, int, int, int]:
    w, h = rng.randint(4, 60), rng.randint(4, 60)
    return (x0, y0, x0 + w, y0 + h)


def _draw_boxes(rng: random.Random, allow_disjoint: bool) -> tuple[tuple, tuple]:
    a = _box(rng, rng.randint(0, 80), rng.randint(0, 80))
    while True:
        w, h = a[2] - a[0], a[3] - a[1]
        b = _box(rng, max(0, a[0] + rng.randint(-w, w)), max(0, a[1] + rng.randint(-h, h)))
        overlap = min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
        if (overlap or allow_disjoint) and a != b:
            return a, b


def _box_text(box: tuple) -> str:
    return "(" + ", ".join(map(str, box)) + ")"


@register("iou", "cnn", "numeric", "iou", en="IoU / GIoU of two boxes", zh="两个框的交并比 IoU / GIoU")
def iou_question(rng: random.Random) -> Draft:
    from calculators import boxes

    metric = "giou" if rng.random() < 0.25 else "iou"
    a, b = _draw_boxes(rng, allow_disjoint=metric == "giou" or rng.random() < 0.1)
    result = (boxes.giou if metric == "giou" else boxes.iou)(a, b)
    value = float(result.value)
    name_zh = "广义交并比 GIoU" if metric == "giou" else "交并比 IoU"
    name_en = "GIoU (generalized IoU)" if metric == "giou" else "IoU (intersection over union)"
    tips_zh = ["连续坐标:宽 = x2 − x1(不加 1;旧的 Pascal VOC 像素约定才用 x2 − x1 + 1)。",
               "交集的左上角取两框左上角的最大值,右下角取右下角的最小值;宽或高为负时交集为 0。"]
    tips_en = ["Continuous coordinates: width = x2 − x1 (the old Pascal VOC pixel convention adds 1).",
               "The intersection's top-left is the max of the top-lefts, its bottom-right the min of the "
               "bottom-rights; a negative width or height means no overlap."]
    steps = list(result.steps)
    if metric == "giou":
        steps = [*boxes.iou(a, b).steps, *steps[1:]]
        tips_zh.append("GIoU = IoU − (|C| − |A ∪ B|)/|C|,C 为最小外接框;取值 [−1, 1],框不相交时仍能区分远近。")
        tips_en.append("GIoU = IoU − (|C| − |A ∪ B|)/|C| with C the smallest enclosing box; it lies in [−1, 1] and "
                       "still ranks disjoint boxes by distance.")
    return Draft(
        difficulty=3 if metric == "giou" else 1,
        prompt=bi(f"两个框(x1, y1, x2, y2),连续坐标(宽 = x2 − x1):A = {_box_text(a)},B = {_box_text(b)}。"
                  f"求{name_zh},保留 3 位小数。",
                  f"Two boxes (x1, y1, x2, y2) in continuous coordinates (width = x2 − x1): A = {_box_text(a)}, "
                  f"B = {_box_text(b)}. Compute their {name_en} to 3 decimals."),
        answer=bi(f"{fmt_num(value)}", f"{fmt_num(value)}"),
        explanation=derivation(f"{name_zh}:", f"{name_en}:", result.formula, steps, tips_zh, tips_en),
        params={"metric": metric, "a": a, "b": b},
        tags=("detection", "giou") if metric == "giou" else ("detection",),
        value=value, tolerance=TOLERANCE,
    )
