"""The six experiments. Each builds its variants; `run_experiment` trains them and returns the
DESIGN.md result shape. Imported only when an experiment runs (it imports torch)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
from torch import nn

from calculators.errors import InputError
from dlquiz.lab import data as datasets
from dlquiz.lab.catalog import EXPERIMENTS
from dlquiz.lab.engine import RunConfig, StepEvent, Timer, Variant, pick_device, train_variants, variant_summary
from dlquiz.lab.models import ACTIVATIONS, INITS, MLP

KNOBS = ("depth", "activation", "init", "lr", "dropout", "batchnorm")


@dataclass
class ExperimentConfig:
    name: str
    seed: int = 0
    steps: int | None = None
    device: str = "auto"
    # Knobs: when any is set, the experiment runs one "custom" variant built from them
    # (plus the experiment's reference variant) instead of its preset list.
    knobs: dict = field(default_factory=dict)

    def validate(self) -> None:
        if self.name not in EXPERIMENTS:
            raise InputError(f"unknown experiment {self.name!r}; allowed: {', '.join(EXPERIMENTS)}")
        if self.steps is not None and not 1 <= self.steps <= 100_000:
            raise InputError(f"steps must be between 1 and 100000, got {self.steps}")
        k = self.knobs
        unknown = set(k) - set(KNOBS)
        if unknown:
            raise InputError(f"unknown knob(s) {', '.join(sorted(unknown))}; allowed: {', '.join(KNOBS)}")
        if "depth" in k and not (isinstance(k["depth"], int) and 2 <= k["depth"] <= 60):
            raise InputError(f"depth must be a whole number from 2 to 60, got {k['depth']}")
        if "activation" in k and k["activation"] not in ACTIVATIONS:
            raise InputError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {k['activation']!r}")
        if "init" in k and k["init"] not in INITS:
            raise InputError(f"init must be one of {', '.join(INITS)}, got {k['init']!r}")
        if "lr" in k and not (isinstance(k["lr"], (int, float)) and 0 < k["lr"] <= 100):
            raise InputError(f"learning rate must be in (0, 100], got {k['lr']}")
        if "dropout" in k and not (isinstance(k["dropout"], (int, float)) and 0 <= k["dropout"] < 1):
            raise InputError(f"dropout must be in [0, 1), got {k['dropout']}")


def _sgd(model, lr, **kw):
    return torch.optim.SGD(model.parameters(), lr=lr, **kw)


def _custom(cfg: ExperimentConfig, in_dim: int, out_dim: int, defaults: dict, name: str = "custom") -> Variant:
    k = {**defaults, **cfg.knobs}
    model = MLP(in_dim, out_dim, width=k.get("width", 64), depth=k["depth"], activation=k["activation"],
                init=k["init"], batchnorm=bool(k["batchnorm"]), dropout=float(k["dropout"]), seed=cfg.seed)
    label = f"{name}: {k['activation']}/{k['init']}" + ("+BN" if k["batchnorm"] else "") + \
        (f"+drop{k['dropout']}" if k["dropout"] else "") + f" d{k['depth']} lr{k['lr']}"
    return Variant(label, model, _sgd(model, k["lr"], momentum=0.9))


# -- vanishing ----------------------------------------------------------------------------------
VANISHING_DEFAULTS = dict(depth=15, activation="sigmoid", init="naive", lr=0.05, dropout=0.0, batchnorm=False)


def build_vanishing(cfg: ExperimentConfig):
    data = datasets.digits(cfg.seed)
    d, lr = cfg.knobs.get("depth", 15), cfg.knobs.get("lr", 0.05)

    def mlp(**kw):
        return MLP(64, 10, width=64, depth=d, seed=cfg.seed, **kw)

    if cfg.knobs:
        variants = [_custom(cfg, 64, 10, VANISHING_DEFAULTS)]
    else:
        specs = [
            ("sigmoid, naive init", dict(activation="sigmoid", init="naive")),
            ("tanh + Xavier", dict(activation="tanh", init="xavier")),
            ("ReLU + He", dict(activation="relu", init="he")),
            ("sigmoid + BN", dict(activation="sigmoid", init="naive", batchnorm=True)),
            ("ReLU + residual", dict(activation="relu", init="he", residual=True)),
        ]
        variants = []
        for name, kw in specs:
            model = mlp(**kw)
            if kw.get("residual"):  # scale residual branches down so the identity path dominates at init
                with torch.no_grad():
                    for block in model.blocks:
                        block.linear.weight.mul_(0.3)
            variants.append(Variant(name, model, _sgd(model, lr, momentum=0.9)))
    return variants, data, RunConfig(steps=cfg.steps or 300, batch_size=64, report_every=10, seed=cfg.seed)


# -- exploding ----------------------------------------------------------------------------------
def build_exploding(cfg: ExperimentConfig):
    data = datasets.digits(cfg.seed)
    if cfg.knobs:
        defaults = dict(depth=12, activation="relu", init="large", lr=0.05, dropout=0.0, batchnorm=False)
        variants = [_custom(cfg, 64, 10, defaults)]
    else:
        variants = []
        for name, init, lr, clip in [
            ("large init", "large", 0.05, None),
            ("large init + clip 1.0", "large", 0.05, 1.0),
            ("He init, lr 0.05", "he", 0.05, None),
            ("He init, lr 2.0", "he", 2.0, None),
            ("He init, lr 2.0 + clip 1.0", "he", 2.0, 1.0),
        ]:
            model = MLP(64, 10, width=64, depth=12, activation="relu", init=init, seed=cfg.seed)
            variants.append(Variant(name, model, _sgd(model, lr, momentum=0.9), clip_grad=clip))
    return variants, data, RunConfig(steps=cfg.steps or 200, batch_size=64, report_every=5, seed=cfg.seed)


# -- overfitting --------------------------------------------------------------------------------
def shift_and_noise(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Augment 8×8 digits: shift by up to one pixel each way, add a little noise."""
    images = x.view(-1, 8, 8)
    dx, dy = (int(v) for v in torch.randint(-1, 2, (2,), generator=gen))
    shifted = torch.roll(images, shifts=(dy, dx), dims=(1, 2))
    noise = torch.randn(shifted.shape, generator=gen).to(x.device) * 0.05
    return (shifted + noise).view(-1, 64)


