"""eval_mode: why `model.eval()` matters. Nets with dropout and/or BatchNorm, evaluated on the same
validation images in train mode and in eval mode: accuracy and loss, the spread of the predictions for
the same input over repeated passes, and what BN does with a batch of one."""
from __future__ import annotations

from dlquiz.lab.catalog._base import Chart, Experiment, num, pct, register

DEPTH, WIDTH, LR, MOMENTUM, BATCH, DROPOUT = 4, 64, 0.05, 0.9, 64, 0.5
EVAL_BATCH = 8  # the train-mode evaluation's mini-batches: BN's statistics from 8 examples
PROBE, PASSES = 64, 16  # prediction spread: this many validation images, each passed this many times

ACC_CHART = Chart("acc", "bars", {"en": f"val accuracy: eval mode vs train mode (batches of {EVAL_BATCH})",
                                  "zh": f"验证准确率:评估模式 vs 训练模式(每批 {EVAL_BATCH} 个)"},
                  ("val_acc_eval_mode", "val_acc_train_mode"),
                  labels=({"en": "eval mode", "zh": "评估模式"},
                          {"en": f"train mode, batch {EVAL_BATCH}", "zh": f"训练模式(每批 {EVAL_BATCH})"}))
SPREAD_CHART = Chart("spread", "bars",
                     {"en": f"spread of p(true class) over {PASSES} passes of the same input",
                      "zh": f"同一输入前向 {PASSES} 次,p(正确类)的离散程度"},
                     ("spread_eval_mode", "spread_train_mode"),
                     labels=({"en": "eval mode", "zh": "评估模式"}, {"en": "train mode", "zh": "训练模式"}))
# (name, batchnorm, dropout)
SPECS = ((f"BN + dropout {DROPOUT}", True, DROPOUT), (f"dropout {DROPOUT}", False, DROPOUT), ("BN", True, 0.0))


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
        for name, bn, dropout in SPECS:
            model = MLP(64, 10, width=WIDTH, depth=DEPTH, activation="relu", init="he", batchnorm=bn,
                        dropout=dropout, seed=cfg.seed)
            variants.append(Variant(name, model, sgd(model, LR, momentum=MOMENTUM)))
    steps = cfg.steps or EXPERIMENT.default_steps
    return variants, data, RunConfig(steps=steps, batch_size=BATCH, report_every=10, seed=cfg.seed)


def after_training(variants, data, device):
    from dlquiz.lab.parts import train_vs_eval_mode

    return {v.name: train_vs_eval_mode(v.model, data, device, EVAL_BATCH, PROBE, PASSES)
            for v in variants if v.diverged_at is None}


def finding(vname, v):
    f = v["final"]
    if "val_acc_eval_mode" not in f:
        return None
    batch1_en = ("BN refuses a batch of 1 in train mode" if f.get("train_mode_batch1_error")
                 else f"a batch of 1 in train mode: {pct(f.get('val_acc_train_mode_batch1'))}")
    batch1_zh = ("训练模式下 BN 拒绝只有 1 个样本的批" if f.get("train_mode_batch1_error")
                 else f"训练模式、每批 1 个:{pct(f.get('val_acc_train_mode_batch1'))}")
    return (f"{vname}: val acc {pct(f['val_acc_eval_mode'])} in eval mode, {pct(f['val_acc_train_mode'])} "
            f"in train mode; the same input's p(true class) varies by {f['spread_train_mode']:.2f} in train mode, "
            f"{f['spread_eval_mode']:.2g} in eval mode; {batch1_en}",
            f"{vname}: 验证准确率评估模式 {pct(f['val_acc_eval_mode'])},训练模式 {pct(f['val_acc_train_mode'])};"
            f"同一输入的 p(正确类)在训练模式下波动 {f['spread_train_mode']:.2f},评估模式下 {f['spread_eval_mode']:.2g};"
            + batch1_zh)


EXPERIMENT = register(Experiment(
    "eval_mode",
    {"en": "Dropout and BatchNorm at train vs eval time (why model.eval() matters)",
     "zh": "Dropout 与 BatchNorm 在训练和评估时的区别(为什么要 model.eval())"},
    {"en": f"Three {DEPTH}-layer ReLU MLPs on the digits data, with BatchNorm and dropout {DROPOUT}, with dropout "
           "only and with BN only, each evaluated on the same validation images twice: in train mode, as if "
           "model.eval() had been forgotten, and in eval mode. In train mode dropout zeroes a fresh random half "
           "of the units on every pass and BN normalises with the statistics of whatever batch the input "
           f"arrived in (here {EVAL_BATCH} images), so the same image gets a different answer every time: "
           f"the spread of p(true class) over {PASSES} passes is large and accuracy drops. In eval mode dropout is "
           "the identity (PyTorch scales the kept units by 1/(1−p) during training, so nothing needs rescaling) "
           "and BN uses the running averages gathered during training: the prediction is a fixed function of "
           "the input, the same on every pass and in any batch (spread 0). A batch of one image cannot be "
           "normalised with its own statistics (its variance is 0): in train mode PyTorch's BatchNorm refuses it "
           "with a ValueError; in eval mode it is fine.",
     "zh": f"在 digits 数据上训练三个 {DEPTH} 层 ReLU MLP:BatchNorm 加 dropout {DROPOUT}、只有 dropout、只有 BN,"
           "然后在同样的验证图片上各评估两次:训练模式(就像忘了调用 model.eval())和评估模式。训练模式下,dropout "
           "每次前向都随机丢掉一半单元,BN 用输入所在的那一批(这里是 "
           f"{EVAL_BATCH} 张图)的统计量归一化,所以同一张图每次得到的答案都不同:{PASSES} 次前向中 p(正确类)波动很大,"
           "准确率也下降。评估模式下 dropout 是恒等映射(PyTorch 在训练时已把保留的单元乘以 1/(1−p),无需再缩放),"
           "BN 用训练中累积的滑动平均:预测是输入的确定函数,每次、在任何批中都一样(波动为 0)。"
           "只有一张图的批无法用自身的统计量归一化(方差为 0):训练模式下 PyTorch 的 BatchNorm 直接报 ValueError,"
           "评估模式下则没问题。"},
    ("dropout", "batchnorm", "inference"), 200,
    build=build,
    knob_defaults=dict(depth=DEPTH, activation="relu", init="he", lr=LR, dropout=DROPOUT, batchnorm=True,
                       momentum=MOMENTUM),
    charts=(ACC_CHART, SPREAD_CHART),
    # (the base "val loss" and "val acc" columns are eval mode's, as every report evaluates in eval mode)
    columns=(("eval acc", lambda v: pct(v["final"].get("val_acc_eval_mode"))),
             (f"train-mode acc (b{EVAL_BATCH})", lambda v: pct(v["final"].get("val_acc_train_mode"))),
             (f"train-mode loss (b{EVAL_BATCH})", lambda v: num(v["final"].get("val_loss_train_mode"), ".3f")),
             ("p spread train/eval", lambda v: f"{num(v['final'].get('spread_train_mode'), '.2f')}/"
              f"{num(v['final'].get('spread_eval_mode'), '.2g')}"),
             ("batch of 1, train mode", lambda v: "-" if "val_acc_eval_mode" not in v["final"]
              else ("ValueError" if v["final"].get("train_mode_batch1_error")
                    else pct(v["final"].get("val_acc_train_mode_batch1"))))),
    finding=finding,
    after_training=after_training,
))
