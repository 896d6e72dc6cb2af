"""The experiment registry's building blocks (torch-free).

An experiment module (one per experiment, in this package) calls `register(Experiment(...))` with its
title and explanation, its builder, the defaults of its custom variant's knobs, the charts it declares,
its table columns and its findings. `dlquiz lab list`, `dlquiz lab NAME`, `run_experiment` and the TUI's
lab screen all read `EXPERIMENTS`. Builders import torch inside themselves, so importing the registry
stays light.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Bilingual = dict[str, str]  # {"en": ..., "zh": ...}
Cell = Callable[[dict[str, Any]], str]  # a variant's result -> one table cell
# (variant name, variant result) -> (English line, Chinese line), or None for no line
Finding = Callable[[str, dict[str, Any]], "tuple[str, str] | None"]

CHART_KINDS = ("curves", "gap", "layers", "bn_modes", "lr_curve", "bars")


@dataclass(frozen=True)
class Chart:
    """One chart an experiment declares. What each kind draws (dlquiz/lab/charts.py computes the series):

    curves    metrics (history keys) against the step, one series per variant and metric
    gap       train minus val accuracy against the step, one series per variant
    layers    a per-layer profile (`source`: "grad_norms" or "act_std"), first layer on the left, at the
              latest report (or at init)
    bn_modes  validation accuracy of each BN variant in eval mode and in train mode on batches of 8
    lr_curve  the smoothed loss against the learning rate (lr range test), the suggested lr marked
    bars      one group per variant, one bar per `metrics` key of its final numbers, labelled by `labels`
    """

    key: str
    kind: str
    title: Bilingual
    metrics: tuple[str, ...] = ("train_loss",)
    source: str = ""
    log_y: bool = False  # the default scale; the TUI's `g` key flips it
    log_x: bool = False
    at_init: bool = False  # layers: the profile of the initial model instead of the latest report
    exclude: str = ""  # curves: variants whose result has this key are not drawn
    labels: tuple[Bilingual, ...] = ()  # bars: one per metric

    def __post_init__(self) -> None:
        if self.kind not in CHART_KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")


@dataclass(frozen=True)
class Experiment:
    name: str
    title: Bilingual
    explanation: Bilingual  # of the preset variants, as the experiment is set up by default
    related_tags: tuple[str, ...]
    default_steps: int
    # build(config) -> (variants, data, RunConfig); imports torch itself
    build: Callable[[Any], tuple] = field(repr=False, compare=False)
    # The custom variant's settings when a knob is left unset (config.from_knobs fills in init)
    knob_defaults: dict[str, Any] = field(default_factory=dict)
    charts: tuple[Chart, ...] = ()
    columns: tuple[tuple[str, Cell], ...] = ()  # between the four loss/accuracy columns and "diverged at"
    finding: Finding | None = None
    # per-layer activation statistics on a probe batch at every report: None, or activation_stats options
    track_activations: dict[str, bool] | None = None
    # after training: (variants, data, device) -> {variant name: extra `final` entries}; imports torch itself
    after_training: Callable[..., dict] | None = field(default=None, repr=False, compare=False)
    # a second round of training after the first, built from its results (the lr range test's check runs):
    # (config, trained variants) -> (new variants, RunConfig); imports torch itself
    follow_up: Callable[..., tuple] | None = field(default=None, repr=False, compare=False)
    # findings: also call `finding` for a diverged variant (after the "diverged at step N" line)
    finding_after_divergence: bool = False
    # derived `final` entries from a variant's result (torch-free): (variant result) -> None, edits in place
    add_extras: Callable[[dict[str, Any]], None] | None = field(default=None, repr=False, compare=False)
    # the explanation of a run with knobs: (result, lang) -> text; None: the preset explanation
    explain_custom: Callable[[dict[str, Any], str], str] | None = field(default=None, repr=False, compare=False)


ExperimentInfo = Experiment  # the older name

REGISTRY: dict[str, Experiment] = {}


def register(experiment: Experiment) -> Experiment:
    if experiment.name in REGISTRY:
        raise ValueError(f"experiment {experiment.name!r} registered twice")
    REGISTRY[experiment.name] = experiment
    return experiment


# -- cell and number formats shared by the experiment modules ------------------------------------------
def pct(x) -> str:
    return "-" if x is None else f"{x:.0%}"


def num(x, fmt: str = ".3f") -> str:
    return "-" if x is None else format(x, fmt)


def pct_or_na(x) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def sci_or_na(x) -> str:
    return "n/a" if x is None else f"{x:.1e}"


def final_of(v: dict[str, Any], key: str):
    return v["final"].get(key)


def describe_knobs(knobs: dict[str, Any], lang: str) -> str:
    """A custom variant in words: 'a 30-layer relu MLP (he init, lr 0.01, BatchNorm)'."""
    extras = [f"{knobs.get('init')} init" if lang == "en" else f"{knobs.get('init')} 初始化",
              f"lr {knobs.get('lr')}" if lang == "en" else f"学习率 {knobs.get('lr')}"]
    if knobs.get("dropout"):
        extras.append(f"dropout {knobs['dropout']}")
    if knobs.get("batchnorm"):
        extras.append("BatchNorm")
    if lang == "en":
        return f"a {knobs.get('depth')}-layer {knobs.get('activation')} MLP ({', '.join(extras)})"
    return f"{knobs.get('depth')} 层 {knobs.get('activation')} MLP({','.join(extras)})"
