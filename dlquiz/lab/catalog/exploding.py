"""exploding: too-large init or learning rate until the loss is inf/NaN, then clipping and He init."""
from __future__ import annotations

from dlquiz.lab.catalog._base import Chart, Experiment, num, pct_or_na, register, sci_or_na
from dlquiz.lab.catalog.vanishing import GRAD_CHART, GRAD_COLUMNS

DEPTH, WIDTH, LR, HIGH_LR, CLIP, HIGH_LR_CLIP, LARGE_GAIN = 12, 64, 0.03, 0.3, 1.0, 0.5, 1.5

LOSS_CHART = Chart("loss", "curves", {"en": "training loss (log; ✕ = diverged, clipped at the top)",
                                      "zh": "训练损失(对数轴;✕ = 发散,超出顶部的被截断)"}, ("train_loss",), log_y=True)


def build(cfg):
    import torch
    from torch import nn

    from dlquiz.lab import data as datasets
    from dlquiz.lab.engine import RunConfig, Variant
    from dlquiz.lab.models import MLP
    from dlquiz.lab.parts import custom_variant, sgd

    data = datasets.digits(cfg.seed)
    if cfg.knobs:
        variants = [custom_variant(cfg, 64, 10, EXPERIMENT.knob_defaults)]
    else:
        variants = []
        for name, gain, lr, clip in [
            (f"large init ({LARGE_GAIN}x He)", LARGE_GAIN, LR, None),
            (f"large init + clip {CLIP}", LARGE_GAIN, LR, CLIP),
            (f"He init (cure), lr {LR}", 1.0, LR, None),
            (f"He init, lr {HIGH_LR} (too high)", 1.0, HIGH_LR, None),
            (f"lr {HIGH_LR} + clip {HIGH_LR_CLIP} (cure)", 1.0, HIGH_LR, HIGH_LR_CLIP),
        ]:
            model = MLP(64, 10, width=WIDTH, depth=DEPTH, activation="relu", init="he", seed=cfg.seed)
            if gain != 1.0:
                with torch.no_grad():
                    for layer in model.modules():
                        if isinstance(layer, nn.Linear):
                            layer.weight.mul_(gain)
            variants.append(Variant(name, model, sgd(model, lr), clip_grad=clip))
    steps = cfg.steps or EXPERIMENT.default_steps
    return variants, data, RunConfig(steps=steps, batch_size=64, report_every=5, seed=cfg.seed, dense_steps=20)


def finding(vname, v):
    f = v["final"]
    g, va = sci_or_na(f.get("grad_norm_total_init")), pct_or_na(f.get("val_acc"))
    return f"{vname}: gradient norm at init {g}, val acc {va}", f"{vname}: 初始化时梯度范数 {g},验证准确率 {va}"


EXPERIMENT = register(Experiment(
    "exploding",
    {"en": "Exploding gradients and their cures", "zh": "梯度爆炸及其解决办法"},
    {"en": f"A {DEPTH}-layer ReLU MLP on the digits data. With weights drawn {LARGE_GAIN}× larger than He init every "
           f"layer multiplies the signal by about {LARGE_GAIN}, so the logits and the gradients start some 100× too "
           "large (compare the total gradient norm at init); the first SGD steps then grow the weights, which "
           "grows the gradients, and within a few steps the loss is inf/NaN: the lab reports 'diverged at "
           f"step N' instead of crashing. A learning rate that is too high ({HIGH_LR} with momentum) blows up the "
           "same way, a little later. Gradient clipping (rescale the whole gradient to norm ≤ c) bounds "
           "every update and rescues both; a proper He init keeps the forward and backward signal at a "
           "constant scale so the ordinary learning rate just works.",
     "zh": f"在 digits 数据上训练 {DEPTH} 层 ReLU MLP。权重取 He 初始化的 {LARGE_GAIN} 倍时,每一层把信号放大约 "
           f"{LARGE_GAIN} 倍,"
           "logits 和梯度一开始就大了约 100 倍(看初始化时的总梯度范数);前几步 SGD 使权重变大,权重变大又使梯度更大,"
           "几步之内损失就变成 inf/NaN:实验室报告“在第 N 步发散”而不是崩溃。学习率过高(带动量的 "
           f"{HIGH_LR})"
           "也会这样发散,只是稍晚一些。梯度裁剪(把整个梯度按比例缩放到范数 ≤ c)限制了每一步更新的大小,"
           "两种情况都能救回来;合适的 He 初始化让前向与反向信号保持同一量级,普通学习率就能正常训练。"},
    ("exploding-gradient", "gradient-clipping", "initialization"), 150,
    build=build,
    knob_defaults=dict(depth=DEPTH, activation="relu", init="large", lr=LR, dropout=0.0, batchnorm=False),
    charts=(LOSS_CHART, GRAD_CHART),
    columns=GRAD_COLUMNS + (("‖∇‖ init", lambda v: num(v["final"].get("grad_norm_total_init"), ".1e")),),
    finding=finding,
))
