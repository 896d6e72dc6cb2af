"""batchnorm: the same deep ReLU MLP with and without BN at three learning rates."""
from __future__ import annotations

from dlquiz.lab.catalog._base import Chart, Experiment, num, pct, pct_or_na, register

DEPTH, WIDTH, ACTIVATION, INIT, LRS, BATCH = 10, 64, "relu", "he", (0.05, 0.3, 1.0), 64

LOSS_CHART = Chart("loss", "curves", {"en": "training loss (log; ✕ = diverged, clipped at the top)",
                                      "zh": "训练损失(对数轴;✕ = 发散,超出顶部的被截断)"}, ("train_loss",), log_y=True)
ACT_CHART = Chart("act", "layers", {"en": "activation std per hidden layer (latest report)",
                                    "zh": "各隐藏层激活的标准差(最近一次报告)"}, source="act_std", log_y=True)
MODES_CHART = Chart("modes", "bn_modes", {"en": "BN val accuracy: eval mode vs train mode (batch 8)",
                                          "zh": "BN 验证准确率:评估模式 vs 训练模式(每批 8 个)"})


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
        for lr in LRS:
            for bn in (False, True):
                model = MLP(64, 10, width=WIDTH, depth=DEPTH, activation=ACTIVATION, init=INIT, batchnorm=bn,
                            seed=cfg.seed)
                variants.append(Variant(f"{'BN' if bn else 'plain'} lr {lr}", model, sgd(model, lr, momentum=0.0)))
    steps = cfg.steps or EXPERIMENT.default_steps
    return variants, data, RunConfig(steps=steps, batch_size=BATCH, report_every=10, seed=cfg.seed, dense_steps=10)


def after_training(variants, data, device):
    from dlquiz.lab.parts import bn_train_vs_eval

    return bn_train_vs_eval(variants, data, device)


def add_activation_extras(v):
    if v.get("activation_stats"):
        first, last = v["activation_stats"][0], v["activation_stats"][-1]
        v["final"]["act_std_last_hidden_init"] = first["act_std"][-1]
        v["final"]["act_std_last_hidden_end"] = last["act_std"][-1]


def finding(vname, v):
    f = v["final"]
    va = pct_or_na(f.get("val_acc"))
    return (f"{vname}: train loss {f['train_loss']:.3f}, val acc {va}",
            f"{vname}: 训练损失 {f['train_loss']:.3f},验证准确率 {va}")


_LRS_EN = ", ".join(map(str, LRS[:-1])) + f" and {LRS[-1]}"
EXPERIMENT = register(Experiment(
    "batchnorm",
    {"en": "BatchNorm: higher learning rates, steadier layers", "zh": "批归一化: 更大的学习率、更稳定的各层分布"},
    {"en": f"The same {DEPTH}-layer ReLU MLP (He init, plain SGD) with and without BatchNorm at learning rates "
           f"{_LRS_EN}. Without BN the statistics of each layer's output drift as earlier layers "
           "change (see the per-layer activation mean/std over training): the plain net copes only with "
           f"the smallest rate, struggles at {LRS[1]} and blows up or dies at {LRS[2]}. With BN every layer's "
           "pre-activations are renormalised to mean ≈ 0, std ≈ 1 per batch (then scaled by the learned "
           "γ, β), so the larger rates are usable and the loss ends lower at every rate. The result also "
           "compares BN in train mode (statistics of each mini-batch of 8) with eval mode (the running "
           "averages), which is what inference must use.",
     "zh": f"同一个 {DEPTH} 层 ReLU MLP(He 初始化、普通 SGD),在学习率 {'、'.join(map(str, LRS))} 下分别加与不加 BN。"
           "不加 BN 时,前面层一变,后面每层输出的统计量就跟着漂移(见训练过程中各层激活的均值/标准差):"
           f"普通网络只能用最小的学习率,{LRS[1]} 时很吃力,{LRS[2]} 时发散或“死掉”。加 BN 后每层的预激活按批重新归一化到"
           "均值≈0、标准差≈1(再乘以学到的 γ、加上 β),更大的学习率也能用,而且在每个学习率下损失都更低。"
           "结果中还对比了 BN 在训练模式(每个 8 样本小批的统计量)和评估模式(滑动平均,推理时必须用它)下的准确率。"},
    ("batchnorm", "internal-covariate-shift", "learning-rate"), 150,
    build=build,
    knob_defaults=dict(depth=DEPTH, activation=ACTIVATION, init=INIT, lr=0.5, dropout=0.0, batchnorm=True,
                       momentum=0.0),
    charts=(LOSS_CHART, ACT_CHART, MODES_CHART),
    columns=(("last hidden std init→end", lambda v: f"{num(v['final'].get('act_std_last_hidden_init'), '.2g')}→"
              f"{num(v['final'].get('act_std_last_hidden_end'), '.2g')}"),
             ("BN eval-mode acc", lambda v: pct(v["final"].get("val_acc_bn_eval_mode"))),
             ("BN train-mode acc (batch 8)", lambda v: pct(v["final"].get("val_acc_bn_train_mode_batch8")))),
    finding=finding,
    track_activations={},
    after_training=after_training,
    add_extras=add_activation_extras,
))
