"""The numbers behind each chart an experiment declares (torch-free, Textual-free).

`chart_data(chart, variants, lang)` turns variant results (`run_experiment(...)["variants"]`, or what the
TUI has gathered so far from live events: the same keys) into labelled series. The TUI draws them with
plotext; the physics tests assert on them, so what is tested is what is drawn.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from dlquiz.lab.catalog import Chart

# One marker per series, so series differ without colour (plotext draws a line of the marker's character)
MARKERS = ("•", "×", "+", "o", "*", "#", "@", "%", "&", "=", "~", "^")
METRIC_LABELS = {
    "train_loss": {"en": "train", "zh": "训练"}, "val_loss": {"en": "val", "zh": "验证"},
    "train_acc": {"en": "train", "zh": "训练"}, "val_acc": {"en": "val", "zh": "验证"},
}
LOSS_CAP_FACTOR = 10.0  # loss curves are clipped at this many times the median starting loss
LOG_FLOOR = 1e-12  # a zero on a log axis (zero init's activations) is drawn at this floor
DIVERGED = "✕"


@dataclass
class Series:
    label: str
    x: list[float]
    y: list[float]
    marker: str
    diverged_at: int | None = None
    clipped: int = 0  # points drawn at the cap instead of their value


@dataclass
class ChartData:
    chart: Chart
    title: str
    log_y: bool
    series: list[Series] = field(default_factory=list)
    y_cap: float | None = None
    # bn_modes: one group per BN variant, the value lists in the order of `bar_labels`
    bar_groups: list[str] = field(default_factory=list)
    bar_values: list[list[float]] = field(default_factory=list)
    bar_labels: list[str] = field(default_factory=list)
    x_label: str = ""

    def labels(self) -> list[str]:
        return [s.label for s in self.series] + self.bar_labels


def chart_data(chart: Chart, variants: dict[str, dict[str, Any]], lang: str, flip_scale: bool = False) -> ChartData:
    log_y = chart.log_y != flip_scale
    data = ChartData(chart, chart.title[lang], log_y)
    if chart.kind == "curves":
        _curves(data, chart, variants, lang)
    elif chart.kind == "gap":
        data.x_label = "step"
        for i, (name, v) in enumerate(variants.items()):
            rows = [r for r in v.get("history", []) if "train_acc" in r and "val_acc" in r]
            data.series.append(Series(name, [r["step"] for r in rows], [r["train_acc"] - r["val_acc"] for r in rows],
                                      MARKERS[i % len(MARKERS)], v.get("diverged_at")))
        data.log_y = False  # a gap can be negative
    elif chart.kind == "layers":
        data.x_label = "layer" if lang == "en" else "层"
        for i, (name, v) in enumerate(variants.items()):
            profile = _profile(chart.source, v, chart.at_init)
            if not profile:
                continue
            ys = [max(p, LOG_FLOOR) for p in profile] if log_y else list(profile)
            data.series.append(Series(name, list(range(1, len(ys) + 1)), ys, MARKERS[i % len(MARKERS)],
                                      v.get("diverged_at")))
    elif chart.kind == "bn_modes":
        data.log_y = False
        data.bar_labels = ["eval mode", "train mode, batch 8"] if lang == "en" else ["评估模式", "训练模式(每批 8)"]
        eval_acc, train_acc = [], []
        for name, v in variants.items():
            f = v.get("final", {})
            if f.get("val_acc_bn_eval_mode") is not None and f.get("val_acc_bn_train_mode_batch8") is not None:
                data.bar_groups.append(name)
                eval_acc.append(f["val_acc_bn_eval_mode"])
                train_acc.append(f["val_acc_bn_train_mode_batch8"])
        data.bar_values = [eval_acc, train_acc] if data.bar_groups else []
    elif chart.kind == "lr_curve":
        data.x_label = "learning rate"
        for i, (name, v) in enumerate(variants.items()):
            rows = v.get("lr_curve", [])
            data.series.append(Series(name, [r["lr"] for r in rows], [r["loss"] for r in rows],
                                      MARKERS[i % len(MARKERS)]))
    return data


def _profile(source: str, v: dict[str, Any], at_init: bool) -> list[float]:
    if source == "grad_norms":
        return list(v.get("grad_norms_init" if at_init else "grad_norms") or [])
    stats = v.get("activation_stats") or []
    return list(stats[0 if at_init else -1].get(source, [])) if stats else []


def _curves(data: ChartData, chart: Chart, variants: dict[str, dict[str, Any]], lang: str) -> None:
    data.x_label = "step" if lang == "en" else "步"
    is_loss = all(m.endswith("_loss") for m in chart.metrics)
    if is_loss:  # clip so one exploding run cannot flatten every other curve
        starts = [r[m] for v in variants.values() for r in v.get("history", [])[:1] for m in chart.metrics
                  if _finite(r.get(m))]
        data.y_cap = LOSS_CAP_FACTOR * statistics.median(starts) if starts else None
    many = len(chart.metrics) > 1
    i = 0
    for name, v in variants.items():
        for metric in chart.metrics:
            rows = [r for r in v.get("history", []) if _finite(r.get(metric))]
            xs = [r["step"] for r in rows]
            ys = [r[metric] for r in rows]
            if data.log_y:  # a zero loss (or accuracy) is drawn at the floor
                ys = [max(y, LOG_FLOOR) for y in ys]
            label = f"{name} {METRIC_LABELS[metric][lang]}" if many else name
            s = Series(label, xs, ys, MARKERS[i % len(MARKERS)], v.get("diverged_at"))
            i += 1
            if data.y_cap is not None:
                s.clipped = sum(y > data.y_cap for y in s.y)
                s.y = [min(y, data.y_cap) for y in s.y]
            if s.diverged_at is not None:
                s.label += f" {DIVERGED} {s.diverged_at}"
                if data.y_cap is not None:  # the divergence itself, drawn at the top of the axis
                    s.x.append(s.diverged_at)
                    s.y.append(data.y_cap)
            data.series.append(s)


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)
