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
from dlquiz.lab.lr_range import analyse, smooth

# One marker per series, so series differ without colour (plotext draws a line of the marker's character)
MARKERS = ("•", "×", "+", "o", "*", "#", "@", "%", "&", "=", "~", "^")
METRIC_LABELS = {
    "train_loss": {"en": "train", "zh": "训练"}, "val_loss": {"en": "val", "zh": "验证"},
    "train_acc": {"en": "train", "zh": "训练"}, "val_acc": {"en": "val", "zh": "验证"},
}
LOSS_CAP_FACTOR = 10.0  # loss curves are clipped at this many times the median starting loss
LOG_FLOOR = 1e-12  # a zero on a log axis (zero init's activations) is drawn at this floor
DIVERGED = "✕"
LR_CURVE_CAP_FACTOR = 2.0  # the lr curve is clipped at this many times its starting (smoothed) loss
SUGGESTED_MARKER = "|"  # the suggested lr: a vertical line of these
X_LABELS = {"step": {"en": "step", "zh": "步"}, "layer": {"en": "layer", "zh": "层"},
            "lr": {"en": "learning rate", "zh": "学习率"}}
SUGGESTED_LABEL = {"en": "suggested lr {lr:.2g}", "zh": "建议学习率 {lr:.2g}"}


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
    y_range: tuple[float, float] | None = None  # bars: fixed y limits (accuracies: 0 to 1)
    # bn_modes, bars: one group per variant, the value lists in the order of `bar_labels`
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
        data.x_label = X_LABELS["step"][lang]
        for i, (name, v) in enumerate(variants.items()):
            rows = [r for r in v.get("history", []) if "train_acc" in r and "val_acc" in r]
            data.series.append(Series(name, [r["step"] for r in rows], [r["train_acc"] - r["val_acc"] for r in rows],
                                      MARKERS[i % len(MARKERS)], v.get("diverged_at")))
        data.log_y = False  # a gap can be negative
    elif chart.kind == "layers":
        data.x_label = X_LABELS["layer"][lang]
        for i, (name, v) in enumerate(variants.items()):
            profile = _profile(chart.source, v, chart.at_init)
            if not profile:
                continue
            ys = [max(p, LOG_FLOOR) for p in profile] if log_y else list(profile)
            data.series.append(Series(name, list(range(1, len(ys) + 1)), ys, MARKERS[i % len(MARKERS)],
                                      v.get("diverged_at")))
    elif chart.kind == "bn_modes":
        data.log_y = False
        data.y_range = (0.0, 1.0)
        data.bar_labels = ["eval mode", "train mode, batch 8"] if lang == "en" else ["评估模式", "训练模式(每批 8)"]
        eval_acc, train_acc = [], []
        for name, v in variants.items():
            f = v.get("final", {})
            if f.get("val_acc_bn_eval_mode") is not None and f.get("val_acc_bn_train_mode_batch8") is not None:
                data.bar_groups.append(name)
                eval_acc.append(f["val_acc_bn_eval_mode"])
                train_acc.append(f["val_acc_bn_train_mode_batch8"])
        data.bar_values = [eval_acc, train_acc] if data.bar_groups else []
    elif chart.kind == "bars":
        _bars(data, chart, variants, lang)
    elif chart.kind == "lr_curve":
        _lr_curve(data, variants, lang)
    return data


def _bars(data: ChartData, chart: Chart, variants: dict[str, dict[str, Any]], lang: str) -> None:
    data.log_y = False
    if all("acc" in m for m in chart.metrics):
        data.y_range = (0.0, 1.0)
    data.bar_labels = [label[lang] for label in chart.labels]
    values: list[list[float]] = [[] for _ in chart.metrics]
    for name, v in variants.items():
        f = v.get("final", {})
        if all(f.get(m) is not None for m in chart.metrics):
            data.bar_groups.append(name)
            for column, m in zip(values, chart.metrics):
                column.append(f[m])
    data.bar_values = values if data.bar_groups else []


def _lr_curve(data: ChartData, variants: dict[str, dict[str, Any]], lang: str) -> None:
    """The smoothed loss against the lr, clipped at LR_CURVE_CAP_FACTOR × its start (a blow-up would
    flatten the interesting part), with the suggested lr as a vertical line."""
    data.x_label = X_LABELS["lr"][lang]
    tested = [(name, v) for name, v in variants.items() if v.get("lr_curve")]
    for i, (name, v) in enumerate(tested):
        rows = v["lr_curve"]
        smoothed = smooth([r["loss"] for r in rows])
        cap = LR_CURVE_CAP_FACTOR * smoothed[0]
        data.y_cap = cap if data.y_cap is None else max(data.y_cap, cap)
        s = Series(name, [r["lr"] for r in rows], [min(y, cap) for y in smoothed], MARKERS[i % len(MARKERS)],
                   v.get("diverged_at"))
        s.clipped = sum(y > cap for y in smoothed)
        if s.diverged_at is not None:
            s.label += f" {DIVERGED} {s.diverged_at}"
        data.series.append(s)
        reading = analyse(rows)
        if reading is not None:
            label = SUGGESTED_LABEL[lang].format(lr=reading.suggested)
            data.series.append(Series(f"{name}: {label}" if len(tested) > 1 else label,
                                      [reading.suggested] * 2, [min(smoothed), cap], SUGGESTED_MARKER))


def _profile(source: str, v: dict[str, Any], at_init: bool) -> list[float]:
    if source == "grad_norms":
        return list(v.get("grad_norms_init" if at_init else "grad_norms") or [])
    stats = v.get("activation_stats") or []
    return list(stats[0 if at_init else -1].get(source, [])) if stats else []


def _curves(data: ChartData, chart: Chart, variants: dict[str, dict[str, Any]], lang: str) -> None:
    data.x_label = X_LABELS["step"][lang]
    variants = {name: v for name, v in variants.items() if not (chart.exclude and chart.exclude in v)}
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
