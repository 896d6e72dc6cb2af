"""The six experiments. Each builder returns its variants, data and run settings; `run_experiment`
trains them and returns the `dlquiz lab NAME --json` result. Imported only when an experiment runs
(it imports torch).

Defaults are tuned so every experiment finishes in a few seconds on a 2-core CPU (one torch thread:
these models are far too small for intra-op parallelism to pay) and so the effect is unmistakable in
the numbers; tests/test_lab.py checks the physics with fixed seeds.
"""
from __future__ import annotations

import copy
import math
from typing import Callable

import numpy as np
import torch
from torch import nn

from dlquiz.errors import InputError
from dlquiz.lab import data as datasets
from dlquiz.lab.catalog import EXPERIMENTS
from dlquiz.lab.config import ExperimentConfig
from dlquiz.lab.engine import RunConfig, StepEvent, Timer, Variant, pick_device, train_variants, variant_summary
from dlquiz.lab.models import MLP
from dlquiz.lab.stacked import architecture, stack_problem, train_stacked

CPU_THREADS = 1  # measured: 1 thread beats 2 for these sizes, and leaves a core to the UI


def _sgd(model, lr, momentum=0.9, **kw):
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, foreach=True, **kw)


def _steps(cfg: ExperimentConfig) -> int:
    return cfg.steps or EXPERIMENTS[cfg.name].default_steps


def _custom(cfg: ExperimentConfig, in_dim: int, out_dim: int, defaults: dict, name: str = "custom") -> Variant:
    """The knobs' single variant (`config.from_knobs`): the experiment's defaults overridden by the knobs."""
    k = {**defaults, **cfg.knobs}
    model = MLP(in_dim, out_dim, width=k.get("width", 64), depth=k["depth"], activation=k["activation"],
                init=k["init"], batchnorm=bool(k["batchnorm"]), dropout=float(k["dropout"]), seed=cfg.seed)
    label = f"{name}: {k['activation']}/{k['init']}" + ("+BN" if k["batchnorm"] else "") + \
        (f"+drop{k['dropout']}" if k["dropout"] else "") + f" d{k['depth']} lr{k['lr']}"
    return Variant(label, model, _sgd(model, k["lr"], momentum=k.get("momentum", 0.9)))


# -- vanishing ----------------------------------------------------------------------------------
VANISHING = dict(depth=15, width=64, lr=0.01, batch=64)
VANISHING_DEFAULTS = dict(depth=VANISHING["depth"], activation="sigmoid", init="naive", lr=VANISHING["lr"],
                          dropout=0.0, batchnorm=False)


def build_vanishing(cfg: ExperimentConfig):
    data = datasets.digits(cfg.seed)
    p = VANISHING
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
            model = MLP(64, 10, width=p["width"], depth=p["depth"], seed=cfg.seed, **kw)
            if kw.get("residual"):  # scale residual branches down so the identity path dominates at init
                with torch.no_grad():
                    for block in model.blocks:
                        block.linear.weight.mul_(0.3)
            variants.append(Variant(name, model, _sgd(model, p["lr"])))
    return variants, data, RunConfig(steps=_steps(cfg), batch_size=p["batch"], report_every=10, seed=cfg.seed)


# -- exploding ----------------------------------------------------------------------------------
EXPLODING = dict(depth=12, width=64, lr=0.03, high_lr=0.3, clip=1.0, high_lr_clip=0.5, large_gain=1.5)


