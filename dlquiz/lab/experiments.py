"""Run a registered experiment (dlquiz/lab/catalog/): build its variants, train them and return the
`dlquiz lab NAME --json` result. Imported only when an experiment runs (it imports torch).

Defaults are tuned so every experiment finishes in a few seconds on a 2-core CPU (one torch thread:
these models are far too small for intra-op parallelism to pay) and so the effect is unmistakable in
the numbers; tests/test_lab.py checks the physics with fixed seeds.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from dlquiz.errors import InputError
from dlquiz.lab.catalog import EXPERIMENTS, explanation, findings
from dlquiz.lab.config import ExperimentConfig
from dlquiz.lab.engine import StepEvent, Timer, Variant, pick_device, train_variants, variant_summary
from dlquiz.lab.parts import activation_stats, custom_settings, shift_and_noise
from dlquiz.lab.stacked import architecture, stack_problem, train_stacked

__all__ = ["BUILDERS", "CPU_THREADS", "ExperimentConfig", "run_experiment", "shift_and_noise", "findings",
           "build_vanishing", "build_exploding", "build_overfitting", "build_batchnorm", "build_optimizers",
           "build_init"]

CPU_THREADS = 1  # measured: 1 thread beats 2 for these sizes, and leaves a core to the UI

BUILDERS = {name: e.build for name, e in EXPERIMENTS.items()}
build_vanishing, build_exploding, build_overfitting = BUILDERS["vanishing"], BUILDERS["exploding"], \
    BUILDERS["overfitting"]
build_batchnorm, build_optimizers, build_init = BUILDERS["batchnorm"], BUILDERS["optimizers"], BUILDERS["init"]


def run_experiment(cfg: ExperimentConfig, on_event: Callable[[StepEvent], None] | None = None,
                   should_stop: Callable[[], bool] | None = None) -> dict:
    """Train the experiment's variants; the result is what `dlquiz lab NAME --json` prints."""
    cfg.validate()
    exp = EXPERIMENTS[cfg.name]
    device = pick_device(cfg.device)
    saved_threads = torch.get_num_threads()
    if device.type == "cpu":
        torch.set_num_threads(cfg.threads or CPU_THREADS)
    try:
        torch.manual_seed(cfg.seed)
        np.random.seed(cfg.seed % 2**32)
        with Timer() as timer:
            variants, data, run_cfg = exp.build(cfg)
            tracker = None
            if exp.track_activations is not None:
                probe = torch.as_tensor(data[2][:256]).to(device)
                tracker = activation_stats(probe, **exp.track_activations)
            engine = _choose_engine(cfg.engine, variants)
            train = train_stacked if engine == "stacked" else train_variants
            completed = train(variants, data, run_cfg, device, on_event, should_stop, tracker)
            if exp.follow_up is not None and completed:  # a second round, built from what the first found
                more, more_cfg = exp.follow_up(cfg, variants)
                follow_train = train_stacked if _choose_engine(cfg.engine, more) == "stacked" else train_variants
                completed = follow_train(more, data, more_cfg, device, on_event, should_stop, tracker)
                variants = variants + more
            extras = exp.after_training(variants, data, device) if exp.after_training and completed else {}
    finally:
        torch.set_num_threads(saved_threads)
    summaries = {v.name: variant_summary(v) for v in variants}
    for name, extra in extras.items():
        summaries[name]["final"].update(extra)
    if exp.add_extras is not None:
        for summary in summaries.values():
            exp.add_extras(summary)
    result = {
        "experiment": cfg.name,
        "device": str(device),
        "engine": engine,
        "seed": cfg.seed,
        "steps": run_cfg.steps,
        "seconds": round(timer.seconds, 3),
        "completed": completed,
        "knobs": dict(cfg.knobs),
        "variants": summaries,
    }
    if cfg.knobs:  # the custom variant's full settings, the experiment's defaults filled in
        result["custom"] = {k: v for k, v in custom_settings(cfg.knobs, exp.knob_defaults).items()
                            if k in ("depth", "activation", "init", "lr", "dropout", "batchnorm")}
    result["findings"] = findings(cfg.name, result)
    joined = {"en": "; ".join(result["findings"]["en"]) + ".", "zh": ";".join(result["findings"]["zh"]) + "。"}
    result["summary"] = {lang: (joined[lang] + "\n\n" if result["findings"][lang] else "")
                         + explanation(result, lang) for lang in ("en", "zh")}
    return _json_safe(result)


def _choose_engine(asked: str, variants: list[Variant]) -> str:
    """auto: stacked when at least two variants share an architecture (measured: with none shared, as
    in `vanishing`, stacking only adds bookkeeping, ~1.1x the loop's time on the CPU)."""
    if asked == "loop":
        return "loop"
    problem = stack_problem(variants)
    if problem is not None:
        if asked == "stacked":
            raise InputError(f"--engine stacked: {problem}")
        return "loop"
    shared = len({architecture(v.model) for v in variants}) < len(variants)
    return "stacked" if asked == "stacked" or shared else "loop"


def _json_safe(obj):
    """NaN/inf are not JSON: turn them into None (they should be rare: diverged points are not kept)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    return obj
