"""optimizers: SGD, momentum, Nesterov, Adagrad, RMSprop and Adam on two spirals."""
from __future__ import annotations

from dlquiz.lab.catalog._base import Chart, Experiment, register

DEPTH, WIDTH, BATCH = 4, 64, 64
# (name, torch.optim class name, keyword arguments): their customary learning rates
OPTIMIZER_SPECS: list[tuple[str, str, dict]] = [
    ("SGD", "SGD", dict(lr=0.05)),
    ("momentum", "SGD", dict(lr=0.05, momentum=0.9)),
    ("Nesterov", "SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("Adagrad", "Adagrad", dict(lr=0.05)),
    ("RMSprop", "RMSprop", dict(lr=0.003)),
    ("Adam", "Adam", dict(lr=0.005)),
]
LOSS_CHART = Chart("loss", "curves", {"en": "training loss", "zh": "训练损失"}, ("train_loss",), log_y=True)
ACC_CHART = Chart("acc", "curves", {"en": "training accuracy", "zh": "训练准确率"}, ("train_acc",))


def build(cfg):
    import torch

    from dlquiz.lab import data as datasets
    from dlquiz.lab.engine import RunConfig, Variant
    from dlquiz.lab.models import MLP
    from dlquiz.lab.parts import custom_variant

    data = datasets.spirals(cfg.seed)
    run = RunConfig(steps=cfg.steps or EXPERIMENT.default_steps, batch_size=BATCH, report_every=10, seed=cfg.seed)
    if cfg.knobs:
        return [custom_variant(cfg, 2, 2, EXPERIMENT.knob_defaults)], data, run
    variants = []
    for name, kind, kw in OPTIMIZER_SPECS:
        model = MLP(2, 2, width=WIDTH, depth=DEPTH, activation="relu", init="he", seed=cfg.seed)
        variants.append(Variant(name, model, getattr(torch.optim, kind)(model.parameters(), foreach=True, **kw)))
    return variants, data, run


def add_extras(v):
    v["final"]["steps_to_90pct_train_acc"] = next((h["step"] for h in v["history"] if h.get("train_acc", 0) >= 0.9),
                                                  None)


def finding(vname, v):
    f = v["final"]
    s90 = f.get("steps_to_90pct_train_acc")
    return (f"{vname}: loss {f['train_loss']:.4f}, 90% train acc " + (f"at step {s90}" if s90 is not None
                                                                     else "not reached"),
            f"{vname}: 损失 {f['train_loss']:.4f},90% 训练准确率"
            + (f"在第 {s90} 步达到" if s90 is not None else "未达到"))


EXPERIMENT = register(Experiment(
    "optimizers",
    {"en": "Optimisers: SGD to Adam", "zh": "优化器: 从 SGD 到 Adam"},
    {"en": "One small MLP on the two-spirals problem, trained by SGD, SGD with momentum, Nesterov, Adagrad, "
           "RMSprop and Adam with their customary learning rates. Momentum smooths and accelerates plain SGD; "
           "the adaptive methods scale each parameter's step by its gradient history. Compare the final "
           "losses and how many steps each needs to reach 90% training accuracy (plain SGD: not within "
           "the run).",
     "zh": "同一个小 MLP 在双螺旋数据上,分别用 SGD、动量、Nesterov、Adagrad、RMSprop、Adam(各用常用学习率)训练。"
           "动量让 SGD 更平滑更快;自适应方法按每个参数的历史梯度调整步长。比较最终损失,以及各自需要多少步"
           "才达到 90% 训练准确率(普通 SGD 在本次运行内达不到)。"},
    ("optimizer", "momentum", "adam"), 200,
    build=build,
    knob_defaults=dict(depth=DEPTH, activation="relu", init="he", lr=0.05, dropout=0.0, batchnorm=False),
    charts=(LOSS_CHART, ACC_CHART),
    columns=(("90% train acc at", lambda v: "never" if v["final"].get("steps_to_90pct_train_acc") is None
              else f"step {v['final']['steps_to_90pct_train_acc']}"),),
    finding=finding,
    add_extras=add_extras,
))