def build_exploding(cfg: ExperimentConfig):
    data = datasets.digits(cfg.seed)
    p = EXPLODING
    if cfg.knobs:
        defaults = dict(depth=p["depth"], activation="relu", init="large", lr=p["lr"], dropout=0.0, batchnorm=False)
        variants = [_custom(cfg, 64, 10, defaults)]
    else:
        variants = []
        for name, gain, lr, clip in [
            (f"large init ({p['large_gain']}x He)", p["large_gain"], p["lr"], None),
            (f"large init + clip {p['clip']}", p["large_gain"], p["lr"], p["clip"]),
            (f"He init (cure), lr {p['lr']}", 1.0, p["lr"], None),
            (f"He init, lr {p['high_lr']} (too high)", 1.0, p["high_lr"], None),
            (f"lr {p['high_lr']} + clip {p['high_lr_clip']} (cure)", 1.0, p["high_lr"], p["high_lr_clip"]),
        ]:
            model = MLP(64, 10, width=p["width"], depth=p["depth"], activation="relu", init="he", seed=cfg.seed)
            if gain != 1.0:
                with torch.no_grad():
                    for layer in model.modules():
                        if isinstance(layer, nn.Linear):
                            layer.weight.mul_(gain)
            variants.append(Variant(name, model, _sgd(model, lr), clip_grad=clip))
    return variants, data, RunConfig(steps=_steps(cfg), batch_size=64, report_every=5, seed=cfg.seed,
                                     dense_steps=20)


# -- overfitting --------------------------------------------------------------------------------
OVERFITTING = dict(train_size=150, label_noise=0.3, width=128, depth=4, lr=3e-3, weight_decay=5.0, dropout=0.6,
                   patience=5, batch=50)

