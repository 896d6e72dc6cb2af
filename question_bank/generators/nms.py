"""Greedy non-maximum suppression on 4-6 scored integer boxes: how many survive? IoUs from `calculators.boxes`
(imported when a question is made). Draws where a compared IoU lies near the threshold are redrawn, so the
answer never hangs on rounding."""
from __future__ import annotations

import random

from question_bank.generators._base import Draft, bi, explain, register

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
MARGIN = 0.02  # every IoU NMS compares is at least this far from the threshold (fair by hand, exact by float)
LABELS = "ABCDEF"

Box = tuple[int, int, int, int]


def _draw_boxes(rng: random.Random, count: int) -> list[Box]:
    """Boxes clustered the way detections are: most are jittered copies of an earlier box."""
    out: list[Box] = []
    while len(out) < count:
        if out and rng.random() < 0.7:
            x1, y1, x2, y2 = rng.choice(out)
            w, h = x2 - x1, y2 - y1
            nw, nh = max(10, w + rng.randint(-w // 4, w // 4)), max(10, h + rng.randint(-h // 4, h // 4))
            x, y = max(0, x1 + rng.randint(-w // 3, w // 3)), max(0, y1 + rng.randint(-h // 3, h // 3))
        else:
            x, y, nw, nh = rng.randint(0, 120), rng.randint(0, 120), rng.randint(20, 60), rng.randint(20, 60)
        box = (x, y, x + nw, y + nh)
        if box not in out:
            out.append(box)
    return out


def greedy_nms(boxes: list[Box], scores: list[float], threshold: float):
    """(kept indices in keep order, [(kept, other, IoU, suppressed)] for every comparison made)."""
    from calculators.boxes import iou

    remaining = sorted(range(len(boxes)), key=lambda i: -scores[i])
    kept: list[int] = []
    compared: list[tuple[int, int, float, bool]] = []
    while remaining:
        top = remaining.pop(0)
        kept.append(top)
        survivors = []
        for other in remaining:
            value = float(iou(boxes[top], boxes[other]).value)
            compared.append((top, other, value, value > threshold))
            if value <= threshold:
                survivors.append(other)
        remaining = survivors
    return kept, compared


def _box_text(box: Box) -> str:
    return "(" + ", ".join(map(str, box)) + ")"


@register("nms-survivors", "detection", "numeric", "nms", en="NMS: how many boxes survive",
          zh="非极大值抑制 NMS:留下几个框")
def nms_survivors(rng: random.Random) -> Draft:
    while True:
        count = rng.randint(4, 6)
        boxes = _draw_boxes(rng, count)
        scores = [s / 100 for s in rng.sample(range(50, 100), count)]
        threshold = rng.choice(THRESHOLDS)
        kept, compared = greedy_nms(boxes, scores, threshold)
        if 2 <= len(kept) < count and all(abs(v - threshold) >= MARGIN for _, _, v, _ in compared):
            break
    t = f"{threshold:g}"
    order = sorted(range(count), key=lambda i: -scores[i])
    lines = [(f"按得分从高到低:{','.join(f'{LABELS[i]} {scores[i]:.2f}' for i in order)}",
              f"sorted by score: {', '.join(f'{LABELS[i]} {scores[i]:.2f}' for i in order)}")]
    for top in kept:
        mine = [(other, v, gone) for k, other, v, gone in compared if k == top and v > 0]
        apart = [LABELS[other] for k, other, v, _ in compared if k == top and v == 0]
        zh = ";".join([f"IoU({LABELS[top]}, {LABELS[o]}) = {v:.3f} {'>' if gone else '≤'} {t} → "
                       f"{'抑制 ' + LABELS[o] if gone else LABELS[o] + ' 留下'}" for o, v, gone in mine]
                      + ([f"与 {'、'.join(apart)} 不相交(IoU = 0),留下"] if apart else []))
        en = "; ".join([f"IoU({LABELS[top]}, {LABELS[o]}) = {v:.3f} {'>' if gone else '≤'} {t} → "
                        f"{'suppress ' + LABELS[o] if gone else LABELS[o] + ' stays'}" for o, v, gone in mine]
                       + ([f"no overlap with {', '.join(apart)} (IoU = 0): they stay"] if apart else []))
        lines.append((f"保留 {LABELS[top]}({scores[top]:.2f}):" + (zh or "没有剩下的框要比较"),
                      f"keep {LABELS[top]} ({scores[top]:.2f}): " + (en or "nothing left to compare")))
    names_zh, names_en = "、".join(LABELS[i] for i in kept), ", ".join(LABELS[i] for i in kept)
    lines.append((f"留下 {names_zh},共 {len(kept)} 个", f"survivors: {names_en} → {len(kept)}"))
    listing = "; ".join(f"{LABELS[i]} = {_box_text(b)} score {scores[i]:.2f}" for i, b in enumerate(boxes))
    listing_zh = ";".join(f"{LABELS[i]} = {_box_text(b)},得分 {scores[i]:.2f}" for i, b in enumerate(boxes))
    return Draft(
        difficulty=2 if count <= 4 else 3,
        prompt=bi(f"对下面 {count} 个检测框(x1, y1, x2, y2,连续坐标,宽 = x2 − x1)做贪心 NMS,IoU 阈值 {t}"
                  f"(与已保留框的 IoU > {t} 的框被抑制):{listing_zh}。最后留下几个框?",
                  f"Greedy NMS at IoU threshold {t} (a box is suppressed when its IoU with a kept box is > {t}) "
                  f"on these {count} boxes (x1, y1, x2, y2; continuous coordinates, width = x2 − x1): {listing}. "
                  f"How many boxes survive?"),
        answer=bi(f"{len(kept)}({names_zh})", f"{len(kept)} ({names_en})"),
        explanation=explain(
            ("贪心 NMS:取得分最高的框保留,删掉与它 IoU 超过阈值的框,在剩下的框里重复。",
             "Greedy NMS: keep the highest-scoring box, drop every box whose IoU with it exceeds the threshold, "
             "repeat on what is left."),
            *lines,
            ("被抑制的框不再抑制别的框:只有保留下来的框才和剩下的框比较。",
             "A suppressed box suppresses nothing: only kept boxes are compared with the rest."),
        ),
        params={"boxes": boxes, "scores": scores, "threshold": threshold},
        tags=("iou",),
        value=len(kept), tolerance=0,
    )