def build_overfitting(cfg: ExperimentConfig):
    data = datasets.digits(cfg.seed, train_size=150, label_noise=0.1)
    width, depth = 256, 4

    def mlp(dropout=0.0):
        return MLP(64, 10, width=width, depth=depth, activation="relu", init="he", dropout=dropout, seed=cfg.seed)

    def adam(model, wd=0.0):
        return torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=wd)

    if cfg.knobs:
        defaults = dict(depth=depth, activation="relu", init="he", lr=0.01, dropout=0.0, batchnorm=False, width=width)
        base = mlp()
        variants = [Variant("baseline", base, adam(base)), _custom(cfg, 64, 10, defaults)]
    else:
        m = [mlp(), mlp(0.5), mlp(), mlp(), mlp()]
        variants = [
            Variant("baseline", m[0], adam(m[0])),
            Variant("dropout 0.5", m[1], adam(m[1])),
            Variant("weight decay 0.5", m[2], adam(m[2], wd=0.5)),
            Variant("early stopping", m[3], adam(m[3]), early_stopping_patience=5),
            Variant("augmentation", m[4], adam(m[4]), augment=shift_and_noise),
        ]
    return variants, data, RunConfig(steps=cfg.steps or 400, batch_size=50, report_every=10, seed=cfg.seed)


# -- batchnorm ----------------------------------------------------------------------------------
def build_batchnorm(cfg: ExperimentConfig):
    data = datasets.digits(cfg.seed)
    depth = cfg.knobs.get("depth", 10)
    variants = []
    if cfg.knobs:
        defaults = dict(depth=depth, activation="sigmoid", init="xavier", lr=0.5, dropout=0.0, batchnorm=True)
        variants = [_custom(cfg, 64, 10, defaults)]
    else:
        for lr in (0.05, 0.5, 2.0):
            for bn in (False, True):
                model = MLP(64, 10, width=64, depth=depth, activation="sigmoid", init="xavier", batchnorm=bn,
                            seed=cfg.seed)
                variants.append(Variant(f"{'BN' if bn else 'plain'} lr {lr}", model, _sgd(model, lr)))
    return variants, data, RunConfig(steps=cfg.steps or 300, batch_size=64, report_every=10, seed=cfg.seed)


def activation_stats(x_probe: torch.Tensor) -> Callable[[Variant], dict]:
    """Mean/std of every hidden layer's output on a fixed probe batch: the 'covariate shift' picture."""

    def measure(v: Variant) -> dict:
        model = v.model
        was_training = model.training
        model.eval()
        with torch.no_grad():
            outs = model.hidden_outputs(x_probe)
        model.train(was_training)
        return {"mean": [round(float(o.mean()), 4) for o in outs], "std": [round(float(o.std()), 4) for o in outs]}

    return measure