# 9 shifts of an 8×8 image by up to one pixel each way, as gather indices into the zero-padded 10×10 image
_SHIFT_INDEX = torch.tensor([[(r + 1 + dy) * 10 + (c + 1 + dx) for r in range(8) for c in range(8)]
                             for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
_SHIFT_INDEX_ON: dict = {}


def shift_and_noise(x: torch.Tensor) -> torch.Tensor:
    """Augment 8×8 digits: each image shifted by up to one pixel each way, plus a little noise.
    Runs on x's device; random numbers from the (seeded) global generator."""
    b = x.shape[0]
    padded = nn.functional.pad(x.view(b, 8, 8), (1, 1, 1, 1)).view(b, 100)
    shifts = _SHIFT_INDEX_ON.get(x.device)
    if shifts is None:  # one host-to-device copy per device, not one per step
        shifts = _SHIFT_INDEX_ON[x.device] = _SHIFT_INDEX.to(x.device)
    index = shifts[torch.randint(0, 9, (b,), device=x.device)]
    return padded.gather(1, index) + 0.05 * torch.randn_like(x)


def build_overfitting(cfg: ExperimentConfig):
    p = OVERFITTING
    data = datasets.digits(cfg.seed, train_size=p["train_size"], label_noise=p["label_noise"])

    def mlp(dropout=0.0):
        return MLP(64, 10, width=p["width"], depth=p["depth"], activation="relu", init="he", dropout=dropout,
                   seed=cfg.seed)

    def adam(model, wd=0.0):
        return torch.optim.AdamW(model.parameters(), lr=p["lr"], weight_decay=wd, foreach=True)

    if cfg.knobs:
        defaults = dict(depth=p["depth"], activation="relu", init="he", lr=0.01, dropout=0.0, batchnorm=False,
                        width=p["width"])
        base = mlp()
        variants = [Variant("baseline", base, adam(base)), _custom(cfg, 64, 10, defaults)]
    else:
        m = [mlp(), mlp(p["dropout"]), mlp(), mlp(), mlp()]
        variants = [
            Variant("baseline", m[0], adam(m[0])),
            Variant(f"dropout {p['dropout']}", m[1], adam(m[1])),
            Variant(f"weight decay {p['weight_decay']}", m[2], adam(m[2], wd=p["weight_decay"])),
            Variant("early stopping", m[3], adam(m[3]), early_stopping_patience=p["patience"]),
            Variant("augmentation", m[4], adam(m[4]), augment=shift_and_noise),
        ]
    return variants, data, RunConfig(steps=_steps(cfg), batch_size=p["batch"], report_every=10, seed=cfg.seed)


# -- batchnorm ----------------------------------------------------------------------------------
BATCHNORM = dict(depth=10, width=64, activation="relu", init="he", lrs=(0.05, 0.3, 1.0), batch=64)


def build_batchnorm(cfg: ExperimentConfig):
    p = BATCHNORM
    data = datasets.digits(cfg.seed)
    if cfg.knobs:
        defaults = dict(depth=p["depth"], activation=p["activation"], init=p["init"], lr=0.5, dropout=0.0,
                        batchnorm=True, momentum=0.0)
        variants = [_custom(cfg, 64, 10, defaults)]
    else:
        variants = []
        for lr in p["lrs"]:
            for bn in (False, True):
                model = MLP(64, 10, width=p["width"], depth=p["depth"], activation=p["activation"], init=p["init"],
                            batchnorm=bn, seed=cfg.seed)
                variants.append(Variant(f"{'BN' if bn else 'plain'} lr {lr}", model, _sgd(model, lr, momentum=0.0)))
    return variants, data, RunConfig(steps=_steps(cfg), batch_size=p["batch"], report_every=10, seed=cfg.seed,
                                     dense_steps=10)


def activation_stats(x_probe: torch.Tensor, saturation: bool = False,
                     symmetry: bool = False) -> Callable[[Variant], dict]:
    """Per hidden layer, on a fixed probe batch (eval mode): mean and std of the outputs (the
    'covariate shift' picture), optionally the fraction of saturated units (|h| > 0.99, for tanh) and
    how many distinct functions the first hidden block's units compute (1 = symmetry never broke)."""

    def measure(v: Variant) -> dict:
        model = v.model
        model.eval()
        with torch.no_grad():
            outs = model.hidden_outputs(x_probe)
            rows = [torch.stack([o.mean(), o.std()]) for o in outs]
            if saturation:
                rows = [torch.cat([r, (o.abs() > 0.99).float().mean().view(1)]) for r, o in zip(rows, outs)]
            stats = torch.stack(rows).tolist()
            distinct = None
            if symmetry:
                h = outs[1] if len(outs) > 1 else outs[0]
                distinct = int(torch.unique(torch.round(h.T * 1e4), dim=0).shape[0])
        model.train()
        out = {"act_mean": [round(r[0], 5) for r in stats], "act_std": [float(f"{r[1]:.4g}") for r in stats]}
        if saturation:
            out["act_saturated"] = [round(r[2], 4) for r in stats]
        if distinct is not None:
            out["distinct_units"] = distinct
        return out

    return measure


# -- optimizers ---------------------------------------------------------------------------------
OPTIMIZERS = dict(depth=4, width=64, batch=64)
OPTIMIZER_SPECS: list[tuple[str, Callable]] = [
    ("SGD", lambda p: torch.optim.SGD(p, lr=0.05, foreach=True)),
    ("momentum", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, foreach=True)),
    ("Nesterov", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, foreach=True)),
    ("Adagrad", lambda p: torch.optim.Adagrad(p, lr=0.05, foreach=True)),
    ("RMSprop", lambda p: torch.optim.RMSprop(p, lr=0.003, foreach=True)),
    ("Adam", lambda p: torch.optim.Adam(p, lr=0.005, foreach=True)),
]


def build_optimizers(cfg: ExperimentConfig):
    p = OPTIMIZERS
    data = datasets.spirals(cfg.seed)
    run = RunConfig(steps=_steps(cfg), batch_size=p["batch"], report_every=10, seed=cfg.seed)

    def mlp():
        return MLP(2, 2, width=p["width"], depth=p["depth"], activation="relu", init="he", seed=cfg.seed)

    if cfg.knobs:
        defaults = dict(depth=p["depth"], activation="relu", init="he", lr=0.05, dropout=0.0, batchnorm=False)
        return [_custom(cfg, 2, 2, defaults)], data, run
    variants = []
    for name, make in OPTIMIZER_SPECS:
        model = mlp()
        variants.append(Variant(name, model, make(model.parameters())))
    return variants, data, run


# -- init ---------------------------------------------------------------------------------------
INIT = dict(depth=10, width=64, activation="tanh", lr=0.02, schemes=("zero", "small", "large", "xavier", "he"))


