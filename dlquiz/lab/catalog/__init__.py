"""The experiment registry: one module per experiment in this package, each registering its builder,
knob defaults, charts, table columns and findings (`_base.Experiment`). Torch-free: builders import
torch when they run.

    >>> from dlquiz.lab.catalog import EXPERIMENTS
    >>> [c.key for c in EXPERIMENTS["overfitting"].charts]
    ['acc', 'gap']
"""
from __future__ import annotations

from typing import Any

# Importing the experiment modules registers them, in this (display) order.
# isort: off
from dlquiz.lab.catalog import vanishing, exploding, overfitting, batchnorm, optimizers, init  # noqa: F401
from dlquiz.lab.catalog import lr_finder, eval_mode  # noqa: F401
# isort: on
from dlquiz.lab.catalog._base import REGISTRY, Chart, Experiment, ExperimentInfo, describe_knobs

__all__ = ["EXPERIMENTS", "Chart", "Experiment", "ExperimentInfo", "explanation", "findings"]

EXPERIMENTS: dict[str, Experiment] = dict(REGISTRY)


def findings(name: str, result: dict[str, Any]) -> dict[str, list[str]]:
    """One short, data-driven line per variant: the numbers that show this experiment's effect."""
    exp = EXPERIMENTS[name]
    finding = exp.finding
    en: list[str] = []
    zh: list[str] = []
    for vname, v in result["variants"].items():
        if "diverged_at" in v:
            en.append(f"{vname}: diverged at step {v['diverged_at']}")
            zh.append(f"{vname}: 第 {v['diverged_at']} 步发散")
            if not exp.finding_after_divergence:
                continue
        if "train_loss" not in v["final"] or finding is None:
            continue
        line = finding(vname, v)
        if line is not None:
            en.append(line[0])
            zh.append(line[1])
    return {"en": en, "zh": zh}


def explanation(result: dict[str, Any], lang: str) -> str:
    """What the run shows. Preset variants: the experiment's explanation (its numbers are the module's
    settings). A run with knobs: what was actually trained, in words, then the lesson (the preset
    explanation without its first sentence, which describes the preset set-up)."""
    exp = EXPERIMENTS[result["experiment"]]
    custom = result.get("custom")
    if not custom:
        return exp.explanation[lang]
    if exp.explain_custom is not None:
        return exp.explain_custom(result, lang)
    steps = result.get("steps")
    stop = ". " if lang == "en" else "。"
    first, _, lesson = exp.explanation[lang].partition(stop)
    if lang == "en":
        intro = f"This run: {describe_knobs(custom, 'en')}, {steps} steps, on the experiment's data"
        if result["experiment"] == "overfitting":
            intro += ", next to the preset baseline"
        return f"{intro}. {lesson}"
    intro = f"本次运行:{describe_knobs(custom, 'zh')},{steps} 步,用本实验的数据"
    if result["experiment"] == "overfitting":
        intro += ",并与预设的 baseline 对比"
    return f"{intro}。{lesson}"