# -- optimizers ---------------------------------------------------------------------------------
def build_optimizers(cfg: ExperimentConfig):
    data = datasets.spirals(cfg.seed)

    def mlp():
        return MLP(2, 2, width=64, depth=4, activation="relu", init="he", seed=cfg.seed)

    if cfg.knobs:
        defaults = dict(depth=4, activation="relu", init="he", lr=0.05, dropout=0.0, batchnorm=False)
        return [_custom(cfg, 2, 2, defaults)], data, RunConfig(steps=cfg.steps or 400, batch_size=64, seed=cfg.seed)
    specs = [
        ("SGD", lambda p: torch.optim.SGD(p, lr=0.05)),
        ("momentum", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
        ("Nesterov", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
        ("Adagrad", lambda p: torch.optim.Adagrad(p, lr=0.05)),
        ("RMSprop", lambda p: torch.optim.RMSprop(p, lr=0.003)),
        ("Adam", lambda p: torch.optim.Adam(p, lr=0.005)),
    ]
    variants = []
    for name, make in specs:
        model = mlp()
        variants.append(Variant(name, model, make(model.parameters())))
    return variants, data, RunConfig(steps=cfg.steps or 400, batch_size=64, report_every=10, seed=cfg.seed)


# -- init ---------------------------------------------------------------------------------------
def distinct_units(v: Variant, x_probe: torch.Tensor) -> dict:
    """How many different functions the first hidden block's units compute (1 = symmetry never broke)."""
    with torch.no_grad():
        h = v.model.hidden_outputs(x_probe)[1]
        cols = torch.round(h.T * 1e4)
        return {"distinct_units": int(torch.unique(cols, dim=0).shape[0])}


def build_init(cfg: ExperimentConfig):
    data = datasets.digits(cfg.seed)
    depth = cfg.knobs.get("depth", 6)
    if cfg.knobs:
        defaults = dict(depth=depth, activation="tanh", init="xavier", lr=0.05, dropout=0.0, batchnorm=False)
        variants = [_custom(cfg, 64, 10, defaults)]
    else:
        variants = []
        for init in ("zero", "small", "large", "xavier", "he"):
            model = MLP(64, 10, width=64, depth=depth, activation="tanh", init=init, seed=cfg.seed)
            variants.append(Variant(f"{init} init", model, _sgd(model, 0.05, momentum=0.9)))
    return variants, data, RunConfig(steps=cfg.steps or 300, batch_size=64, report_every=10, seed=cfg.seed)


BUILDERS = {"vanishing": build_vanishing, "exploding": build_exploding, "overfitting": build_overfitting,
            "batchnorm": build_batchnorm, "optimizers": build_optimizers, "init": build_init}


def run_experiment(cfg: ExperimentConfig, on_event: Callable[[StepEvent], None] | None = None,
                   should_stop: Callable[[], bool] | None = None) -> dict:
    """Train the experiment's variants; the result has the DESIGN.md `lab NAME --json` shape."""
    cfg.validate()
    device = pick_device(cfg.device)
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)
    with Timer() as timer:
        variants, data, run_cfg = BUILDERS[cfg.name](cfg)
        probe = torch.as_tensor(data[2][:256], device=device)
        tracker = None
        if cfg.name == "batchnorm":
            tracker = activation_stats(probe)
        elif cfg.name == "init":
            tracker = lambda v: distinct_units(v, probe)  # noqa: E731
        completed = train_variants(variants, data, run_cfg, device, on_event, should_stop, tracker)
    result = {
        "experiment": cfg.name,
        "device": str(device),
        "seed": cfg.seed,
        "steps": run_cfg.steps,
        "seconds": round(timer.seconds, 2),
        "completed": completed,
        "variants": {v.name: variant_summary(v) for v in variants},
        "summary": dict(EXPERIMENTS[cfg.name].explanation),
    }
    if cfg.name == "batchnorm" and completed:
        _bn_train_vs_eval(variants, data, device, result)
    return result


def _bn_train_vs_eval(variants, data, device, result) -> None:
    """BN uses batch statistics in train mode and running averages in eval mode: compare them."""
    x_val = torch.as_tensor(data[2], device=device)
    y_val = torch.as_tensor(data[3], device=device)
    for v in variants:
        if not any(isinstance(m, nn.BatchNorm1d) for m in v.model.modules()) or v.diverged_at is not None:
            continue
        with torch.no_grad():
            v.model.train()
            acc_train_mode = float((v.model(x_val[:32]).argmax(1) == y_val[:32]).float().mean())
            v.model.eval()
            acc_eval_mode = float((v.model(x_val[:32]).argmax(1) == y_val[:32]).float().mean())
        final = result["variants"][v.name]["final"]
        final["val_acc_bn_train_mode_batch32"] = acc_train_mode
        final["val_acc_bn_eval_mode_batch32"] = acc_eval_mode