def build_init(cfg: ExperimentConfig):
    p = INIT
    data = datasets.digits(cfg.seed)
    if cfg.knobs:
        defaults = dict(depth=p["depth"], activation=p["activation"], init="xavier", lr=p["lr"], dropout=0.0,
                        batchnorm=False)
        variants = [_custom(cfg, 64, 10, defaults)]
    else:
        variants = []
        for init in p["schemes"]:
            model = MLP(64, 10, width=p["width"], depth=p["depth"], activation=p["activation"], init=init,
                        seed=cfg.seed)
            variants.append(Variant(f"{init} init", model, _sgd(model, p["lr"])))
    return variants, data, RunConfig(steps=_steps(cfg), batch_size=64, report_every=10, seed=cfg.seed)


BUILDERS = {"vanishing": build_vanishing, "exploding": build_exploding, "overfitting": build_overfitting,
            "batchnorm": build_batchnorm, "optimizers": build_optimizers, "init": build_init}


def run_experiment(cfg: ExperimentConfig, on_event: Callable[[StepEvent], None] | None = None,
                   should_stop: Callable[[], bool] | None = None) -> dict:
    """Train the experiment's variants; the result is what `dlquiz lab NAME --json` prints."""
    cfg.validate()
    device = pick_device(cfg.device)
    saved_threads = torch.get_num_threads()
    if device.type == "cpu":
        torch.set_num_threads(cfg.threads or CPU_THREADS)
    try:
        torch.manual_seed(cfg.seed)
        np.random.seed(cfg.seed % 2**32)
        with Timer() as timer:
            variants, data, run_cfg = BUILDERS[cfg.name](cfg)
            probe = torch.as_tensor(data[2][:256]).to(device)
            tracker = None
            if cfg.name == "batchnorm":
                tracker = activation_stats(probe)
            elif cfg.name == "init":
                tracker = activation_stats(probe, saturation=True, symmetry=True)
            engine = _choose_engine(cfg.engine, variants)
            train = train_stacked if engine == "stacked" else train_variants
            completed = train(variants, data, run_cfg, device, on_event, should_stop, tracker)
            extras = _bn_train_vs_eval(variants, data, device) if cfg.name == "batchnorm" and completed else {}
    finally:
        torch.set_num_threads(saved_threads)
    summaries = {v.name: variant_summary(v) for v in variants}
    for name, extra in extras.items():
        summaries[name]["final"].update(extra)
    _add_extras(cfg.name, summaries)
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
    result["findings"] = findings(cfg.name, result)
    joined = {"en": "; ".join(result["findings"]["en"]) + ".", "zh": ";".join(result["findings"]["zh"]) + "。"}
    result["summary"] = {lang: (joined[lang] + "\n\n" if result["findings"][lang] else "")
                         + EXPERIMENTS[cfg.name].explanation[lang] for lang in ("en", "zh")}
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


def _bn_train_vs_eval(variants, data, device) -> dict:
    """BN uses batch statistics in train mode and running averages in eval mode: compare them on the
    validation set, in train mode with mini-batches of 8 (noisy statistics) and in eval mode."""
    x_val = torch.as_tensor(data[2]).to(device)
    y_val = torch.as_tensor(data[3]).to(device)
    out = {}
    for v in variants:
        if v.diverged_at is not None or not any(isinstance(m, nn.BatchNorm1d) for m in v.model.modules()):
            continue
        model = copy.deepcopy(v.model)  # train-mode forwards update running stats: use a copy
        with torch.no_grad():
            model.train()
            n = len(x_val) // 8 * 8
            preds = torch.cat([model(x_val[i:i + 8]).argmax(1) for i in range(0, n, 8)])
            acc_train_mode = float((preds == y_val[:n]).float().mean())
            model.eval()
            acc_eval_mode = float((model(x_val).argmax(1) == y_val).float().mean())
        out[v.name] = {"val_acc_bn_train_mode_batch8": acc_train_mode, "val_acc_bn_eval_mode": acc_eval_mode}
    return out


