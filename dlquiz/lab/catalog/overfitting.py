"""overfitting: a big MLP memorises 150 noisy digits; dropout, weight decay, early stopping, augmentation."""
from __future__ import annotations

from dlquiz.lab.catalog._base import Chart, Experiment, num, pct_or_na, register

TRAIN_SIZE, LABEL_NOISE, WIDTH, DEPTH, BATCH = 150, 0.3, 128, 4, 50
LR, WEIGHT_DECAY, DROPOUT, PATIENCE = 3e-3, 5.0, 0.6, 5

ACC_CHART = Chart("acc", "curves", {"en": "accuracy: train vs val", "zh": "准确率:训练 vs 验证"},
                  ("train_acc", "val_acc"))
GAP_CHART = Chart("gap", "gap", {"en": "train − val accuracy (the overfitting gap)",
                                 "zh": "训练 − 验证准确率(过拟合差距)"})


def build(cfg):
    import torch

    from dlquiz.lab import data as datasets
    from dlquiz.lab.engine import RunConfig, Variant
    from dlquiz.lab.models import MLP
    from dlquiz.lab.parts import custom_variant, shift_and_noise

    data = datasets.digits(cfg.seed, train_size=TRAIN_SIZE, label_noise=LABEL_NOISE)

    def mlp(dropout=0.0):
        return MLP(64, 10, width=WIDTH, depth=DEPTH, activation="relu", init="he", dropout=dropout, seed=cfg.seed)

    def adam(model, wd=0.0):
        return torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=wd, foreach=True)

    if cfg.knobs:
        base = mlp()
        variants = [Variant("baseline", base, adam(base)), custom_variant(cfg, 64, 10, EXPERIMENT.knob_defaults)]
    else:
        m = [mlp(), mlp(DROPOUT), mlp(), mlp(), mlp()]
        variants = [
            Variant("baseline", m[0], adam(m[0])),
            Variant(f"dropout {DROPOUT}", m[1], adam(m[1])),
            Variant(f"weight decay {WEIGHT_DECAY}", m[2], adam(m[2], wd=WEIGHT_DECAY)),
            Variant("early stopping", m[3], adam(m[3]), early_stopping_patience=PATIENCE),
            Variant("augmentation", m[4], adam(m[4]), augment=shift_and_noise),
        ]
    steps = cfg.steps or EXPERIMENT.default_steps
    return variants, data, RunConfig(steps=steps, batch_size=BATCH, report_every=10, seed=cfg.seed)


def add_extras(v):
    final = v["final"]
    if "train_acc" in final:
        final["train_val_gap"] = final["train_acc"] - final["val_acc"]


def finding(vname, v):
    f = v["final"]
    gap, stop, va = f.get("train_val_gap"), v.get("early_stop_step"), pct_or_na(f.get("val_acc"))
    extra_en = f", stopped at step {stop} (best weights from step {v.get('best_step')})" if stop is not None else ""
    extra_zh = f",第 {stop} 步停止(恢复第 {v.get('best_step')} 步的最佳权重)" if stop is not None else ""
    return (f"{vname}: train {pct_or_na(f['train_acc'])} / val {va}, gap {gap:+.0%}{extra_en}",
            f"{vname}: 训练 {pct_or_na(f['train_acc'])} / 验证 {va},差距 {gap:+.0%}{extra_zh}")


EXPERIMENT = register(Experiment(
    "overfitting",
    {"en": "Overfitting and its cures", "zh": "过拟合及其解决办法"},
    {"en": f"A big MLP ({DEPTH} layers of {WIDTH} units, Adam) trained on only {TRAIN_SIZE} digit images, "
           f"{LABEL_NOISE:.0%} of them with a "
           "random label, memorises everything: training accuracy (against the labels it was given, wrong "
           "ones included) reaches 100% while validation accuracy stalls around 70% — the train−val gap is "
           "overfitting. Dropout, weight decay (decoupled, AdamW), data augmentation (every image shifted "
           "by up to a pixel, plus noise) and early stopping (stop when the validation loss has not "
           f"improved for {PATIENCE} reports and restore the best weights; the stop step is marked) each keep the "
           "net from memorising the noise: the gap shrinks and validation accuracy rises.",
     "zh": f"一个大 MLP({DEPTH} 层、每层 {WIDTH} 个单元,Adam)只在 {TRAIN_SIZE} 张 digits 图片上训练,其中 "
           f"{LABEL_NOISE:.0%} 的标签是随机的,"
           "它会把一切都背下来:训练准确率(按给它的标签算,包括错误标签)达到 100%,验证准确率却停在 70% 左右,"
           "训练与验证的差距就是过拟合。Dropout、权重衰减(解耦式,AdamW)、数据增强(每张图随机平移至多一个像素再加噪声)"
           f"和早停(验证损失连续 {PATIENCE} 次报告没有改善就停止并恢复最佳权重,停止处会被标出)都能阻止网络背下噪声:"
           "差距缩小,验证准确率上升。"},
    ("overfitting", "dropout", "regularization", "data-augmentation", "early-stopping"), 200,
    build=build,
    knob_defaults=dict(depth=DEPTH, activation="relu", init="he", lr=0.01, dropout=0.0, batchnorm=False, width=WIDTH),
    charts=(ACC_CHART, GAP_CHART),
    columns=(("gap", lambda v: num(v["final"].get("train_val_gap"), "+.0%")),
             ("early stop", lambda v: "-" if v.get("early_stop_step") is None
              else f"{v['early_stop_step']} (best {v.get('best_step')})")),
    finding=finding,
    add_extras=add_extras,
))
