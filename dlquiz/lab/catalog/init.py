"""init: zero, small, large, Xavier and He init of a deep tanh MLP."""
from __future__ import annotations

from dlquiz.lab.catalog._base import Chart, Experiment, num, pct, pct_or_na, register, sci_or_na
from dlquiz.lab.catalog.batchnorm import add_activation_extras
from dlquiz.lab.catalog.vanishing import GRAD_COLUMNS

DEPTH, WIDTH, ACTIVATION, LR, SCHEMES = 10, 64, "tanh", 0.02, ("zero", "small", "large", "xavier", "he")

ACT_CHART = Chart("act", "layers", {"en": "activation std per hidden layer, at init",
                                    "zh": "初始化时各隐藏层激活的标准差"}, source="act_std", log_y=True, at_init=True)
LOSS_CHART = Chart("loss", "curves", {"en": "training loss", "zh": "训练损失"}, ("train_loss",), log_y=True)


def build(cfg):
    from dlquiz.lab import data as datasets
    from dlquiz.lab.engine import RunConfig, Variant
    from dlquiz.lab.models import MLP
    from dlquiz.lab.parts import custom_variant, sgd

    data = datasets.digits(cfg.seed)
    if cfg.knobs:
        variants = [custom_variant(cfg, 64, 10, EXPERIMENT.knob_defaults)]
    else:
        variants = []
        for init in SCHEMES:
            model = MLP(64, 10, width=WIDTH, depth=DEPTH, activation=ACTIVATION, init=init, seed=cfg.seed)
            variants.append(Variant(f"{init} init", model, sgd(model, LR)))
    steps = cfg.steps or EXPERIMENT.default_steps
    return variants, data, RunConfig(steps=steps, batch_size=64, report_every=10, seed=cfg.seed)


def add_extras(v):
    add_activation_extras(v)
    if v.get("activation_stats"):
        first, last = v["activation_stats"][0], v["activation_stats"][-1]
        v["final"]["distinct_units"] = last.get("distinct_units")
        v["final"]["saturated_last_hidden_init"] = first.get("act_saturated", [None])[-1]


def finding(vname, v):
    f = v["final"]
    du, std, va = f.get("distinct_units"), sci_or_na(f.get("act_std_last_hidden_init")), pct_or_na(f.get("val_acc"))
    return (f"{vname}: {du} distinct units, last hidden std at init {std}, val acc {va}",
            f"{vname}: {du} 个不同单元,初始化时最后隐藏层标准差 {std},验证准确率 {va}")


EXPERIMENT = register(Experiment(
    "init",
    {"en": "Weight initialisation", "zh": "权重初始化"},
    {"en": f"A {DEPTH}-layer tanh MLP with five inits. Zero init never breaks symmetry: every hidden unit of a "
           "layer computes the same thing and gets the same update (the 'distinct units' count stays 1), "
           "so nothing but the output bias learns. Too small an init (std 0.01) shrinks the signal by ~12× "
           "per layer: the last hidden layer's output is ~1e-10 and the gradients are just as tiny. Too "
           "large (3× He) saturates tanh (about half of every layer's outputs sit at ±1, where "
           "tanh' ≈ 0) and training is erratic. Xavier (made for tanh) and He (made for ReLU, slightly large for tanh) "
           "keep the variance "
           "roughly constant across layers and train well.",
     "zh": f"{DEPTH} 层 tanh MLP,五种初始化。全零初始化无法打破对称性:同一层所有隐藏单元计算相同的值、得到相同的更新"
           "(distinct units 一直是 1),只有输出层偏置在学。初始化过小(std 0.01)使信号每层缩小约 12 倍:"
           "最后一个隐藏层的输出约为 1e-10,梯度同样微小。过大(3 倍 He)让 tanh 饱和(每层约一半的输出停在 ±1,"
           "那里 tanh' ≈ 0),训练很不稳定。Xavier(为 tanh 设计)和 He(为 ReLU 设计,对 tanh 略大)"
           "让各层方差大致保持不变,训练正常。"},
    ("initialization", "xavier", "symmetry"), 150,
    build=build,
    knob_defaults=dict(depth=DEPTH, activation=ACTIVATION, init="xavier", lr=LR, dropout=0.0, batchnorm=False),
    charts=(ACT_CHART, LOSS_CHART),
    columns=GRAD_COLUMNS + (("distinct units", lambda v: num(v["final"].get("distinct_units"), "d")),
                            ("last std init", lambda v: num(v["final"].get("act_std_last_hidden_init"), ".1e")),
                            ("saturated init", lambda v: pct(v["final"].get("saturated_last_hidden_init")))),
    finding=finding,
    track_activations={"saturation": True, "symmetry": True},
    add_extras=add_extras,
))