# -- per-experiment extras in `final`, and the data-driven findings line -----------------------
def _add_extras(name: str, summaries: dict) -> None:
    for v in summaries.values():
        final, hist = v["final"], v["history"]
        if name == "overfitting" and "train_acc" in final:
            final["train_val_gap"] = final["train_acc"] - final["val_acc"]
        if name == "optimizers":
            final["steps_to_90pct_train_acc"] = next((h["step"] for h in hist if h.get("train_acc", 0) >= 0.9), None)
        if name in ("init", "batchnorm") and v.get("activation_stats"):
            first, last = v["activation_stats"][0], v["activation_stats"][-1]
            final["act_std_last_hidden_init"] = first["act_std"][-1]
            final["act_std_last_hidden_end"] = last["act_std"][-1]
        if name == "init" and v.get("activation_stats"):
            final["distinct_units"] = last.get("distinct_units")
            final["saturated_last_hidden_init"] = first.get("act_saturated", [None])[-1]


def _pct(x) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _sci(x) -> str:
    return "n/a" if x is None else f"{x:.1e}"


def findings(name: str, result: dict) -> dict[str, list[str]]:
    """One short, data-driven line per variant: the numbers that show this experiment's effect."""
    en: list[str] = []
    zh: list[str] = []
    for vname, v in result["variants"].items():
        f = v["final"]
        if "diverged_at" in v:
            en.append(f"{vname}: diverged at step {v['diverged_at']}")
            zh.append(f"{vname}: 第 {v['diverged_at']} 步发散")
            continue
        if "train_loss" not in f:
            continue
        va = _pct(f.get("val_acc"))
        if name == "vanishing":
            r = _sci(f.get("grad_ratio_first_last_init"))
            en.append(f"{vname}: first/last-layer gradient norm at init {r}, val acc {va}")
            zh.append(f"{vname}: 初始化时第一层/最后一层梯度范数比 {r},验证准确率 {va}")
        elif name == "exploding":
            g = _sci(f.get("grad_norm_total_init"))
            en.append(f"{vname}: gradient norm at init {g}, val acc {va}")
            zh.append(f"{vname}: 初始化时梯度范数 {g},验证准确率 {va}")
        elif name == "overfitting":
            gap = f.get("train_val_gap")
            stop = v.get("early_stop_step")
            extra_en = f", stopped at step {stop} (best weights from step {v.get('best_step')})" if stop is not None else ""
            extra_zh = f",第 {stop} 步停止(恢复第 {v.get('best_step')} 步的最佳权重)" if stop is not None else ""
            en.append(f"{vname}: train {_pct(f['train_acc'])} / val {va}, gap {gap:+.0%}{extra_en}")
            zh.append(f"{vname}: 训练 {_pct(f['train_acc'])} / 验证 {va},差距 {gap:+.0%}{extra_zh}")
        elif name == "batchnorm":
            en.append(f"{vname}: train loss {f['train_loss']:.3f}, val acc {va}")
            zh.append(f"{vname}: 训练损失 {f['train_loss']:.3f},验证准确率 {va}")
        elif name == "optimizers":
            s90 = f.get("steps_to_90pct_train_acc")
            en.append(f"{vname}: loss {f['train_loss']:.4f}, 90% train acc " + (f"at step {s90}" if s90 is not None
                                                                             else "not reached"))
            zh.append(f"{vname}: 损失 {f['train_loss']:.4f},90% 训练准确率" + (f"在第 {s90} 步达到" if s90 is not None
                                                                        else "未达到"))
        elif name == "init":
            du, std = f.get("distinct_units"), _sci(f.get("act_std_last_hidden_init"))
            en.append(f"{vname}: {du} distinct units, last hidden std at init {std}, val acc {va}")
            zh.append(f"{vname}: {du} 个不同单元,初始化时最后隐藏层标准差 {std},验证准确率 {va}")
    return {"en": en, "zh": zh}


def _json_safe(obj):
    """NaN/inf are not JSON: turn them into None (they should be rare: diverged points are not kept)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    return obj
