"""The learning-rate range test's arithmetic (torch-free): the exponential sweep, the smoothed loss and
what to read off it. The engine records one (lr, loss) row per step; the `lr_finder` experiment, its
chart and its findings all read the curve through `analyse`, so what is drawn is what is reported.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SMOOTHING = 0.9  # β of the loss's exponential moving average (fastai uses 0.98 over many more steps)
BLOWUP_FACTOR = 4.0  # the loss "blew up" where the smoothed loss first exceeds this many times its minimum
SLOPE_HALF_WINDOW = 2  # the slope at a point is taken over this many points either side (noise)


def sweep(lr_min: float, lr_max: float, steps: int):
    """The lr of the update at step s (0 ≤ s < steps): multiplied by the same factor every step, from
    lr_min at the first update to lr_max at the last."""
    span = max(steps - 1, 1)

    def lr_at(step: int) -> float:
        return lr_min * (lr_max / lr_min) ** (min(step, span) / span)

    return lr_at


def smooth(losses: Sequence[float], beta: float = SMOOTHING) -> list[float]:
    """Bias-corrected exponential moving average (the first value is the first loss, not β × 0)."""
    out, avg = [], 0.0
    for i, loss in enumerate(losses):
        avg = beta * avg + (1 - beta) * loss
        out.append(avg / (1 - beta ** (i + 1)))
    return out


@dataclass(frozen=True)
class RangeReading:
    suggested: float  # steepest descent of the smoothed loss against log lr, before the minimum
    at_min: float  # the lr of the smoothed loss's minimum
    min_loss: float
    blowup: float | None  # the first lr past the minimum where the smoothed loss exceeds BLOWUP_FACTOR × min
    start_loss: float  # the smoothed loss at the smallest lr

    @property
    def min_over_10(self) -> float:
        """The other common rule of thumb."""
        return self.at_min / 10


def analyse(rows: Sequence[dict]) -> RangeReading | None:
    """Read a range test's curve (rows with "lr" and "loss", lr increasing). None with under 3 points."""
    if len(rows) < 3:
        return None
    lrs = [r["lr"] for r in rows]
    smoothed = smooth([r["loss"] for r in rows])
    i_min = min(range(len(smoothed)), key=smoothed.__getitem__)
    logs = [math.log10(lr) for lr in lrs]
    best, i_best = math.inf, 0
    for i in range(max(i_min, 1)):  # descent happens before the minimum
        lo, hi = max(i - SLOPE_HALF_WINDOW, 0), min(i + SLOPE_HALF_WINDOW, len(rows) - 1)
        if logs[hi] > logs[lo]:
            slope = (smoothed[hi] - smoothed[lo]) / (logs[hi] - logs[lo])
            if slope < best:
                best, i_best = slope, i
    blowup = next((lrs[i] for i in range(i_min + 1, len(rows)) if smoothed[i] > BLOWUP_FACTOR * smoothed[i_min]),
                  None)
    return RangeReading(lrs[i_best], lrs[i_min], smoothed[i_min], blowup, smoothed[0])
